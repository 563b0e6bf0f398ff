#!/usr/bin/env python3
"""A camera stand-in: JPEG frames of about 100 KiB (640 × 480, a sky, a sun that moves, textured
ground), made with gdk-pixbuf's encoder, each framed with the 16-byte ASCII length header the
seed's camera uses. Run as a program it writes FPS frames a second for SECONDS seconds to
standard output, paced by the clock, so `socat -u EXEC:'camera_frames.py …' TCP:host:port` is a
camera (test_gui_look.py, build-aux/dev bench --only gui-pictures)."""
import argparse
import random
import sys
import time

import gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf, GLib  # noqa: E402


def frame(i, width=640, height=480, quality="90"):
    """Frame i: the sun stands a little further right in each."""
    rnd = random.Random(i)
    data = bytearray(width * height * 3)
    sun_x, sun_y = (i * 23) % width, height // 3
    for y in range(height):
        row = y * width * 3
        ground = y > height * 0.5
        sky = bytes((60 + y * 120 // height, 120 + y * 100 // height, 230))
        for x in range(width):
            if ground:
                n = rnd.getrandbits(7)
                px = bytes((40 + n, 110 + n, 30 + (n >> 1)))
            else:
                dx, dy = x - sun_x, y - sun_y
                px = b"\xff\xdc\x5a" if dx * dx + dy * dy < 1600 else sky
            data[row + x * 3:row + x * 3 + 3] = px
    pixbuf = GdkPixbuf.Pixbuf.new_from_bytes(GLib.Bytes.new(bytes(data)), GdkPixbuf.Colorspace.RGB, False, 8,
                                             width, height, width * 3)
    ok, encoded = pixbuf.save_to_bufferv("jpeg", ["quality"], [quality])
    return bytes(encoded)


def framed(payload):
    return f"{len(payload):016d}".encode() + payload


def frames(n_distinct=10):
    return [frame(i) for i in range(n_distinct)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fps", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--not-pictures", action="store_true",
                        help="send random bytes of the frames' sizes instead (the same load, no pictures)")
    args = parser.parse_args()
    made = [framed(random.Random(len(f)).randbytes(len(f)) if args.not_pictures else f) for f in frames()]
    out = sys.stdout.buffer
    total = int(args.fps * args.seconds)
    start = time.monotonic()
    for i in range(total):
        wait = start + i / args.fps - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        out.write(made[i % len(made)])
        out.flush()
    sys.stderr.write(f"sent {total} frames, {sum(len(made[i % len(made)]) for i in range(total))} bytes\n")


if __name__ == "__main__":
    main()
