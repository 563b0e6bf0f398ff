#!/usr/bin/env python3
"""Every user-visible string is translated in every language in po/LINGUAS: strings are
extracted afresh from po/POTFILES.in (so a string added to the code without a translation
fails here), merged into each .po, and msgfmt must report no fuzzy and no untranslated entry."""
import os
import re
import shutil
import subprocess
import tempfile

from netpoke_test import Tap

tap = Tap()
source = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
po_dir = os.path.join(source, "po")
for tool in ("xgettext", "msgmerge", "msgfmt"):
    if shutil.which(tool) is None:
        tap.skip("translations are complete", f"{tool} (gettext) is not installed")
        tap.done()

# The same keywords meson's i18n 'glib' preset gives xgettext.
keywords = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dcgettext:2", "g_dngettext:2,3", "g_dpgettext2:2c,3"]
with open(os.path.join(po_dir, "LINGUAS")) as f:
    languages = [l.strip() for l in f if l.strip() and not l.startswith("#")]
with open(os.path.join(po_dir, "POTFILES.in")) as f:
    files = [l.strip() for l in f if l.strip() and not l.startswith("#")]
tap.ok(all(os.path.exists(os.path.join(source, p)) for p in files), "every file in POTFILES.in exists")

# Every source file that marks strings for translation is listed.
marked = set()
for folder in ("src", "ui", "data"):
    for root, _, names in os.walk(os.path.join(source, folder)):
        for name in names:
            if not name.endswith((".c", ".ui", ".in", ".xml")):
                continue   # sources and data templates only, not images
            path = os.path.relpath(os.path.join(root, name), source)
            with open(os.path.join(source, path), errors="replace") as f:
                text = f.read()
            if re.search(r'\b_\(|\bN_\(|\bC_\(|translatable="yes"|g_dngettext', text) and not name.endswith(".h"):
                marked.add(path)
marked |= {p for p in files}
tap.eq(sorted(marked - set(files)), [], "POTFILES.in lists every file with translatable strings")

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "netpoke.pot")
    cmd = ["xgettext", "--from-code=UTF-8", "--add-comments", "--directory", source, "-o", pot,
           *[f"--keyword={k}" for k in keywords], *files]
    made = subprocess.run(cmd, capture_output=True, text=True)
    tap.ok(made.returncode == 0, "xgettext extracts the strings", made.stderr)
    for language in languages:
        po = os.path.join(po_dir, f"{language}.po")
        merged = os.path.join(tmp, f"{language}.po")
        merge = subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, po, pot],
                               capture_output=True, text=True)
        tap.ok(merge.returncode == 0, f"{language}: msgmerge", merge.stderr)
        stats = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, merged],
                               capture_output=True, text=True)
        report = stats.stderr.strip().splitlines()[-1] if stats.stderr.strip() else ""
        tap.ok(stats.returncode == 0 and "fuzzy" not in report and "untranslated" not in report
               and "translated" in report, f"{language}: every string translated ({report})", stats.stderr)

# A menu item and the window it opens say the same words (the Shortcuts window was titled
# 快捷操作, GTK's own word, beside the menu's 键盘快捷键).
same_words = [("_Keyboard Shortcuts", "Keyboard Shortcuts"), ("_Preferences", "Preferences")]


def translations(path):
    """msgid -> msgstr of the single-line entries of a .po file."""
    found, msgid = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith('msgid "'):
                msgid = line[7:].rstrip()[:-1]
            elif line.startswith('msgstr "') and msgid is not None:
                found[msgid] = line[8:].rstrip()[:-1]
                msgid = None
    return found


for language in languages:
    found = translations(os.path.join(po_dir, f"{language}.po"))
    for menu, title in same_words:
        in_menu = re.sub(r"\(_.\)|_", "", found.get(menu, ""))
        tap.eq(found.get(title), in_menu, f"{language}: the window “{title}” reads as its menu item “{menu}”")

tap.done()
