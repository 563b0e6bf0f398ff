#!/usr/bin/env python3
"""Send to All with many clients, and stopping the server with them, in the real window: run by
gui_loads.send_all() inside tests/run-headless (its own Xvfb and D-Bus session), driven through
AT-SPI as a person's assistive technology would.

  gui_send_all.py BUILD N_CLIENTS RESULT.json

The app runs with NETPOKE_STATS; SIGUSR1 ends each phase of its stall probe, so that connecting
the clients, the send and the stop are measured apart. np-bench-sink holds the clients and checks
that each got the message, byte for byte. Writes the three phases and the timings as JSON."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from atspi_helpers import click, find, find_app, set_text, wait_for  # noqa: E402
from cli_loads import Sink, listen_backlog, raise_file_limit, sockets_on  # noqa: E402
from gui_loads import read_stats  # noqa: E402
from netpoke_test import free_port, wait_listening_port  # noqa: E402

MESSAGE = b"Send to All from the window, 64 bytes with the padding: xxxxxxxx"


def held_sockets(port):
    """Connections on local port `port` the app still holds: established, or closed by the peer
    and not yet by the app. (After the app closes them they linger in FIN_WAIT/TIME_WAIT.)"""
    return sum(1 for fields in sockets_on(port) if fields[3] in ("01", "08"))


def rows_seen(stats):
    """Rows the log has taken so far (what it holds plus what its cap dropped)."""
    return stats["rows"] + stats["rows_dropped"]


def end_phase(app, stats_path, phase):
    """Ends the probe's current phase; returns its figures."""
    app.send_signal(signal.SIGUSR1)
    path = f"{stats_path}.phase{phase}"
    result = wait_for(f"phase {phase} of the stall probe", lambda: read_stats(path), timeout=30)
    if result is None:
        raise RuntimeError(f"no {path}")
    os.unlink(path)
    return result


def main():
    build, n_clients, result_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    raise_file_limit(n_clients + 256)
    stats_path = os.path.join(tempfile.gettempdir(), f"netpoke-send-all-{os.getpid()}.json")
    port = free_port()
    env = dict(os.environ, NETPOKE_STATS=stats_path, GTK_A11Y="atspi")
    env.pop("NO_AT_BRIDGE", None)
    app = subprocess.Popen([os.path.join(build, "src", "gui", "netpoke"), "--mode", "tcp-server",
                            "--address", "127.0.0.1", "--port", str(port), "--start"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sink = None
    result = {}
    try:
        if not wait_listening_port(port, timeout=30):
            raise RuntimeError("the window did not start listening")
        accessible = wait_for("the app on the accessibility bus", find_app)
        window = wait_for("the window", lambda: find(accessible, "frame", "Netpoke"))
        base = wait_for("the probe's first report", lambda: read_stats(stats_path))

        # Phase 1: N clients connect (N rows "Connected", N entries in the client list).
        start = time.monotonic()
        sink = Sink(build, "tcp", port, n_clients, MESSAGE)
        wait_for("the window to accept every client", lambda: listen_backlog(port) == 0, timeout=60)
        wait_for("a row for every client", lambda: (read_stats(stats_path) or base)["rows"] >= base["rows"] + n_clients,
                 timeout=60)
        result["connect_seconds"] = time.monotonic() - start
        result["connect"] = end_phase(app, stats_path, 1)

        # Phase 2: type the message and click Send to All; every client must get it.
        set_text(find(window, "text", "Message to send"), MESSAGE.decode())
        button = find(window, "push button", "Send to All")
        sink.go()
        start = time.monotonic()
        click(button)
        complete, bad, last = sink.result_keep_open()
        result["send_seconds"] = last - start
        result["complete"], result["bad"] = complete, bad
        time.sleep(0.5)           # the SENT row and the counter snapshot (within 100 ms)
        result["send"] = end_phase(app, stats_path, 2)
        result["rows_added"] = rows_seen(result["send"]) - rows_seen(result["connect"])

        # Phase 3: Stop with every client connected.
        start = time.monotonic()
        click(find(window, "push button", "Stop"))
        wait_for("every client connection closed", lambda: held_sockets(port) == 0, timeout=60)
        wait_for("the window stopped", lambda: find(window, "push button", "Start"), timeout=60)
        result["stop_seconds"] = time.monotonic() - start
        time.sleep(0.5)
        result["stop"] = end_phase(app, stats_path, 3)
    finally:
        if sink is not None:
            sink.close()
        app.terminate()
        try:
            app.wait(30)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
        if os.path.exists(stats_path):
            os.unlink(stats_path)
        with open(result_path, "w") as f:
            json.dump(result, f)


if __name__ == "__main__":
    main()
