#!/usr/bin/env python3
"""TCP client mode against socat and ncat servers; timeouts, resets and closes are reported
clearly, with the right exit codes."""
import socket
import struct
import subprocess
import time

from netpoke_test import Cli, Tap, WAIT, free_port, have, wait_listening_port

tap = Tap()


def peer_server(kind, port):
    # -t 5: after its input ends socat half-closes and reads on for 5 s (0.5 s by default).
    argv = {"socat": ["socat", "-t", "5", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", "-"],
            "ncat": ["ncat", "-l", "127.0.0.1", str(port)]}[kind]
    return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)


for kind in ("socat", "ncat"):
    if not have(kind):
        tap.skip(f"client mode against a {kind} server", f"{kind} not installed")
        continue
    port = free_port()
    peer = peer_server(kind, port)
    if not tap.ok(wait_listening_port(port), f"{kind} server listens on {port}"):
        peer.kill()
        continue
    cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port))
    connected = cli.wait_event(lambda e: e["event"] == "connected")
    tap.ok(connected is not None and connected["peer"] == f"127.0.0.1:{port}",
           f"connected to the {kind} server", connected)
    tap.ok(cli.wait_stderr("connected to 127.0.0.1:") is not None, "'connected to ADDR:PORT' on stderr")

    cli.send_line("hello from netpoke")
    sent = cli.wait_event(lambda e: e["event"] == "sent")
    tap.ok(sent is not None and sent["length"] == 19, f"sent event for the line to {kind}", sent)

    peer.stdin.write("reply 中文\n".encode())
    peer.stdin.flush()
    got = cli.wait_event(lambda e: e["event"] == "received")
    tap.ok(got is not None and got["text"] == "reply 中文\n", f"received the {kind} server's reply", got)

    # The server's input ends: it half-closes (shuts down its sending side, reads on). The
    # client says so and stays, as ncat does: what is typed next still reaches the server.
    peer.stdin.close()
    peer.stdin = None
    finished = cli.wait_event(lambda e: e["event"] in ("finished", "disconnected"))
    tap.ok(finished is not None and finished["event"] == "finished" and finished["bytes_in"] == len("reply 中文\n".encode()),
           f"the {kind} server's half-close is reported as 'finished' with its byte count", finished)
    tap.ok(cli.proc.poll() is None, "the client keeps running after the server finished sending")
    cli.send_line("after the server finished")
    sent = cli.wait_event(lambda e: e["event"] in ("sent", "disconnected"))
    tap.ok(sent is not None and sent["event"] == "sent", "a line typed afterwards is sent", sent)
    # Its own input ends too: both directions are done, it closes and exits 0.
    cli.proc.stdin.close()
    closed = cli.wait_event(lambda e: e["event"] == "disconnected")
    tap.ok(closed is not None and closed["message"].startswith("Finished") and not closed["failed"],
           "with standard input ended too, the client closes ('Finished')", closed)
    code = cli.finish()
    tap.eq(code, 0, f"client exits 0 once the {kind} server finished and its input ended")
    out, _ = peer.communicate(timeout=WAIT)
    tap.eq(out, b"hello from netpoke\nafter the server finished\n",
           f"the {kind} server got exactly both lines, the second after its half-close")

# ---- connect timeout: a listener whose accept queue is full drops further SYNs -------------
full = socket.socket()
full.bind(("127.0.0.1", 0))
full.listen(0)
port = full.getsockname()[1]
fillers = []
for _ in range(4):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(s)
time.sleep(0.2)
cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--timeout", "700")
code = cli.finish()
err = "\n".join(cli.stderr_text)
tap.ok(code == 1 and "no answer within 700 ms" in err, "connect timeout exits 1 and says so",
       f"exit {code}: {err}")
for s in fillers:
    s.close()
full.close()

# ---- reset by peer -------------------------------------------------------------------------
with socket.socket() as listener:
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port))
    conn, _ = listener.accept()
    tap.ok(cli.wait_event(lambda e: e["event"] == "connected") is not None, "connected to a Python server")
    conn.sendall(b"last words")
    got = cli.wait_event(lambda e: e["event"] == "received")
    tap.ok(got is not None and got["text"] == "last words", "data before the reset arrives", got)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()                # RST
    gone = cli.wait_event(lambda e: e["event"] == "disconnected")
    tap.ok(gone is not None and gone["failed"] and "reset" in gone["message"].lower(),
           "a reset is reported as a failure naming the reset", gone)
    code = cli.finish()
    tap.eq(code, 1, "client exits 1 after a reset")

# ---- IPv6 and SIGTERM --------------------------------------------------------------------
with socket.socket(socket.AF_INET6) as listener:
    listener.bind(("::1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    cli = Cli("tcp-client", "--host", "::1", "--port", str(port))
    conn, _ = listener.accept()
    connected = cli.wait_event(lambda e: e["event"] == "connected")
    tap.ok(connected is not None and connected["peer"] == f"[::1]:{port}", "IPv6 client connects", connected)
    cli.proc.terminate()
    tap.eq(cli.finish(), 0, "SIGTERM stops the client cleanly (exit 0)")
    conn.settimeout(WAIT)
    tap.eq(conn.recv(10), b"", "the server sees the connection closed")
    conn.close()

tap.done()
