#!/usr/bin/env python3
"""The window's tools as a person uses them, through the real app under Xvfb and AT-SPI, with a
Python client Netpoke did not write: a reply rule typed into the Reply Rules window answers the
client (a bad regex is refused where it is typed, with GRegex's words and the rule's number, and
nothing starts while it is there; "try it" shows the answer); Record, through the file chooser,
writes a capture whose lines are the traffic; Export, through the file chooser, writes a CSV
that Python's csv module reads back as the rows the log shows (all of them, then only those the
filter shows).

Set NETPOKE_RULES_SCREENSHOT=FILE to save a screenshot of the Reply Rules window."""
import csv
import json
import os
import socket
import subprocess
import tempfile
import time

from netpoke_test import Tap, WAIT, recv_until
from atspi_helpers import require_atspi

tap = Tap()
require_atspi(tap, "the window's tools through AT-SPI", ("xdotool",))
from atspi_helpers import GUI, click, find, find_app, keys, labels, pyatspi, save_screenshot, set_text, stop_app, wait_for, walk  # noqa: E402

tmp = tempfile.TemporaryDirectory()


def any_label(root, text):
    return lambda: any(text in l for l in labels(root))


def choose_file(app, title, path, accept):
    """The file chooser (GTK's own without a portal, as here): type the whole path as its name
    (saving), or into its location field (Ctrl+L: opening, choosing a folder), then accept."""
    dialog = wait_for(f"the {title} chooser", lambda: next(
        (a for a in app if a is not None and a.name == title), None))
    if dialog is None:
        return False
    name = find(dialog, "text", "Name:")
    if name is None:
        time.sleep(0.5)
        keys("ctrl+l")
        name = wait_for("its location field", lambda: find(dialog, "text", "GtkFileChooserEntry"))
    set_text(name, path)
    time.sleep(0.3)
    click(find(dialog, "push button", contains=accept))
    return wait_for("the chooser to close", lambda: not any(a is not None and a.name == title for a in app)) is not None


env = dict(os.environ, GTK_A11Y="atspi", G_DEBUG="fatal-criticals")
env.pop("NO_AT_BRIDGE", None)
proc = subprocess.Popen([GUI], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
client = None
try:
    app = wait_for("the app on the accessibility bus", find_app)
    window = app and wait_for("the window", lambda: find(app, "frame", "Netpoke"))
    if not tap.ok(window is not None, "the Netpoke window is shown"):
        raise SystemExit

    # ---- a rule written in the Reply Rules window ----------------------------------------------
    click(find(window, "push button", "Rules"))
    rules = wait_for("the Reply Rules window", lambda: find(app, "frame", "Reply Rules"))
    tap.ok(rules is not None, "Rules opens the Reply Rules window")
    click(find(rules, "push button", contains="Add Rule"))
    pattern = wait_for("rule 1", lambda: find(rules, "text", "Rule 1 pattern"))
    tap.ok(pattern is not None, "Add Rule adds rule 1, its fields labelled for assistive technology")
    tap.ok(not any("Rule 1:" in l for l in labels(rules)), "a rule just added, not written yet, is not called wrong yet")

    set_text(find(window, "text", "Port"), "0")
    set_text(find(window, "text", "Address"), "127.0.0.1")
    click(find(window, "push button", "Start"))
    tap.ok(wait_for("the refusal", any_label(window, "Not started: reply rules: Rule 1: pattern: the pattern is empty")) is not None,
           "while a rule is bad, Start starts nothing and says why")
    tap.ok(wait_for("the empty pattern explained", any_label(rules, "Rule 1: pattern: the pattern is empty")) is not None,
           "and the rule not written yet says so under it")
    tap.ok(find(window, "push button", "Start") is not None and not any("Listening" in l for l in labels(window)),
           "nothing is listening")

    set_text(pattern, "^report(.*")
    bad = "Rule 1: pattern: Error while compiling regular expression ‘^report(.*’ at char 10: missing terminating )"
    tap.ok(wait_for("GRegex's error", any_label(rules, bad)) is not None,
           "a bad regex is refused where it is typed, with GRegex's text and the rule's number")
    set_text(pattern, "^report(.*)")
    set_text(find(rules, "text", "Rule 1 answer"), r"SET OK:report\1")
    tap.ok(wait_for("the error gone", lambda: not any("Rule 1:" in l for l in labels(rules))) is not None,
           "fixed, the error goes")

    set_text(find(rules, "text", "Try a message"), "report42")
    tap.ok(wait_for("the try result", any_label(rules, "Rule 1 answers: SET OK:report42")) is not None,
           "“try it” shows which rule answers a sample, and with what")

    # A second rule, the seed's alarm, with a delay: the screenshot shows both.
    click(find(rules, "push button", contains="Add Rule"))
    set_text(wait_for("rule 2", lambda: find(rules, "text", "Rule 2 pattern")), r"^.{6}([^,]*).*")
    set_text(find(rules, "text", "Rule 2 answer"), r"alarm=\1,Switch:clear")
    set_text(find(rules, "text", "Try a message"), "DEV001A17,door open")
    tap.ok(wait_for("rule 2 answers", any_label(rules, "Rule 2 answers: alarm=A17,Switch:clear")) is not None,
           "the second rule answers what the first does not")
    # Move rule 2 up: now it answers "report…" too (first match wins), then back.
    click(find(rules, "push button", "Move rule 2 up"))
    set_text(find(rules, "text", "Try a message"), "report42")
    tap.ok(wait_for("rule order", any_label(rules, "Rule 1 answers: alarm=42,Switch:clear")) is not None,
           "moving a rule up makes it answer first")
    click(find(rules, "push button", "Move rule 1 down"))
    tap.ok(wait_for("order back", any_label(rules, "Rule 1 answers: SET OK:report42")) is not None,
           "and moving it down again restores the order")

    # A third, moved to the top (the alarm rule answers anything of six characters or more):
    # bytes for bytes, after a delay, as a slow Modbus device would.
    click(find(rules, "push button", contains="Add Rule"))
    kind = wait_for("rule 3", lambda: find(rules, "combo box", "Rule 3 matches"))
    click(find(kind, "push button"))
    time.sleep(0.5)
    keys("Down", "Down", "Down", "Return")   # the list opens on its first item: the fourth is Hex
    answer_kind = find(rules, "combo box", "Rule 3 answer kind")
    click(find(answer_kind, "push button"))
    time.sleep(0.5)
    keys("Down", "Return")
    set_text(find(rules, "text", "Rule 3 pattern"), "01 03 00 00 00 01")
    set_text(find(rules, "text", "Rule 3 answer"), "01 03 02 00 2A")
    find(rules, "spin button", "Rule 3 delay in milliseconds").queryValue().currentValue = 250
    set_text(find(rules, "text", "Try a message"), r"\x01\x03\x00\x00\x00\x01")
    click(find(rules, "push button", "Move rule 3 up"))
    # Each move is seen through "try it" before the next: the rows are made anew as they move.
    wait_for("the hex rule second", any_label(rules, "Rule 2 answers after 250 ms"))
    click(find(rules, "push button", "Move rule 2 up"))
    tap.ok(wait_for("rule 1 answers", any_label(rules, r"Rule 1 answers after 250 ms: \x01\x03\x02\x00*")) is not None,
           "a hex rule chosen from the lists, moved to the top, answers bytes with bytes after its delay",
           [l for l in labels(rules) if "Rule" in l])
    set_text(find(rules, "text", "Try a message"), "DEV001A17,door open")
    tap.ok(wait_for("rule 3 answers", any_label(rules, "Rule 3 answers: alarm=A17,Switch:clear")) is not None,
           "the alarm rule is third now")
    shot = os.environ.get("NETPOKE_RULES_SCREENSHOT")
    if shot:
        time.sleep(0.5)
        save_screenshot(tap, rules, shot)


    # Closed, the rules stay (the window keeps them; the dialog only edits them).
    click(find(rules, "push button", "Close"))
    tap.ok(wait_for("the rules window closed", lambda: not rules.getState().contains(pyatspi.STATE_VISIBLE)
                    or find(app, "frame", "Reply Rules") is None) is not None, "the Reply Rules window closes")

    # ---- Record, then traffic ------------------------------------------------------------------
    capture = os.path.join(tmp.name, "bench.jsonl")
    click(find(window, "push button", "Record"))
    tap.ok(choose_file(app, "Record to File", capture, "Record"), "Record asks where, through the file chooser")
    tap.ok(wait_for("the capture's size shown", any_label(window, "bench.jsonl · ")) is not None,
           "the footer shows the capture file and its size")

    click(find(window, "push button", "Start"))
    listening = wait_for("listening", lambda: next((l for l in labels(window) if l.startswith("Listening on 127.0.0.1:")), None))
    port = int(listening.rsplit(":", 1)[1]) if listening else 0
    tap.ok(port > 0, f"with good rules, Start listens (port {port})")

    # Save Messages, into a folder chosen through the chooser.
    frames = os.path.join(tmp.name, "frames")
    os.mkdir(frames)
    click(find(window, "push button", "Save Messages"))
    tap.ok(choose_file(app, "Save Messages To", frames, "Select"), "Save Messages asks for a folder")
    tap.ok(wait_for("saving shown", any_label(window, "frames · 0 files")) is not None,
           "the footer shows the folder and the files saved")

    client = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    exchanges = [(b"report7", b"SET OK:report7"), (b"DEV002B33,smoke", b"alarm=B33,Switch:clear"),
                 (b"report\xe6\xb8\xa9\xe5\xba\xa6", "SET OK:report温度".encode())]
    answers = []
    for request, expected in exchanges:
        client.sendall(request)
        answers.append(recv_until(client, lambda d, n=len(expected): len(d) >= n))
    tap.eq(answers, [e for _, e in exchanges], "the rules typed in the window answer the Python client")
    tap.ok(wait_for("a rule row", any_label(window, "rule 2")) is not None,
           "the answers are in the log marked with the rule that sent them")

    tap.ok(wait_for("three files", any_label(window, "frames · 3 files")) is not None,
           "each message received is a file; the footer counts them")
    saved = sorted(os.listdir(frames))
    contents = [open(os.path.join(frames, n), "rb").read() for n in saved]
    tap.ok(contents == [r for r, _ in exchanges] and all(n.endswith(".bin") and "_127.0.0.1-" in n for n in saved),
           "the files hold the messages, named by time, peer and sequence", saved)
    click(find(window, "push button", "Save Messages"))
    tap.ok(wait_for("saving off", lambda: not any("frames ·" in l for l in labels(window))) is not None,
           "Save Messages off")

    # Send File: the file reaches the client whole; the log says which file went.
    payload = os.urandom(3 * 1024 * 1024 + 7)
    small = os.path.join(tmp.name, "firmware.bin")
    with open(small, "wb") as f:
        f.write(payload)
    click(find(window, "push button", contains="Send File"))
    tap.ok(choose_file(app, "Send File", small, "Send"), "Send File asks which file")
    got = recv_until(client, lambda d: len(d) >= len(payload))
    tap.ok(got == payload, f"the client gets the file whole ({len(got)} of {len(payload)} bytes)")
    tap.ok(wait_for("the file's row", any_label(window, "File firmware.bin")) is not None,
           "the log has a row for the file sent")

    # A large file to a client that reads nothing: the progress bar shows, Cancel stops it.
    large = os.path.join(tmp.name, "image.bin")
    with open(large, "wb") as f:
        f.truncate(512 * 1024 * 1024)
    click(find(window, "push button", contains="Send File"))
    choose_file(app, "Send File", large, "Send")
    bar = wait_for("the progress bar", lambda: find(window, "progress bar", "File being sent"))
    # (GTK 4.8 does not update AT-SPI's "showing" for it: "visible" and the value tell.)
    showing = bar is not None and wait_for("it moving", lambda: bar.getState().contains(pyatspi.STATE_VISIBLE)
                                           and bar.queryValue().currentValue > 0)
    tap.ok(showing, "while a file is sent, a progress bar shows how far it got (a slow reader holds it back)",
           bar and bar.queryValue().currentValue)
    click(find(window, "push button", contains="Cancel"))
    tap.ok(wait_for("the cancel row", any_label(window, "of 536870912 bytes: cancelled")) is not None,
           "Cancel stops it, and the log says how far it got",
           [l for l in labels(window) if "Sending" in l][:3])
    tap.ok(wait_for("the bar gone", lambda: find(window, "progress bar", "File being sent") is None) is not None,
           "the progress bar goes")
    client.settimeout(0.2)
    try:
        while client.recv(1 << 20):
            pass
    except socket.timeout:
        pass
    client.settimeout(WAIT)
    client.sendall(b"report8")
    tap.eq(recv_until(client, lambda d: len(d) >= 14), b"SET OK:report8",
           "the connection goes on after a cancelled (unframed) file")

    # Record off: the capture is whole, and its lines are the traffic.
    click(find(window, "push button", "Record"))
    tap.ok(wait_for("recording off", lambda: not any("bench.jsonl ·" in l for l in labels(window))) is not None,
           "Record off: the footer no longer shows a capture")
    with open(capture) as f:
        events = [json.loads(line) for line in f]
    received = [bytes.fromhex(e["hex"]) for e in events if e["event"] == "received"]
    sent = [(bytes.fromhex(e["hex"]), e.get("rule")) for e in events if e["event"] == "sent" and "file" not in e]
    files = [e for e in events if e["event"] == "sent" and "file" in e]
    tap.eq(received, [r for r, _ in exchanges] + [b"report8"], "the capture's received events are exactly what the client sent")
    tap.eq(sent, [(e, 2 if e.startswith(b"SET") else 3) for _, e in exchanges] + [(b"SET OK:report8", 2)],
           "its sent events are exactly the answers, each naming its rule")
    tap.ok(len(files) == 1 and files[0]["file"] == small and files[0]["length"] == len(payload),
           "and the file sent, by name and length", files)
    tap.ok([e["event"] for e in events][:2] == ["listening", "connected"] and all("time" in e for e in events),
           "the lines are netpoke-cli --capture's events, in order", [e["event"] for e in events])

    # ---- Export the log as CSV, all rows, then the filtered ones -------------------------------
    log = find(window, "tree table", "Message log")
    shown = [l for l in labels(log)]
    exported = os.path.join(tmp.name, "log.csv")

    def export_from_menu():
        for button in [a for a in walk(window) if a.getRoleName() == "push button" and a.name == "Main Menu"]:
            try:
                click(button)
                break
            except Exception:
                continue
        item = wait_for("the menu", lambda: find(app, "menu item", "Export Log…"))
        click(item)

    export_from_menu()
    tap.ok(choose_file(app, "Export Log", exported, "Export"), "Export Log asks where, through the file chooser")
    tap.ok(wait_for("the export", lambda: os.path.exists(exported) and any_label(window, "Exported")()) is not None,
           "a toast says the log was exported")
    with open(exported, newline="") as f:
        rows = list(csv.DictReader(f))
    tap.ok(len(rows) >= 12 and rows[0]["data"].startswith("Listening on 127.0.0.1:"),
           f"Python's csv module reads the file: {len(rows)} rows, the first the log's first", rows[:2])
    data = [r["data"] for r in rows]
    tap.ok(all(d in shown for d in data if d), "every exported data field is a row the log shows", data)
    tap.ok({"direction": "rule 2", "data": "SET OK:report7", "length": "14"}.items() <= next(
        (r for r in rows if r["data"] == "SET OK:report7"), {}).items(),
        "an answer's row says the rule that sent it, its length and its data")
    tap.ok(any(r["direction"] == "in" and r["data"] == "DEV002B33,smoke" and r["peer"].startswith("127.0.0.1:")
               for r in rows), "a received row has its direction, peer and data")

    click(find(window, "push button", "Filter"))
    filter_entry = wait_for("the filter", lambda: find(window, "entry", "Filter log"))
    set_text(filter_entry, "alarm")
    tap.ok(wait_for("the filter applied", lambda: not any("SET OK:report7" == l for l in labels(log))) is not None,
           "typing in the filter hides the other rows")
    filtered = os.path.join(tmp.name, "filtered.csv")
    export_from_menu()
    tap.ok(choose_file(app, "Export Log", filtered, "Export"), "Export again with a filter set")
    wait_for("the filtered export", lambda: os.path.exists(filtered))
    time.sleep(0.3)
    with open(filtered, newline="") as f:
        rows = list(csv.DictReader(f))
    tap.ok(len(rows) == 1 and rows[0]["data"] == "alarm=B33,Switch:clear",
           "with a filter set, the rows the filter shows are exported", rows)
finally:
    if client is not None:
        client.close()
    err = stop_app(proc)
    criticals = [l for l in err.splitlines() if "CRITICAL" in l or ("WARNING" in l and "Gtk" in l)]
    tap.ok(not criticals, "no GTK criticals or warnings on stderr", "\n".join(criticals[:5]))

tap.done()
