#!/usr/bin/env python3
"""Netpoke benchmarks (build-aux/dev bench). Timings are ratios against a peer measured in the
same run, because these machines are noisy; nothing here is a pass/fail unit test.

  ingest      netpoke-cli tcp-server --stats vs socat TCP-LISTEN -> /dev/null, same sender
  broadcast   one 64-byte line to N connected clients: time until all have it, server RSS
  gui-flood   1 GiB from socat into the window (TCP server) under Xvfb: longest main-loop stall
              (NETPOKE_STATS probe), peak RSS, and the byte counter against the bytes sent
"""
import json
import signal
import argparse
import os
import resource
import selectors
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import netpoke_test  # noqa: E402
from netpoke_test import Cli, free_port, wait_listening_port  # noqa: E402


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


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
    gone = server.wait_event(lambda e: e["event"] == "disconnected", 300)
    elapsed = time.monotonic() - start
    sender.wait(30)
    server.stop()
    if gone is None or gone["bytes_in"] != size:
        raise RuntimeError(f"netpoke counted {gone and gone['bytes_in']} of {size} bytes")
    return elapsed


def bench_ingest(size, rounds):
    print(f"ingest: {size / 2**20:.0f} MiB over loopback, {rounds} rounds each, alternating")
    ratios = []
    for r in range(rounds):
        t_socat = ingest_socat(size)
        t_netpoke = ingest_netpoke(size)
        ratio = t_socat / t_netpoke
        ratios.append(ratio)
        print(f"  round {r + 1}: socat {size / t_socat / 2**20:7.0f} MiB/s, "
              f"netpoke {size / t_netpoke / 2**20:7.0f} MiB/s, netpoke/socat throughput {ratio:.2f}")
    ratios.sort()
    print(f"  median netpoke/socat throughput ratio: {ratios[len(ratios) // 2]:.2f} (target >= 0.9)")


def bench_broadcast(n_clients):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = n_clients + 256
    if hard < need:
        print(f"broadcast {n_clients}: skipped, the file limit {hard} is below {need}")
        return
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))

    server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--stats")
    _, port = server.wait_listening()
    rss_empty = rss_mib(server.proc.pid)
    selector = selectors.DefaultSelector()
    clients = []
    start = time.monotonic()
    for _ in range(n_clients):
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        selector.register(s, selectors.EVENT_READ)
        clients.append(s)
    connected = server.wait_events(lambda e: e["event"] == "connected", n_clients, 120)
    connect_time = time.monotonic() - start
    rss_connected = rss_mib(server.proc.pid)

    line = "B" * 63           # 64 bytes with the newline
    pending = set(clients)
    got = {}
    start = time.monotonic()
    server.send_line(line)
    deadline = start + 120
    while pending and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1):
            data = key.fileobj.recv(4096)
            got[key.fileobj] = got.get(key.fileobj, b"") + data
            if len(got[key.fileobj]) >= 64:
                pending.discard(key.fileobj)
    elapsed = time.monotonic() - start
    rss_after = rss_mib(server.proc.pid)
    exact = sum(1 for s in clients if got.get(s) == (line + "\n").encode())
    print(f"broadcast to {n_clients} clients: {len(connected)} connected in {connect_time:.2f} s; "
          f"all received in {elapsed * 1000:.1f} ms; {exact}/{n_clients} got exactly the 64 bytes; "
          f"server RSS {rss_empty:.1f} MiB idle, {rss_connected:.1f} MiB connected, "
          f"{rss_after:.1f} MiB after (target < 200 MiB at 10,000)")
    server.stop(timeout=120)
    for s in clients:
        s.close()


def server_sockets(port):
    """Established/closing sockets whose local port is port (the listener excluded)."""
    count = 0
    for name in ("tcp", "tcp6"):
        with open(f"/proc/net/{name}") as f:
            next(f)
            for line in f:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] != "0A":
                    count += 1
    return count


def bench_gui_flood(build, size):
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
        return
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
        return
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build", help="the meson build directory")
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["ingest", "broadcast", "gui-flood"])
    args = parser.parse_args()
    netpoke_test.CLI = os.path.join(args.build, "src", "cli", "netpoke-cli")
    os.environ["NETPOKE_CLI"] = netpoke_test.CLI

    if args.only in (None, "ingest"):
        bench_ingest(args.size_mib * 2**20, args.rounds)
    if args.only in (None, "broadcast"):
        bench_broadcast(1000)
        bench_broadcast(10000)
    if args.only in (None, "gui-flood"):
        bench_gui_flood(args.build, args.size_mib * 2**20)


if __name__ == "__main__":
    main()
