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


def udp_bound(port):
    """Whether a UDP socket is bound to port (any address)."""
    for name in ("udp", "udp6"):
        with open(f"/proc/net/{name}") as f:
            next(f)
            for line in f:
                if int(line.split()[1].rsplit(":", 1)[1], 16) == port:
                    return True
    return False


def read_stats(path):
    """The stall probe's last report (NETPOKE_STATS), or None before the first."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def window_pid(gui, mode):
    pids = subprocess.run(["pgrep", "-f", f"^{gui} --mode {mode}"], capture_output=True, text=True).stdout.split()
    return int(pids[0]) if pids else None


def thread_cpu_ms(pid, tid):
    """CPU time (user + system) a thread has used, in ms."""
    try:
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def stop_window(app, gui, mode):
    """SIGTERM to the app itself (it quits like Ctrl+Q and writes its stats), not to the
    run-headless/dbus-run-session wrappers around it."""
    pid = window_pid(gui, mode)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
    try:
        app.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(app.pid, signal.SIGKILL)
        app.wait()


def udp_flood(build, rate, seconds, size):
    """rate datagrams/s of size bytes for seconds into the window (UDP mode) under Xvfb, from
    np-bench-pace. Accessibility is on, as on a desktop (the issue measured through AT-SPI).
    Returns the stall probe's record with "sent", or None when the window did not start."""
    gui = os.path.join(build, "src", "gui", "netpoke")
    pace = os.path.join(build, "tests", "np-bench-pace")
    headless = os.path.join(os.path.dirname(__file__), "..", "run-headless")
    stats = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"netpoke-udp-{os.getpid()}.json")
    port = free_port()
    env = dict(os.environ, NETPOKE_STATS=stats)
    env.pop("GTK_A11Y", None)
    env.pop("NO_AT_BRIDGE", None)
    app = subprocess.Popen([headless, gui, "--mode", "udp", "--address", "127.0.0.1", "--port", str(port), "--start"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    # Bound, and past its first frame (the probe writes its file every second from then on).
    while not (udp_bound(port) and read_stats(stats)) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not udp_bound(port):
        print("gui-udp: the window did not bind its port")
        os.killpg(app.pid, signal.SIGKILL)
        return None
    pid = window_pid(gui, "udp")
    cpu_before = thread_cpu_ms(pid, pid)
    out = subprocess.run([pace, str(port), str(rate), str(seconds), str(size)], capture_output=True, text=True,
                         check=True).stdout.split()
    sent = int(out[1])
    load = load_average()
    # Counted when received + dropped reaches what was sent, or stops moving for 3 s.
    last, still = None, 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and still < 3:
        now = read_stats(stats)
        counted = now and now["messages_in"] + now["datagrams_dropped"]
        if counted == sent:
            break
        still = still + 1 if counted == last else 0
        last = counted
        time.sleep(1)
    # The main thread's own CPU for the whole load: what the window costs, whatever the load.
    main_cpu = thread_cpu_ms(pid, pid) - cpu_before
    stop_window(app, gui, "udp")
    result = read_stats(stats)
    if result is None:
        print("gui-udp: no stats from the window")
        return None
    os.unlink(stats)
    result["sent"] = sent
    result["main_cpu_ms"] = main_cpu
    result["load"] = load
    return result


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
    stop_window(app, gui, "tcp-server")
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


def pictures(build, fps=20, seconds=10, not_pictures=False):
    """A camera into the window: socat sends fps JPEG frames of ~100 KiB a second for seconds
    (tests/camera_frames.py), framed with the 16-byte ASCII header, to the window as a TCP
    server, with its traffic graphs shown and accessibility on, as on a desktop. Returns the
    stall probe's record with the frames sent, the thumbnails' decode times (the picture
    loader's debug lines) and the main thread's CPU time, or None when it did not start.
    not_pictures: the same stream of random bytes instead (the same rows, no pictures)."""
    gui = os.path.join(build, "src", "gui", "netpoke")
    headless = os.path.join(os.path.dirname(__file__), "..", "run-headless")
    camera = os.path.join(os.path.dirname(__file__), "..", "camera_frames.py")
    tmp = tempfile.mkdtemp(prefix="netpoke-pictures-")
    stats = os.path.join(tmp, "stats.json")
    workspace = os.path.join(tmp, "camera.netpoke")
    with open(workspace, "w") as f:
        json.dump({"format": "netpoke-workspace", "version": 1,
                   "endpoints": [{"mode": "tcp-server", "framing": "ascii16"}]}, f)
    # The graphs shown, through a settings file of our own (as dconf would keep it).
    os.makedirs(os.path.join(tmp, "glib-2.0", "settings"))
    with open(os.path.join(tmp, "glib-2.0", "settings", "keyfile"), "w") as f:
        f.write("[io/github/netpoke/Netpoke]\nshow-traffic=true\n")
    port = free_port()
    env = dict(os.environ, NETPOKE_STATS=stats, GSETTINGS_BACKEND="keyfile", XDG_CONFIG_HOME=tmp,
               G_MESSAGES_DEBUG="np-picture-loader")
    env.pop("GTK_A11Y", None)
    env.pop("NO_AT_BRIDGE", None)
    log = open(os.path.join(tmp, "output"), "w+")   # GLib writes debug messages to standard output
    app = subprocess.Popen([headless, gui, "--mode", "tcp-server", "--address", "127.0.0.1", "--port", str(port),
                            "--start", workspace], env=env, stdout=log, stderr=subprocess.STDOUT,
                           start_new_session=True)
    deadline = time.monotonic() + 30
    while not (wait_listening_port(port, timeout=1) and read_stats(stats)) and time.monotonic() < deadline:
        time.sleep(0.05)
    if read_stats(stats) is None:
        print("gui-pictures: the window did not start")
        os.killpg(app.pid, signal.SIGKILL)
        return None
    pid = window_pid(gui, "tcp-server")
    cpu_before = thread_cpu_ms(pid, pid)
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    extra = " --not-pictures" if not_pictures else ""
    sender = subprocess.run(["socat", "-u", f"EXEC:{python} {camera} --fps {fps} --seconds {seconds}{extra}",
                             f"TCP:127.0.0.1:{port}"], capture_output=True, text=True, timeout=seconds + 60)
    frames = int(sender.stderr.split()[1])
    last, still = None, 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and still < 3:
        now = read_stats(stats)
        counted = now and now["messages_in"]
        if counted == frames:
            break
        still = still + 1 if counted == last else 0
        last = counted
        time.sleep(1)
    main_cpu = thread_cpu_ms(pid, pid) - cpu_before
    stop_window(app, gui, "tcp-server")
    result = read_stats(stats)
    log.seek(0)
    decodes = [float(line.split(" in ")[1].split()[0]) for line in log if "decoded JPEG" in line]
    log.close()
    if result is None:
        print("gui-pictures: no stats from the window")
        return None
    result["frames"] = frames
    result["decode_ms"] = sorted(decodes)
    result["main_cpu_ms"] = main_cpu
    result["load"] = load_average()
    return result
