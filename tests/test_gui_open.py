#!/usr/bin/env python3
"""Workspaces meet the window the way a user meets them, through the real app under Xvfb and
AT-SPI: `netpoke FILE.netpoke` opens the file; a damaged one (100,000 nested brackets, which
crashed json-glib) is refused with the reason in the window and on stderr, and the app runs on;
a bad last workspace does not stop the next start (the window starts empty and says why),
neither does one Netpoke died reading; and what a peer sends is shown with C1 controls and
bidi overrides escaped, so a row cannot disguise itself."""
import json
import os
import socket
import subprocess
import tempfile

from netpoke_test import Tap, WAIT, free_port
from atspi_helpers import require_atspi

tap = Tap()
require_atspi(tap, "workspaces from the command line")
from atspi_helpers import GUI, click, find, find_app, labels, stop_app, wait_for  # noqa: E402

tmp = tempfile.TemporaryDirectory()
good_port = free_port()
good = os.path.join(tmp.name, "bench.netpoke")
nested = os.path.join(tmp.name, "nested.netpoke")
with open(good, "w") as f:
    json.dump({"format": "netpoke-workspace", "version": 1,
               "endpoints": [{"mode": "tcp-server", "address": "127.0.0.1", "port": str(good_port)}],
               "messages": [{"name": "Ping", "payload": "PING\\r\\n", "format": "escapes"}]}, f)
with open(nested, "w") as f:
    f.write('{"format":"netpoke-workspace","version":1,"x":' + "[" * 100000 + "]" * 100000 + "}")


def settings_env(**keys):
    """An environment whose GSettings live in a key file we wrote (as dconf would keep them)."""
    home = tempfile.mkdtemp(dir=tmp.name)
    os.makedirs(os.path.join(home, "glib-2.0", "settings"))
    with open(os.path.join(home, "glib-2.0", "settings", "keyfile"), "w") as f:
        f.write("[io/github/netpoke/Netpoke]\n")
        for key, value in keys.items():
            f.write(f"{key.replace('_', '-')}='{value}'\n")
    return {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": home}


def run_app(args, title, probe, extra_env=None):
    """Starts netpoke with args, waits for a window titled title, returns probe(window) (or
    None), whether the app was still running, and its stderr."""
    env = dict(os.environ, GTK_A11Y="atspi", G_DEBUG="fatal-criticals", **(extra_env or {}))
    env.pop("NO_AT_BRIDGE", None)
    proc = subprocess.Popen([GUI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    result = None
    try:
        app = wait_for("the app", lambda: proc.poll() is None and find_app())
        window = app and wait_for("the window", lambda: find(app, "frame", title))
        if window:
            result = probe(window)
    finally:
        alive = proc.poll() is None
        err = stop_app(proc)
    if proc.returncode not in (0, -15):
        tap.note(f"netpoke exited with {proc.returncode}: {err[-800:]}")
    return result, alive, err


def shown(text):
    return lambda window: wait_for(text, lambda: any(text in l for l in labels(window)))


# ---- netpoke FILE.netpoke ------------------------------------------------------------------
def opened(window):
    """The saved message is there, and Start listens where the file says (GTK 4.8 gives entries
    no readable text over AT-SPI, so the port is checked by using it)."""
    if not wait_for("the saved message", lambda: find(window, "push button", "Ping")):
        return False
    click(find(window, "push button", "Start"))
    return wait_for("listening", lambda: f"Listening on 127.0.0.1:{good_port}" in labels(window))


result, alive, err = run_app([good], "bench.netpoke — Netpoke", opened)
tap.ok(result, "`netpoke bench.netpoke` opens it: its title, its saved message, Start listens on its "
       "address and port", err[-500:])

# ---- a damaged file on the command line: refused, the app runs on ---------------------------
result, alive, err = run_app([nested], "Netpoke", shown("nested more than 16 levels deep"))
tap.ok(result and alive, "a 100,000-level nested file is refused in the window, the app runs on",
       err[-500:])
tap.ok("nested more than 16 levels deep" in err and "nested.netpoke" in err,
       "and the reason is on stderr with the file's name", err[-500:])

# ---- a bad last workspace: the next start is empty and says why ------------------------------
result, alive, err = run_app([], "Netpoke", shown("Last workspace not restored"),
                             settings_env(last_workspace=nested))
tap.ok(result and alive, "a damaged last workspace: the window starts and says it was not restored",
       err[-500:])

# ---- Netpoke died while reading the last workspace: not tried again --------------------------
result, alive, err = run_app([], "Netpoke", shown("stopped while opening"),
                             settings_env(last_workspace=good, restoring_workspace=good))
tap.ok(result and alive, "a workspace Netpoke died reading is not opened again, and it says so",
       err[-500:])

# ---- what a peer sends cannot reorder or hide a row ------------------------------------------
port = free_port()


def bidi_row(window):
    if not wait_for("listening", lambda: any(f"127.0.0.1:{port}" in l for l in labels(window))):
        return None
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as peer:
        peer.sendall("user=admin\u202Enimda=resu\u2066x\u0085 \u009b31m\n".encode())
        return wait_for("the row", lambda: [l for l in labels(window) if "user=admin" in l])


rows, alive, err = run_app(["--mode", "tcp-server", "--address", "127.0.0.1", "--port", str(port),
                            "--start"], "Netpoke", bidi_row)
tap.ok(rows and any("user=admin\\u202Enimda=resu\\u2066x\\u0085 \\u009B31m\\n" in r for r in rows),
       "a received bidi override and C1 controls are shown escaped in the log row", rows)
tap.ok(rows and not any(c in r for r in rows for c in "\u202e\u2066\u0085\u009b"),
       "no row holds the raw control characters", rows)

tap.done()
