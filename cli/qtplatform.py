"""Before the window: can Qt's xcb platform plugin load?  If not, name the Debian package(s) to install in one line
instead of Qt's abort.  Qt-free: it finds PySide6's plugin on disk and never imports the binding."""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from resources import DEBIAN_PACKAGES

NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)
# Qt 6.5+ opens libxcb-cursor itself (QLibrary) when the plugin does not link it: ldd cannot see that one.
OPENED_BY_QT = ("libxcb-cursor.so.0",)


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin (libqxcb.so), or None when PySide6 or the plugin is not installed."""
    spec = importlib.util.find_spec("PySide6")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def uses_xcb(environ: os._Environ | dict[str, str]) -> bool:
    """True when Qt would open the window through its xcb plugin (Linux, no other platform asked for)."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    return not (environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland")


def packages_by_library(path: Path = DEBIAN_PACKAGES) -> dict[str, str]:
    """resources/debian-packages.txt read as {shared library's soname: the Debian package that provides it}."""
    owners: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        for soname in words[1:]:
            owners[soname] = words[0]
    return owners


def missing_libraries(plugin: Path) -> list[str]:
    """The sonames the plugin needs that the dynamic loader cannot find (from ldd), in ldd's order."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    res = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=60)
    return list(dict.fromkeys(NOT_FOUND.findall(res.stdout)))


def unloadable(sonames: tuple[str, ...]) -> list[str]:
    """The sonames among ``sonames`` the dynamic loader cannot load."""
    missing = []
    for soname in sonames:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return missing


def advice(missing: list[str], owners: dict[str, str]) -> str:
    """One line: the libraries that are missing and the apt-get command that installs their packages."""
    missing = list(dict.fromkeys(missing))
    packages = list(dict.fromkeys(owners[so] for so in missing if so in owners))
    unknown = [so for so in missing if so not in owners]
    line = f"the window cannot open: Qt's xcb platform plugin needs {', '.join(missing)}, not installed"
    if packages:
        line += f"; install with: sudo apt-get install {' '.join(packages)}"
    if unknown:
        line += f"; find the package that provides {', '.join(unknown)} (apt-file search)"
    return line


def platform_problem(environ: os._Environ | dict[str, str] | None = None, plugin: Path | None = None) -> str | None:
    """Why Qt's xcb plugin will not load here, as one line naming what to install; None when it will (or when
    another platform plugin is used).  Loading the plugin costs nothing extra: Qt loads the same libraries next."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        return None
    plugin = plugin or xcb_plugin()
    if plugin is None:
        return None                                 # no PySide6 here: the import error says so
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        missing = missing_libraries(plugin) + unloadable(OPENED_BY_QT)
        if not missing:
            return f"the window cannot open: Qt's xcb platform plugin does not load: {exc}"
        return advice(missing, packages_by_library())
    missing = unloadable(OPENED_BY_QT)
    if missing:
        return advice(missing, packages_by_library())
    if not environ.get("DISPLAY"):
        return ("the window cannot open: no X display (DISPLAY is not set); start it in a desktop session, "
                "or use a headless command (layerscope --help)")
    return None
