"""Storage chart: per-image shared vs unique bytes, and the naive sum against the bytes really stored."""
from __future__ import annotations

import matplotlib

matplotlib.use("QtAgg")
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PySide6.QtCore import QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from model.core.analysis import Analysis  # noqa: E402
from model.render.chart import MAX_BARS, ChartTexts, charted_images, fill_chart  # noqa: E402

from . import theme  # noqa: E402

matplotlib.rcParams["font.family"] = [theme.SANS, "DejaVu Sans"]   # NanumGothic renders Korean tags


class StorageChart(FigureCanvasQTAgg):
    """A matplotlib canvas (after glue-qt's MplCanvas): debounced resize, draw_idle, Qt signals."""

    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        self.figure = Figure(figsize=(5, 4), dpi=96, facecolor="#ffffff", layout="constrained")
        super().__init__(self.figure)
        self.setParent(parent)
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(120)
        self._resize_timer.timeout.connect(self._on_resize_settled)
        self.plotted_images: list[str] = []
        self._analysis: Analysis | None = None
        self._dirty = False

    def set_analysis(self, analysis: Analysis | None) -> None:
        """Take a new snapshot; the figure is rebuilt now if the chart is on screen, else when it is shown
        (a live update must not pay for a chart nobody sees)."""
        self._analysis = analysis
        self.plotted_images = [i.id for i in charted_images(analysis, MAX_BARS)] if analysis is not None else []
        self._dirty = True
        if self.isVisible():
            self.ensure_drawn()

    def retranslate(self) -> None:
        """Draw the titles and the legend again in the current language (now if on screen, else when shown)."""
        self._dirty = True
        if self.isVisible():
            self.ensure_drawn()

    def texts(self) -> ChartTexts:
        """The chart's words in the current language."""
        return ChartTexts(shared=self.tr("SHARED SIZE (layers other images hold too)"),
                          unique=self.tr("UNIQUE SIZE (only this image)"),
                          per_image=self.tr("Per image: shared vs unique"),
                          largest=self.tr(" (largest {n} of {total})"),
                          naive=self.tr("Σ docker images SIZE"), stored=self.tr("actually on disk"),
                          totals=self.tr("Naive sum vs stored ({counted})"),
                          counted_layers=self.tr("layer bytes, each layer counted once"),
                          shared_content=self.tr("SHARED SIZE (layers and blobs other images hold too)"),
                          naive_content=self.tr("Σ docker images DISK USAGE"),
                          counted_content=self.tr("disk usage: compressed content + unpacked layers, "
                                                  "each counted once"),
                          inexact=self.tr("(not exact)"))

    def ensure_drawn(self) -> None:
        """Rebuild the figure for the current analysis if it changed (draw_idle: painted at the next turn)."""
        if not self._dirty:
            return
        self._dirty = False
        self.figure.clear()
        if self._analysis is not None:
            fill_chart(self.figure, self._analysis, self.texts(), MAX_BARS)
            self._relayout()
        self.draw_idle()

    def _relayout(self) -> None:
        self.figure.get_layout_engine().set(h_pad=0.06, w_pad=0.06)

    def _on_resize_settled(self) -> None:
        self._relayout()
        self.draw_idle()
        self.resized.emit()

    # Qt overrides
    def showEvent(self, event) -> None:  # noqa: N802
        self.ensure_drawn()
        super().showEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._resize_timer.start()
