#!/usr/bin/env python3
"""Every bad input exits 2 naming the bad value; runtime failures exit 1 with the system's reason;
bad hex on stdin is an error line, not an exit."""
import socket
import subprocess

from netpoke_test import Cli, Tap, WAIT, run_cli

tap = Tap()

usage_cases = [
    (["tcp-server", "--port", "70000"], "70000", "out of range"),
    (["tcp-server", "--port", "abc"], "abc", "not a number"),
    (["tcp-server", "--port", "-1"], "-1", "not a number"),
    (["tcp-client", "--host", "127.0.0.1", "--port", "0"], "Port 0", "1–65535"),
    (["tcp-client", "--host", "127.0.0.1", "--port", "65536"], "65536", "out of range"),
    (["udp", "--port", "99999"], "99999", "out of range"),
    (["tcp-server", "--port", "0", "--encoding", "klingon"], "klingon", "utf-8"),
    (["tcp-server", "--port", "0", "--format", "binary"], "binary", "hex"),
    (["tcp-server", "--port", "0", "--framing", "ascii99"], "ascii99", "ascii16"),
    (["tcp-server", "--port", "0", "--framing", "lines"], "lines", "raw"),
    (["tcp-server", "--port", "0", "--bind", "example.org"], "example.org", "not an IP address"),
    (["tcp-server", "--port", "0", "--bind", "300.1.1.1"], "300.1.1.1", "not an IP address"),
    (["udp", "--to", "127.0.0.1"], "127.0.0.1", "HOST:PORT"),
    (["udp", "--to", "127.0.0.1:0"], "Port 0", "1–65535"),
    (["udp", "--to", "::1:80"], "::1:80", "[::1]"),
    (["udp", "--framing", "u16be"], "UDP", "datagram"),
    (["tcp-server"], "--port", "tcp-server"),
    (["tcp-client", "--port", "80"], "--host", "tcp-client"),
    (["tcp-server", "--port", "0", "--max-message", "0"], "--max-message", "1–"),
    (["tcp-client", "--host", "x", "--port", "1", "--timeout", "soon"], "soon", "milliseconds"),
    (["tcp-server", "--port", "0", "--display", "text"], "--display", "escapes"),
    (["tcp-server", "--port", "0", "--bogus"], "--bogus", "Unknown option"),
    (["frobnicate"], "frobnicate", "tcp-server"),
    ([], "Usage", "tcp-server"),
]

for argv, needle, hint in usage_cases:
    code, out, err = run_cli(*argv)
    lines = [l for l in err.splitlines() if l.strip()]
    name = "usage error: " + (" ".join(argv) or "(no arguments)")
    tap.ok(code == 2 and needle in err and hint in err, name,
           f"exit {code}, stderr: {err!r}")
    if argv:
        tap.ok(len(lines) == 1, name + " is one line", err)

code, out, err = run_cli("--help")
tap.ok(code == 0 and "tcp-client" in out, "--help exits 0 and lists the modes", err)
code, out, err = run_cli("tcp-server", "--help")
tap.ok(code == 0 and "--framing" in out and "--echo" in out, "a mode's --help lists its options", out)

# Runtime errors exit 1 with the system's reason.
with socket.socket() as busy:
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    code, out, err = run_cli("tcp-server", "--bind", "127.0.0.1", "--port", str(port), stdin_data=None)
    tap.ok(code == 1 and "already in use" in err and str(port) in err,
           "address in use exits 1 with the reason", f"exit {code}: {err!r}")

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
    busy.bind(("127.0.0.1", 0))
    port = busy.getsockname()[1]
    code, out, err = run_cli("udp", "--bind", "127.0.0.1", "--port", str(port), stdin_data=None)
    tap.ok(code == 1 and "already in use" in err, "udp port in use exits 1", err)

with socket.socket() as closed:
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    # Bound but not listening: connecting is refused.
    code, out, err = run_cli("tcp-client", "--host", "127.0.0.1", "--port", str(port))
    tap.ok(code == 1 and "refused" in err and str(port) in err,
           "connection refused exits 1 with the reason", f"exit {code}: {err!r}")

code, out, err = run_cli("tcp-client", "--host", "no-such-host.invalid", "--port", "80")
tap.ok(code == 1 and "no-such-host.invalid" in err and "resolv" in err.lower(),
       "host not found exits 1 naming the host", f"exit {code}: {err!r}")

code, out, err = run_cli("udp", "--to", "no-such-host.invalid:9")
tap.ok(code == 1 and "no-such-host.invalid" in err, "udp: unresolvable destination exits 1", err)

code, out, err = run_cli("tcp-server", "--port", "0", "--capture", "/nonexistent-dir/capture.jsonl")
tap.ok(code == 1 and "/nonexistent-dir/capture.jsonl" in err, "unwritable capture file exits 1 naming it", err)

# Bad hex on stdin: an error line, then the next good line is still sent.
with socket.socket() as listener:
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    cli = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--format", "hex",
              json_events=False)
    peer, _ = listener.accept()
    tap.ok(cli.wait_stderr("connected to 127.0.0.1:") is not None, "client prints 'connected to'")
    cli.send_line("48 6G")
    bad = cli.wait_stderr("netpoke-cli: not sent:")
    tap.ok(bad is not None and "“G”" in bad and "position 5" in bad,
           "bad hex on stdin gives an error line naming the character", bad)
    cli.send_line("4F 4B 0A")
    peer.settimeout(WAIT)
    tap.eq(peer.recv(100), b"OK\n", "the next good hex line is sent")
    tap.ok(cli.proc.poll() is None, "bad input did not end the program")
    tap.eq(cli.stop(), 0, "SIGINT stops the client cleanly (exit 0)")
    peer.close()

tap.done()
