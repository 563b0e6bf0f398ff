#!/usr/bin/env python3
"""Launched with LANGUAGE=zh_CN the window is in Chinese (read through AT-SPI, as a screen
reader would), and so are the log rows the engine's events make (their reasons come from the
core). Set NETPOKE_SCREENSHOT=FILE to also save a screenshot (needs a CJK font)."""
import os
import socket
import subprocess

from netpoke_test import Tap, WAIT, free_port
from atspi_helpers import require_atspi

tap = Tap()
require_atspi(tap, "the window in Chinese")
from atspi_helpers import GUI, click, find, find_app, labels, save_screenshot, set_text, stop_app, wait_for  # noqa: E402

env = dict(os.environ, GTK_A11Y="atspi", G_DEBUG="fatal-criticals", LANGUAGE="zh_CN", LANG="C.UTF-8",
           LC_ALL="C.UTF-8")
app_proc = subprocess.Popen([GUI], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
try:
    app = wait_for("the app", find_app)
    window = app and wait_for("the window", lambda: find(app, "frame", "Netpoke"))
    if not tap.ok(window is not None, "the window opens"):
        tap.note(f"app on the bus: {app is not None}; exit status: {app_proc.poll()}")
        if app_proc.poll() is not None:
            tap.note(app_proc.stderr.read().decode(errors="replace")[-1500:])
    if window is not None:
        tap.ok(find(window, "push button", "启动") is not None, "the Start button reads 启动")
        tap.ok(find(window, "combo box", "模式") is not None, "the mode selector is labelled 模式")
        tap.ok(find(window, "text", "要发送的消息") is not None, "the send box is labelled 要发送的消息")
        tap.ok(find(window, "push button", "发送给全部") is not None, "Send to All reads 发送给全部")
        shown = labels(window)
        tap.ok("TCP 服务器" in shown and "客户端" in shown, "mode and client list titles are Chinese",
               [l for l in shown if l][:20])
        tap.ok(any(l.startswith("接收 0 字节") for l in shown), "the footer counters are Chinese",
               [l for l in shown if "0" in l][:5])
        shot = os.environ.get("NETPOKE_SCREENSHOT")
        if shot:
            save_screenshot(tap, window, shot)

        # A client connects and hangs up: the rows say so in Chinese, reason included.
        port = free_port()
        set_text(find(window, "text", "端口"), str(port))
        click(find(window, "push button", "启动"))
        tap.ok(wait_for("listening", lambda: find(window, "push button", "停止")) is not None,
               "启动 starts the server")
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT):
            tap.ok(wait_for("the connected row", lambda: "已连接" in labels(window)) is not None,
                   "the log row for a new client reads 已连接", [l for l in labels(window) if l][-8:])
        tap.ok(wait_for("the disconnected row", lambda: "已断开：对方已关闭连接" in labels(window)) is not None,
               "the row for a client that hung up reads 已断开：对方已关闭连接 (row and reason translated)",
               [l for l in labels(window) if l][-8:])
finally:
    err = stop_app(app_proc)
    tap.ok("CRITICAL" not in err, "no criticals", err[-1000:])

tap.done()
