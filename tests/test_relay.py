#!/usr/bin/env python3
"""netpoke-cli relay between peers Netpoke did not write (socat, Python): each direction its own
rows, framed; every client its own connection to the target; half-close passed on, a reset
passed on as a reset, a target that refuses; backpressure (a target that does not read holds
the client back, memory stays flat); a large transfer each way identical by SHA-256 (NETPOKE_RELAY_MIB,
256 by default; build-aux/dev bench moves 1 GiB); the UDP relay (one socket per client address)."""
import hashlib
import os
import signal
import socket
import struct
import subprocess
import threading
import time

from netpoke_test import (Cli, Tap, WAIT, free_port, have, recv_to_eof, recv_until, run_cli, sanitized,
                          wait_listening_port)

tap = Tap()
BIG = int(os.environ.get("NETPOKE_RELAY_MIB", "256")) << 20


def relay(*args, target_port, listen="127.0.0.1:0", host="127.0.0.1"):
    target = f"[{host}]:{target_port}" if ":" in host else f"{host}:{target_port}"
    cli = Cli("relay", "--listen", listen, "--to", target, *args)
    _, port = cli.wait_listening()
    return cli, port


def listener(host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = socket.create_server((host, 0), family=family)
    server.settimeout(WAIT)
    return server, server.getsockname()[1]


def rows(cli, direction):
    return [e for e in cli.all_events if e["event"] == "received" and e.get("direction") == direction]


def reset(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


# ---- usage -------------------------------------------------------------------------------------
for args, expect in [
    (["--to", "127.0.0.1:9"], "relay needs --listen [ADDR:]PORT and --to HOST:PORT"),
    (["--listen", "0"], "relay needs --listen [ADDR:]PORT and --to HOST:PORT"),
    (["--listen", "nothere:80", "--to", "127.0.0.1:9"], "is not an IP address"),
    (["--listen", "70000", "--to", "127.0.0.1:9"], "out of range"),
    (["--listen", "0", "--to", "127.0.0.1"], "is not HOST:PORT"),
    (["--listen", "0", "--to", "127.0.0.1:9", "--port", "5"], "not --port, --bind or --host"),
]:
    code, _, err = run_cli("relay", *args)
    tap.ok(code == 2 and expect in err, f"usage error: {expect}", err)
code, _, err = run_cli("tcp-server", "--port", "0", "--listen", "5")
tap.ok(code == 2 and "--listen applies to relay" in err, "--listen belongs to relay", err)

# ---- both directions, framed rows, exact bytes ---------------------------------------------------
server, target_port = listener()
cli, port = relay("--framing", "line", target_port=target_port)
client = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
upstream, upstream_address = server.accept()
connected = cli.wait_event(lambda e: e["event"] == "connected")
tap.ok(connected is not None and connected["peer"] == f"127.0.0.1:{client.getsockname()[1]}"
       and connected["message"] == f"relayed to 127.0.0.1:{target_port} from 127.0.0.1:{upstream_address[1]}",
       "a client is relayed over its own connection, and the log says from where to where", connected)
client.sendall(b"one\r\ntwo\r\nthr")
tap.eq(recv_until(upstream, lambda d: len(d) >= 13), b"one\r\ntwo\r\nthr", "the target gets the client's bytes as they are")
upstream.sendall(b"\x00answer\n\xff")
tap.eq(recv_until(client, lambda d: len(d) >= 9), b"\x00answer\n\xff", "the client gets the target's bytes as they are")
cli.wait_events(lambda e: e["event"] == "received", 3)
tap.eq([e["text"] for e in rows(cli, "to-target")], ["one\r\n", "two\r\n"],
       "client → target rows are cut by the framing (a part line waits)")
tap.eq([e["hex"] for e in rows(cli, "to-client")], ["00616e737765720a"], "target → client rows likewise")

# Half-close: the client finishes sending, the target hears the end and can still answer.
client.sendall(b"ee\n")
client.shutdown(socket.SHUT_WR)
tap.eq(recv_to_eof(upstream), b"ee\n", "the client's half-close reaches the target as an end of stream")
finished = cli.wait_event(lambda e: e["event"] == "notice" and "half-close" in e["message"])
tap.ok(finished is not None and finished["message"].startswith("The client finished sending"), "the log says who finished", finished)
upstream.sendall(b"still talking\n")
tap.eq(recv_until(client, lambda d: d.endswith(b"talking\n")), b"still talking\n",
       "the target can still answer a client that finished sending")
upstream.close()
tap.eq(recv_to_eof(client), b"", "the target's close reaches the client")
gone = cli.wait_event(lambda e: e["event"] == "disconnected")
tap.ok(gone is not None and gone["message"] == "Closed by both sides" and not gone["failed"]
       and gone["bytes_in"] == 16 and gone["bytes_out"] == 23, "the pair ends with both sides' byte counts", gone)
tap.eq([e["text"] for e in rows(cli, "to-target")][-1:], ["three\n"], "the rest of a direction is a row when it ends")
client.close()

# ---- every client its own connection; resets both ways ------------------------------------------
clients = [socket.create_connection(("127.0.0.1", port), timeout=WAIT) for _ in range(2)]
upstreams = [server.accept() for _ in range(2)]
tap.ok(upstreams[0][1][1] != upstreams[1][1][1], "two clients come to the target from two connections")
ids = {e["peer"]: e["peer_id"] for e in cli.wait_events(lambda e: e["event"] == "connected", 2)}
# Which upstream is whose is learned from the bytes.
for index, c in enumerate(clients):
    c.sendall(f"client {index}\n".encode())
by_text = {}
for u, _ in upstreams:
    by_text[recv_until(u, lambda d: d.endswith(b"\n"))] = u
first, second = by_text[b"client 0\n"], by_text[b"client 1\n"]

reset(first)   # the target resets the first client's connection
try:
    got = clients[0].recv(10)
    outcome = "closed" if got == b"" else got
except ConnectionResetError:
    outcome = "reset"
tap.eq(outcome, "reset", "a reset from the target reaches the client as a reset")
gone = cli.wait_event(lambda e: e["event"] == "disconnected")
tap.ok(gone is not None and gone["failed"] and "the client was reset too" in gone["message"]
       and gone["peer_id"] == ids[f"127.0.0.1:{clients[0].getsockname()[1]}"], "and the log says so, for that client", gone)
clients[0].close()

reset(clients[1])   # the second client resets its own
try:
    got = second.recv(10)
    outcome = "closed" if got == b"" else got
except ConnectionResetError:
    outcome = "reset"
tap.eq(outcome, "reset", "a reset from the client reaches the target as a reset")
gone = cli.wait_event(lambda e: e["event"] == "disconnected")
tap.ok(gone is not None and gone["failed"] and "the target was reset too" in gone["message"], "and is logged", gone)
second.close()

# Disconnect All (SIGUSR1) closes every pair; the relay keeps listening.
c = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
u, _ = server.accept()
cli.wait_event(lambda e: e["event"] == "connected")
cli.proc.send_signal(signal.SIGUSR1)
tap.ok(recv_to_eof(c) == b"" and recv_to_eof(u) == b"", "SIGUSR1 closes both sides of every pair")
c.close()
u.close()
tap.eq(cli.stop(), 0, "the relay stops with exit 0")
server.close()

# ---- a target that refuses ---------------------------------------------------------------------
cli, port = relay(target_port=free_port())
c = socket.socket()
c.settimeout(WAIT)
try:
    # On loopback the reset can come back before connect() does.
    c.connect(("127.0.0.1", port))
    outcome = "closed" if c.recv(10) == b"" else "data"
except ConnectionResetError:
    outcome = "reset"
tap.eq(outcome, "reset", "when the target refuses, the client is reset")
error = cli.wait_event(lambda e: e["event"] == "error")
tap.ok(error is not None and "connection refused; the client was reset" in error["message"], "the log says why", error)
tap.ok(not [e for e in cli.all_events if e["event"] in ("connected", "disconnected")],
       "a client that never reached the target is not listed as a peer")
c.close()
cli.stop()

# ---- IPv6 --------------------------------------------------------------------------------------
server, target_port = listener("::1")
cli, port = relay(target_port=target_port, listen="[::1]:0", host="::1")
c = socket.create_connection(("::1", port), timeout=WAIT)
u, _ = server.accept()
c.sendall(b"v6")
tap.eq(recv_until(u, lambda d: len(d) >= 2), b"v6", "IPv6 on both sides")
c.close()
u.close()
server.close()
cli.stop()

# ---- backpressure: a target that does not read holds the client back ------------------------------
server, target_port = listener()
cli, port = relay("--stats", target_port=target_port)
c = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
u, _ = server.accept()
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
relay_pid = cli.proc.pid


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


rss_before = rss_kib(relay_pid)
c.setblocking(False)
chunk = b"x" * 65536
pushed = 0
stalled_since = None
deadline = time.monotonic() + WAIT
while time.monotonic() < deadline and pushed < 512 << 20:
    try:
        pushed += c.send(chunk)
        stalled_since = None
    except BlockingIOError:
        stalled_since = stalled_since or time.monotonic()
        if time.monotonic() - stalled_since > 1.0:
            break
        time.sleep(0.01)
rss_after = rss_kib(relay_pid)
tap.ok(stalled_since is not None and pushed < 64 << 20,
       f"the client is held back: it could push {pushed >> 10} KiB and then nothing for 1 s")
if sanitized(relay_pid):
    tap.skip("the relay's memory stays flat", "built with AddressSanitizer")
else:
    tap.ok(rss_after - rss_before < 8 * 1024, f"the relay's memory stays flat (RSS {rss_before} → {rss_after} KiB)")
c.setblocking(True)
c.shutdown(socket.SHUT_WR)
received = len(recv_to_eof(u))
tap.eq(received, pushed, "once the target reads, everything the client pushed arrives")
c.close()
u.close()
server.close()
cli.stop()

# ---- a large transfer each way, by SHA-256 -------------------------------------------------------


def pattern(size):
    """Bytes that are not all alike, made fast: a random MiB, each copy numbered."""
    block = os.urandom(1 << 20)
    for i in range(size >> 20):
        yield i.to_bytes(8, "big") + block[8:]


def transfer(direction):
    server, target_port = listener()
    cli, port = relay("--stats", target_port=target_port)
    c = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    u, _ = server.accept()
    sender, receiver = (c, u) if direction == "to-target" else (u, c)
    sent_hash, got_hash = hashlib.sha256(), hashlib.sha256()
    counts = {"got": 0}

    def read():
        while True:
            data = receiver.recv(1 << 20)
            if not data:
                break
            counts["got"] += len(data)
            got_hash.update(data)

    reader = threading.Thread(target=read)
    reader.start()
    start = time.monotonic()
    for block in pattern(BIG):
        sent_hash.update(block)
        sender.sendall(block)
    sender.shutdown(socket.SHUT_WR)
    reader.join(120)
    seconds = time.monotonic() - start
    c.close()
    u.close()
    server.close()
    gone = cli.wait_event(lambda e: e["event"] == "disconnected" or e["event"] == "stopped", timeout=5)
    cli.stop()
    return counts["got"], sent_hash.hexdigest() == got_hash.hexdigest(), seconds


for direction in ("to-target", "to-client"):
    got, same, seconds = transfer(direction)
    tap.ok(got == BIG and same, f"{BIG >> 20} MiB {direction.replace('-', ' ')}: every byte, SHA-256 identical "
           f"({BIG / seconds / 2**20:.0f} MiB/s)", (got, same))

# ---- UDP: one socket per client address ---------------------------------------------------------
target = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
target.bind(("127.0.0.1", 0))
target.settimeout(WAIT)
cli = Cli("relay", "--udp", "--listen", "127.0.0.1:0", "--to", f"127.0.0.1:{target.getsockname()[1]}")
_, port = cli.wait_listening()
peers = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
sources = []
for index, p in enumerate(peers):
    p.settimeout(WAIT)
    p.sendto(f"from {index}".encode(), ("127.0.0.1", port))
    data, source = target.recvfrom(100)
    sources.append(source)
    tap.eq(data, f"from {index}".encode(), f"the target gets client {index}'s datagram")
    target.sendto(f"to {index}".encode(), source)
    tap.eq(p.recvfrom(100), (f"to {index}".encode(), ("127.0.0.1", port)),
           f"the target's answer reaches client {index}, from the relay's port")
tap.ok(sources[0] != sources[1], "each client address gets its own socket to the target", sources)
peers[0].sendto(b"again", ("127.0.0.1", port))
tap.eq(target.recvfrom(100), (b"again", sources[0]), "a client keeps its socket")
cli.wait_events(lambda e: e["event"] == "received", 5)
tap.eq(sorted(e["text"] for e in rows(cli, "to-target")), ["again", "from 0", "from 1"], "client → target rows")
tap.eq(sorted(e["text"] for e in rows(cli, "to-client")), ["to 0", "to 1"], "target → client rows")
code = cli.stop()
gone = [e for e in cli.all_events if e["event"] == "disconnected"]
tap.ok(code == 0 and len(gone) == 2 and sum(e["bytes_in"] for e in gone) == 17,
       "stopping ends each client's session with its counters", gone)
tap.eq([e["disconnected"] for e in cli.all_events if e["event"] == "stopped"], [2],
       "'stopped' counts the two sessions it ended")
for p in peers + [target]:
    p.close()

tap.done()
