"""A private network for tests that must not touch a real one (broadcast, multicast): network
namespaces made with `ip netns`, joined by veth pairs, removed again at exit.

    net = Network.create(tap)          # None (and a skip with the reason) where not allowed
    net.link("host", "peer", "10.77.0", "fd77::")   # host 10.77.0.1 / fd77::1 on vhost0, peer .2
    cli = Cli("udp", ..., prefix=net.prefix("host"))
    sock = net.socket("peer", socket.AF_INET, socket.SOCK_DGRAM)

A socket belongs to the namespace of the thread that made it, so net.socket() makes it on a short
thread that entered the namespace (setns): the test then uses it like any other socket.
"""
import atexit
import ctypes
import json
import os
import socket
import subprocess
import threading

CLONE_NEWNET = 0x40000000


class Network:
    def __init__(self, tag):
        self.tag = tag
        self.spaces = []
        self.interfaces = {}   # (space, peer space) -> interface name in space
        self.counter = 0

    @classmethod
    def create(cls, tap, names=("host", "peer")):
        """Makes the namespaces, or says why it cannot (tap.skip is the caller's) and returns
        None with the reason in .why."""
        net = cls(f"np{os.getpid()}")
        try:
            for name in names:
                net._add(name)
        except (OSError, subprocess.CalledProcessError) as error:
            net.remove()
            cls.why = f"network namespaces are not allowed here: {getattr(error, 'stderr', None) or error}"
            return None
        atexit.register(net.remove)
        return net

    def name(self, space):
        return f"{self.tag}{space}"

    def _ip(self, *args):
        subprocess.run(["ip", *args], check=True, capture_output=True, text=True)

    def _add(self, space):
        self._ip("netns", "add", self.name(space))
        self.spaces.append(space)
        self._ip("-n", self.name(space), "link", "set", "lo", "up")
        self._ip("-n", self.name(space), "link", "set", "lo", "multicast", "on")

    def link(self, a, b, v4_prefix, v6_prefix):
        """A veth pair between spaces a (.1) and b (.2), multicast on, IPv6 without duplicate
        address detection (usable at once). Returns (interface in a, interface in b)."""
        self.counter += 1
        if_a, if_b = f"v{a}{self.counter}", f"v{b}{self.counter}"
        self._ip("link", "add", if_a, "netns", self.name(a), "type", "veth", "peer", "name", if_b,
                 "netns", self.name(b))
        for space, iface, host in ((a, if_a, 1), (b, if_b, 2)):
            ns = self.name(space)
            self._ip("-n", ns, "addr", "add", f"{v4_prefix}.{host}/24", "brd", "+", "dev", iface)
            self._ip("-n", ns, "addr", "add", f"{v6_prefix}{host}/64", "dev", iface, "nodad")
            self._ip("-n", ns, "link", "set", iface, "multicast", "on", "up")
        # Link-local addresses (needed to send to ff02::) skip duplicate detection too.
        for space, iface in ((a, if_a), (b, if_b)):
            subprocess.run(["ip", "netns", "exec", self.name(space), "sysctl", "-q", "-w",
                            f"net.ipv6.conf.{iface}.accept_dad=0"], capture_output=True)
        self.interfaces[(a, b)] = if_a
        self.interfaces[(b, a)] = if_b
        return if_a, if_b

    def index(self, space, iface):
        """The interface's index, as seen in its namespace."""
        out = subprocess.run(["ip", "-n", self.name(space), "-j", "link", "show", "dev", iface],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out)[0]["ifindex"]

    def route_default(self, space, iface):
        self._ip("-n", self.name(space), "route", "add", "default", "dev", iface)

    def prefix(self, space):
        """The argv prefix that runs a program in the namespace."""
        return ["ip", "netns", "exec", self.name(space)]

    def socket(self, space, *args):
        result = {}

        def make():
            try:
                fd = os.open(f"/run/netns/{self.name(space)}", os.O_RDONLY)
                try:
                    libc = ctypes.CDLL(None, use_errno=True)
                    if libc.setns(fd, CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), "setns")
                finally:
                    os.close(fd)
                result["socket"] = socket.socket(*args)
            except OSError as error:
                result["error"] = error

        thread = threading.Thread(target=make)
        thread.start()
        thread.join()
        if "error" in result:
            raise result["error"]
        return result["socket"]

    def remove(self):
        for space in self.spaces:
            subprocess.run(["ip", "netns", "delete", self.name(space)], capture_output=True)
        self.spaces = []
