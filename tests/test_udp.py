#!/usr/bin/env python3
"""UDP both ways with socat and Python: receive from anyone, peers heard, reply to all heard,
send to --to, IPv6, echo; 300 lines to 40 peers heard as one operation (sendmmsg): every peer
gets every datagram in order, one 'sent' event, exact per-peer counters."""
import socket
import subprocess
import time

from netpoke_test import Cli, Tap, WAIT, free_port, frozen_udp_burst, have, wait_listening_port

tap = Tap()

# ---- receive from socat and Python, answer everyone heard --------------------------------
cli = Cli("udp", "--bind", "127.0.0.1", "--port", "0")
_, port = cli.wait_listening()
tap.ok(port > 0, f"udp bound to an ephemeral port ({port})")

py = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
py.bind(("127.0.0.1", 0))
py.settimeout(WAIT)
py.sendto(b"from python", ("127.0.0.1", port))
got = cli.wait_event(lambda e: e["event"] == "received")
tap.ok(got is not None and got["text"] == "from python"
       and got["peer"] == f"127.0.0.1:{py.getsockname()[1]}", "datagram from a Python peer", got)

if have("socat"):
    socat_port = free_port(kind=socket.SOCK_DGRAM)
    socat = subprocess.Popen(["socat", "-", f"UDP:127.0.0.1:{port},bind=127.0.0.1:{socat_port}"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    socat.stdin.write(b"from socat\n")
    socat.stdin.flush()
    got = cli.wait_event(lambda e: e["event"] == "received")
    tap.ok(got is not None and got["text"] == "from socat\n"
           and got["peer"] == f"127.0.0.1:{socat_port}", "datagram from socat", got)
else:
    socat = None
    tap.skip("datagram from socat", "socat not installed")

cli.send_line("to all heard")
n_peers = 2 if socat else 1
sent = cli.wait_event(lambda e: e["event"] == "sent")
tap.ok(sent is not None and sent["peers"] == n_peers and sent["all"] and sent["messages"] == 1,
       "without --to a line goes to every peer heard: one 'sent' event for all of them", sent)
tap.eq(py.recvfrom(100)[0], b"to all heard\n", "the Python peer got the reply")
if socat:
    line = socat.stdout.readline()
    tap.eq(line, b"to all heard\n", "socat got the reply")
    socat.kill()
    socat.wait()
code = cli.stop()
tap.eq(code, 0, "udp stops on SIGINT with exit 0")
stopped = [e for e in cli.all_events if e["event"] == "stopped"]
tap.ok(stopped and stopped[0]["messages_in"] == n_peers and stopped[0]["messages_out"] == n_peers,
       "udp totals count every datagram", stopped)

# ---- send to --to a socat receiver -------------------------------------------------------
if have("socat"):
    recv_port = free_port(kind=socket.SOCK_DGRAM)
    receiver = subprocess.Popen(["socat", "-u", f"UDP-RECV:{recv_port},bind=127.0.0.1", "-"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    tap.ok(wait_listening_port(recv_port, udp=True), "socat UDP receiver is bound")
    cli = Cli("udp", "--to", f"127.0.0.1:{recv_port}", "--format", "hex")
    host, _ = cli.wait_listening()
    tap.eq(host, "0.0.0.0", "with an IPv4 --to and no --bind, udp binds IPv4 any")
    cli.send_line("48 49 0a")
    tap.eq(receiver.stdout.readline(), b"HI\n", "hex line reaches socat at --to")
    cli.stop()
    receiver.kill()
    receiver.wait()
else:
    tap.skip("send to --to a socat receiver", "socat not installed")

# ---- IPv6 and echo ----------------------------------------------------------------------
cli = Cli("udp", "--bind", "::1", "--port", "0", "--echo")
_, port = cli.wait_listening()
v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
v6.settimeout(WAIT)
v6.sendto(b"\x00\x01binary\xff", ("::1", port))
tap.eq(v6.recvfrom(100)[0], b"\x00\x01binary\xff", "--echo returns the datagram over IPv6 unchanged")
got = cli.wait_event(lambda e: e["event"] == "received")
tap.ok(got is not None and got["peer"].startswith("[::1]:") and got["hex"] == "000162696e617279ff",
       "IPv6 peer and exact bytes in the event", got)
cli.stop()

# ---- many lines to many peers heard: one operation, every datagram in order ---------------
cli = Cli("udp", "--bind", "127.0.0.1", "--port", "0")
_, port = cli.wait_listening()
peers = []
for i in range(40):
    p = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    p.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    p.bind(("127.0.0.1", 0))
    p.settimeout(WAIT)
    p.sendto(b"hello %d" % i, ("127.0.0.1", port))
    peers.append(p)
heard = cli.wait_events(lambda e: e["event"] == "received", len(peers))
tap.eq(len(heard), len(peers), "40 peers heard")
lines = [f"datagram {i:03d} {'y' * (i % 23)}" for i in range(300)]
cli.proc.stdin.write("".join(line + "\n" for line in lines).encode())
cli.proc.stdin.flush()
sent = []
while sum(e["messages"] for e in sent) < len(lines):
    event = cli.wait_event(lambda e: e["event"] == "sent")
    if event is None:
        break
    sent.append(event)
tap.ok(sum(e["messages"] for e in sent) == len(lines) and all(e["peers"] == len(peers) for e in sent),
       f"300 lines to 40 peers reported in {len(sent)} 'sent' event(s), not 12,000",
       [(e["messages"], e["peers"]) for e in sent])
complete = 0
for p in peers:
    got = []
    try:
        while len(got) < len(lines):
            got.append(p.recvfrom(200)[0])
    except socket.timeout:
        pass
    complete += got == [(line + "\n").encode() for line in lines]
tap.eq(complete, len(peers), "every peer got all 300 datagrams, in order")
latest = {}
deadline = time.monotonic() + WAIT
while time.monotonic() < deadline and not (len(latest) == len(peers) and all(
        c["messages_out"] == len(lines) for c in latest.values())):
    event = cli.wait_event(lambda e: e["event"] == "counters", deadline - time.monotonic())
    if event is None:
        break
    for c in event["counters"]:
        latest[c["peer_id"]] = c
size = sum(len(line) + 1 for line in lines)
tap.ok(len(latest) == len(peers) and all(c["messages_out"] == len(lines) and c["bytes_out"] == size
                                         and c["messages_in"] == 1 for c in latest.values()),
       "'counters' snapshots: every peer's exact datagrams and bytes, in and out", list(latest.values())[:2])
cli.stop()
stopped = [e for e in cli.all_events if e["event"] == "stopped"]
tap.ok(stopped and stopped[0]["messages_out"] == len(lines) * len(peers)
       and stopped[0]["bytes_out"] == size * len(peers), "endpoint totals are exact", stopped)
for p in peers:
    p.close()

# ---- datagrams the kernel drops are counted, not hidden -----------------------------------
# Freeze netpoke-cli (SIGSTOP), send far more than its receive buffer holds, let it go on:
# every datagram must be either received or reported dropped.
cli = Cli("udp", "--bind", "127.0.0.1", "--port", "0", "--stats")
sent = 20000
port, burst = frozen_udp_burst(cli, sent, 1000)
# The kernel stamps its drop count on datagrams as they are queued, so the count arrives with the
# first datagram after the overflow, as it would with any continuing traffic.
time.sleep(0.5)
burst.sendto(b"after", ("127.0.0.1", port))
sent += 1
report = cli.wait_event(lambda e: e["event"] == "error" and "dropped" in e.get("message", ""))
tap.ok(report is not None, "the drops are reported as they are noticed", report)
time.sleep(0.5)
cli.stop()
stats = [e for e in cli.all_events if e.get("event") == "stats"]
got = stats[0]["messages_in"] if stats else None
dropped = stats[0]["dropped"] if stats else None
tap.note(f"{sent} sent while frozen: {got} received, {dropped} dropped by the system")
tap.ok(stats and got > 0 and dropped > 0 and got + dropped == sent,
       "every datagram is either received or counted as dropped", stats)
burst.close()

# ---- a send with nowhere to go is an error line, not a crash ------------------------------
cli = Cli("udp", "--bind", "127.0.0.1", "--port", "0")
cli.wait_listening()
cli.proc.stdin.close()         # EOF: stays running until a signal
tap.ok(cli.proc.poll() is None, "EOF on stdin keeps the endpoint running")
tap.eq(cli.stop(), 0, "then SIGINT stops it with exit 0")

tap.done()
