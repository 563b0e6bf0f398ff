#!/usr/bin/env python3
"""UDP broadcast and multicast on a private network of namespaces (never a real one): netpoke-cli
in "host", Python peers in "peer" (one link) and "other" (a second link). IPv4 and IPv6 groups,
the interface a group is joined on, the group shown for each datagram, TTL / hop limit and
loopback of what is sent, broadcast refused without --broadcast and sent with it."""
import os
import socket
import struct

from netns import Network
from netpoke_test import Cli, Tap, WAIT, run_cli

tap = Tap()
IP_RECVTTL, IP_TTL = 12, 2   # <linux/in.h>; Python does not export them

# ---- bad input needs no network ----------------------------------------------------------------
for args, expect, name in [
    (["--join", "10.0.0.1"], "is not a multicast group", "--join of a unicast address"),
    (["--join", "239.1.2.3%nosuch0"], "there is no network interface “nosuch0”", "--join on a missing interface"),
    (["--ttl", "300"], "--ttl “300” must be a number of hops (0–255)", "--ttl out of range"),
    (["--multicast-if", "nosuch0"], "no network interface “nosuch0”", "--multicast-if of a missing interface"),
]:
    code, _, err = run_cli("udp", "--port", "0", *args)
    tap.ok(code == 2 and expect in err, f"usage error: {name}", err)
code, _, err = run_cli("tcp-server", "--port", "0", "--broadcast")
tap.ok(code == 2 and "--broadcast applies to udp" in err, "--broadcast belongs to udp", err)

net = Network.create(tap, names=("host", "peer", "other"))
if net is None:
    tap.skip("broadcast and multicast in network namespaces", Network.why)
    tap.done()

host_if, peer_if = net.link("host", "peer", "10.77.0", "fd77::")
host_if2, other_if = net.link("host", "other", "10.78.0", "fd78::")
net.route_default("host", host_if)
net.route_default("peer", peer_if)


def v4_socket(space, iface=None, port=0, group=None):
    """A UDP socket in @space bound to all addresses, sending multicast from @iface, member of
    @group on @iface when given."""
    sock = net.socket(space, socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.bind(("0.0.0.0", port))
    sock.settimeout(WAIT)
    if iface is not None:
        index = net.index(space, iface)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, struct.pack("4s4si", bytes(4), bytes(4), index))
        if group is not None:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                            struct.pack("4s4si", socket.inet_aton(group), bytes(4), index))
    return sock


def v6_socket(space, iface, port=0, group=None):
    sock = net.socket(space, socket.AF_INET6, socket.SOCK_DGRAM)
    sock.bind(("::", port))
    sock.settimeout(WAIT)
    index = net.index(space, iface)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
    if group is not None:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                        socket.inet_pton(socket.AF_INET6, group) + struct.pack("@I", index))
    return sock


def free_port(space):
    with net.socket(space, socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        sock.bind(("::", 0))
        return sock.getsockname()[1]


def received(cli, predicate=lambda e: True):
    return cli.wait_event(lambda e: e["event"] == "received" and predicate(e))


def only_marker_next(cli, sender, address, name):
    """Nothing else arrived before: the next datagram is the marker sent now."""
    sender.sendto(b"marker", address)
    got = received(cli)
    tap.ok(got is not None and got["text"] == "marker", name, got)


# ---- IPv4: join on one interface, the group in each datagram -----------------------------------
cli = Cli("udp", "--port", "0", "--join", f"239.1.2.3%{host_if}", prefix=net.prefix("host"))
_, port = cli.wait_listening()
tap.eq(cli.wait_event(lambda e: e["event"] == "notice")["message"],
       f"Joined the multicast group 239.1.2.3 on {host_if}", "the join is logged with its interface")
peer = v4_socket("peer", peer_if)
peer.sendto(b"to the group", ("239.1.2.3", port))
got = received(cli)
tap.ok(got is not None and got["text"] == "to the group" and got.get("group") == "239.1.2.3"
       and got["peer"].startswith("10.77.0.2:"), "a datagram to the group arrives, marked with the group", got)

other = v4_socket("other", other_if)
other.sendto(b"wrong link", ("239.1.2.3", port))
only_marker_next(cli, peer, ("10.77.0.1", port),
                 "the group was joined on one interface: the same group on another link is not heard")
got_marker = [e for e in cli.all_events if e.get("text") == "marker"]
tap.ok(got_marker and "group" not in got_marker[-1], "a unicast datagram carries no group", got_marker)

cli.send_line("answer")
data, source = peer.recvfrom(100)
tap.ok(data == b"answer\n" and source == ("10.77.0.1", port),
       "the answer to a peer heard leaves from the port it wrote to", (data, source))
code = cli.stop()
tap.eq(code, 0, "stops with exit 0")
tap.ok(any(e["event"] == "notice" and e["message"] == f"Left the multicast group 239.1.2.3 on {host_if}"
           for e in cli.all_events), "leaving the group at stop is logged")

# ---- IPv4: sending to a group: TTL, interface, loopback ----------------------------------------
port = free_port("host")
listener = v4_socket("peer", peer_if, port=port, group="239.1.2.4")
listener.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)


def ttl_of_next(sock):
    data, control, _, _ = sock.recvmsg(100, socket.CMSG_SPACE(4))
    ttls = [struct.unpack("i", c[2][:4])[0] for c in control if c[1] in (IP_TTL, socket.IPV6_HOPLIMIT)]
    return data, ttls[0] if ttls else None


for extra, ttl, loop in [([], 1, True), (["--ttl", "7", "--no-multicast-loop"], 7, False)]:
    cli = Cli("udp", "--port", str(port), "--to", f"239.1.2.4:{port}", "--join", f"239.1.2.4%{host_if}",
              *extra, prefix=net.prefix("host"))
    cli.wait_listening()
    cli.send_line(f"ttl {ttl}")
    data, got_ttl = ttl_of_next(listener)
    tap.ok(data == f"ttl {ttl}\n".encode() and got_ttl == ttl,
           f"multicast leaves from the joined interface with TTL {ttl}", (data, got_ttl))
    if loop:
        own = received(cli)
        tap.ok(own is not None and own["text"] == "ttl 1\n" and own.get("group") == "239.1.2.4",
               "with loopback on (the default) our own multicast comes back to us", own)
    else:
        only_marker_next(cli, peer, ("10.77.0.1", port), "--no-multicast-loop: our own multicast is not heard")
    cli.stop()

# ---- IPv6: ff02:: on a chosen interface, hop limit ----------------------------------------------
cli = Cli("udp", "--port", "0", "--join", f"ff02::1:3%{host_if}", prefix=net.prefix("host"))
_, port = cli.wait_listening()
peer6 = v6_socket("peer", peer_if)
peer6.sendto(b"v6 group", ("ff02::1:3", port, 0, net.index("peer", peer_if)))
got = received(cli)
tap.ok(got is not None and got["text"] == "v6 group" and got.get("group") == "ff02::1:3",
       "IPv6: a datagram to ff02::1:3 arrives, marked with the group", got)
other6 = v6_socket("other", other_if)
other6.sendto(b"wrong link", ("ff02::1:3", port, 0, net.index("other", other_if)))
only_marker_next(cli, peer6, ("fd77::1", port), "IPv6: the same group on the other link is not heard")
cli.stop()

port = free_port("host")
listener6 = v6_socket("peer", peer_if, port=port, group="ff02::1:4")
listener6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
cli = Cli("udp", "--to", f"[ff02::1:4]:{port}", "--multicast-if", host_if, "--ttl", "4", prefix=net.prefix("host"))
cli.wait_listening()
cli.send_line("hops")
data, hops = ttl_of_next(listener6)
tap.ok(data == b"hops\n" and hops == 4, "IPv6: --multicast-if and --ttl set where and with what hop limit", (data, hops))
cli.stop()

# ---- broadcast ---------------------------------------------------------------------------------
port = free_port("host")
receiver = v4_socket("peer", port=port)
cli = Cli("udp", "--to", f"10.77.0.255:{port}", prefix=net.prefix("host"))
cli.wait_listening()
cli.send_line("no switch")
error = cli.wait_event(lambda e: e["event"] == "error")
tap.ok(error is not None and "broadcast address" in error["message"] and "--broadcast" in error["message"],
       "without --broadcast a send to a broadcast address says how to allow it", error)
cli.stop()
sent = [e for e in cli.all_events if e["event"] == "sent"]
tap.ok(not sent, "a datagram the system refused is not also reported as sent", sent)

for address in ("10.77.0.255", "255.255.255.255"):
    cli = Cli("udp", "--broadcast", "--to", f"{address}:{port}", prefix=net.prefix("host"))
    cli.wait_listening()
    cli.send_line(f"to {address}")
    data, source = receiver.recvfrom(100)
    tap.ok(data == f"to {address}\n".encode() and source[0] == "10.77.0.1",
           f"--broadcast: a datagram to {address} reaches the network", (data, source))
    cli.stop()

cli = Cli("udp", "--port", "0", prefix=net.prefix("host"))
_, port = cli.wait_listening()
for address in ("10.77.0.255", "255.255.255.255"):
    peer.sendto(b"broadcast", (address, port))
    got = received(cli)
    tap.ok(got is not None and got.get("group") == address,
           f"a broadcast to {address} is received, marked with the address it was sent to", got)
cli.stop()

# ---- a socket bound to one address cannot hear a group -----------------------------------------
cli = Cli("udp", "--bind", "10.77.0.1", "--port", "0", "--join", "239.1.2.3", prefix=net.prefix("host"))
code = cli.finish()
stopped = [e for e in cli.all_events if e["event"] == "stopped"]
tap.ok(code == 1 and stopped and "never receives what is sent to a multicast group" in stopped[0]["message"],
       "--bind to a unicast address with --join is refused with the reason", stopped)

for sock in (peer, other, listener, peer6, other6, listener6, receiver):
    sock.close()
net.remove()
tap.done()
