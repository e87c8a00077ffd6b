"""Entry point of the desktop window: QApplication, style, excepthook, the main window."""
from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from model.core.errors import fault
from resources import STYLE

from . import theme
from .mainwindow import MainWindow, WindowOptions


def options_from_args(args: argparse.Namespace | None) -> WindowOptions:
    """The window options main.py's parsed arguments ask for."""
    if args is None:
        return WindowOptions()
    return WindowOptions(host=getattr(args, "host", None), snapshot=getattr(args, "snapshot", None),
                         demo=bool(getattr(args, "demo", False)), read_only=bool(getattr(args, "read_only", False)))


def apply_style(app: QApplication) -> None:
    """The app font (NanumGothic for Korean tags) and resources/style.qss."""
    f = QFont()
    f.setFamilies([theme.SANS, "DejaVu Sans", "Sans Serif"])
    f.setPointSizeF(9.5)
    app.setFont(f)
    qss = STYLE
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    icon = theme.icon("layerscope")
    if not icon.isNull():
        app.setWindowIcon(icon)


def install_excepthook(window: MainWindow) -> None:
    """Turn an uncaught exception in a slot into a banner message instead of a crash or a traceback."""
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        """Show the exception's first line in the window's banner."""
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        message = fault(value)
        try:
            window.show_error(message)
        except Exception:  # the window itself is broken: last resort, one line on stderr
            print(f"layerscope: {message}", file=sys.stderr)
        if "LAYERSCOPE_DEBUG" in __import__("os").environ:
            traceback.print_exception(kind, value, tb)
    sys.excepthook = hook


def process_ms() -> float:
    """Milliseconds since this process started (from /proc/self/stat; to 10 ms, the kernel's clock tick)."""
    with open("/proc/self/stat", encoding="ascii") as f:
        fields = f.read().rpartition(")")[2].split()      # after the command name: field 3 (state) onwards
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")    # field 22, starttime: clock ticks since boot
    return (time.clock_gettime(time.CLOCK_BOOTTIME) - started) * 1000


class FirstPaint(QObject):
    """--exit-after-first-paint: print the milliseconds since process start when the layer map is first painted
    with a snapshot on it, then close the window (exit 0).  A load that fails first, or the demo standing in for
    a daemon that cannot be reached, is no map of what was asked for: its reason goes to stderr (exit 1)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window, self.code = window, None
        window.graph_view.painted.connect(self._on_painted)
        window.load_failed.connect(self._on_failed)

    def _on_painted(self, items: int) -> None:
        if self.code is not None or self.window.graph_view.analysis is None:
            return                                      # the empty view before any snapshot is on screen
        reason = self.window.session.fallback_reason
        if reason:
            self._on_failed(f"no Docker daemon reachable: {reason}")
            return
        print(f"{process_ms():.0f}", flush=True)
        self._finish(0)

    def _on_failed(self, message: str) -> None:
        if self.code is None:
            print(f"layerscope: {message}", file=sys.stderr, flush=True)
            self._finish(1)

    def _finish(self, code: int) -> None:
        """Close the window once this paint is over, and leave the event loop with ``code``."""
        self.code = code
        QTimer.singleShot(0, lambda: (self.window.close(), QApplication.exit(code)))


def make_window(args: argparse.Namespace | None, settings: QSettings | None = None) -> MainWindow:
    """Create the main window (QApplication must exist); does not start loading."""
    app = QApplication.instance()
    if app is not None and not app.property("layerscope_styled"):
        apply_style(app)
        app.setProperty("layerscope_styled", True)
    return MainWindow(options_from_args(args), settings=settings)


def run_gui(args: argparse.Namespace) -> int:
    """Run the desktop window until it is closed; returns the exit code."""
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts, True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Layerscope")
    app.setApplicationName("Layerscope")
    app.setDesktopFileName("layerscope")                # the menu entry `layerscope install-desktop-entry` writes
    window = make_window(args)
    install_excepthook(window)
    if getattr(args, "exit_after_first_paint", False):
        FirstPaint(window)
    window.show()
    if getattr(args, "lesson", False):
        window.lesson.start()
    else:
        window.start()
    code = app.exec()
    # The window is closed and its load cancelled, but a read blocked in a socket (a daemon that stopped
    # answering) only returns at its read timeout, and a delete must finish to be logged: wait for them
    # here, while the window's task runner still exists to receive their outcome.
    window.runner.wait(-1)
    return code
