#!/usr/bin/env python3
"""End to end, as a person would: the real netpoke window under Xvfb, driven through AT-SPI
(GTK_A11Y=atspi, pyatspi). Pick the mode, type a port, click Start, connect three ncat clients,
see them in the client list (the send box's Send greyed, saying why, until a client connects), see a line one of them sends, watch the log follow 20 more (the
newest row inside the visible rows), type a message and send it with Ctrl+Enter, click "Send
to All", check each ncat got it, disconnect one from the list and check its socket closed.

Set NETPOKE_SCREENSHOT=FILE to save a screenshot of the window with that traffic."""
import os
import queue
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

from netpoke_test import Tap, WAIT
from atspi_helpers import require_atspi

tap = Tap()
atspi = require_atspi(tap, "end-to-end through AT-SPI", ("ncat", "xdotool"))
from atspi_helpers import GUI, click, click_at, find, find_app, keys, labels, pyatspi, save_screenshot, set_text, shown_in, stop_app, type_text, wait_for, walk  # noqa: E402


class Ncat:
    def __init__(self, port):
        self.proc = subprocess.Popen(["ncat", "127.0.0.1", str(port)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.chunks = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.data = b""

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            self.chunks.put(chunk)
            if not chunk:
                self.eof = True
                return

    eof = False

    def local_port(self):
        """The port this ncat connected from, read from the kernel's socket table."""
        out = subprocess.run(["ss", "-Htnp", "state", "established"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if f"pid={self.proc.pid}," in line:
                return int(line.split()[2].rsplit(":", 1)[1])
        return None

    def read_until(self, wanted, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while wanted not in self.data and time.monotonic() < deadline:
            try:
                chunk = self.chunks.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if not chunk:
                break
            self.data += chunk
        return wanted in self.data

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()


env = dict(os.environ, GTK_A11Y="atspi", G_DEBUG="fatal-criticals")
env.pop("NO_AT_BRIDGE", None)
app_proc = subprocess.Popen([GUI], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
clients = []
try:
    app = wait_for("the app on the accessibility bus", find_app)
    if not tap.ok(app is not None, "netpoke appears on the accessibility bus"):
        raise SystemExit
    window = wait_for("the window", lambda: find(app, "frame", "Netpoke"))
    tap.ok(window is not None, "the Netpoke window is shown")

    # Mode: open the selector and choose with the keyboard, as a user can: TCP Client, then
    # back to TCP Server. The Start button's label follows the mode.
    mode = find(window, "combo box", "Mode")
    tap.ok(mode is not None, "the mode selector has an accessible label")
    click(find(mode, "push button"))
    time.sleep(0.5)
    keys("Down", "Return")
    tap.ok(wait_for("client mode", lambda: find(window, "push button", "Connect")) is not None,
           "choosing TCP Client turns Start into Connect")
    tap.ok("Enter the host to connect to" not in labels(window),
           "no error before anything is typed (the host is not missing until Connect is pressed)")
    click(find(mode, "push button"))
    time.sleep(0.5)
    keys("Down", "Return")
    tap.ok(wait_for("udp", lambda: find(window, "tree table", "Peers heard")) is not None
           and find(window, "tree table", "Connected clients") is None,
           "in UDP mode the peers table is named Peers heard for a screen reader, not Connected clients")
    click(find(mode, "push button"))
    time.sleep(0.5)
    keys("Up", "Up", "Return")
    tap.ok(wait_for("server mode", lambda: find(window, "push button", "Start")) is not None,
           "choosing TCP Server turns it back into Start")

    # Port 0: the system picks a free one and the window says which (no port is freed by the
    # test and taken again, by someone else perhaps, before the window binds it).
    bad_port = "Port must be 0–65535 (0 for any free port)"
    port_entry = find(window, "text", "Port")
    set_text(port_entry, "70000")
    tap.ok(wait_for("validation", lambda: bad_port in labels(window)) is not None,
           f"a bad port is explained inline: '{bad_port}'")
    set_text(port_entry, "0")
    tap.ok(wait_for("validation gone", lambda: bad_port not in labels(window)) is not None,
           "the message goes when the port is fixed")

    click(find(window, "push button", "Start"))

    def listening_port():
        for label in labels(window):
            if label.startswith("Listening on [::]:"):
                return int(label.rsplit(":", 1)[1])
        return None

    port = wait_for("listening", listening_port)
    tap.ok(port is not None and port > 0, f"clicking Start listens, on port {port}")
    tap.ok(find(window, "push button", "Stop") is not None, "the Start button became Stop")

    # A first start's controls say what they are: the icon-only "+", the interval's unit; and
    # "all" of no clients is greyed until one connects.
    tap.ok(find(window, "push button", "Save Message…") is not None, "the “+” button reads “Save Message…”")
    tap.ok(find(window, "spin button", "Repeat interval (ms)") is not None and "ms" in labels(window),
           "the repeat interval has its unit, ms")

    def sensitive(acc):
        return acc is not None and acc.getState().contains(pyatspi.STATE_SENSITIVE)

    # The client list's buttons (the send box's Send button also reads "Send to All").
    disconnect_all = find(window, "push button", "Disconnect All")
    peer_buttons = disconnect_all.parent
    tap.ok(not sensitive(find(peer_buttons, "push button", "Send to All")) and not sensitive(disconnect_all),
           "with no client, the list's Send to All and Disconnect All are greyed")

    # The send box's own Send button (it reads "Send to All" too) is greyed with no client and
    # says why; Ctrl+Enter in the message box says it in a toast, sends nothing, types no
    # newline. A client connecting (Python) makes it clickable; its leaving (a reset, so the
    # server sees it gone at once) greys it again.
    no_client = "No client is connected: there is nobody to send to"

    def send_box_send():
        listed = list(peer_buttons)
        return next((a for a in walk(window) if a.getRoleName() == "push button" and a.name == "Send to All"
                     and a not in listed), None)

    send = send_box_send()
    tap.ok(send is not None and not sensitive(send) and send.description == no_client,
           "with no client, the send box's Send is greyed and says why",
           send and (send.getState().contains(pyatspi.STATE_SENSITIVE), send.description))
    message_box = find(window, "text", "Message to send")
    click_at(message_box)
    type_text("nobody yet")
    keys("ctrl+Return")
    tap.ok(wait_for("the toast", lambda: no_client in labels(window)) is not None,
           "Ctrl+Enter with no client says why in a toast")
    tap.ok(message_box.queryText().getText(0, -1) == "nobody yet", "and typed no newline",
           repr(message_box.queryText().getText(0, -1)))
    set_text(message_box, "")
    probe = socket.create_connection(("127.0.0.1", port))
    tap.ok(wait_for("Send enabled", lambda: sensitive(send_box_send())) is not None,
           "a client connects: Send can be clicked")
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    probe.close()
    tap.ok(wait_for("Send greyed", lambda: not sensitive(send_box_send())) is not None
           and send_box_send().description == no_client, "the client leaves: Send is greyed again")

    clients = [Ncat(port) for _ in range(3)]
    peers_table = find(window, "tree table", "Connected clients")

    def client_rows():
        return [l for l in labels(peers_table) if l.startswith("127.0.0.1:")]

    rows = wait_for("three clients", lambda: len(client_rows()) == 3 and client_rows())
    tap.ok(rows is not None, "three ncat clients appear in the client list", client_rows())
    tap.ok(wait_for("Send to All enabled", lambda: sensitive(find(peer_buttons, "push button", "Send to All"))) is not None,
           "with clients, Send to All can be clicked")

    clients[0].send(b"hello from ncat 1\n")
    tap.ok(wait_for("the line in the log", lambda: "hello from ncat 1\\n" in labels(window)) is not None,
           "the line one client sent is in the log")

    # A client sends lines a person can read, one every 150 ms: the newest row is in view
    # (inside the log's rows, not merely in the tree), every time and at the end.
    log = find(window, "tree table", "Message log")
    for i in range(20):
        clients[0].send(f"reading {i}\n".encode())
        time.sleep(0.15)
        if i == 12:
            tap.ok(wait_for("row 12 in view", lambda: shown_in(log, "reading 12\\n")) is not None,
                   "while lines come in, the newest row is in view")
    tap.ok(wait_for("the last row in view", lambda: shown_in(log, "reading 19\\n")) is not None,
           "the log follows: the newest of 20 lines is inside the visible rows")

    # Ctrl+Enter in the message box sends, as the shortcuts window says, and types no newline.
    click_at(message_box)
    type_text("typed and sent with ctrl enter")
    keys("ctrl+Return")
    got = [c.read_until(b"typed and sent with ctrl enter") for c in clients]
    tap.ok(all(got), "Ctrl+Enter in the message box sends what was typed", [c.data[-60:] for c in clients])
    typed = message_box.queryText()
    tap.ok(typed.getText(0, -1) == "typed and sent with ctrl enter", "Ctrl+Enter put no newline into the message",
           repr(typed.getText(0, -1)))

    set_text(find(window, "text", "Message to send"), "broadcast from netpoke")
    click(find(window, "push button", "Send to All"))
    got = [c.read_until(b"broadcast from netpoke") for c in clients]
    tap.ok(all(got), "each ncat got the message sent to all", [c.data for c in clients])

    shot = os.environ.get("NETPOKE_SCREENSHOT")
    if shot:
        clients[1].send(b"\x01\x02STATUS OK\r\n")
        time.sleep(0.5)
        save_screenshot(tap, window, shot)

    # Disconnect the first client in the list: select its row, click the button.
    first_address = sorted(client_rows())[0]
    row_label = find(peers_table, "label", first_address)
    click_at(row_label)
    disconnect = find(window, "push button", "Disconnect Selected")
    tap.ok(wait_for("the button enabled", lambda: disconnect.getState().contains(pyatspi.STATE_SENSITIVE)) is not None,
           "selecting a client enables Disconnect Selected")
    port_of = int(first_address.rsplit(":", 1)[1])
    victim = next((c for c in clients if c.local_port() == port_of), None)
    tap.ok(victim is not None, f"the selected row {first_address} is one of the ncat clients")
    click(disconnect)
    closed = victim is not None and wait_for(
        "its socket to close", lambda: victim.eof or victim.proc.poll() is not None) is not None
    tap.ok(closed, "the disconnected client's socket was closed (ncat saw EOF)")
    tap.ok(wait_for("two clients", lambda: len(client_rows()) == 2) is not None,
           "the client list shows the two left", client_rows())
    others = [c for c in clients if c is not victim]
    tap.ok(all(c.proc.poll() is None for c in others), "the other clients stay connected")

    # Ctrl+Q with clients connected asks first, as Stop does (the preference is on by default);
    # Cancel keeps everything; Quit quits, and the clients see the connection close.
    click_at(find(window, "text", "Message to send"))
    keys("ctrl+q")
    question = wait_for("the question", lambda: find(app, "label", "Quit Netpoke?"))
    tap.ok(question is not None and app_proc.poll() is None,
           "Ctrl+Q with two clients connected asks \"Quit Netpoke?\" instead of quitting")
    # libadwaita 1.2 names a response button by its mnemonic and its text ("_Cancel Cancel").
    dialog = find(app, "dialog", "Quit Netpoke?")
    cancel = dialog and find(dialog, "push button", contains="Cancel")
    if cancel is not None:
        click(cancel)
    tap.ok(wait_for("the question gone", lambda: find(app, "label", "Quit Netpoke?") is None) is not None
           and app_proc.poll() is None and all(c.proc.poll() is None and not c.eof for c in others),
           "Cancel keeps Netpoke running and the clients connected")
    click_at(find(window, "text", "Message to send"))
    keys("ctrl+q")
    wait_for("the question again", lambda: find(app, "label", "Quit Netpoke?"))
    dialog = find(app, "dialog", "Quit Netpoke?")
    quit_button = dialog and find(dialog, "push button", contains="Quit")
    if quit_button is not None:
        click(quit_button)
    exited = wait_for("Netpoke to quit", lambda: app_proc.poll() is not None)
    tap.ok(exited and app_proc.returncode == 0, f"Quit quits (exit status {app_proc.returncode})")
    tap.ok(all(wait_for("EOF", lambda c=c: c.eof or c.proc.poll() is not None) for c in others),
           "the clients saw their connections close")
finally:
    for c in clients:
        if c.proc.poll() is None:
            c.proc.kill()
    err = stop_app(app_proc)
    criticals = [l for l in err.splitlines() if "CRITICAL" in l or "WARNING" in l and "Gtk" in l]
    tap.ok(not criticals, "no GTK criticals or warnings on stderr", "\n".join(criticals[:5]))

tap.done()
