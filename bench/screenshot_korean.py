"""Screenshot of the Korean UI on the bundled demo snapshot, for the README: resources/screenshots/korean.png.

Run: ``python bench/screenshot_korean.py [--out resources/screenshots/korean.png] [--menu]``
Uses the real window on X11 (QT_QPA_PLATFORM=xcb): the current DISPLAY, or a private ``Xvfb :98`` started here
and stopped at the end.  The language comes from the settings (as Settings → Language → 한국어 leaves it), an image is selected and its ``docker rmi`` previewed so the panels show Korean text; with ``--menu`` the File
menu is opened too (grabbed from the screen, so the popup is in the picture).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
sys.path.insert(0, str(ROOT))


def start_xvfb(display: str = ":98") -> subprocess.Popen | None:
    """Start Xvfb on ``display`` when there is no DISPLAY; returns the process to stop (None if not started)."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        raise SystemExit("no DISPLAY and Xvfb is not installed (apt-get install xvfb)")
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")
    for _ in range(100):
        if sock.exists():
            break
        if proc.poll() is not None:
            raise SystemExit(f"Xvfb {display} exited with {proc.returncode}")
        time.sleep(0.05)
    os.environ["DISPLAY"] = display
    return proc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "resources" / "screenshots" / "korean.png"))
    parser.add_argument("--menu", action="store_true", help="open the File menu in the picture")
    parser.add_argument("--size", default="1440x900")
    args = parser.parse_args(argv)

    xvfb = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    tmp = tempfile.mkdtemp(prefix="ls-shot-")
    os.environ.setdefault("LAYERSCOPE_CACHE", os.path.join(tmp, "cache"))
    try:
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication

        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.path.join(tmp, "settings"))
        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setOrganizationName("Layerscope")
        app.setApplicationName("Layerscope")

        from gui.app import make_window
        from cli.main import build_parser

        from gui.mainwindow import open_settings
        settings = open_settings()
        settings.setValue("ui/language", "ko")          # as chosen earlier in Settings → Language → 한국어
        settings.sync()
        window = make_window(build_parser().parse_args(["--demo"]))
        w, h = (int(x) for x in args.size.split("x"))
        window.resize(w, h)
        window.move(0, 0)
        window.show()
        loaded: list[int] = []
        window.loaded.connect(lambda: loaded.append(1))
        window.start()

        def spin(cond, timeout: float = 60.0) -> None:
            end = time.monotonic() + timeout
            while not cond() and time.monotonic() < end:
                app.processEvents()
                time.sleep(0.01)

        spin(lambda: loaded)
        snap = window.current_snapshot()
        target = next((i for i in snap.images if "ubuntu_apache:latest" in i.repo_tags), None)
        if target is not None:
            window.selection.select_image(target.id, "screenshot", ref="ubuntu_apache:latest")
            window.preview_rmi("ubuntu_apache:latest")
        spin(lambda: False, 0.5)
        view = window.graph_view
        if target is not None and target.id in view.image_items:
            view.zoom_to(0.8)                             # readable labels, centred on the previewed image
            item = view.image_items[target.id]
            view.centerOn(item.sceneBoundingRect().center() + type(item.sceneBoundingRect().center())(-120, 120))
        spin(lambda: False, 1.0)                          # let the chart and the graph paint
        if args.menu:
            file_menu, export_menu = window.menu("File"), window.exporter.export_menu
            QTimer.singleShot(0, lambda: window.menuBar().setActiveAction(file_menu.menuAction()))
            spin(lambda: False, 0.6)
            file_menu.setActiveAction(export_menu.menuAction())
            export_menu.popup(file_menu.mapToGlobal(file_menu.actionGeometry(export_menu.menuAction()).topRight()))
            spin(lambda: False, 0.6)
        geo = window.frameGeometry()
        shot = window.screen().grabWindow(0, geo.x(), geo.y(), geo.width(), geo.height())
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        if not shot.save(args.out, "PNG"):
            print(f"cannot write {args.out}", file=sys.stderr)
            return 1
        print(f"{args.out}: {shot.width()}×{shot.height()}, language {window.language.translations.language}, "
              f"title {window.windowTitle()!r}")
        window.close()
        return 0
    finally:
        if xvfb is not None:
            xvfb.terminate()
            try:
                xvfb.wait(5)
            except subprocess.TimeoutExpired:
                xvfb.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
