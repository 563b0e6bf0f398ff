"""The window's benchmarks in build-aux/dev bench: the real app under Xvfb (tests/run-headless),
measured by its own main-loop stall probe (NETPOKE_STATS, src/gui/np-stall-probe.c)."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from cli_loads import ingest_socat, send_zeros, sockets_on
from netpoke_test import free_port, wait_listening_port


def server_sockets(port):
    """Established/closing sockets whose local port is port (the listener excluded)."""
    return sum(1 for fields in sockets_on(port) if fields[3] != "0A")


def flood(build, size):
    """size bytes from socat into the window (TCP server mode) under Xvfb. Returns the stall
    probe's record (NETPOKE_STATS), with the seconds it took and socat's time to /dev/null, or
    None when the window did not start."""
    gui = os.path.join(build, "src", "gui", "netpoke")
    headless = os.path.join(os.path.dirname(__file__), "..", "run-headless")
    stats = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"netpoke-flood-{os.getpid()}.json")
    port = free_port()
    env = dict(os.environ, NETPOKE_STATS=stats, GTK_A11Y="none", NO_AT_BRIDGE="1")
    app = subprocess.Popen([headless, gui, "--mode", "tcp-server", "--address", "127.0.0.1",
                            "--port", str(port), "--start"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    launched = time.monotonic()
    if not wait_listening_port(port, timeout=30):
        print("gui-flood: the window did not start listening")
        os.killpg(app.pid, signal.SIGKILL)
        return None
    start = time.monotonic()
    print(f"gui-flood: window listening {start - launched:.2f} s after launch; flooding")
    sender = send_zeros(port, size)
    sender.wait(600)
    sent_time = time.monotonic() - start
    # The window has read everything when it has closed its side of the connection.
    deadline = time.monotonic() + 300
    while server_sockets(port) > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    # ...and has counted it all when its byte counter (rewritten every second by the probe)
    # reaches the size, or stops moving.
    last, still = None, 0
    while time.monotonic() < deadline and still < 3:
        try:
            with open(stats) as f:
                now = json.load(f)["bytes_in"]
        except (OSError, ValueError):
            now = None
        if now == size:
            break
        still = still + 1 if now == last else 0
        last = now
        time.sleep(1)
    gui_time = time.monotonic() - start
    # Signal the app itself, not the xvfb-run/dbus-run-session wrappers around it.
    pids = subprocess.run(["pgrep", "-f", f"^{gui} --mode tcp-server"], capture_output=True, text=True).stdout.split()
    for pid in pids:
        os.kill(int(pid), signal.SIGTERM)
    try:
        app.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(app.pid, signal.SIGKILL)
        app.wait()
    try:
        with open(stats) as f:
            result = json.load(f)
        os.unlink(stats)
    except (OSError, ValueError) as error:
        print(f"gui-flood: no stats from the window ({error})")
        return None
    t_socat = ingest_socat(size)
    print(f"gui-flood: {size / 2**20:.0f} MiB into the window in {gui_time:.2f} s "
          f"({size / gui_time / 2**20:.0f} MiB/s; socat -> /dev/null took {t_socat:.2f} s in the same run, "
          f"ratio {t_socat / gui_time:.2f}); sender done after {sent_time:.2f} s")
    print(f"  byte counter {result['bytes_in']} of {size} sent: {'exact' if result['bytes_in'] == size else 'WRONG'}")
    print(f"  first frame {result['first_frame_ms']:.0f} ms after start; "
          f"longest main-loop stall after it {result['max_stall_ms']:.1f} ms "
          f"(ending {result['max_stall_at_ms']:.0f} ms after start; target < 50), "
          f"{result['stalls_over_50ms']} stalls over 50 ms, {result['ticks']} probe ticks")
    print(f"  peak RSS {result['peak_rss_kib'] / 1024:.1f} MiB, at exit {result['rss_kib'] / 1024:.1f} MiB; "
          f"log rows {result['rows']} shown, {result['rows_dropped']} dropped from view")
    result["seconds"] = gui_time
    result["socat_seconds"] = t_socat
    return result


def send_all(build, n_clients):
    """Send to All with n_clients connected to the window, then Stop (gui_send_all.py, inside
    run-headless). Returns its result: the stall probe's figures for connecting, the send and
    the stop, the rows the send added, and whether every client got the message."""
    headless = os.path.join(os.path.dirname(__file__), "..", "run-headless")
    script = os.path.join(os.path.dirname(__file__), "gui_send_all.py")
    with tempfile.NamedTemporaryFile(prefix="netpoke-send-all-", suffix=".json") as out:
        env = dict(os.environ, GTK_A11Y="atspi")
        # Debian's python3, which has pyatspi (as the GUI tests use it).
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        run = subprocess.run([headless, python, script, build, str(n_clients), out.name], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
        try:
            with open(out.name) as f:
                result = json.load(f)
        except (OSError, ValueError):
            result = {}
    if "stop" not in result:
        print(f"gui-send-all: incomplete ({run.returncode}): {run.stderr.strip()[-2000:]}")
    return result
