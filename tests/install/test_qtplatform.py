"""Before the window: a library Qt's xcb platform plugin needs is missing (hidden for real in a private mount
namespace, as on a fresh machine), or there is no display — one line naming what to install, not Qt's abort."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cli.qtplatform import advice, packages_by_library, uses_xcb
from commands import ROOT
from machine import require_root

LIBDIR = "/usr/lib/x86_64-linux-gnu"


def window_env(**extra: str) -> dict[str, str]:
    """The environment of a user starting the window on X: no QT_QPA_PLATFORM (Qt picks xcb)."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")}
    env.update(LAYERSCOPE_NO_CACHE="1", **extra)
    return env


@pytest.mark.install
def test_missing_xcb_libraries_name_their_packages_in_one_line(tmp_path):
    """The issue's fresh machine: libxcb-icccm.so.4 and libxcb-keysyms.so.1 absent.  An overlay with whiteouts
    hides them from this process only; Qt would abort, main.py names the two packages."""
    require_root("hiding a system library (a private mount namespace with an overlay)")
    hidden = [p for p in os.listdir(LIBDIR) if p.startswith(("libxcb-icccm.so.4", "libxcb-keysyms.so.1"))]
    assert hidden, "libxcb-icccm4 and libxcb-keysyms1 are not installed"
    whiteouts = " ".join(f"mknod {tmp_path}/wh/{name} c 0 0;" for name in hidden)
    script = (f"set -e; mount -t tmpfs tmpfs {tmp_path}; mkdir {tmp_path}/wh; {whiteouts} "
              f"mount -t overlay overlay -o lowerdir={tmp_path}/wh:{LIBDIR} {LIBDIR}; "
              f"! test -e {LIBDIR}/libxcb-icccm.so.4; "
              f"exec {sys.executable} {ROOT / 'main.py'} --demo")
    res = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                         capture_output=True, text=True, timeout=120, env=window_env(DISPLAY=":99"), cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    assert res.stderr.count("\n") == 1, res.stderr
    assert res.stderr.startswith("layerscope: the window cannot open: Qt's xcb platform plugin needs "
                                 "libxcb-icccm.so.4, libxcb-keysyms.so.1"), res.stderr
    assert res.stderr.rstrip().endswith("install with: sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    assert os.path.exists(f"{LIBDIR}/libxcb-icccm.so.4")             # hidden in that namespace only


def test_no_display_is_one_line_not_an_abort():
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "--demo"], capture_output=True, text=True,
                         timeout=120, env=window_env(), cwd=ROOT)
    assert res.returncode == 1
    assert res.stderr == ("layerscope: the window cannot open: no X display (DISPLAY is not set); start it in a "
                          "desktop session, or use a headless command (layerscope --help)\n")


def test_only_the_xcb_platform_is_checked():
    assert uses_xcb({}) and uses_xcb({"QT_QPA_PLATFORM": "xcb"}) and uses_xcb({"QT_QPA_PLATFORM": "xcb:foo=1"})
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen"}) and not uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb"})
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"})


def test_advice_names_listed_packages_and_the_libraries_the_list_does_not_know():
    owners = packages_by_library()
    assert owners["libxcb-cursor.so.0"] == "libxcb-cursor0" and owners["libEGL.so.1"] == "libegl1"
    line = advice(["libxcb-cursor.so.0", "libfoo.so.9", "libxcb-cursor.so.0"], owners)
    assert line == ("the window cannot open: Qt's xcb platform plugin needs libxcb-cursor.so.0, libfoo.so.9, not "
                    "installed; install with: sudo apt-get install libxcb-cursor0; find the package that provides "
                    "libfoo.so.9 (apt-file search)")
