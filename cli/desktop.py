"""`layerscope install-desktop-entry [--uninstall]`: the freedesktop menu entry and the app's icon for this user."""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from pathlib import Path

from resources import HICOLOR, ICONS
from resources import ROOT as RESOURCES

from .common import EXIT_FAIL, fail

APP_ID = "layerscope"
ENTRY = """[Desktop Entry]
Type=Application
Name=Layerscope
GenericName=Docker layer viewer
GenericName[ko]=도커 레이어 보기
Comment=See what Docker really stores on disk: the layers images share, and what docker rmi would delete
Comment[ko]=도커가 디스크에 실제로 저장하는 것: 이미지들이 공유하는 레이어와 docker rmi가 지울 것
Exec={exec}
Icon={icon}
Terminal=false
Categories=Development;
Keywords=docker;image;layer;rmi;prune;
StartupWMClass=Layerscope
"""


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share: where a user's menu entries and icons go."""
    return Path(os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"))


def entry_files(base: Path) -> dict[Path, Path | None]:
    """Every file the entry consists of under ``base``, with the bundled file it copies (None: the .desktop file)."""
    files: dict[Path, Path | None] = {base / "applications" / f"{APP_ID}.desktop": None,
                                      base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg":
                                          ICONS / f"{APP_ID}.svg"}
    for png in sorted(HICOLOR.glob(f"*/{APP_ID}.png")):
        files[base / "icons" / "hicolor" / png.parent.name / "apps" / png.name] = png
    return files


def launch_command() -> list[str] | None:
    """How the desktop starts this Layerscope: the installed `layerscope` script that is running, else this Python
    with the main.py installed beside resources/ (the clone's, or site-packages'); None when neither is there."""
    started = Path(sys.argv[0]).absolute() if sys.argv and sys.argv[0] else None
    if started is not None and started.is_file() and started.suffix != ".py":
        return [str(started)]
    main = RESOURCES.parent / "main.py"
    return [sys.executable, str(main)] if main.is_file() else None


def exec_line(command: list[str]) -> str:
    """The Exec= value: each argument quoted as the Desktop Entry Specification asks (double quotes, escapes),
    then the string value's own escape (a backslash doubled once more)."""
    def quote(arg: str) -> str:
        if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`%"):
            return arg
        return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg).replace("%", "%%") + '"'
    return " ".join(quote(a) for a in command).replace("\\", "\\\\")


def install(base: Path, command: list[str]) -> list[Path]:
    """Write the .desktop file and copy the icons under ``base``; returns the files written."""
    written = []
    for target, source in entry_files(base).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            target.write_text(ENTRY.format(exec=exec_line(command), icon=APP_ID), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    return written


def uninstall(base: Path) -> list[Path]:
    """Remove exactly the files install() writes under ``base`` (folders stay); returns the files removed."""
    removed = []
    for target in entry_files(base):
        if target.is_file():
            target.unlink()
            removed.append(target)
    return removed


def run_desktop_entry(args: argparse.Namespace) -> int:
    """Install (or with --uninstall remove) the desktop entry for the current user; prints each file."""
    base = data_home()
    try:
        if args.uninstall:
            for path in uninstall(base):
                print(f"removed {path}")
            return 0
        command = launch_command()
        if command is None:
            return fail(EXIT_FAIL, "cannot tell how to start Layerscope: run this as the installed `layerscope` "
                                   "command or as python main.py")
        for path in install(base, command):
            print(f"wrote {path}")
    except OSError as exc:
        return fail(EXIT_FAIL, f"desktop entry under {base}: {exc.strerror or exc}"
                               + (f": {exc.filename}" if exc.filename else ""))
    print(f"Layerscope is in the desktop's menu; it starts {shlex.join(command)}")
    return 0
