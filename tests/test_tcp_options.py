#!/usr/bin/env python3
"""TCP beyond connect and listen, against peers Netpoke did not write: a client that reconnects
across a server restart (Python, then socat) with growing, capped waits, every attempt logged with
its reason, lines typed while down sent after reconnect or reported as not sent at stop; the
client's source address and port; keep-alive seen by the kernel (ss); a server's client limit
(the excess reset, the reason logged) and Disconnect All (SIGUSR1)."""
import re
import signal
import socket
import subprocess
import time

from netpoke_test import Cli, Tap, WAIT, free_port, have, recv_until, run_cli

tap = Tap()


def notices(cli):
    return [e["message"] for e in cli.all_events if e["event"] == "notice"]


def listen(port, family=socket.AF_INET):
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    server.settimeout(WAIT)
    return server


# ---- usage -------------------------------------------------------------------------------------
for mode, args, expect in [
    ("tcp-server", ["--port", "0", "--reconnect"], "--reconnect applies to tcp-client"),
    ("tcp-client", ["--host", "127.0.0.1", "--port", "1", "--reconnect-max", "500"], "--reconnect-max applies to --reconnect"),
    ("tcp-client", ["--host", "127.0.0.1", "--port", "1", "--reconnect", "--reconnect-max", "5"], "--reconnect-max “5” must be a number (100–3600000)"),
    ("tcp-client", ["--host", "127.0.0.1", "--port", "1", "--local-port", "70000"], "--local-port “70000” must be a number (1–65535)"),
    ("tcp-client", ["--host", "127.0.0.1", "--port", "1", "--max-clients", "3"], "--max-clients applies to tcp-server"),
    ("tcp-server", ["--port", "0", "--max-clients", "0"], "--max-clients “0” must be a number"),
    ("udp", ["--port", "0", "--keepalive"], "--keepalive applies to tcp-server and tcp-client"),
]:
    code, _, err = run_cli(mode, *args)
    tap.ok(code == 2 and expect in err, f"usage error: {expect}", err)

# ---- reconnect across a server restart ---------------------------------------------------------
port = free_port()
cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--reconnect", "--reconnect-max", "2000")
# Nobody listens yet: attempts fail, each logged with why and when the next comes.
deadline = time.monotonic() + WAIT
while len([m for m in notices(cli) if "connection refused" in m]) < 4 and time.monotonic() < deadline:
    cli.wait_event(lambda e: e["event"] == "notice", timeout=1)
refused = [m for m in notices(cli) if "connection refused" in m]
waits = [float(re.search(r"again in ([0-9.]+) s", m).group(1)) for m in refused]
attempts = [int(re.search(r"attempt (\d+)", m).group(1)) for m in refused]
tap.ok(len(refused) >= 4 and all(f"127.0.0.1:{port}: connection refused" in m for m in refused),
       "every failed attempt is logged with its reason", refused)
tap.eq(waits[:4], [0.5, 1.0, 2.0, 2.0], "the wait doubles from 0.5 s and stops at --reconnect-max (2 s)")
tap.eq(attempts[:4], [2, 3, 4, 5], "attempts are numbered")

cli.send_line("typed while down")
queued = cli.wait_event(lambda e: e["event"] == "notice" and e["message"].startswith("Not connected"))
tap.ok(queued is not None and "1 messages, 17 bytes waiting" in queued["message"],
       "a line typed while down waits for the connection, and the log says so", queued)

server = listen(port)
peer, _ = server.accept()
connected = cli.wait_event(lambda e: e["event"] == "connected")
tap.ok(connected is not None, "the client connects once the Python server is up", connected)
tap.eq(recv_until(peer, lambda d: d.endswith(b"\n")), b"typed while down\n",
       "the waiting line is sent after the connection came up")
sent = cli.wait_event(lambda e: e["event"] == "sent")
tap.ok(sent is not None and sent["text"] == "typed while down\n", "its sent event comes with it", sent)

# The server goes away (restart): the client says so and tries again, from 0.5 s.
peer.close()
server.close()
lost = cli.wait_event(lambda e: e["event"] == "notice" and "again in" in e["message"])
tap.ok(lost is not None and lost["message"] == "Closed by peer. Connecting again in 0.5 s (attempt 1)",
       "a dropped connection is logged with the reason and the first wait", lost)

if have("socat"):
    socat = subprocess.Popen(["socat", "-u", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", "-"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    again = cli.wait_event(lambda e: e["event"] == "connected")
    tap.ok(again is not None, "reconnected to socat listening on the same port", again)
    cli.send_line("after the restart")
    tap.eq(socat.stdout.readline(), b"after the restart\n", "socat gets what is typed after the restart")
    socat.terminate()
    socat.wait()
else:
    tap.skip("reconnected to socat listening on the same port", "socat not installed")
    tap.skip("socat gets what is typed after the restart", "socat not installed")

# Stopped while down with a line waiting: it is reported as not sent.
cli.wait_event(lambda e: e["event"] == "notice" and "again in" in e["message"])
cli.send_line("never sent")
cli.wait_event(lambda e: e["event"] == "notice" and e["message"].startswith("Not connected"))
code = cli.stop()
errors = [e["message"] for e in cli.all_events if e["event"] == "error"]
tap.ok(code == 0 and "Not sent: 1 messages (11 bytes) were waiting for the connection" in errors,
       "stopping with a line waiting reports it as not sent", (code, errors))

# Without --reconnect a refused connection still ends the client.
code, _, err = run_cli("tcp-client", "--host", "127.0.0.1", "--port", str(free_port()))
tap.ok(code == 1 and "connection refused" in err, "without --reconnect a refusal ends the client (exit 1)", err)

# ---- source address and port -------------------------------------------------------------------
port = free_port()
server = listen(port)
local_port = free_port()
cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--bind", "127.0.0.1",
          "--local-port", str(local_port))
peer, source = server.accept()
tap.eq(source, ("127.0.0.1", local_port), "--bind and --local-port set where the connection comes from")
cli.stop()
peer.close()
server.close()

# ---- keep-alive ---------------------------------------------------------------------------------


def keepalive_timers(port):
    out = subprocess.run(["ss", "-tnoH", "state", "established", f"( sport = :{port} or dport = :{port} )"],
                         capture_output=True, text=True).stdout
    return out


if have("ss"):
    port = free_port()
    server = listen(port)
    cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--keepalive")
    peer, source = server.accept()
    cli.wait_event(lambda e: e["event"] == "connected")
    lines = [l for l in keepalive_timers(port).splitlines() if f":{source[1]} " in l.split()[2] + " "]
    tap.ok(lines and "timer:(keepalive" in lines[0], "--keepalive: the kernel keeps a keep-alive timer on the socket",
           keepalive_timers(port))
    cli.stop()
    peer.close()
    cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port))
    peer, source = server.accept()
    cli.wait_event(lambda e: e["event"] == "connected")
    lines = [l for l in keepalive_timers(port).splitlines() if f":{source[1]} " in l.split()[2] + " "]
    tap.ok(lines and "keepalive" not in lines[0], "without it there is none", lines)
    cli.stop()
    peer.close()
    server.close()
else:
    tap.skip("--keepalive", "ss (iproute2) not installed")

# ---- max clients, disconnect all -----------------------------------------------------------------
cli = Cli("tcp-server", "--bind", "127.0.0.1", "--port", "0", "--max-clients", "2")
_, port = cli.wait_listening()
clients = [socket.create_connection(("127.0.0.1", port), timeout=WAIT) for _ in range(2)]
cli.wait_events(lambda e: e["event"] == "connected", 2)
third = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
third.bind(("127.0.0.1", 0))
third_port = third.getsockname()[1]
third.settimeout(WAIT)
try:
    # On loopback the reset can beat connect() back to the caller.
    third.connect(("127.0.0.1", port))
    refused = third.recv(10)
    refused = "closed" if refused == b"" else refused
except ConnectionResetError:
    refused = "reset"
tap.eq(refused, "reset", "a third client over --max-clients 2 is reset")
note = cli.wait_event(lambda e: e["event"] == "notice")
tap.ok(note is not None and note["message"] == f"Refused 127.0.0.1:{third_port}: 2 clients are connected, the maximum",
       "the refusal is logged with who and why", note)
third.close()

cli.proc.send_signal(signal.SIGUSR1)
gone = cli.wait_events(lambda e: e["event"] == "disconnected", 2)
tap.ok(len(gone) == 2 and all(e["message"] == "Disconnected by user (all clients)" for e in gone),
       "SIGUSR1 disconnects every client, each with the reason", gone)
tap.ok(all(recv_until(c, lambda d: False, timeout=5) == b"" for c in clients), "the clients see the end of the stream")
again = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
tap.ok(cli.wait_event(lambda e: e["event"] == "connected") is not None, "the server keeps listening after it")
again.close()
for c in clients:
    c.close()
tap.eq(cli.stop(), 0, "the server stops with exit 0")

tap.done()
