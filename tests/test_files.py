#!/usr/bin/env python3
"""Files in and out of netpoke-cli against peers Netpoke did not write (socat, Python sockets):
a 1 GiB --send-file to a Python receiver (sha256 equal, peak RSS flat) and to socat (the file
compared), the half-close and exit 0 when the peer closes (nc -N), a server sending to its first
client, the seed's 16-byte-ASCII-header image sent as one framed message and saved
byte-identical as .png, extensions from magic bytes, and saving that stops with a clear error
on a full disk (RLIMIT_FSIZE, a 256 KiB tmpfs) or an unusable folder while the connection and
the files already saved stay intact. Loopback only; every wait bounded."""
import errno
import hashlib
import json
import os
import re
import resource
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import zlib

from netns import Network
from netpoke_test import CLI, Cli, Tap, WAIT, have, recv_until, run_cli, sanitized

tap = Tap()
GiB = 1024 * 1024 * 1024


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def check_refused_file(code, out, err, size, reason, name):
    """A UDP file the system refused: no progress ever says it all went, nothing says "sent",
    the last FILE event fails with 0 bytes and the system's reason (said once), exit 1."""
    events = [json.loads(line) for line in out.splitlines()]
    files = [e for e in events if e["event"] == "file"]
    last = files[-1] if files else {}
    tap.ok(code == 1 and not any(e["bytes"] == size and not e["failed"] for e in files)
           and not any(e["event"] == "sent" for e in events),
           f"a refused datagram ({name}): no progress or 'sent' event says the file went", out + err)
    tap.ok(last.get("failed") is True and last.get("bytes") == 0 and reason in last.get("message", "")
           and "stopped after 0 of" in last.get("message", ""),
           f"a refused datagram ({name}): the file ends as failed after 0 bytes, with the system's reason", last)
    said = out.count(reason) + err.count(reason)
    tap.ok(said == 2, f"a refused datagram ({name}): the reason is said once (the event, then stderr)", out + err)


def write_random(path, size):
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            block = os.urandom(min(left, 4 * 1024 * 1024))
            digest.update(block)
            f.write(block)
            left -= len(block)
    return digest.hexdigest()


def png(width, height):
    """A real PNG (RGB gradient), as a device camera would send it."""
    raw = b"".join(b"\x00" + bytes(v for x in range(width) for v in (x * 4 % 256, y * 4 % 256, (x + y) % 256))
                   for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock, sock.getsockname()[1]


def saved_files(folder):
    return sorted(name for name in os.listdir(folder) if not name.startswith("."))


NAME = re.compile(r"^\d{8}-\d{6}\.\d{3}_127\.0\.0\.1-\d+_(\d{6})\.(\w+)$")

with tempfile.TemporaryDirectory() as tmp:
    # ---- 1 GiB to a Python receiver: sha256 equal, memory flat --------------------------------
    big = os.path.join(tmp, "big.bin")
    big_digest = write_random(big, GiB)
    server, port = listener()
    result = {}

    def receive_all():
        conn, _ = server.accept()
        digest, total = hashlib.sha256(), 0
        conn.settimeout(60)
        while True:
            data = conn.recv(1024 * 1024)
            if not data:
                break
            digest.update(data)
            total += len(data)
        result["digest"], result["total"] = digest.hexdigest(), total
        conn.close()   # after the end of the stream, as nc and socat do

    reader = threading.Thread(target=receive_all)
    reader.start()
    started = time.monotonic()
    proc = subprocess.Popen([CLI, "tcp-client", "--host", "127.0.0.1", "--port", str(port), "--send-file", big],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rss_samples = []
    while proc.poll() is None and time.monotonic() - started < 120:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                rss_samples += [int(l.split()[1]) for l in f if l.startswith("VmRSS:")]
            peak = peak_rss_kib(proc.pid)
            asan = sanitized(proc.pid)
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.05)
    code = proc.wait(timeout=WAIT)
    seconds = time.monotonic() - started
    reader.join(WAIT)
    err = proc.stderr.read().decode()
    tap.eq(code, 0, "--send-file 1 GiB: exit 0 once the receiver closed after the end of the stream")
    tap.eq(result.get("total"), GiB, "the receiver got 1 GiB")
    tap.eq(result.get("digest"), big_digest, "sha256 of what arrived equals the file's")
    tap.note(f"1 GiB sent in {seconds:.2f} s; RSS samples {min(rss_samples or [0])}-{max(rss_samples or [0])} KiB, "
             f"peak {peak} KiB")
    if asan:
        tap.skip("memory stays flat while 1 GiB is sent", "AddressSanitizer keeps freed memory in quarantine")
    else:
        tap.ok(peak < 48 * 1024, "memory stays flat while 1 GiB is sent (peak RSS under 48 MiB)", f"{peak} KiB")
    server.close()

    # ---- to socat, which writes a file: the same bytes ---------------------------------------
    if have("socat"):
        part = os.path.join(tmp, "part.bin")
        with open(big, "rb") as f, open(part, "wb") as out:
            out.write(f.read(48 * 1024 * 1024 + 12345))
        received = os.path.join(tmp, "socat-received.bin")
        socat = subprocess.Popen(["socat", "-u", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr", f"OPEN:{received},creat,trunc"],
                                 stderr=subprocess.PIPE)
        port = None
        for _ in range(200):
            out = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
            match = re.search(r"127\.0\.0\.1:(\d+)\s.*pid=%d," % socat.pid, out)
            if match:
                port = int(match.group(1))
                break
            time.sleep(0.02)
        code, out, err = run_cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--send-file", part,
                                 timeout=60)
        socat.wait(WAIT)
        with open(part, "rb") as a, open(received, "rb") as b:
            same = hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest()
        tap.ok(code == 0 and same, "48 MiB to socat: exit 0, and socat's file equals the one sent", err)
    else:
        tap.skip("--send-file to socat", "socat is not installed")
    os.unlink(big)

    # ---- a server sends to its first client, half-closes, exits when the client closes --------
    small = png(64, 48)
    image = os.path.join(tmp, "frame.png")
    with open(image, "wb") as f:
        f.write(small)
    cli = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--send-file", image)
    _, port = cli.wait_listening()
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
        got = recv_until(c, lambda d: False)   # to the end of the stream: the server half-closed
        c.sendall(b"thanks")                   # we can still write: only its side is closed
        time.sleep(0.1)
    tap.eq(got, small, "a server with --send-file sends it to its first client, then ends its side")
    tap.eq(cli.finish(), 0, "and exits 0 when that client closes")
    tap.ok(any(e["event"] == "received" and e["text"] == "thanks" for e in cli.all_events),
           "after its half-close it still reads what the client sends")

    # ---- the seed's 16-byte ASCII header image: one framed message, saved as .png ------------
    folder = os.path.join(tmp, "frames")
    receiver = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--framing", "ascii16",
                   "--save-messages", folder)
    _, port = receiver.wait_listening()
    sender = Cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--framing", "ascii16",
                 "--send-file", image)
    got = receiver.wait_event(lambda e: e["event"] == "received")
    tap.ok(got is not None and got["length"] == len(small), "the receiver reads one message of the image's size", got)
    # The sender half-closed; a netpoke server keeps a client that finished sending (it could
    # still answer it), so the sender waits, as nc -N would, until the receiver ends.
    tap.ok(receiver.wait_event(lambda e: e["event"] == "finished") is not None,
           "the receiver sees the sender finish sending")
    tap.eq(receiver.stop(), 0, "the receiver stops cleanly")
    code = sender.finish()
    sent = [e for e in sender.all_events if e["event"] == "sent"]
    tap.ok(code == 0 and len(sent) == 1 and sent[0]["length"] == len(small) + 16 and sent[0]["messages"] == 1,
           "--framing ascii16 --send-file: one message, header included; exit 0 once the receiver closed",
           (code, sent))
    files = saved_files(folder)
    tap.ok(len(files) == 1 and NAME.match(files[0]) and files[0].endswith("_000001.png"),
           "the message is saved as TIME_PEER_SEQUENCE.png", files)
    with open(os.path.join(folder, files[0]), "rb") as f:
        tap.ok(f.read() == small, "the saved picture is byte-identical to the one sent")

    # Python sends the frame the seed's way too; the extension follows the magic bytes.
    folder = os.path.join(tmp, "kinds")
    receiver = Cli("tcp-server", "--port", "0", "--bind", "127.0.0.1", "--framing", "ascii16",
                   "--save-messages", folder)
    _, port = receiver.wait_listening()
    kinds = [b"\xff\xd8\xff\xe0jpeg", b"GIF89a..", b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", b"%PDF-1.4", b"PK\x03\x04zip", b"\x00\x01raw", small]
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
        for body in kinds:
            c.sendall(str(len(body)).ljust(16).encode() + body)
        receiver.wait_events(lambda e: e["event"] == "received", len(kinds))
    receiver.stop()
    files = saved_files(folder)
    tap.eq([NAME.match(n).group(2) if NAME.match(n) else n for n in files],
           ["jpg", "gif", "bmp", "pdf", "zip", "bin", "png"], "extensions from magic bytes, in sequence order")

    # ---- disk full (a file size limit), then a full tmpfs: saving stops, the rest goes on -----
    def limited(limit):
        def apply():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        return apply

    def fill_and_check(folder, sizes, fails_at, why, preexec=None):
        argv = [CLI, "tcp-server", "--port", "0", "--bind", "127.0.0.1", "--framing", "u32be",
                "--save-messages", folder, "--echo", "--json"]
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=preexec)
        line = proc.stderr.readline().decode()
        port = int(line.rsplit(":", 1)[1])
        bodies = [os.urandom(size) for size in sizes]
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
            for body in bodies:
                framed = struct.pack(">I", len(body)) + body
                c.sendall(framed)
                back = recv_until(c, lambda d: len(d) >= len(framed))
                if back != framed:
                    break
            still_connected = back == framed
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        err = err.decode()
        files = saved_files(folder)
        intact = all(open(os.path.join(folder, n), "rb").read() == bodies[i] for i, n in enumerate(files))
        tap.ok(still_connected, f"{why}: the connection goes on (every echo came back)")
        tap.ok(f"Saving messages to {folder} stopped:" in err, f"{why}: a clear error names the folder", err)
        tap.eq(len(files), fails_at, f"{why}: the messages before it are saved, nothing after, no partial file")
        tap.ok(intact, f"{why}: what was saved is intact")
        tap.eq(proc.returncode, 1, f"{why}: the exit code says saving failed")
        return err

    err = fill_and_check(os.path.join(tmp, "limited"), [20000, 30000, 200000, 1000], 2, "file size limit",
                         preexec=limited(100000))
    tap.ok("File too large" in err, "the system's reason is given (File too large)", err)

    mount_point = os.path.join(tmp, "tiny")
    os.mkdir(mount_point)
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount_point],
                                                   capture_output=True).returncode == 0
    if mounted:
        try:
            err = fill_and_check(mount_point, [100000, 100000, 100000, 1000], 2, "full 256 KiB tmpfs")
            tap.ok("No space left on device" in err, "the system's reason is given (No space left on device)", err)
        finally:
            subprocess.run(["umount", mount_point])
    else:
        tap.skip("a full tmpfs stops saving", "mounting a tmpfs needs root and CAP_SYS_ADMIN")

    # ---- a folder that cannot be one; files that cannot be sent -------------------------------
    blocker = os.path.join(tmp, "not-a-folder")
    open(blocker, "w").close()
    code, out, err = run_cli("tcp-server", "--port", "0", "--save-messages", os.path.join(blocker, "x"))
    tap.ok(code == 2 and "Cannot save messages to" in err and "not-a-folder" in err,
           "--save-messages under a regular file is refused before anything starts", err)
    code, out, err = run_cli("tcp-client", "--host", "127.0.0.1", "--port", "9", "--send-file", os.path.join(tmp, "nope"))
    tap.ok(code == 2 and "--send-file" in err and "nope" in err, "a missing --send-file is a usage error", err)

    server, port = listener()
    code, out, err = run_cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--framing", "u8",
                             "--send-file", image)
    tap.ok(code == 1 and f"does not fit framing u8" in err, "a file too large for the framing's header fails clearly", err)
    server.close()

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.bind(("127.0.0.1", 0))
        u.settimeout(WAIT)
        code, out, err = run_cli("udp", "--to", f"127.0.0.1:{u.getsockname()[1]}", "--send-file", image)
        data, _ = u.recvfrom(70000)
        tap.ok(code == 0 and data == small, "udp --send-file: the file as one datagram, then exit 0", err)
        too_big = os.path.join(tmp, "too-big.bin")
        with open(too_big, "wb") as f:
            f.write(b"x" * 70000)
        code, out, err = run_cli("udp", "--to", f"127.0.0.1:{u.getsockname()[1]}", "--send-file", too_big)
        tap.ok(code == 1 and "a UDP datagram holds at most 65507 bytes" in err, "a file too big for a datagram is refused", err)
        code, out, err = run_cli("udp", "--to", "255.255.255.255:9", "--send-file", image)
        tap.ok(code == 1 and "broadcast" in err, "a datagram the system refuses (broadcast is off) ends the run with 1", err)
        code, out, err = run_cli("udp", "--to", "255.255.255.255:9", "--send-file", image, "--json")
        check_refused_file(code, out, err, len(small), "it is a broadcast address, and broadcast is off",
                           "broadcast off (EACCES)")
        code, out, err = run_cli("udp", "--to", f"127.0.0.1:{u.getsockname()[1]}", "--send-file", image, "--json")
        files = [e for e in map(json.loads, out.splitlines()) if e["event"] == "file"]
        data, _ = u.recvfrom(70000)
        tap.ok(code == 0 and data == small and files and files[-1]["bytes"] == len(small)
               and not files[-1]["failed"], "a datagram the system took: the file's last word is every byte sent",
               files)

    # The system refuses where no route leads (ENETUNREACH): a namespace with only loopback.
    net = Network.create(tap, names=("alone",))
    if net is None:
        tap.skip("a file to an unreachable network fails with the system's reason", Network.why)
    else:
        proc = subprocess.run([*net.prefix("alone"), CLI, "udp", "--to", "192.0.2.1:9", "--send-file", image,
                               "--json"], capture_output=True, timeout=WAIT, text=True)
        check_refused_file(proc.returncode, proc.stdout, proc.stderr, len(small), os.strerror(errno.ENETUNREACH),
                           "no route (ENETUNREACH)")
        net.remove()

    # The receiver goes away in the middle: the run fails and says how far it got.
    half = os.path.join(tmp, "half.bin")
    write_random(half, 64 * 1024 * 1024)
    server, port = listener()

    def read_some_then_reset():
        conn, _ = server.accept()
        recv_until(conn, lambda d: len(d) >= 1024 * 1024)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    reader = threading.Thread(target=read_some_then_reset)
    reader.start()
    code, out, err = run_cli("tcp-client", "--host", "127.0.0.1", "--port", str(port), "--send-file", half, timeout=60)
    reader.join(WAIT)
    server.close()
    tap.ok(code == 1 and re.search(r"Sending .*half\.bin stopped after \d+ of 67108864 bytes", err) is not None,
           "a receiver that resets mid-file: exit 1, saying how far it got", err)

tap.done()
