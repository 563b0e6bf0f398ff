#!/usr/bin/env python3
"""TCP server mode against peers Netpoke did not write: 50 clients (socat, ncat, Python) get a
broadcast exactly once, and 500 lines given at once arrive at every client complete and in order,
each send reported by ONE 'sent' event; per-client counters (snapshots and final) are exact; a
client that stops reading delays the others 5 s at most; IPv6 and dual-stack; GBK decoding; stop
closes every client."""
import socket
import subprocess
import threading
import time

from netpoke_test import Cli, Tap, WAIT, have, recv_to_eof, recv_until

tap = Tap()

# ---- 50 clients of three kinds, one broadcast ---------------------------------------------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1")
_, port = server.wait_listening()
tap.ok(port > 0, f"server reports the real port when asked for 0 ({port})")

procs = []   # (kind, Popen)
socks = []   # Python clients
kinds = [("socat", 17), ("ncat", 17), ("python", 16)]
for kind, count in kinds:
    for _ in range(count):
        if kind == "python":
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=WAIT))
        elif have(kind):
            argv = (["socat", "-", f"TCP:127.0.0.1:{port}"] if kind == "socat"
                    else ["ncat", "127.0.0.1", str(port)])
            procs.append((kind, subprocess.Popen(argv, stdin=subprocess.PIPE,
                                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)))
missing = [k for k, _ in kinds if k != "python" and not have(k)]
n_clients = len(procs) + len(socks)
if missing:
    tap.note(f"peers missing: {missing}; running with {n_clients} clients")

connected = server.wait_events(lambda e: e["event"] == "connected", n_clients)
tap.eq(len(connected), n_clients, f"all {n_clients} clients are reported connected")
tap.eq(len({e["peer_id"] for e in connected}), n_clients, "each client has its own id")
tap.eq(len({e["peer"] for e in connected}), n_clients, "each client has its own address")

server.send_line("broadcast to all")
sent = server.wait_event(lambda e: e["event"] == "sent")
tap.ok(sent is not None and sent["peers"] == n_clients and sent["messages"] == 1 and sent["all"]
       and sent["length"] == 17 and sent["bytes"] == 17 * n_clients and sent["text"] == "broadcast to all\n",
       "ONE 'sent' event for the broadcast: 1 message, 17 bytes, to all clients", sent)
tap.eq(sorted(sent["peer_ids"]) if sent else None, sorted(e["peer_id"] for e in connected),
       "the broadcast went to every connected client, once each")

for s in socks:
    s.settimeout(WAIT)
got = [recv_until(s, lambda d: d.endswith(b"\n")) for s in socks]
tap.ok(all(g == b"broadcast to all\n" for g in got), "every Python client got the broadcast",
       [g for g in got if g != b"broadcast to all\n"][:3])

# ---- 500 lines given at once: one batch, every client gets every byte in order -------------
lines = "".join(f"line {i:03d} {'x' * (i % 41)}\n" for i in range(500))
server.proc.stdin.write(lines.encode())
server.proc.stdin.flush()
batch_sent = []
while sum(e["messages"] for e in batch_sent) < 500:
    event = server.wait_event(lambda e: e["event"] == "sent")
    if event is None:
        break
    batch_sent.append(event)
tap.ok(sum(e["messages"] for e in batch_sent) == 500 and all(e["peers"] == n_clients for e in batch_sent)
       and "".join(e["text"] for e in batch_sent) == lines,
       f"500 lines went to every client in {len(batch_sent)} 'sent' event(s), not {500 * n_clients}",
       [(e["messages"], e["peers"]) for e in batch_sent])
got = [recv_until(s, lambda d: len(d) >= len(lines)) for s in socks]
tap.ok(all(g == lines.encode() for g in got), "every Python client got all 500 lines, in order",
       [len(g) for g in got if g != lines.encode()][:5])
everything = b"broadcast to all\n" + lines.encode()

# Counter snapshots: the latest for every client reaches what it was sent.
latest = {}
deadline = time.monotonic() + WAIT
while time.monotonic() < deadline and not (len(latest) == n_clients and all(
        c["messages_out"] == 501 for c in latest.values())):
    event = server.wait_event(lambda e: e["event"] == "counters", deadline - time.monotonic())
    if event is None:
        break
    for c in event["counters"]:
        latest[c["peer_id"]] = c
tap.ok(len(latest) == n_clients and all(c["messages_out"] == 501 and c["bytes_out"] == len(everything)
                                        for c in latest.values()),
       "'counters' snapshots show every client's exact bytes_out and messages_out",
       list(latest.values())[:2])

# ---- per-client counters: each Python client sends a different amount ---------------------
expected_bytes = {}
for i, s in enumerate(socks):
    payload = bytes([65 + i % 26]) * (100 * i + 1)
    s.sendall(payload)
    expected_bytes[s.getsockname()[1]] = len(payload)
total = sum(expected_bytes.values())
received = {}
deadline = time.monotonic() + WAIT
while sum(received.values()) < total and time.monotonic() < deadline:
    event = server.wait_event(lambda e: e["event"] == "received", deadline - time.monotonic())
    if event is None:
        break
    local_port = int(event["peer"].rsplit(":", 1)[1])
    received[local_port] = received.get(local_port, 0) + event["length"]
    tap_fail = len(bytes.fromhex(event["hex"])) != event["length"]
    if tap_fail:
        break
tap.eq(received, expected_bytes, "bytes received are counted exactly per client")

# ---- stop: every client sees a clean close, exactly one broadcast each ---------------------
for _, p in procs:
    p.stdin.close()      # socat/ncat would otherwise keep their half open
    p.stdin = None
code = server.stop()
tap.eq(code, 0, "SIGINT stops the server with exit 0")
eofs = [recv_to_eof(s, 5) for s in socks]
tap.ok(all(e == b"" for e in eofs), "every Python client sees EOF after stop", eofs[:3])
outputs = []
for kind, p in procs:
    try:
        out, _ = p.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        out = b"<did not exit>" + out
    outputs.append((kind, out))
for kind in ("socat", "ncat"):
    mine = [o for k, o in outputs if k == kind]
    if not mine:
        tap.skip(f"{kind} clients got everything exactly once", f"{kind} not installed")
        continue
    tap.ok(all(o == everything for o in mine),
           f"{len(mine)} {kind} clients got the broadcast and the 500 lines exactly once, in order, "
           "and exited on close", [o[:40] for o in mine if o != everything][:3])
disconnected = [e for e in server.all_events if e["event"] == "disconnected"]
tap.eq(len(disconnected), n_clients, "a 'disconnected' event for every client on stop")
by_port = {int(e["peer"].rsplit(":", 1)[1]): e for e in disconnected}
tap.ok(all(by_port[p]["bytes_in"] == n for p, n in expected_bytes.items()),
       "final per-client bytes_in counters are exact")
tap.ok(all(e["bytes_out"] == len(everything) and e["messages_out"] == 501 for e in disconnected),
       "final per-client bytes_out/messages_out counters are exact")
stopped = [e for e in server.all_events if e["event"] == "stopped"]
tap.ok(len(stopped) == 1 and stopped[0]["bytes_in"] == total
       and stopped[0]["bytes_out"] == n_clients * len(everything)
       and stopped[0]["messages_out"] == n_clients * 501,
       "endpoint totals are exact", stopped)
tap.ok(stopped and stopped[0]["disconnected"] == n_clients,
       "'stopped' counts the clients the stop disconnected", stopped)
for s in socks:
    s.close()

# ---- a client that stops reading delays the others 5 s at most, then is dropped -----------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--stats")
_, port = server.wait_listening()
stuck = socket.socket()
stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
stuck.connect(("127.0.0.1", port))
readers = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
tap.eq(len(server.wait_events(lambda e: e["event"] == "connected", 4)), 4, "1 stuck + 3 readers connected")

line = "x" * 65535                     # 64 KiB per message with the newline
n_messages = 160                       # 10 MiB per reader: more than the 4 MiB per-client limit
expected = n_messages * 65536
got = [0] * len(readers)


def read_all(index):
    got[index] = len(recv_until(readers[index], lambda d: len(d) >= expected, timeout=60))


# The readers read while the lines are written: standard input goes at the pace of the clients
# that read (the stuck one is waited for 5 s, then dropped), so with nobody reading yet this
# write would wait, as it would with nc.
threads = [threading.Thread(target=read_all, args=(i,)) for i in range(len(readers))]
start = time.monotonic()
for t in threads:
    t.start()
for _ in range(n_messages):
    server.send_line(line)
for t in threads:
    t.join()
elapsed = time.monotonic() - start
tap.ok(all(g == expected for g in got),
       f"3 reading clients got all {expected} bytes while one client never read ({elapsed:.2f} s)",
       got)
kicked = server.wait_event(lambda e: e["event"] == "disconnected", WAIT)
tap.ok(kicked is not None and "Send queue overflow" in kicked.get("message", "")
       and kicked["peer"].endswith(f":{stuck.getsockname()[1]}"),
       "the stuck client is disconnected with a reason", kicked)
tap.ok(server.proc.poll() is None, "the server keeps running")
server.stop()
for s in readers + [stuck]:
    s.close()

# ---- IPv6, dual-stack, GBK -----------------------------------------------------------------
server = Cli("tcp-server", "--port", "0", "--encoding", "gbk")
host, port = server.wait_listening()
tap.eq(host, "[::]", "no --bind listens on every address, dual-stack")
v4 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
v6 = socket.create_connection(("::1", port), timeout=WAIT)
peers = [e["peer"] for e in server.wait_events(lambda e: e["event"] == "connected", 2)]
tap.ok(any(p.startswith("127.0.0.1:") for p in peers) and any(p.startswith("[::1]:") for p in peers),
       "an IPv4 and an IPv6 client, shown as 127.0.0.1:P and [::1]:P", peers)
v4.sendall("中文设备\r\n".encode("gbk"))
event = server.wait_event(lambda e: e["event"] == "received")
tap.ok(event is not None and event["text"] == "中文设备\r\n"
       and bytes.fromhex(event["hex"]) == "中文设备\r\n".encode("gbk"),
       "GBK bytes from a peer decode right with --encoding gbk", event)
v6.sendall(b"\xff\xfe ok")
event = server.wait_event(lambda e: e["event"] == "received")
tap.ok(event is not None and event["text"] == "\\xFF\\xFE ok",
       "bytes invalid in the encoding are shown as \\xNN, not dropped", event)
server.stop()
v4.close()
v6.close()

server = Cli("tcp-server", "--port", "0", "--bind", "::1")
host, port = server.wait_listening()
tap.eq(host, "[::1]", "--bind ::1 listens on IPv6 loopback")
c = socket.create_connection(("::1", port), timeout=WAIT)
c.sendall(b"six\n")
event = server.wait_event(lambda e: e["event"] == "received")
tap.ok(event is not None and event["text"] == "six\n", "IPv6 client data arrives", event)
server.stop()
c.close()

# ---- echo, human output --------------------------------------------------------------------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--echo", json_events=False)
_, port = server.wait_listening()
c = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
c.sendall(b"ping\x1b[31m\r\n")
tap.eq(recv_until(c, lambda d: len(d) >= 11), b"ping\x1b[31m\r\n", "--echo sends each message back")
line = server.wait_event(lambda l: "<-" in l)
tap.ok(line is not None and "ping\\x1B[31m\\r\\n" in line and "\x1b" not in line,
       "human output escapes control characters", line)
line = server.wait_event(lambda l: "->" in l)
tap.ok(line is not None and f"#1 127.0.0.1:{c.getsockname()[1]} -> 11 B by rule 1: ping" in line,
       "the echo is one line naming its one peer and its rule", line)
d = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
server.wait_event(lambda l: "#2" in l and "connected" in l)
server.send_line("hello both")
line = server.wait_event(lambda l: "->" in l)
tap.ok(line is not None and "all 2 peers -> 11 B: hello both\\n" in line,
       "a line to every client is ONE output line saying how many got it", line)
server.stop()
c.close()
d.close()

tap.done()
