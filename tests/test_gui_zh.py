#!/usr/bin/env python3
"""Launched with LANGUAGE=zh_CN the window is in Chinese (read through AT-SPI, as a screen
reader would), and so are the log rows the engine's events make (their reasons come from the
core): listening, a client connecting and hanging up, the server stopped. A tooltip is laid out
on one line (GTK 4.8 gave Chinese tooltips one character per line), measured on the screen.
Set NETPOKE_SCREENSHOT=FILE to also save a screenshot (needs a CJK font: fonts-wqy-microhei)."""
import os
import socket
import subprocess
import time

from netpoke_test import Tap, WAIT, free_port
from atspi_helpers import require_atspi

tap = Tap()
require_atspi(tap, "the window in Chinese", ("xdotool",))
from atspi_helpers import (GUI, click, extents, find, find_app, labels, save_screenshot, set_text, shown_in,  # noqa: E402
                           stop_app, wait_for)


def dark_rows(x, y, width, height):
    """How many pixel rows of the screen area hold tooltip background (near black)."""
    ppm = subprocess.run(["import", "-window", "root", "-crop", f"{width}x{height}+{x}+{y}", "+repage",
                          "-depth", "8", "ppm:-"], capture_output=True, check=True).stdout
    # P6 header: magic, width, height, maxval, each followed by whitespace.
    fields, pos = [], 0
    while len(fields) < 4:
        end = pos
        while ppm[end:end + 1].isspace():
            end += 1
        start = end
        while not ppm[end:end + 1].isspace():
            end += 1
        fields.append(ppm[start:end])
        pos = end
    pixels = ppm[pos + 1:]
    w, h = int(fields[1]), int(fields[2])
    rows = 0
    for row in range(h):
        line = pixels[row * w * 3:(row + 1) * w * 3]
        if sum(1 for i in range(0, len(line), 3) if max(line[i], line[i + 1], line[i + 2]) < 40) >= 4:
            rows += 1
    return rows


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

        # The main menu's tooltip 主菜单, as it appears on the screen: one line of text high.
        menu = next((a for a in (find(window, "toggle button", "主菜单"), find(window, "push button", "主菜单"))
                     if a is not None), None)
        if tap.ok(menu is not None, "the main menu button is labelled 主菜单"):
            box = extents(menu)
            subprocess.run(["xdotool", "mousemove", "400", "400"], check=True)
            subprocess.run(["xdotool", "mousemove", str(box.x + box.width // 2), str(box.y + box.height // 2)],
                           check=True)
            area = (max(0, box.x - 100), box.y + box.height, box.width + 200, 120)
            height = wait_for("the tooltip", lambda: dark_rows(*area), timeout=10) or 0
            time.sleep(0.3)   # the tooltip has appeared: let it finish its size
            height = dark_rows(*area)
            # One line is about 29 px high, the button 34; three characters stacked made 61.
            tap.ok(0 < height < box.height * 1.3, f"the tooltip 主菜单 is one line high ({height} px dark, "
                   f"under {box.height * 1.3:.0f}; three characters stacked made 61)")
            subprocess.run(["xdotool", "mousemove", "400", "400"], check=True)

        # A client connects and hangs up, the server stops: the rows say so in Chinese.
        port = free_port()
        set_text(find(window, "text", "端口"), str(port))
        click(find(window, "push button", "启动"))
        tap.ok(wait_for("listening", lambda: find(window, "push button", "停止")) is not None,
               "启动 starts the server")
        log = find(window, "tree table", "消息日志")
        tap.ok(wait_for("the listening row", lambda: any(l.startswith("正在监听 ") for l in labels(log))) is not None,
               "the row for the listening server reads 正在监听 …", [l for l in labels(log) if l][-8:])
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as client:
            tap.ok(wait_for("the connected row", lambda: "已连接" in labels(log)) is not None,
                   "the log row for a new client reads 已连接", [l for l in labels(log) if l][-8:])
            client.sendall("温度 21.5\n".encode())
            tap.ok(wait_for("the data row", lambda: shown_in(log, "温度 21.5\\n")) is not None,
                   "the Chinese text a client sent is shown in the log")
        # Hanging up is first the end of what it sends (TCP cannot tell a half-close from a close
        # until something is sent to it): that row is translated too.
        tap.ok(wait_for("the finished row", lambda: shown_in(log, "对端已结束发送——仍可向其回复")) is not None,
               "the row for a client that hung up reads 对端已结束发送——仍可向其回复, in view",
               [l for l in labels(log) if l][-8:])
        shot = os.environ.get("NETPOKE_SCREENSHOT")
        if shot:
            time.sleep(0.5)   # the rows read above are drawn, not only in the tree
            save_screenshot(tap, window, shot)
        click(find(window, "push button", "停止"))
        # The client that hung up is still listed (it may only have finished sending), so Stop
        # asks first, in Chinese too: confirm.
        dialog = wait_for("the confirmation", lambda: find(app, "dialog"))
        confirm = dialog and find(dialog, "push button", contains="停止")
        tap.ok(confirm is not None, "stopping a server with a client listed asks first (停止服务器？)",
               dialog and labels(dialog))
        if confirm is not None:
            click(confirm)
        # One row for the stop, counting the client it closed (no row of its own).
        tap.ok(wait_for("the stopped row", lambda: shown_in(log, "已由用户停止 — 已断开 1 个客户端")) is not None,
               "stopping writes the row 已由用户停止 — 已断开 1 个客户端 (not “Stopped: Stopped by user”), in view",
               [l for l in labels(log) if l][-8:])
        english = [l for l in labels(log) if any(w in l for w in ("Listening", "Connected", "Disconnected", "Stopped"))]
        tap.ok(not english, "no English row in the Chinese log", english)
finally:
    err = stop_app(app_proc)
    tap.ok("CRITICAL" not in err, "no criticals", err[-1000:])

tap.done()
