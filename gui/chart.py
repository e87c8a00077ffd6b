"""Storage chart: per-image shared vs unique bytes, and the naive sum against the bytes really stored."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from model.core.analysis import Analysis
from model.render.chart import MAX_BARS, ChartTexts, charted_images, fill_chart

from . import theme

if TYPE_CHECKING:        # matplotlib is imported when the chart is first drawn, not when the window starts
    from matplotlib.figure import Figure


def _make_canvas(owner: "StorageChart") -> Any:
    """The matplotlib canvas of a chart (after glue-qt's MplCanvas): debounced resize, draw_idle."""
    import matplotlib
    matplotlib.use("QtAgg")
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure
    matplotlib.rcParams["font.family"] = [theme.SANS, "DejaVu Sans"]   # NanumGothic renders Korean tags

    class Canvas(FigureCanvasQTAgg):
        def __init__(self) -> None:
            super().__init__(Figure(figsize=(5, 4), dpi=96, facecolor="#ffffff", layout="constrained"))
            self._resize_timer = QTimer(self)
            self._resize_timer.setSingleShot(True)
            self._resize_timer.setInterval(120)
            self._resize_timer.timeout.connect(self._on_resize_settled)

        def relayout(self) -> None:
            self.figure.get_layout_engine().set(h_pad=0.06, w_pad=0.06)

        def _on_resize_settled(self) -> None:
            self.relayout()
            self.draw_idle()
            owner.resized.emit()

        def resizeEvent(self, event) -> None:  # noqa: N802
            super().resizeEvent(event)
            self._resize_timer.start()

    return Canvas()


class StorageChart(QWidget):
    """The chart's place in the window.  Its matplotlib canvas is made (and matplotlib imported) the first time
    it is drawn, so a window starting on the map does not wait for the drawing stack."""

    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._canvas: Any = None
        self.plotted_images: list[str] = []
        self._analysis: Analysis | None = None
        self._dirty = False

    @property
    def figure(self) -> "Figure":
        """The matplotlib Figure (the canvas is made on first use)."""
        return self._made().figure

    def _made(self) -> Any:
        if self._canvas is None:
            self._canvas = _make_canvas(self)
            self._box.addWidget(self._canvas)
        return self._canvas

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
        canvas = self._made()
        canvas.figure.clear()
        if self._analysis is not None:
            fill_chart(canvas.figure, self._analysis, self.texts(), MAX_BARS)
            canvas.relayout()
        canvas.draw_idle()

    # Qt overrides
    def showEvent(self, event) -> None:  # noqa: N802
        self.ensure_drawn()
        super().showEvent(event)
