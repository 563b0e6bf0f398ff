"""The command-line benchmarks of build-aux/dev bench: fan-out to many TCP clients, one typed line,
UDP to every peer heard, TCP ingest and the relay, each against a peer program in the same run.

The receiving side of the fan-out and UDP loads is np-bench-sink (C, epoll/recvmmsg), which checks
every byte in order and reports when the last one arrived (CLOCK_MONOTONIC, as time.monotonic()),
so that what is measured is the sender. Every wait is bounded."""
import hashlib
import os
import resource
import signal
import socket
import subprocess
import tempfile
import time

from netpoke_test import Cli, free_port, wait_listening_port

WAIT = 120.0
LINE = 64            # bytes per line, newline included


def lines(count):
    """count distinct lines of LINE bytes each: a line out of place or cut short shows."""
    return b"".join(b"L%0*d\n" % (LINE - 2, i) for i in range(count))


def raise_file_limit(need):
    """Lets this process and its children (the servers, the sink) hold `need` descriptors.
    Returns False when the system does not allow that many."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))
            return True
        except (ValueError, OSError):
            return False
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))
    return True


def memory_kib(pid, field):
    """VmRSS (now) or VmHWM (peak) of a process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def sockets_on(port, kinds=("tcp", "tcp6")):
    """The /proc/net/tcp (or udp) lines of the sockets whose local port is port, split into fields:
    [3] is the state (0A listening, 01 established, 08 close-wait, 06 time-wait, …), [4] the
    queues "tx:rx" in hex (for a listening socket rx is the backlog not yet accepted)."""
    for name in kinds:
        with open(f"/proc/net/{name}") as f:
            next(f)
            for line in f:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    yield fields


def listen_backlog(port):
    """Connections the kernel completed that the server has not accepted yet, or None when
    nothing listens there."""
    for fields in sockets_on(port):
        if fields[3] == "0A":
            return int(fields[4].split(":")[1], 16)
    return None


def udp_backlog(port):
    """Bytes waiting in the receive queue of the UDP socket bound to port."""
    for fields in sockets_on(port, ("udp", "udp6")):
        return int(fields[4].split(":")[1], 16)
    return None


def wait_for(condition, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.01)


class Sink:
    """np-bench-sink as a child process."""

    def __init__(self, build, mode, port, count, expected):
        self.expected = tempfile.NamedTemporaryFile(prefix="netpoke-bench-", delete=False)
        self.expected.write(expected)
        self.expected.close()
        self.proc = subprocess.Popen([os.path.join(build, "tests", "np-bench-sink"), mode, str(port),
                                      str(count), self.expected.name],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.first = self.proc.stdout.readline().split()   # "connected" or "ports P1 P2 …"
        if not self.first:
            raise RuntimeError("np-bench-sink did not start")

    def go(self):
        """From now on the sink reads (busily: call this right before the sender starts)."""
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def result_keep_open(self):
        """(complete, bad, monotonic seconds of the last byte); the clients stay connected."""
        line = self.proc.stdout.readline().split()
        if len(line) != 4 or line[0] != "done":
            raise RuntimeError(f"np-bench-sink said {line}")
        return int(line[1]), int(line[2]), int(line[3]) / 1e9

    def close(self):
        """Closes the clients (the sink exits when its input ends)."""
        self.proc.stdin.close()
        self.proc.wait(WAIT)
        os.unlink(self.expected.name)

    def result(self):
        """result_keep_open(), then close()."""
        try:
            return self.result_keep_open()
        finally:
            self.close()


class Server:
    """A broadcasting server fed on standard input: netpoke-cli, ncat, or np-bench-send-loop (a
    bare C loop of send(), the floor)."""

    def __init__(self, kind, max_clients, build=None):
        self.kind = kind
        if kind == "netpoke":
            self.cli = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--quiet", json_events=False)
            self.proc = self.cli.proc
            _, self.port = self.cli.wait_listening()
        elif kind == "send-loop":
            self.port = free_port()
            self.proc = subprocess.Popen([os.path.join(build, "tests", "np-bench-send-loop"), str(self.port),
                                          str(max_clients)], stdin=subprocess.PIPE)
            if not wait_listening_port(self.port):
                raise RuntimeError("np-bench-send-loop did not start listening")
        else:
            self.port = free_port()
            self.proc = subprocess.Popen(["ncat", "-l", "-k", "--send-only", "--max-conns", str(max_clients + 10),
                                          "127.0.0.1", str(self.port)], stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not wait_listening_port(self.port):
                raise RuntimeError("ncat did not start listening")

    def feed(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def stop(self):
        if self.kind == "netpoke":
            self.cli.stop(timeout=WAIT)
        else:
            self.proc.terminate()
            self.proc.wait(WAIT)


def cpu_seconds(pid):
    """CPU time every thread of a process has had so far (the scheduler's own count, in ns)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as f:
            total += int(f.read().split()[0])
    return total / 1e9


def fanout_once(build, kind, n_clients, payload):
    """Every one of n_clients gets payload from a server fed it on standard input. Returns
    (seconds from the write until the last client had it all, complete, bad, peak RSS KiB,
    seconds until every client was connected and accepted, the server's CPU seconds from the
    write until then). The CPU time is the steadier figure on a shared machine: waiting for a
    core does not count."""
    server = Server(kind, n_clients, build)
    try:
        connecting = time.monotonic()
        sink = Sink(build, "tcp", server.port, n_clients, payload)
        # Accepted, not only connected: data given before the accept would miss that client.
        wait_for(lambda: listen_backlog(server.port) == 0, "the server to accept every client")
        connected = time.monotonic() - connecting
        time.sleep(0.2)
        sink.go()
        cpu = cpu_seconds(server.proc.pid)
        start = time.monotonic()
        server.feed(payload)
        complete, bad, last = sink.result_keep_open()
        cpu = cpu_seconds(server.proc.pid) - cpu
        sink.close()
        peak = memory_kib(server.proc.pid, "VmHWM")
    finally:
        server.stop()
    return last - start, complete, bad, peak, connected, cpu


def udp_once(build, kind, n_peers, payload):
    """Every line of payload as one datagram to each of n_peers peers: by netpoke-cli udp (peers
    heard, lines on standard input) or by a plain Python sendto loop. Returns (seconds until the
    last datagram arrived, complete, bad)."""
    datagrams = payload.splitlines(keepends=True)
    if kind == "netpoke":
        cli = Cli("udp", "--bind", "127.0.0.1", "--port", "0", "--quiet", json_events=False)
        _, port = cli.wait_listening()
        try:
            sink = Sink(build, "udp", port, n_peers, payload)
            # Heard every peer: its "hi" has been read (and the CLI has a target for its input).
            wait_for(lambda: udp_backlog(port) == 0, "netpoke to read every peer's first datagram")
            time.sleep(0.2)
            sink.go()
            start = time.monotonic()
            cli.proc.stdin.write(payload)
            cli.proc.stdin.flush()
            complete, bad, last = sink.result()
        finally:
            cli.stop(timeout=WAIT)
        return last - start, complete, bad

    sink = Sink(build, "udp", 0, n_peers, payload)
    targets = [("127.0.0.1", int(p)) for p in sink.first[1:]]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sink.go()
        start = time.monotonic()
        for datagram in datagrams:
            for target in targets:
                sender.sendto(datagram, target)
    complete, bad, last = sink.result()
    return last - start, complete, bad


def send_zeros(port, size):
    """The same sender for both receivers: socat reading /dev/zero."""
    return subprocess.Popen(["socat", "-u", f"OPEN:/dev/zero,readbytes={size}", f"TCP:127.0.0.1:{port}"],
                            stderr=subprocess.DEVNULL)


def ingest_socat(size):
    port = free_port()
    receiver = subprocess.Popen(["socat", "-u", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr",
                                 "OPEN:/dev/null"], stderr=subprocess.DEVNULL)
    wait_listening_port(port)
    start = time.monotonic()
    sender = send_zeros(port, size)
    receiver.wait(300)
    elapsed = time.monotonic() - start
    sender.wait(30)
    return elapsed


def ingest_netpoke(size):
    server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--stats")
    _, port = server.wait_listening()
    start = time.monotonic()
    sender = send_zeros(port, size)
    # The sender closes when done: netpoke reports the end of its stream as "finished".
    gone = server.wait_event(lambda e: e["event"] == "finished", 300)
    elapsed = time.monotonic() - start
    sender.wait(30)
    server.stop(signal.SIGINT)
    if gone is None or gone["bytes_in"] != size:
        raise RuntimeError(f"netpoke counted {gone and gone['bytes_in']} of {size} bytes")
    return elapsed


def relay_source(folder, size):
    """A file of `size` bytes that are not all alike (a random MiB, each copy numbered), and its
    SHA-256. In /dev/shm when there is one: the disk is not what is measured."""
    path = os.path.join(folder, "relay-source.bin")
    digest = hashlib.sha256()
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        for i in range(size >> 20):
            piece = i.to_bytes(8, "big") + block[8:]
            digest.update(piece)
            f.write(piece)
    return path, digest.hexdigest()


def relay_once(build, kind, direction, source, size, verify=False):
    """`size` bytes from a file through a relay, client → target or target → client, socat at both
    ends. Returns (seconds, bytes that arrived, their SHA-256 when `verify`, else None)."""
    target_port, listen_port = free_port(), free_port()
    into = "OPEN:/dev/null" if not verify else "STDOUT"
    if direction == "to-target":
        receiver = subprocess.Popen(["socat", "-u", f"TCP-LISTEN:{target_port},bind=127.0.0.1,reuseaddr", into],
                                    stdout=subprocess.PIPE if verify else None, stderr=subprocess.DEVNULL)
    else:
        sender = subprocess.Popen(["socat", "-u", f"OPEN:{source}", f"TCP-LISTEN:{target_port},bind=127.0.0.1,reuseaddr"],
                                  stderr=subprocess.DEVNULL)
    wait_listening_port(target_port)
    if kind == "socat":
        relay = subprocess.Popen(["socat", f"TCP-LISTEN:{listen_port},bind=127.0.0.1,reuseaddr",
                                  f"TCP:127.0.0.1:{target_port}"], stderr=subprocess.DEVNULL)
        wait_listening_port(listen_port)
    else:
        relay = Cli("relay", "--listen", f"127.0.0.1:{listen_port}", "--to", f"127.0.0.1:{target_port}", "--stats")
        relay.wait_listening()
    start = time.monotonic()
    if direction == "to-target":
        sender = subprocess.Popen(["socat", "-u", f"OPEN:{source}", f"TCP:127.0.0.1:{listen_port}"],
                                  stderr=subprocess.DEVNULL)
    else:
        receiver = subprocess.Popen(["socat", "-u", f"TCP:127.0.0.1:{listen_port}", into],
                                    stdout=subprocess.PIPE if verify else None, stderr=subprocess.DEVNULL)
    got, digest = 0, hashlib.sha256()
    if verify:
        while True:
            data = receiver.stdout.read(1 << 20)
            if not data:
                break
            got += len(data)
            digest.update(data)
    receiver.wait(WAIT)
    elapsed = time.monotonic() - start
    sender.wait(WAIT)
    if kind == "socat":
        relay.wait(WAIT)
    else:
        stopped = relay.stop(signal.SIGINT)
        totals = next(e for e in relay.all_events if e["event"] == "stopped")
        got = got or (totals["bytes_in"] if direction == "to-target" else totals["bytes_out"])
    return elapsed, got if got else size, digest.hexdigest() if verify else None
