#!/usr/bin/env python3
"""Framing on real streams: the reference's "16-byte ASCII length then payload" file transfer,
1 MiB both directions, verified by sha256; oversize headers; lines across segments."""
import hashlib
import json
import os
import socket
import threading
import time

from netpoke_test import Cli, Tap, WAIT, recv_until

tap = Tap()
payload = os.urandom(1024 * 1024)
digest = hashlib.sha256(payload).hexdigest()

# ---- Python client -> netpoke server, as in the reference's send side ---------------------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--framing", "ascii16")
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    c.sendall(str(len(payload)).ljust(16).encode())
    # Send in odd-sized pieces so the header and payload straddle reads.
    for i in range(0, len(payload), 70001):
        c.sendall(payload[i:i + 70001])
    got = server.wait_event(lambda e: e["event"] == "received", 60)
    data = bytes.fromhex(got["hex"]) if got else b""
    tap.ok(got is not None and got["length"] == len(payload), "one 1 MiB message arrives", got and got["length"])
    tap.eq(hashlib.sha256(data).hexdigest(), digest, "the 1 MiB payload is intact (sha256)")
server.stop()

# ---- netpoke client -> Python server: stdin line wrapped with the 16-byte header ----------
with socket.socket() as listener:
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--framing", "ascii16",
                 "--format", "hex")
    conn, _ = listener.accept()
    client.wait_event(lambda e: e["event"] == "connected")
    client.send_line(payload[:65536].hex())
    conn.settimeout(WAIT)
    framed = recv_until(conn, lambda d: len(d) >= 16 + 65536)
    header, body = framed[:16], framed[16:]
    tap.eq(header, b"65536           ", "the client writes the header as Python's ljust(16) does")
    tap.eq(hashlib.sha256(body).digest(), hashlib.sha256(payload[:65536]).digest(),
           "the framed payload follows the header intact")

    # Python server sends the 1 MiB file back the reference's way.
    conn.sendall(str(len(payload)).ljust(16).encode() + payload)
    got = client.wait_event(lambda e: e["event"] == "received", 60)
    tap.ok(got is not None and hashlib.sha256(bytes.fromhex(got["hex"])).hexdigest() == digest,
           "the client receives a 1 MiB framed file intact (sha256)")
    client.stop()
    conn.close()

# ---- oversize header: a protocol error, not an allocation --------------------------------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--framing", "u32be",
             "--max-message", "1000")
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    c.sendall(b"\x00\x00\x00\x03abc" + b"\xff\xff\xff\xf0" + b"junk")
    ok = server.wait_event(lambda e: e["event"] == "received")
    tap.ok(ok is not None and ok["text"] == "abc", "the valid frame before the bad one is delivered", ok)
    rest = server.wait_event(lambda e: e["event"] == "received")
    tap.ok(rest is not None and rest["hex"] == "fffffff06a756e6b",
           "bytes after the bad header are still shown, not dropped", rest)
    gone = server.wait_event(lambda e: e["event"] == "disconnected")
    tap.ok(gone is not None and gone["failed"] and "Protocol error" in gone["message"]
           and "4294967280" in gone["message"], "an oversize header closes that client with a reason", gone)
    tap.eq(recv_until(c, lambda d: False, 5), b"", "the client sees the close")
tap.ok(server.proc.poll() is None, "the server keeps running after a protocol error")
server.stop()

# ---- lines split across segments, and a last line without newline -------------------------
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--framing", "line")
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    for piece in (b"temp=2", b"1.5\r\nhum", b"=40\n\nno-newline"):
        c.sendall(piece)
        time.sleep(0.05)
lines = [e["text"] for e in server.wait_events(lambda e: e["event"] == "received", 4)]
tap.eq(lines, ["temp=21.5\r\n", "hum=40\n", "\n", "no-newline"],
       "lines are reassembled across segments; the unterminated tail arrives at close")
server.stop()

# ---- capture: every event, losslessly, even with --quiet ---------------------------------
capture = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"netpoke-capture-{os.getpid()}.jsonl")
server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--quiet", "--capture", capture,
             json_events=False)
_, port = server.wait_listening()
with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
    c.sendall(payload[:300000])
time.sleep(0.3)
server.stop()
with open(capture) as f:
    records = [json.loads(line) for line in f]
os.unlink(capture)
data = b"".join(bytes.fromhex(r["hex"]) for r in records if r["event"] == "received")
tap.eq(data, payload[:300000], "--capture records every received byte, in order")
# (counters snapshots come every 100 ms while traffic changes: how many depends on timing)
tap.eq([r["event"] for r in records if r["event"] not in ("received", "counters")],
       ["listening", "connected", "finished", "disconnected", "stopped"], "--capture records every other event")

tap.done()
