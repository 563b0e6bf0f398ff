#!/usr/bin/env python3
"""Idle means idle: with 100 clients connected and nothing happening, the server uses no CPU and
no thread wakes up (no timers, no polling)."""
import socket
import time

from netpoke_test import Cli, Tap, cpu_ticks, wakeups

tap = Tap()

server = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1")
_, port = server.wait_listening()
clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
tap.eq(len(server.wait_events(lambda e: e["event"] == "connected", 100)), 100, "100 clients connected")
time.sleep(0.5)   # let start-up settle

pid = server.proc.pid
ticks_before, wakeups_before = cpu_ticks(pid), wakeups(pid)
time.sleep(3)
ticks_after, wakeups_after = cpu_ticks(pid), wakeups(pid)
tap.note(f"over 3 s: {ticks_after - ticks_before} CPU ticks, {wakeups_after - wakeups_before} wakeups")
tap.ok(ticks_after - ticks_before == 0, "no CPU time used while idle",
       f"{ticks_after - ticks_before} ticks")
tap.ok(wakeups_after - wakeups_before == 0, "no thread woke up while idle",
       f"{wakeups_after - wakeups_before} context switches")

# Idle again after traffic: the stall timer, the counter snapshots (at most one 100 ms after the
# last change) and event idles are gone once queues are empty.
clients[0].sendall(b"x" * 100000)
server.send_line("y" * 1000)
sent = server.wait_event(lambda e: e["event"] == "sent")
tap.ok(sent is not None and sent["peers"] == 100, "the line went to all 100 clients", sent)
for c in clients:
    c.recv(65536)
tap.ok(server.wait_event(lambda e: e["event"] == "counters") is not None,
       "the traffic was published as a counters snapshot")
time.sleep(0.5)
wakeups_before = wakeups(pid)
time.sleep(2)
tap.eq(wakeups(pid) - wakeups_before, 0, "no wakeups after a burst of traffic has been handled")

server.stop()
for c in clients:
    c.close()
tap.done()
