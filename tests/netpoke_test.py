"""Shared helpers for Netpoke's integration tests: TAP output, netpoke-cli as a child process,
real peers (socat, ncat, Python sockets). Every wait is bounded; loopback only."""
import glob
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

CLI = os.environ.get("NETPOKE_CLI") or os.path.join(
    os.path.dirname(__file__), "..", "_build", "src", "cli", "netpoke-cli")
# The sanitizer pass (build-aux/dev test, `meson test --setup sanitize`) runs everything several
# times slower, and its memory figures mean little: ASan keeps freed memory in quarantine.
SANITIZED = os.environ.get("NETPOKE_SANITIZED") == "1"
WAIT = 20.0 * (3 if SANITIZED else 1)  # seconds: the longest a single step may take before it fails


class Tap:
    """Minimal TAP producer: one line per check, plan at the end, exit status = failures."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, condition, name, diagnostic=None):
        self.count += 1
        if not condition:
            self.failed += 1
        print(f"{'ok' if condition else 'not ok'} {self.count} - {name}", flush=True)
        if not condition and diagnostic is not None:
            for line in str(diagnostic).splitlines() or [""]:
                print(f"# {line}", flush=True)
        return condition

    def eq(self, got, expected, name):
        return self.ok(got == expected, name, f"got {got!r}, expected {expected!r}")

    def skip(self, name, why):
        self.count += 1
        print(f"ok {self.count} - {name} # SKIP {why}", flush=True)

    def note(self, text):
        print(f"# {text}", flush=True)

    def done(self):
        print(f"1..{self.count}", flush=True)
        sys.exit(1 if self.failed else 0)


def have(program):
    return shutil.which(program) is not None


class Cli:
    """netpoke-cli running with --json; events are parsed on a reader thread."""

    def __init__(self, mode, *args, json_events=True, stdin=subprocess.PIPE, prefix=(), preexec_fn=None):
        """prefix: runs the CLI through it (e.g. `ip netns exec NAME`); preexec_fn runs in the
        child before exec: limits (RLIMIT_NOFILE, RLIMIT_FSIZE)."""
        argv = [*prefix, CLI, mode, *args] + (["--json"] if json_events else [])
        self.proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=preexec_fn)
        self.events = queue.Queue()
        self.stderr_lines = queue.Queue()
        self.all_events = []
        self.stderr_text = []
        self._json = json_events
        self._readers = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self):
        for raw in self.proc.stdout:
            if self._json:
                event = json.loads(raw)
                self.all_events.append(event)
                self.events.put(event)
            else:
                self.events.put(raw.decode("utf-8", "replace"))
        self.events.put(None)

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stderr_text.append(line)
            self.stderr_lines.put(line)
        self.stderr_lines.put(None)

    @staticmethod
    def _wait(source, predicate, timeout):
        """Returns the next item of source matching predicate (skipping others), or None on
        timeout or end of output."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                item = source.get(timeout=left)
            except queue.Empty:
                return None
            if item is None:
                return None
            if predicate(item):
                return item

    def wait_stderr(self, prefix, timeout=WAIT):
        """Returns the first stderr line starting with prefix, or None."""
        return self._wait(self.stderr_lines, lambda line: line.startswith(prefix), timeout)

    def wait_listening(self):
        line = self.wait_stderr("listening on ")
        if line is None:
            raise RuntimeError("netpoke-cli did not start listening: " + " | ".join(self.stderr_text))
        host, _, port = line[len("listening on "):].rpartition(":")
        return host, int(port)

    def wait_event(self, predicate, timeout=WAIT):
        """Returns the next event matching predicate (skipping others), or None on timeout/EOF."""
        return self._wait(self.events, predicate, timeout)

    def wait_events(self, predicate, count, timeout=WAIT):
        found = []
        deadline = time.monotonic() + timeout
        while len(found) < count:
            event = self.wait_event(predicate, max(0.0, deadline - time.monotonic()))
            if event is None:
                break
            found.append(event)
        return found

    def send_line(self, text):
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def finish(self, timeout=WAIT):
        """Waits for the process to exit and for its output to be read completely; returns the
        exit code, or None when it had to be killed."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        for reader in self._readers:
            reader.join(timeout)
        return code

    def stop(self, sig=signal.SIGINT, timeout=WAIT):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.finish(timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_cli(*args, stdin_data=b"", timeout=WAIT):
    """Runs netpoke-cli to completion; returns (exit code, stdout, stderr)."""
    proc = subprocess.run([CLI, *args], input=stdin_data, capture_output=True, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def recv_until(sock, predicate, timeout=WAIT):
    """Reads from sock until predicate(data) holds, EOF, or timeout. Returns the data."""
    data = b""
    deadline = time.monotonic() + timeout
    while not predicate(data):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionError:
            break
        if not chunk:
            break
        data += chunk
    return data


def recv_to_eof(sock, timeout=WAIT):
    return recv_until(sock, lambda _: False, timeout)


def free_port(family=socket.AF_INET, kind=socket.SOCK_STREAM):
    with socket.socket(family, kind) as s:
        s.bind(("127.0.0.1" if family == socket.AF_INET else "::1", 0))
        return s.getsockname()[1]


def is_listening(port, udp=False):
    """Whether some socket on this machine is bound/listening on port (from /proc, no connect:
    a probe connection would be taken by a peer server that accepts only one)."""
    names = ("udp", "udp6") if udp else ("tcp", "tcp6")
    for name in names:
        try:
            with open(f"/proc/net/{name}") as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local_port = int(fields[1].rsplit(":", 1)[1], 16)
                    if local_port == port and (udp or fields[3] == "0A"):
                        return True
        except FileNotFoundError:
            continue
    return False


def tcp_queues(local_port, remote_port):
    """The kernel's queues of this machine's TCP socket from local_port to remote_port (from
    /proc/net/tcp*): (bytes written but not yet acknowledged, bytes received but not yet read by
    the program), or None. What the kernel holds is not what the program took: its buffers grow
    to tens of MiB on loopback (tcp_rmem), more under load."""
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/net/{name}") as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if (int(fields[1].rsplit(":", 1)[1], 16) == local_port
                            and int(fields[2].rsplit(":", 1)[1], 16) == remote_port):
                        unacked, unread = fields[4].split(":")
                        return int(unacked, 16), int(unread, 16)
        except FileNotFoundError:
            continue
    return None


def wait_listening_port(port, udp=False, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_listening(port, udp):
            return True
        time.sleep(0.02)
    return False


def frozen_udp_burst(cli, count, size):
    """Waits for a netpoke-cli udp on 127.0.0.1 to listen, freezes it (SIGSTOP), sends it count
    datagrams of size bytes (far more than its receive buffer holds) and lets it go on (SIGCONT).
    Returns its port and the socket the burst came from."""
    _, port = cli.wait_listening()
    os.kill(cli.proc.pid, signal.SIGSTOP)
    burst = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(count):
        burst.sendto(i.to_bytes(4, "big") * (size // 4), ("127.0.0.1", port))
    os.kill(cli.proc.pid, signal.SIGCONT)
    return port, burst


def fd_count(pid):
    """How many file descriptors a process has open."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def memory_kib(pid, field="VmRSS"):
    """VmRSS (now) or VmHWM (the peak so far) of a process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wakeups_by_thread(pid):
    """Context switches of each thread of pid, by thread id: each wakeup of a sleeping thread adds one."""
    counts = {}
    for status in glob.glob(f"/proc/{pid}/task/*/status"):
        try:
            with open(status) as f:
                counts[status.split("/")[-2]] = sum(int(line.split()[1]) for line in f if line.startswith(
                    ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
        except OSError:
            pass   # the thread ended meanwhile
    return counts


def wakeups(pid):
    """Context switches of every thread of pid, in all."""
    return sum(wakeups_by_thread(pid).values())


def woke_between(before, after):
    """Wakeups between two wakeups_by_thread() samples; a thread that started or ended woke too."""
    return sum(after[t] - before[t] for t in before.keys() & after.keys()) + len(before.keys() ^ after.keys())


def sanitized(pid):
    """Whether the process runs with AddressSanitizer (its memory figures mean little then):
    the sanitizer pass says so; gcc's ASan is also a library in its maps (clang's is linked in)."""
    if SANITIZED:
        return True
    with open(f"/proc/{pid}/maps") as f:
        return "libasan" in f.read()
