#!/usr/bin/env python3
"""The workspace MIME type: the shared-mime-info file compiles cleanly with
update-mime-database, maps *.netpoke to application/x-netpoke-workspace (a kind of JSON), and
the desktop entry says Netpoke opens it (MimeType=, Exec with %F)."""
import configparser
import os
import shutil
import subprocess
import sys
import tempfile

from netpoke_test import Tap

tap = Tap()
build = sys.argv[1]
app_id = "io.github.netpoke.Netpoke"
mime_type = "application/x-netpoke-workspace"

if shutil.which("update-mime-database") is None:
    tap.skip("the MIME type compiles", "update-mime-database (shared-mime-info) is not installed")
else:
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "packages"))
        shutil.copy(os.path.join(build, "data", f"{app_id}.xml"), os.path.join(tmp, "packages"))
        made = subprocess.run(["update-mime-database", "-V", tmp], capture_output=True, text=True)
        warnings = [l for l in made.stderr.splitlines() if "warning" in l.lower() or "error" in l.lower()]
        tap.ok(made.returncode == 0 and not warnings, "update-mime-database accepts the MIME file",
               made.stderr)
        with open(os.path.join(tmp, "globs2")) as f:
            globs = f.read()
        tap.ok(f"{mime_type}:*.netpoke" in globs, "*.netpoke files are application/x-netpoke-workspace",
               globs)
        with open(os.path.join(tmp, "subclasses")) as f:
            tap.ok(f"{mime_type} application/json" in f.read(), "a workspace is a kind of JSON")

entry = configparser.ConfigParser(interpolation=None)
entry.read(os.path.join(build, "data", f"{app_id}.desktop"))
section = entry["Desktop Entry"]
tap.ok(mime_type in section.get("MimeType", "").split(";"), "the desktop entry declares the type",
       section.get("MimeType"))
tap.ok(section.get("Exec", "").split()[1:] == ["%F"], "the desktop entry passes the files to open",
       section.get("Exec"))
tap.done()
