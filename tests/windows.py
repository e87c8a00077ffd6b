"""The real window for GUI tests: made, sized, shown and (unless asked not to) loaded, one way for every test."""
from __future__ import annotations

import time
from typing import Any, Callable

from PySide6.QtCore import QTimer

from gui.app import make_window
from gui.mainwindow import MainWindow, WindowOptions

LOAD_TIMEOUT = 60_000       # ms: a load from a private daemon or a file


def open_window(qtbot: Any, start: bool = True, interaction: Any = None,
                before_start: Callable[[MainWindow], None] | None = None, **options: Any) -> MainWindow:
    """A shown 1300×850 window with these WindowOptions; started and waited for unless ``start`` is False."""
    window = make_window(None)
    window.options = WindowOptions(**options)
    if interaction is not None:
        window.interaction = interaction
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    if before_start is not None:
        before_start(window)
    if start:
        with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
            window.start()
    return window


class Ticks:
    """A 50 ms UI timer: the longest gap between its ticks tells whether the UI froze."""

    def __init__(self) -> None:
        self.times = [time.monotonic()]
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: self.times.append(time.monotonic()))
        self.timer.start(50)

    def stop(self) -> float:
        """Stop; the longest gap between ticks (or since the start, or until now), in seconds."""
        self.timer.stop()
        self.times.append(time.monotonic())
        return max(b - a for a, b in zip(self.times, self.times[1:]))
