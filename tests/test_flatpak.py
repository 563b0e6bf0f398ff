#!/usr/bin/env python3
"""The Flatpak manifest, checked as far as this machine allows (the GNOME runtime cannot be
downloaded here): its keys, then a real `meson setup` with its config options and prefix /app,
`meson install --destdir`, and the installed tree against what the manifest and metainfo name."""
import configparser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from netpoke_test import Tap

tap = Tap()
source = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
manifest_path = os.path.join(source, "flatpak", "io.github.netpoke.Netpoke.json")
with open(manifest_path) as f:
    manifest = json.load(f)

app_id = manifest.get("id")
tap.eq(app_id, "io.github.netpoke.Netpoke", "manifest id is the application ID")
tap.eq(manifest.get("runtime"), "org.gnome.Platform", "runtime is org.gnome.Platform")
tap.eq(manifest.get("sdk"), "org.gnome.Sdk", "sdk is org.gnome.Sdk")
tap.ok(str(manifest.get("runtime-version", "")).isdigit() and int(manifest["runtime-version"]) >= 47,
       f"runtime-version is a current GNOME release ({manifest.get('runtime-version')})")
tap.eq(manifest.get("command"), "netpoke", "command is netpoke")
expected_args = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
args = set(manifest.get("finish-args", []))
tap.eq(args, expected_args, "finish-args are exactly the minimal set")
tap.ok(not any(a.startswith(("--filesystem", "--talk-name", "--system-talk-name", "--device=all")) for a in args),
       "no file system or bus access: files go through portals")
module = manifest["modules"][-1]
tap.eq(module.get("buildsystem"), "meson", "the app module builds with meson")
tap.ok(any(s.get("type") == "dir" and os.path.abspath(os.path.join(os.path.dirname(manifest_path), s.get("path", "")))
           == source for s in module.get("sources", [])), "the app module builds this source tree")

meson = shutil.which("meson")
if meson is None:
    tap.skip("meson setup / install with the manifest's options", "meson not installed")
    tap.done()

with tempfile.TemporaryDirectory() as tmp:
    build = os.path.join(tmp, "build")
    dest = os.path.join(tmp, "dest")
    setup = subprocess.run([meson, "setup", build, source, "--prefix=/app", *module.get("config-opts", [])],
                           capture_output=True, text=True)
    if not tap.ok(setup.returncode == 0, "meson setup with the manifest's config-opts and prefix /app",
                  setup.stdout[-2000:] + setup.stderr[-2000:]):
        tap.done()
    install = subprocess.run([meson, "install", "-C", build, "--destdir", dest, "--quiet"],
                             capture_output=True, text=True, env=dict(os.environ, DESTDIR=dest))
    tap.ok(install.returncode == 0, "meson install --destdir", install.stdout[-2000:] + install.stderr[-2000:])
    app = os.path.join(dest, "app")

    def has(path):
        return os.path.isfile(os.path.join(app, path))

    command = manifest["command"]
    tap.ok(has(f"bin/{command}") and os.access(os.path.join(app, "bin", command), os.X_OK),
           f"/app/bin/{command} is installed and executable")
    tap.ok(has("bin/netpoke-cli"), "/app/bin/netpoke-cli is installed")
    desktop = f"share/applications/{app_id}.desktop"
    metainfo = f"share/metainfo/{app_id}.metainfo.xml"
    tap.ok(has(desktop), f"/app/{desktop}")
    tap.ok(has(metainfo), f"/app/{metainfo}")
    tap.ok(has(f"share/icons/hicolor/scalable/apps/{app_id}.svg"), "scalable app icon")
    tap.ok(has(f"share/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg"), "symbolic app icon")
    tap.ok(has(f"share/glib-2.0/schemas/{app_id}.gschema.xml"), "settings schema")
    tap.ok(has("share/locale/zh_CN/LC_MESSAGES/netpoke.mo"), "Chinese translation")
    tap.ok(has(f"share/mime/packages/{app_id}.xml"), "the workspace MIME type")
    tap.ok(not any(name.endswith(".a") for _, _, files in os.walk(app) for name in files)
           or "*.a" in manifest.get("cleanup", []), "static libraries are not shipped (or cleaned up)")

    if has(desktop):
        entry = configparser.ConfigParser(interpolation=None)
        entry.read(os.path.join(app, desktop))
        section = entry["Desktop Entry"]
        tap.eq(section.get("Exec", "").split()[0], command, "the desktop entry runs the manifest's command")
        tap.eq(section.get("Icon"), app_id, "the desktop entry's icon is the installed icon")
        tap.ok("application/x-netpoke-workspace" in section.get("MimeType", "").split(";")
               and "%F" in section.get("Exec", ""),
               "the desktop entry opens workspace files", section.get("MimeType"))
    if has(metainfo):
        root = ET.parse(os.path.join(app, metainfo)).getroot()
        tap.eq(root.findtext("id"), app_id, "metainfo id matches")
        tap.eq(root.find("launchable").text, f"{app_id}.desktop", "metainfo launches the installed desktop file")
        binaries = {b.text for b in root.iter("binary")}
        tap.ok(command in binaries and all(has(f"bin/{b}") for b in binaries),
               "every binary the metainfo provides is installed", binaries)
        tap.ok(root.find("releases/release") is not None and root.find("content_rating") is not None
               and root.find("screenshots/screenshot") is not None,
               "metainfo has releases, a content rating and a screenshot")

tap.done()
