"""Storage chart: per-image shared vs unique bytes, and the naive sum against the bytes really stored."""
from __future__ import annotations

import matplotlib

matplotlib.use("QtAgg")
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PySide6.QtCore import QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from model.core.analysis import Analysis  # noqa: E402
from model.core.sizes import human  # noqa: E402

from . import theme  # noqa: E402

MAX_BARS = 25
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
        self.plotted_images = [i.id for i in self._shown(analysis)] if analysis is not None else []
        self._dirty = True
        if self.isVisible():
            self.ensure_drawn()

    def retranslate(self) -> None:
        """Draw the titles and the legend again in the current language (now if on screen, else when shown)."""
        self._dirty = True
        if self.isVisible():
            self.ensure_drawn()

    @staticmethod
    def _shown(analysis: Analysis) -> list:
        """The images that get a bar: the largest listed ones, smallest first (barh draws bottom-up)."""
        sizes, status = analysis.image_sizes, analysis.status
        listed = [i for i in analysis.snapshot.images if status[i.id].status != "intermediate"]
        listed.sort(key=lambda i: sizes[i.id].size, reverse=True)
        return listed[:MAX_BARS][::-1]

    def ensure_drawn(self) -> None:
        """Rebuild the figure for the current analysis if it changed (draw_idle: painted at the next turn)."""
        if not self._dirty:
            return
        self._dirty = False
        analysis = self._analysis
        fig = self.figure
        fig.clear()
        if analysis is None:
            self.draw_idle()
            return
        sizes = analysis.image_sizes
        snap = analysis.snapshot
        listed = [i for i in snap.images if analysis.status[i.id].status != "intermediate"]
        shown = self._shown(analysis)
        gs = fig.add_gridspec(2, 1, height_ratios=[max(3, len(shown) * 0.35), 1.25])
        ax = fig.add_subplot(gs[0])
        names = [(i.repo_tags[0] if i.repo_tags else f"<none> {i.short_id}") for i in shown]
        names = [n if len(n) <= 30 else n[:14] + "…" + n[-14:] for n in names]
        biggest = max([sizes[i.id].size for i in shown] + [analysis.totals.naive_bytes, 1])
        unit, div = ("GB", 1e9) if biggest >= 5e9 else ("MB", 1e6) if biggest >= 5e6 else ("kB", 1e3)
        shared = [sizes[i.id].shared_size / div for i in shown]
        unique = [sizes[i.id].unique_size / div for i in shown]
        y = range(len(shown))
        ax.barh(y, shared, color="#2f8a5b", label=self.tr("SHARED SIZE (layers other images hold too)"))
        ax.barh(y, unique, left=shared, color="#2563a8", label=self.tr("UNIQUE SIZE (only this image)"))
        ax.set_yticks(list(y), names, fontsize=8)
        ax.set_xlabel(unit, fontsize=8)
        more = self.tr(" (largest {n} of {total})").format(n=len(shown), total=len(listed)) \
            if len(listed) > len(shown) else ""
        ax.set_title(self.tr("Per image: shared vs unique") + more, fontsize=10, loc="left")
        ax.legend(fontsize=7, loc="lower right", frameon=False)
        ax.tick_params(axis="x", labelsize=7)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        tot = analysis.totals
        ax2 = fig.add_subplot(gs[1])
        vals = [tot.naive_bytes / div, tot.actual_bytes / div]
        bars = ax2.barh([1, 0], vals, color=["#d9772b", "#2f8a5b"])
        ax2.set_yticks([1, 0], [self.tr("Σ docker images SIZE"), self.tr("actually on disk")], fontsize=8)
        ax2.set_title(self.tr("Naive sum vs stored (each layer counted once)"), fontsize=10, loc="left")
        for bar, v in zip(bars, (tot.naive_bytes, tot.actual_bytes)):
            ax2.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + human(v), va="center", fontsize=8)
        ax2.set_xlim(0, max(vals + [1e-6]) * 1.25)
        ax2.tick_params(axis="x", labelsize=7)
        ax2.set_xlabel(unit, fontsize=8)
        for side in ("top", "right"):
            ax2.spines[side].set_visible(False)
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
