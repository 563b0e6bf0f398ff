"""Driving the real Netpoke window through AT-SPI (pyatspi), as assistive technology does, with
xdotool for keys and for list rows (which have no AT-SPI action in GTK 4.8)."""
import os
import shutil
import subprocess
import time

from netpoke_test import WAIT

GUI = os.environ.get("NETPOKE_GUI") or os.path.join(os.path.dirname(__file__), "..", "_build", "src", "gui", "netpoke")

try:
    import pyatspi
except ImportError:
    pyatspi = None


def require_atspi(tap, name, tools=()):
    """Skips the whole test (a missing optional tool, never a failure) without pyatspi/tools."""
    if pyatspi is None:
        tap.skip(name, "python3-pyatspi is not installed")
        tap.done()
    for tool in tools:
        if shutil.which(tool) is None:
            tap.skip(name, f"{tool} is not installed")
            tap.done()
    return pyatspi


def wait_for(what, probe, timeout=WAIT):
    """Polls the accessibility tree (AT-SPI has no change feed we can rely on in 4.8)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.1)
    return None


def walk(acc, depth=0):
    if acc is None or depth > 60:
        return
    yield acc
    try:
        children = list(acc)
    except Exception:
        return
    for child in children:
        yield from walk(child, depth + 1)


def find(root, role, name=None, contains=None):
    for acc in walk(root):
        try:
            if acc.getRoleName() != role:
                continue
            if name is not None and acc.name != name:
                continue
            if contains is not None and contains not in (acc.name or ""):
                continue
            return acc
        except Exception:
            continue
    return None


def labels(root):
    out = []
    for acc in walk(root):
        try:
            if acc.getRoleName() == "label" and acc.name:
                out.append(acc.name)
        except Exception:
            pass
    return out


def click(acc):
    acc.queryAction().doAction(0)


def click_at(acc):
    """A real pointer click in the middle of the widget (list rows have no AT-SPI action in
    GTK 4.8). GTK 4 has no screen coordinates on X11; under Xvfb without a window manager the
    window sits at the origin, so window coordinates are screen coordinates."""
    x, y, w, h = acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    subprocess.run(["xdotool", "mousemove", str(x + w // 2), str(y + h // 2), "click", "1"], check=True)


def extents(acc):
    return acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)


def shown_in(table, name):
    """Whether a cell named name lies inside the table's rows viewport: below the column
    headers, above the bottom edge (GTK reports rows scrolled away outside that area)."""
    rows = next((a for a in table if a is not None and a.getRoleName() == "list"), None)
    if rows is None:
        return False
    view = extents(rows)
    for acc in walk(rows):
        try:
            if acc.getRoleName() != "label" or acc.name != name:
                continue
            cell = extents(acc)
        except Exception:
            continue
        if cell.height > 0 and view.y <= cell.y and cell.y + cell.height <= view.y + view.height:
            return True
    return False


def type_text(text):
    subprocess.run(["xdotool", "type", "--delay", "30", text], check=True)


def keys(*names):
    subprocess.run(["xdotool", "key", "--delay", "80", *names], check=True)


def set_text(acc, text):
    acc.queryEditableText().setTextContents(text)


def find_app():
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and app.name == "netpoke":
                return app
        except Exception:
            pass
    return None




def save_screenshot(tap, window, path):
    """The window's area of the (window-manager-less) Xvfb screen, as a PNG."""
    _, _, width, height = window.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    made = subprocess.run(["import", "-window", "root", "-crop", f"{width}x{height}+0+0", "+repage", path],
                          capture_output=True, text=True)
    tap.ok(made.returncode == 0 and os.path.exists(path), f"screenshot saved to {path}", made.stderr)


def stop_app(proc):
    """Terminates the app and returns what it wrote to stderr."""
    proc.terminate()
    try:
        proc.wait(WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return proc.stderr.read().decode(errors="replace")
