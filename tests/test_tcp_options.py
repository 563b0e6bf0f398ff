#!/usr/bin/env python3
"""TCP beyond connect and listen, against peers Netpoke did not write: a client that reconnects
across a server restart (Python, then socat) with growing, capped waits, every attempt logged with
its reason, lines typed while down sent after reconnect or reported as not sent at stop; the
client's source address and port; keep-alive seen by the kernel (ss); a server's client limit
(the excess reset, the reason logged) and Disconnect All (SIGUSR1): one event per client in --json
and one that counts them; in the human output one line for Disconnect All and one for Stop, each
with the count, instead of a line per client."""
import re
import signal
import socket
import struct
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
everyone = cli.wait_event(lambda e: e["event"] == "disconnected_all")
tap.ok(everyone is not None and everyone["disconnected"] == 2
       and everyone["message"] == "Disconnected by user (all clients)" and "peer_id" not in everyone,
       "then one 'disconnected_all' counts them", everyone)
tap.ok(all(recv_until(c, lambda d: False, timeout=5) == b"" for c in clients), "the clients see the end of the stream")
again = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
tap.ok(cli.wait_event(lambda e: e["event"] == "connected") is not None, "the server keeps listening after it")
again.close()
for c in clients:
    c.close()
tap.eq(cli.stop(), 0, "the server stops with exit 0")

# ---- the human output of Disconnect All and Stop -----------------------------------------------
# 50 clients closed by one operation are that operation's one line with the count, not 50 lines
# that all say the same (--json above keeps one event each, with its counters); a client that
# goes on its own keeps its line, and what each client sent is still a line of its own.
def reset(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def read_lines(cli, lines, until, timeout=WAIT):
    """Appends cli's output lines (without the time of day, "07:40:05.757 ") to lines until
    until(lines) holds; whether it did."""
    deadline = time.monotonic() + timeout
    while not until(lines):
        line = cli.wait_event(lambda _: True, max(0.0, deadline - time.monotonic()))
        if line is None:
            return until(lines)
        lines.append(line.rstrip("\n")[13:])
    return True


text = Cli("tcp-server", "--bind", "127.0.0.1", "--port", "0", json_events=False)
_, port = text.wait_listening()
lines = []
crowd = [socket.create_connection(("127.0.0.1", port), timeout=WAIT) for _ in range(50)]
for i, c in enumerate(crowd):
    c.sendall(b"hello %d\n" % i)
tap.ok(read_lines(text, lines, lambda ls: len([l for l in ls if " <- " in l]) == 50),
       "each client's line is shown", lines[-3:])
reset(crowd.pop(0))
tap.ok(read_lines(text, lines, lambda ls: any(" disconnected: " in l for l in ls)), "the reset client's line")
own = [l for l in lines if " disconnected: " in l]
tap.ok(own and own[0].endswith("disconnected: Connection reset by peer (in 8 B / 1 msg, out 0 B / 0 msg)"),
       "a client that leaves on its own keeps its line, with its counters", own)
text.proc.send_signal(signal.SIGUSR1)
tap.ok(all(recv_until(c, lambda d: False, timeout=5) == b"" for c in crowd), "SIGUSR1 closes the other 49")
later = [socket.create_connection(("127.0.0.1", port), timeout=WAIT) for _ in range(3)]
tap.ok(read_lines(text, lines, lambda ls: len([l for l in ls if l.endswith(" connected")]) == 53),
       "three clients connect after it")
tap.eq(text.stop(), 0, "Ctrl+C (SIGINT) stops the server with exit 0")
read_lines(text, lines, lambda ls: False, timeout=1)
bulk = [line for line in lines if "disconnected" in line or line.startswith("stopped")][1:]
tap.ok(bulk == ["49 clients disconnected: Disconnected by user (all clients)",
                "stopped: Stopped by user, 3 clients disconnected (in 440 B / 50 msg, out 0 B / 0 msg)"],
       "Disconnect All and Stop are a line each, with how many clients they closed", lines[-6:])
tap.eq(text.stderr_text, ["listening on 127.0.0.1:%d" % port], "nothing else went to standard error")
for c in crowd + later:
    c.close()

# A client's one connection, closed by its stop, keeps its line (there is no count to fold it in).
server = listen(free_port())
client = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(server.getsockname()[1]), json_events=False)
peer, _ = server.accept()
tap.ok(client.wait_stderr("connected to ") is not None, "the client connects")
tap.eq(client.stop(), 0, "the client stops with exit 0")
lines = []
read_lines(client, lines, lambda ls: False, timeout=1)
tap.ok(len(lines) == 2 and lines[0].endswith("disconnected: Stopped by user (in 0 B / 0 msg, out 0 B / 0 msg)")
       and lines[1] == "stopped: Stopped by user (in 0 B / 0 msg, out 0 B / 0 msg)",
       "a client's stop: its connection's line, then the stop's, without a count", lines)
peer.close()
server.close()

tap.done()
