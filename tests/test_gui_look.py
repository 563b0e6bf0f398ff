#!/usr/bin/env python3
"""Looking rather than reading, through the real app under Xvfb and AT-SPI: a Python client
sends a PNG and a JPEG framed with the 16-byte ASCII header, and each row's accessible
description names the picture and its size, with a thumbnail in the row; a damaged PNG gives
"not a valid PNG: …" in its row. A known message's hex dump copies as the C array `xxd -i`
writes, and its lines read as `hexdump -C` prints them. The traffic graph says the rate while
socat streams and 0 after it stops. A camera-like stream (JPEG frames, 100 KiB each) arrives
whole, every frame a row, thumbnails shown (its timing is `build-aux/dev bench --only
gui-pictures`). The app runs with G_DEBUG=fatal-warnings: a warning kills it and fails here."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from netpoke_test import Tap, WAIT, free_port, wakeups_by_thread, woke_between
from atspi_helpers import require_atspi

tap = Tap()
pyatspi = require_atspi(tap, "pictures, hex dumps and the traffic graph through AT-SPI", ("xdotool", "socat", "xxd", "hexdump"))
from atspi_helpers import (GUI, click, click_at, extents, find, find_app, keys, labels,  # noqa: E402
                           save_screenshot, stop_app, wait_for, walk)

import gi  # noqa: E402
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf, GLib  # noqa: E402


def picture(kind, width, height, quality="90"):
    """A real picture made with gdk-pixbuf's encoders: a gradient with a grid on it."""
    data = bytearray(width * height * 3)
    for y in range(height):
        for x in range(width):
            i = (y * width + x) * 3
            grid = 255 if x % 40 == 0 or y % 40 == 0 else 0
            data[i:i + 3] = bytes((x * 255 // width, y * 255 // height, max(grid, 96)))
    pixbuf = GdkPixbuf.Pixbuf.new_from_bytes(GLib.Bytes.new(bytes(data)), GdkPixbuf.Colorspace.RGB, False, 8,
                                             width, height, width * 3)
    options = (["quality"], [quality]) if kind in ("jpeg", "webp") else ([], [])
    ok, encoded = pixbuf.save_to_bufferv(kind, *options)
    return bytes(encoded)


def framed(payload):
    return f"{len(payload):016d}".encode() + payload


CLIPBOARD = r"""
import gi, sys
gi.require_version("Gdk", "4.0")
gi.require_version("Gtk", "4.0")
from gi.repository import Gdk, GLib, Gtk
Gtk.init()
loop = GLib.MainLoop()
out = []
def done(clipboard, result):
    out.append(clipboard.read_text_finish(result))
    loop.quit()
Gdk.Display.get_default().get_clipboard().read_text_async(None, done)
GLib.timeout_add_seconds(10, loop.quit)
loop.run()
sys.stdout.write(out[0] if out and out[0] is not None else "")
"""


def clipboard():
    """The clipboard's text, read by another GTK program as any paste would."""
    env = dict(os.environ, GTK_A11Y="none", NO_AT_BRIDGE="1")
    return subprocess.run(["/usr/bin/python3", "-c", CLIPBOARD], capture_output=True, text=True, env=env,
                          timeout=WAIT).stdout


CAMERA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "camera_frames.py")


def describe(acc):
    try:
        return acc.description or ""
    except Exception:
        return ""


def descriptions(root):
    return [describe(a) for a in walk(root) if describe(a)]


tmp = tempfile.TemporaryDirectory()
port = free_port()
workspace = os.path.join(tmp.name, "camera.netpoke")
with open(workspace, "w") as f:
    json.dump({"format": "netpoke-workspace", "version": 1,
               "endpoints": [{"mode": "tcp-server", "address": "127.0.0.1", "port": str(port),
                              "framing": "ascii16"}],
               # The whole screen's width (1280 px under run-headless), as someone watching a
               # camera would make it: with a client selected, the send box takes more than
               # the default 1,180 px leave the log.
               "window": {"width": 1280, "height": 780}}, f)

env = dict(os.environ, GTK_A11Y="atspi", G_DEBUG="fatal-warnings")
env.pop("NO_AT_BRIDGE", None)
proc = subprocess.Popen([GUI, workspace], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
try:
    app = wait_for("the app", lambda: proc.poll() is None and find_app())
    window = app and wait_for("the window", lambda: find(app, "frame", "camera.netpoke — Netpoke"))
    if not tap.ok(window is not None, "netpoke opens camera.netpoke (a TCP server, ASCII-16 framing)"):
        raise SystemExit
    click(wait_for("the Start button", lambda: find(window, "push button", "Start")))
    tap.ok(wait_for("listening", lambda: f"Listening on 127.0.0.1:{port}" in labels(window)),
           "the server listens", labels(window)[-8:])

    # ---- pictures -------------------------------------------------------------------------
    png = picture("png", 320, 240)
    jpeg = picture("jpeg", 640, 480)
    damaged = png[:60] + bytes(range(200))
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(framed(png) + framed(jpeg) + framed(damaged))

    png_text = f"PNG picture, 320 × 240 pixels, {len(png)} bytes"
    jpeg_text = f"JPEG picture, 640 × 480 pixels, {len(jpeg)} bytes"
    shown = wait_for("described pictures", lambda: png_text in descriptions(window)
                     and jpeg_text in descriptions(window) and descriptions(window))
    tap.ok(shown, "the PNG's and the JPEG's rows are described with their kind, pixels and size",
           descriptions(window))
    # WebP: shown where gdk-pixbuf has a WebP loader (build-aux/dev installs webp-pixbuf-loader;
    # Debian 12 has none by default, and test-picture-loader checks what a row says then).
    pictures_sent = 2
    if any(f.get_name() == "webp" and f.is_writable() for f in GdkPixbuf.Pixbuf.get_formats()):
        webp = picture("webp", 160, 120)
        pictures_sent = 3
        client.sendall(framed(webp))
        webp_text = f"WebP picture, 160 × 120 pixels, {len(webp)} bytes"
        tap.ok(wait_for("the WebP row", lambda: webp_text in descriptions(window)),
               "a WebP's row is described too", descriptions(window))
    else:
        tap.skip("a WebP's row is described too", "no WebP loader for gdk-pixbuf (webp-pixbuf-loader)")
    bad = wait_for("the damaged row", lambda: next((l for l in labels(window) if l.startswith("not a valid PNG: ")), None))
    tap.ok(bad is not None, f"the damaged PNG's row says so: {bad!r}")
    def thumbnails():
        return [a for a in walk(window) if a.name == "Thumbnail" and extents(a).width > 0]

    tap.ok(wait_for("thumbnails", lambda: len(thumbnails()) == pictures_sent),
           "the pictures have thumbnails in their rows (the damaged one has none)",
           [(a.getRoleName(), a.name) for a in walk(window) if "humbnail" in (a.name or "")])

    # ---- activating the PNG's row opens it full size ---------------------------------------
    png_row = find(window, "label", png_text)
    click_at(png_row)
    keys("Return")
    details = wait_for("the details window", lambda: find(app, "frame", "Details"))
    tap.ok(details is not None, "activating the PNG's row (a click, then Enter) opens its details")
    if details is not None:
        info = wait_for("the picture's size", lambda: find(details, "label", png_text))
        tap.ok(info is not None, "the details show the picture with its kind, pixels and size", labels(details))
        picture = find(details, "image", "Picture")
        tap.ok(picture is not None and extents(picture).width >= 320 and extents(picture).height >= 240,
               "the picture is shown full size", picture and extents(picture))
        tap.ok(find(details, "push button", "Save Picture…") is not None, "with a Save Picture… button")
        keys("Escape")
        tap.ok(wait_for("closed", lambda: find(app, "frame", "Details") is None), "Escape closes it")

    # ---- a known message's hex dump -----------------------------------------------------------
    known = b"hello world\n" + bytes(range(0, 40)) + b"\xff\xfe"
    client.sendall(framed(known))
    row = wait_for("the known row", lambda: find(window, "label", contains="hello world\\n"))
    click_at(row)
    keys("Return")
    details = wait_for("the details window", lambda: find(app, "frame", "Details"))
    tap.ok(details is not None, "activating the known message's row opens its details")
    if details is not None:
        # The view switcher's tabs have no AT-SPI action in libadwaita 1.2: a real click.
        click_at(wait_for("the Hex Dump tab", lambda: next((t for t in walk(details) if t.getRoleName() == "page tab"
                                                            and t.name == "Hex Dump" and extents(t).width > 0), None)))
        hexdump = subprocess.run(["hexdump", "-C", "-v"], input=known, capture_output=True).stdout.decode()
        expected_lines = hexdump.splitlines()[:-1]   # the last line is the length
        shown_lines = wait_for("the dump", lambda: [l for l in labels(details) if l[:8] in
                                                     {e[:8] for e in expected_lines}] or None)
        tap.eq(shown_lines, expected_lines, "its lines read as `hexdump -C` prints the same bytes")
        click(find(details, "push button", "Copy as C Array"))
        with open(os.path.join(tmp.name, "message"), "wb") as f:
            f.write(known)
        xxd = subprocess.run(["xxd", "-i", "message"], cwd=tmp.name, capture_output=True, text=True).stdout
        copied = wait_for("the clipboard", lambda: clipboard() == xxd and xxd)
        tap.eq(clipboard(), xxd, "Copy as C Array puts on the clipboard what `xxd -i message` writes")
        keys("Escape")

    # ---- the traffic graph, and a camera stream through socat -----------------------------------
    traffic_button = find(window, "toggle button", "Traffic Graphs") or find(window, "push button", "Traffic Graphs")
    if traffic_button is None:
        tap.note(str([(a.getRoleName(), a.name) for a in walk(window) if "raffic" in (a.name or "")]))
    click(traffic_button)
    graph = wait_for("the graph", lambda: next((a for a in walk(window) if a.getRoleName() == "image"
                                                and a.name == "Traffic of the endpoint" and extents(a).height > 0), None))
    tap.ok(graph is not None, "the Traffic Graphs button shows the endpoint's graph")

    def footer_in():
        """The footer's exact totals, (bytes, messages) received: its accessible description
        (the text itself reads in the client list's units, "42.4 kB")."""
        for acc in walk(window):
            try:
                if acc.getRoleName() == "label" and (acc.name or "").startswith("In "):
                    exact = re.match(r"Exactly: in (\d+) bytes \((\d+) messages\)", acc.description or "")
                    return (int(exact.group(1)), int(exact.group(2))) if exact else None
            except Exception:
                continue
        return None

    bytes_before, messages_before = footer_in()
    camera = subprocess.Popen(["socat", "-u", f"EXEC:/usr/bin/python3 {CAMERA} --fps 20 --seconds 10",
                               f"TCP:127.0.0.1:{port}"], stderr=subprocess.PIPE, text=True)

    def rate_now():
        text = describe(graph) if graph is not None else ""
        return text if text.startswith("Now in ") and not text.startswith("Now in 0 bytes/s") else None

    during = wait_for("a rate while the camera streams", rate_now)
    tap.ok(during is not None, f"while socat streams, the graph's description says the rate: {during!r}")
    camera.wait(timeout=60)
    sent = camera.stderr.read().split()
    frames, sent_bytes = int(sent[1]), int(sent[3])
    arrived = wait_for("every frame", lambda: footer_in() == (bytes_before + sent_bytes - 16 * frames,
                                                              messages_before + frames))
    tap.ok(arrived, f"every one of the {frames} frames arrived whole (the footer counts them)",
           (footer_in(), bytes_before + sent_bytes - 16 * frames, messages_before + frames))
    tap.ok(wait_for("thumbnails of the newest frames", lambda: len(thumbnails()) >= 3),
           "the newest frames' rows show thumbnails", len(thumbnails()))
    idle = wait_for("0 after the stream", lambda: describe(graph).startswith("Now in 0 bytes/s, out 0 bytes/s, 0 msg/s") and describe(graph))
    tap.ok(idle, f"after it stops the graph says 0, and keeps the peak: {describe(graph)!r}")
    tap.ok("peak in the last minute: in 0 bytes/s" not in describe(graph), "the peak is the stream's")

    # Idle is idle: with the graph on screen and nothing flowing, no thread of the app wakes
    # (nothing here asks it anything over AT-SPI meanwhile).
    time.sleep(1.5)
    before = wakeups_by_thread(proc.pid)
    time.sleep(3)
    woke = woke_between(before, wakeups_by_thread(proc.pid))
    tap.ok(woke == 0, f"idle with the graph shown: no thread woke in 3 s ({woke} context switches)")

    # The README's picture: thumbnails and the endpoint's graph after the camera's 10 s.
    if os.environ.get("NETPOKE_SCREENSHOT_LOOK"):
        # The pointer off the header's buttons, so that no tooltip covers the picture.
        subprocess.run(["xdotool", "mousemove", "400", "500"], check=True)
        time.sleep(1)
        save_screenshot(tap, window, os.environ["NETPOKE_SCREENSHOT_LOOK"])

    # Selecting the camera's client adds its own graph, fed by the engine's counter snapshots.
    clients = find(window, "tree table", "Connected clients")
    camera_row = wait_for("the camera's row", lambda: next((l for l in walk(clients) if l.getRoleName() == "label"
                                                             and (l.name or "").startswith("127.0.0.1:")
                                                             and l.name != f"127.0.0.1:{client.getsockname()[1]}"), None))
    click_at(camera_row)
    peer_graph = wait_for("the client's graph", lambda: next((a for a in walk(window) if a.getRoleName() == "image"
                                                              and a.name == f"Client {camera_row.name}"
                                                              and extents(a).height > 0), None))
    tap.ok(peer_graph is not None and "peak in the last minute: in 0 bytes/s" not in describe(peer_graph),
           f"selecting the camera's client shows its own graph with the stream's peak: {describe(peer_graph)!r}")

    # ---- a 16 MiB record: its hex dump is a list of a million lines, made as they are shown ----
    big = bytes(range(256)) * (16 * 1024 * 1024 // 256 - 1)   # 16 MiB - 256 B, under the 16 MiB bound
    client.sendall(framed(big))
    big_row = wait_for("the 16 MiB row", lambda: find(window, "label", str(len(big))))
    tap.ok(big_row is not None, f"a {len(big)}-byte message is one row")
    if big_row is not None:
        click_at(big_row)
        asked = time.monotonic()
        keys("Return")
        details = wait_for("the details window", lambda: find(app, "frame", "Details"))
        click_at(wait_for("the Hex Dump tab", lambda: next((t for t in walk(details) if t.getRoleName() == "page tab"
                                                            and t.name == "Hex Dump" and extents(t).width > 0), None)))
        first = wait_for("the first line", lambda: find(details, "label", contains="00000000  00 01 02 03"))
        tap.note(f"the 16 MiB dump showed its first line {time.monotonic() - asked:.2f} s after Enter")
        last_offset = f"{len(big) - 16:08x}"
        click_at(first)
        keys("End")
        last = wait_for("the last line", lambda: find(details, "label", contains=f"{last_offset}  f0 f1 f2"))
        tap.ok(first is not None and last is not None,
               f"its dump goes from offset 0 to {last_offset} (End), its lines made only as they are shown",
               last and last.name)
        tap.ok(find(details, "label", f"{len(big)} bytes") is not None, "and it says all its bytes are there")
        keys("Escape")
finally:
    err = stop_app(proc)
tap.ok("CRITICAL" not in err and "WARNING" not in err, "no GTK warnings", err[-800:])
tap.done()
