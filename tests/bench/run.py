#!/usr/bin/env python3
"""Netpoke benchmarks (build-aux/dev bench). Timings are ratios against a peer measured in the
same run, because these machines are noisy and shared; nothing here is a pass/fail unit test.
Each load runs --rounds times (the two sides alternating); every round is printed as it ends,
then one table: metric, Netpoke, peer, ratio, target, each cell the median (min-max).

  fanout      1,000 clients x 500 lines of 64 B from standard input: netpoke-cli tcp-server vs
              ncat -l -k --send-only; until every client has every byte (checked, in order)
  fanout-10k  10,000 clients x 100 lines: time per client-line against ncat's at 1,000 x 500,
              run round by round beside it (ncat's select loop cannot hold 10,000), peak RSS;
              beside them a bare C send() loop at 10,000 x 100 (the kernel's floor) and ncat at
              1,000 x 100 (the same 100 lines per client)
  typed       one 64-byte line to 1,000 clients: until the last has it, vs ncat
  udp         1,000 lines to 100 peers heard (100,000 datagrams) vs a plain Python sendto loop
  ingest      2 GiB into netpoke-cli tcp-server --stats vs socat TCP-LISTEN -> /dev/null
  relay       1 GiB through netpoke-cli relay --stats, client -> target and target -> client,
              vs socat TCP-LISTEN:... TCP:...; socat at both ends; each direction once more
              through Netpoke with the receiver hashing: SHA-256 against the file's
  gui-flood   1 GiB from socat into the window under Xvfb: longest main-loop stall, RSS, counter
  gui-send-all  the window with 1,000 clients (driven through AT-SPI): Send to All, then Stop;
              longest main-loop stall of each and the log rows the send added
  gui-pictures  a camera (socat, 20 JPEG frames/s of 100 KiB for 10 s, ASCII-16 framing) into the
              window with its traffic graphs shown: longest main-loop stall, thumbnails' decode times
  gui-udp     50,000 datagrams/s of 64 B for 5 s into the window (UDP mode, accessibility on) from a
              paced C sender: longest main-loop stall, stalls over 50 ms, received + dropped = sent
"""
import argparse
import os
import platform
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import netpoke_test  # noqa: E402
import cli_loads  # noqa: E402
import gui_loads  # noqa: E402

LOADS = ["fanout", "fanout-10k", "typed", "udp", "ingest", "relay", "gui-flood", "gui-send-all", "gui-udp", "gui-pictures"]


class Table:
    def __init__(self):
        self.rows = []

    def add(self, metric, netpoke, peer, ratio, target):
        self.rows.append((metric, netpoke, peer, ratio, target))

    def print(self):
        header = ("metric", "Netpoke", "peer", "ratio", "target")
        widths = [max(len(str(row[i])) for row in self.rows + [header]) for i in range(5)]
        for row in [header, tuple("-" * w for w in widths)] + self.rows:
            print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def cell(values, fmt):
    """The median of values, with the spread when there is more than one."""
    if not values:
        return "-"
    middle = fmt.format(statistics.median(values))
    if len(values) == 1:
        return middle
    return f"{middle} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def ratio(peer_values, netpoke_values, higher_is_better=False):
    """How many times better Netpoke did than the peer, from the medians."""
    if not peer_values or not netpoke_values:
        return "-"
    p, n = statistics.median(peer_values), statistics.median(netpoke_values)
    return f"{(n / p if higher_is_better else p / n):.2f}x"


def machine():
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 2**20
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return (f"{platform.node()}: {os.cpu_count()} CPUs ({model}), {mem:.0f} GiB, Linux {platform.release()}, "
            f"load average {load} at start")


def bench_fanout(build, table, rounds, n_clients, n_lines, metric, target, reference=None):
    """reference: (clients, lines) for ncat when it cannot hold n_clients (the 10,000-client row):
    each round then runs ncat at that size right after Netpoke, and the row compares time per
    client-line, so that both sides run in the same minute on this shared machine. Such a row
    also runs np-bench-send-loop at Netpoke's size each round: one send() per client in a bare C
    loop, the floor any broadcaster that writes each client its own stream stands on; and ncat at
    the reference's clients with Netpoke's lines, the same stream per client (a send's fixed cost
    is most of it, so the time per client-line depends on how many lines each send carries)."""
    payload = cli_loads.lines(n_lines)
    ref_clients, ref_lines = reference or (n_clients, n_lines)
    # Each side (the server, the sink) holds one descriptor per client.
    if not cli_loads.raise_file_limit(max(n_clients, ref_clients) + 256):
        table.add(metric, "skipped: the file limit is too low", "-", "-", target)
        return
    times = {"netpoke": [], "ncat": [], "send-loop": [], "ncat-same": []}
    cpus = {"netpoke": [], "ncat": [], "send-loop": [], "ncat-same": []}
    incomplete = []
    peaks = []
    for r in range(rounds):
        for kind in ("netpoke", "ncat") + (("send-loop", "ncat-same") if reference else ()):
            clients, body = {"ncat": (ref_clients, cli_loads.lines(ref_lines)),
                             "ncat-same": (ref_clients, payload)}.get(kind, (n_clients, payload))
            server = "ncat" if kind == "ncat-same" else kind
            seconds, complete, bad, peak, connected, cpu = cli_loads.fanout_once(build, server, clients, body)
            times[kind].append(seconds)
            cpus[kind].append(cpu / (clients * (len(body) // cli_loads.LINE)))
            if complete != clients:
                incomplete.append(f"{kind} round {r + 1}: {complete}/{clients} complete, {bad} wrong")
            if kind == "netpoke":
                peaks.append(peak / 1024)
            print(f"  {metric}, round {r + 1}, {kind} ({clients:,} x {len(body) // cli_loads.LINE}): "
                  f"{seconds * 1000:.1f} ms (CPU {cpu * 1000:.1f} ms), {complete}/{clients} "
                  f"clients got every byte in order (all connected and accepted in {connected:.2f} s)"
                  + (f", peak RSS {peak / 1024:.1f} MiB" if kind == "netpoke" else ""), flush=True)
    for line in incomplete:
        print(f"  INCOMPLETE: {line}")
    mark = "" if not incomplete else " INCOMPLETE"
    if reference is None:
        table.add(metric, cell([t * 1000 for t in times["netpoke"]], "{:.1f}") + " ms" + mark,
                  cell([t * 1000 for t in times["ncat"]], "{:.1f}") + " ms (ncat)",
                  ratio(times["ncat"], times["netpoke"]), target)
        return
    mine = [t / (n_clients * n_lines) * 1e9 for t in times["netpoke"]]
    theirs = [t / (ref_clients * ref_lines) * 1e9 for t in times["ncat"]]
    table.add(metric, cell(mine, "{:.0f}") + " ns" + mark,
              cell(theirs, "{:.0f}") + f" ns (ncat, {ref_clients:,} x {ref_lines})",
              ratio(theirs, mine), target)
    floor = [t / (n_clients * n_lines) * 1e9 for t in times["send-loop"]]
    table.add(f"  against a bare C send() loop, {n_clients:,} x {n_lines}", cell(mine, "{:.0f}") + " ns",
              cell(floor, "{:.0f}") + " ns (np-bench-send-loop)", ratio(floor, mine), "-")
    table.add(f"  the send() loop itself against ncat, {ref_clients:,} x {ref_lines}", cell(floor, "{:.0f}") + " ns",
              cell(theirs, "{:.0f}") + " ns (ncat)", ratio(theirs, floor), "-")
    same = [t / (ref_clients * n_lines) * 1e9 for t in times["ncat-same"]]
    table.add(f"  against ncat at {ref_clients:,} x {n_lines} (the same stream per client)", cell(mine, "{:.0f}") + " ns",
              cell(same, "{:.0f}") + " ns (ncat)", ratio(same, mine), "-")
    cpu_ns = {kind: [c * 1e9 for c in values] for kind, values in cpus.items()}
    table.add("  the sender's CPU per client-line", cell(cpu_ns["netpoke"], "{:.0f}") + " ns",
              cell(cpu_ns["ncat"], "{:.0f}") + f" ns (ncat, {ref_clients:,} x {ref_lines})",
              ratio(cpu_ns["ncat"], cpu_ns["netpoke"]), "-")
    table.add("  the sender's CPU, against the send() loop", cell(cpu_ns["netpoke"], "{:.0f}") + " ns",
              cell(cpu_ns["send-loop"], "{:.0f}") + " ns (np-bench-send-loop)",
              ratio(cpu_ns["send-loop"], cpu_ns["netpoke"]), "-")
    table.add(f"  the sender's CPU, against ncat at {ref_clients:,} x {n_lines}", cell(cpu_ns["netpoke"], "{:.0f}") + " ns",
              cell(cpu_ns["ncat-same"], "{:.0f}") + " ns (ncat)",
              ratio(cpu_ns["ncat-same"], cpu_ns["netpoke"]), "-")
    table.add(f"  peak RSS at {n_clients:,} clients", cell(peaks, "{:.0f}") + " MiB", "-", "-", "< 200 MiB")


def bench_udp(build, table, rounds, n_peers=100, n_lines=1000):
    payload = cli_loads.lines(n_lines)
    times = {"netpoke": [], "python": []}
    for r in range(rounds):
        for kind in ("netpoke", "python"):
            seconds, complete, bad = cli_loads.udp_once(build, kind, n_peers, payload)
            times[kind].append(seconds)
            print(f"  udp, round {r + 1}, {kind}: {seconds * 1000:.1f} ms, {complete}/{n_peers} peers got all "
                  f"{n_lines} datagrams in order ({bad} wrong)", flush=True)
    table.add(f"UDP {n_lines:,} lines to {n_peers} peers heard", cell([t * 1000 for t in times["netpoke"]], "{:.0f}") + " ms",
              cell([t * 1000 for t in times["python"]], "{:.0f}") + " ms (Python sendto loop)",
              ratio(times["python"], times["netpoke"]), ">= 1.0x")


def bench_ingest(table, rounds, size):
    speeds = {"netpoke": [], "socat": []}
    for r in range(rounds):
        socat = size / cli_loads.ingest_socat(size) / 2**20
        netpoke = size / cli_loads.ingest_netpoke(size) / 2**20
        speeds["socat"].append(socat)
        speeds["netpoke"].append(netpoke)
        print(f"  ingest, round {r + 1}: socat {socat:.0f} MiB/s, netpoke {netpoke:.0f} MiB/s", flush=True)
    table.add(f"TCP ingest {size / 2**30:.0f} GiB", cell(speeds["netpoke"], "{:.0f}") + " MiB/s",
              cell(speeds["socat"], "{:.0f}") + " MiB/s (socat)",
              ratio(speeds["socat"], speeds["netpoke"], higher_is_better=True), ">= 0.9x")


def bench_relay(build, table, rounds, size):
    folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=folder) as work:
        source, expected = cli_loads.relay_source(work, size)
        for direction, name in (("to-target", "client -> target"), ("to-client", "target -> client")):
            speeds = {"netpoke": [], "socat": []}
            for r in range(rounds):
                for kind in ("netpoke", "socat"):
                    seconds, got, _ = cli_loads.relay_once(build, kind, direction, source, size)
                    speeds[kind].append(size / seconds / 2**20 if got == size else 0.0)
                print(f"  relay {name}, round {r + 1}: netpoke {speeds['netpoke'][-1]:.0f} MiB/s, "
                      f"socat {speeds['socat'][-1]:.0f} MiB/s", flush=True)
            _, got, digest = cli_loads.relay_once(build, "netpoke", direction, source, size, verify=True)
            check = "SHA-256 identical" if got == size and digest == expected else f"WRONG: {got} bytes, {digest}"
            print(f"  relay {name}: {got} bytes through Netpoke, {check}", flush=True)
            table.add(f"relay {size / 2**30:.0f} GiB {name}", cell(speeds["netpoke"], "{:.0f}") + f" MiB/s ({check})",
                      cell(speeds["socat"], "{:.0f}") + " MiB/s (socat)",
                      ratio(speeds["socat"], speeds["netpoke"], higher_is_better=True), ">= 0.5x, identical")


def bench_gui_flood(build, table, size):
    result = gui_loads.flood(build, size)
    if result is None:
        table.add("window: flood, longest stall", "did not start", "-", "-", "< 50 ms")
        return
    exact = "exact" if result["bytes_in"] == size else "WRONG"
    table.add(f"window: {size / 2**30:.0f} GiB flood, longest stall",
              f"{result['max_stall_ms']:.1f} ms ({result['stalls_over_50ms']} over 50 ms, counter {exact})",
              "-", "-", "< 50 ms")


def bench_gui_send_all(build, table, rounds, n_clients=1000):
    stalls = {"send": [], "stop": [], "connect": []}
    over = {"send": 0, "stop": 0}
    rows = []
    failures = []
    for r in range(rounds):
        result = gui_loads.send_all(build, n_clients)
        if "stop" not in result:
            failures.append(f"round {r + 1} did not finish")
            continue
        for phase in stalls:
            stalls[phase].append(result[phase]["max_stall_ms"])
        for phase in over:
            over[phase] += result[phase]["stalls_over_50ms"]
        rows.append(result["rows_added"])
        if result["complete"] != n_clients:
            failures.append(f"round {r + 1}: {result['complete']}/{n_clients} clients got the message")
        print(f"  gui-send-all, round {r + 1}: {n_clients} clients connected in {result['connect_seconds']:.2f} s "
              f"(longest stall {result['connect']['max_stall_ms']:.1f} ms); Send to All: longest stall "
              f"{result['send']['max_stall_ms']:.1f} ms, {result['rows_added']} row(s) added, "
              f"{result['complete']}/{n_clients} clients had it {result['send_seconds'] * 1000:.0f} ms after the click; "
              f"Stop: longest stall {result['stop']['max_stall_ms']:.1f} ms, all closed in "
              f"{result['stop_seconds']:.2f} s", flush=True)
    for line in failures:
        print(f"  FAILED: {line}")
    mark = " FAILED" if failures else ""
    table.add(f"window: Send to All, {n_clients:,} clients",
              cell(stalls["send"], "{:.1f}") + f" ms stall, rows added {'/'.join(map(str, rows))}{mark}",
              "-", "-", "< 50 ms, 1 row")
    table.add(f"window: Stop with {n_clients:,} clients", cell(stalls["stop"], "{:.1f}") + f" ms stall{mark}",
              "-", "-", "< 50 ms")
    table.add(f"  (connecting {n_clients:,} clients)", cell(stalls["connect"], "{:.1f}") + " ms stall", "-", "-", "-")
def bench_gui_udp(build, table, rounds, rate=50000, seconds=5, size=64):
    longest, over, complete = [], [], []
    for r in range(rounds):
        result = gui_loads.udp_flood(build, rate, seconds, size)
        if result is None:
            continue
        counted = result["messages_in"] + result["datagrams_dropped"]
        longest.append(result["max_stall_ms"])
        over.append(result["stalls_over_50ms"])
        complete.append(counted == result["sent"])
        print(f"  gui-udp, round {r + 1}: longest stall {result['max_stall_ms']:.1f} ms "
              f"({result['stalls_over_50ms']} over 50 ms, {result['ticks']} probe ticks); sent {result['sent']}, "
              f"received {result['messages_in']} + dropped by the system {result['datagrams_dropped']} = {counted} "
              f"({'all counted' if counted == result['sent'] else 'MISSING ' + str(result['sent'] - counted)}); "
              f"{result['rows']} log rows, {result['rows_dropped']} dropped from view by the cap; "
              f"peak RSS {result['peak_rss_kib'] / 1024:.0f} MiB; the window's main thread used "
              f"{result['main_cpu_ms']:.0f} ms of CPU; load average {result['load']:.1f} at the end", flush=True)
    metric = f"window: UDP {rate:,}/s x {seconds} s of {size} B, longest stall"
    if not longest:
        table.add(metric, "did not start", "-", "-", "< 50 ms")
        return
    counted = "all counted" if all(complete) else f"{complete.count(False)} rounds MISSING datagrams"
    table.add(metric, cell(longest, "{:.1f}") + f" ms ({cell(over, '{:.0f}')} over 50 ms; received + dropped = sent: "
              f"{counted})", "-", "-", "< 50 ms, none over 50")


def bench_gui_pictures(build, table, rounds, fps=20, seconds=10):
    """The camera, against the same stream of random bytes (the same rows, no pictures) in the
    same run: what the pictures add."""
    runs = {False: [], True: []}
    for r in range(rounds):
        for not_pictures in (False, True):
            result = gui_loads.pictures(build, fps, seconds, not_pictures)
            if result is None:
                continue
            runs[not_pictures].append(result)
            decodes = result["decode_ms"]
            median = decodes[len(decodes) // 2] if decodes else float("nan")
            what = "random bytes" if not_pictures else "JPEG frames"
            print(f"  gui-pictures, round {r + 1}, {what}: longest stall {result['max_stall_ms']:.1f} ms "
                  f"({result['stalls_over_50ms']} over 50 ms, {result['ticks']} probe ticks); "
                  f"{result['messages_in']} of {result['frames']} arrived; main thread {result['main_cpu_ms']:.0f} ms "
                  f"of CPU; {len(decodes)} thumbnails decoded on the worker, decode + scale median {median:.1f} ms, "
                  f"max {max(decodes, default=float('nan')):.1f} ms; peak RSS {result['peak_rss_kib'] / 1024:.0f} MiB; "
                  f"load average {result['load']:.1f}", flush=True)
    pictures, plain = runs[False], runs[True]
    metric = f"window: camera, {fps} JPEG frames/s of 100 KiB x {seconds} s (vs the same bytes, not pictures)"
    if not pictures or not plain:
        table.add(metric, "did not start", "-", "-", "< 50 ms")
        return
    arrived = "every frame arrived" if all(r["messages_in"] == r["frames"] for r in pictures) else "frames MISSING"
    stalls = [r["max_stall_ms"] for r in pictures]
    plain_stalls = [r["max_stall_ms"] for r in plain]
    table.add(metric + ", longest stall",
              cell(stalls, "{:.1f}") + f" ms ({cell([r['stalls_over_50ms'] for r in pictures], '{:.0f}')} over 50 ms; {arrived})",
              cell(plain_stalls, "{:.1f}") + " ms", ratio(plain_stalls, stalls), "< 50 ms, none over 50")
    cpu = [r["main_cpu_ms"] for r in pictures]
    plain_cpu = [r["main_cpu_ms"] for r in plain]
    table.add("window: camera, main thread CPU for the 200 frames", cell(cpu, "{:.0f}") + " ms",
              cell(plain_cpu, "{:.0f}") + " ms", ratio(plain_cpu, cpu), "pictures cost little on the UI thread")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build", help="the meson build directory")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ingest-mib", type=int, default=2048)
    parser.add_argument("--flood-mib", type=int, default=1024)
    parser.add_argument("--relay-mib", type=int, default=1024)
    parser.add_argument("--only", choices=LOADS, action="append")
    args = parser.parse_args()
    netpoke_test.CLI = os.path.join(args.build, "src", "cli", "netpoke-cli")
    os.environ["NETPOKE_CLI"] = netpoke_test.CLI
    only = set(args.only or LOADS)
    table = Table()

    print(machine(), flush=True)
    if "fanout" in only:
        bench_fanout(args.build, table, args.rounds, 1000, 500, "fan-out 1,000 clients x 500 lines",
                     ">= 1.0x, every client complete")
    if "fanout-10k" in only:
        bench_fanout(args.build, table, args.rounds, 10000, 100, "fan-out 10,000 x 100, per client-line",
                     ">= 1.0x", reference=(1000, 500))
    if "typed" in only:
        bench_fanout(args.build, table, args.rounds, 1000, 1, "one typed line to 1,000 clients",
                     "< 25 ms (was 25-34)")
    if "udp" in only:
        bench_udp(args.build, table, args.rounds)
    if "ingest" in only:
        bench_ingest(table, args.rounds, args.ingest_mib * 2**20)
    if "relay" in only:
        bench_relay(args.build, table, args.rounds, args.relay_mib * 2**20)
    if "gui-flood" in only:
        bench_gui_flood(args.build, table, args.flood_mib * 2**20)
    if "gui-send-all" in only:
        bench_gui_send_all(args.build, table, args.rounds)
    if "gui-udp" in only:
        bench_gui_udp(args.build, table, args.rounds)
    if "gui-pictures" in only:
        bench_gui_pictures(args.build, table, args.rounds)

    print()
    table.print()


if __name__ == "__main__":
    main()
