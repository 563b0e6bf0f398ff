#!/usr/bin/env python3
"""The web modes as a person meets them: the real app under Xvfb, driven through AT-SPI (and a
real pointer click on a log row). An HTTP server started from the command line answers curl;
the request is a row; selecting it and pressing the details button opens a window with the
request line, curl's headers and the body curl sent. A WebSocket client started from the
command line talks to a Python websockets server: a message typed in the send box goes out and
the server's answer comes back as a row."""
import os
import subprocess
import sys

from netpoke_test import Tap, WAIT, free_port
from atspi_helpers import require_atspi

tap = Tap()
require_atspi(tap, "the web modes through AT-SPI", ("curl", "xdotool"))
from atspi_helpers import GUI, click, click_at, find, find_app, labels, set_text, stop_app, wait_for, walk  # noqa: E402


def start_app(*args):
    env = dict(os.environ, GTK_A11Y="atspi", G_DEBUG="fatal-criticals")
    env.pop("NO_AT_BRIDGE", None)
    proc = subprocess.Popen([GUI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    app = wait_for("the app", lambda: proc.poll() is None and find_app())
    window = app and wait_for("the window", lambda: find(app, "frame", "Netpoke"))
    return proc, app, window


def text_of(acc):
    return acc.queryText().getText(0, -1)


# ---- an HTTP server, a request from curl, its details ---------------------------------------
port = free_port()
proc, app, window = start_app("--mode", "http-server", "--address", "127.0.0.1", "--port", str(port), "--start")
listening = window and wait_for("listening", lambda: f"Listening on 127.0.0.1:{port}" in labels(window))
tap.ok(listening, "`netpoke --mode http-server --start` listens where it was told")

answer = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "led=1",
                         f"http://127.0.0.1:{port}/api/led"], capture_output=True, text=True, timeout=WAIT)
row = window and wait_for("the request row", lambda: find(window, "label", contains="POST /api/led → 404"))
tap.ok(answer.stdout == "404" and row is not None,
       "curl's POST (nothing answers it: 404) is a row in the log", (answer.stdout, labels(window)[-5:] if window else None))

details = None
if row is not None:
    click_at(row)
    click(find(window, "push button", "Details"))
    details = wait_for("the details window", lambda: find(app, "frame", "Details"))
tap.ok(details is not None, "selecting the row and pressing the details button opens the details")
if details is not None:
    shown = labels(details)
    tap.ok(any("POST /api/led" in l and "User-Agent: curl/" in l for l in shown)
           and any("404 Not Found" in l for l in shown),
           "the details show the request line with curl's headers, and the response's status", shown)
    body = find(details, "text", "Request body")
    tap.ok(body is not None and text_of(body) == "led=1", "the request body is shown as curl sent it",
           body and text_of(body))
err = stop_app(proc)
tap.ok("CRITICAL" not in err and "WARNING" not in err, "no GTK warnings", err[-500:])

# ---- a WebSocket client --------------------------------------------------------------------
try:
    import websockets  # noqa: F401
except ImportError:
    tap.skip("the WebSocket client sends and shows the answer", "python3-websockets is not installed")
    tap.done()

server = subprocess.Popen([sys.executable, "-u", "-c",
                           "import asyncio, websockets\n"
                           "async def echo(ws, path=None):\n"
                           "    async for m in ws:\n"
                           "        await ws.send('echo:' + m)\n"
                           "async def main():\n"
                           "    async with websockets.serve(echo, '127.0.0.1', 0) as s:\n"
                           "        print(s.sockets[0].getsockname()[1])\n"
                           "        await asyncio.sleep(60)\n"
                           "asyncio.run(main())\n"], stdout=subprocess.PIPE, text=True)
ws_port = int(server.stdout.readline())
proc, app, window = start_app("--mode", "ws", "--address", f"ws://127.0.0.1:{ws_port}/live", "--start")
connected = window and wait_for("connected", lambda: f"Connected to 127.0.0.1:{ws_port}" in labels(window))
tap.ok(connected, "`netpoke --mode ws --address ws://… --start` connects")
if connected:
    set_text(find(window, "text", "Message to send"), "hello device")
    click(find(window, "push button", "Send"))
echoed = window and wait_for("the answer", lambda: find(window, "label", "echo:hello device"))
tap.ok(echoed is not None, "a typed message goes out as a WebSocket message and the answer is a row",
       labels(window)[-6:] if window else None)
err = stop_app(proc)
server.kill()
server.wait()
tap.ok("CRITICAL" not in err and "WARNING" not in err, "no GTK warnings", err[-500:])
tap.done()
