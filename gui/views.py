"""What is on screen: one Loaded shown in every view (graph, table, details, chart), the status line, the title."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from model.core.hostsummary import host_summary
from model.core.sizes import human

from .chart import StorageChart
from .details import DetailsPanel
from .graphview import MIN_SCALE, GraphView
from .imagesbox import ImagesBox
from .legend import Legend
from .previewing import PreviewController
from .selection import SelectionController
from .session import Mode, Origin, Session
from .settings import Settings
from .storagemappanel import StorageMapPanel
from .workers import Loaded, layout_for

APP_TITLE = "Layerscope"


class ViewsController(QObject):
    """Swaps the shown state into every view and keeps the status line and the window title current."""

    def __init__(self, window: QMainWindow, session: Session, settings: Settings, graph_view: GraphView,
                 images: ImagesBox, details: DetailsPanel, chart: StorageChart, legend: Legend,
                 preview: PreviewController, selection: SelectionController, labels: dict[str, QLabel],
                 storage_map: StorageMapPanel | None = None, map_tabs: QTabWidget | None = None) -> None:
        super().__init__(window)
        self.window, self.session, self.settings = window, session, settings
        self.graph_view, self.images, self.details, self.chart, self.legend = graph_view, images, details, chart, legend
        self.preview, self.selection = preview, selection
        self.counts_label, self.totals_label = labels["counts"], labels["totals"]
        self.mode_label, self.zoom_label = labels["mode"], labels["zoom"]
        self.storage_map, self.map_tabs = storage_map, map_tabs

    # Swap the shown state.  keep_view keeps zoom, scroll position and the
    # selected image (when it still exists); changed IDs light up briefly.
    # paint_first (a fresh snapshot in a shown window) fits the map and paints
    # it before the table, the details and the charts are filled: on a big host
    # they take longer than the map, which is what people wait for.  A map that
    # fits only far out is painted by its overview before its items are made.
    def show(self, loaded: Loaded, keep_view: bool, changed: set[str] | None = None,
             paint_first: bool = False) -> None:
        """Show ``loaded`` in every view (see the comment above)."""
        view, s = self.graph_view, self.session
        transform, center = view.transform(), view.mapToScene(view.viewport().rect().center())
        keep_image = s.current_image if keep_view else None
        keep_ref = s.current_ref if keep_view else None
        s.current = loaded
        self.preview.forget()
        self.selection.reset()
        a = loaded.analysis
        paint_first = paint_first and not keep_view and view.isVisible()
        view.set_data(a, loaded.layout, items_later=paint_first and view.fits_far_out(loaded.layout))
        if keep_view:
            view.setTransform(transform)
            view.centerOn(center)
        elif paint_first:
            view.show_readable()
            view.viewport().repaint()
            view.build_items()
        self.images.model.set_analysis(a)
        if not keep_view:
            self.images.table.resizeColumnsToContents()
        self.details.set_analysis(a)
        self.chart.set_analysis(a)
        if self.storage_map is not None:
            self.storage_map.set_analysis(a, keep_zoom=keep_view)
        if keep_view:
            if keep_image and keep_image in a.snapshot.by_id:
                tags = a.snapshot.by_id[keep_image].repo_tags
                self.selection.select_image(keep_image, "keep", ref=keep_ref if keep_ref in tags else None)
        if changed:
            view.flash(changed)
        self.update_status()
        s.notify()

    def show_fresh(self, loaded: Loaded) -> None:
        """A fresh snapshot on screen: fitted view, selection cleared."""
        self.session.origin = Origin(loaded.origin)
        self.show(loaded, keep_view=False, paint_first=True)
        QTimer.singleShot(0, self.graph_view.show_readable)    # (again once a window shown just now is laid out)

    def show_in_place(self, loaded: Loaded, changed: set[str] | None = None, fitted: bool | None = None) -> None:
        """A newer state of what is shown (the next snapshot of one read): zoom, place and selection stay, and
        a view still fitted as show_fresh left it (``fitted``, found now unless given) is fitted to the new forest."""
        fitted = self.readable_fit() if fitted is None else fitted
        self.show(loaded, keep_view=True, changed=changed)
        if fitted:
            self.graph_view.show_readable()

    # A view is as show_readable left it when its zoom is the one that fits the
    # whole scene (never above 125 %) and the scene's centre is in the middle of
    # the viewport (within a few pixels): QGraphicsView.fitInView leaves 2 px of
    # margin on each side.
    def readable_fit(self) -> bool:
        """True when the graph is shown as show_readable left it (the user has not zoomed or scrolled since)."""
        view = self.graph_view
        rect, port = view.scene().sceneRect(), view.viewport().rect()
        if rect.isEmpty() or port.width() < 8 or port.height() < 8:
            return True
        fit = min((port.width() - 4) / rect.width(), (port.height() - 4) / rect.height())
        want, scale = min(max(fit, MIN_SCALE), 1.25), view.current_scale()
        off = view.mapToScene(port.center()) - rect.center()
        return abs(scale / want - 1) < 0.02 and off.manhattanLength() * scale < 4

    # -- what the view asks of a layout ----------------------------------------------------
    def graph_aspect(self) -> float:
        """Width / height of the graph's viewport (clamped): separate trees are packed to fill it."""
        vp = self.graph_view.viewport()
        if vp.height() < 50 or vp.width() < 50:
            return 1.9
        return max(1.0, min(3.5, vp.width() / vp.height()))

    @property
    def show_intermediates(self) -> bool:
        """True when intermediate images are shown (`docker images -a`)."""
        return self.images.proxy.show_intermediates

    # -- View menu -------------------------------------------------------------------------
    def set_intermediates(self, on: bool) -> None:
        """View → Show intermediate images: the table's filter and the graph's layout follow (remembered)."""
        self.settings.intermediates = on
        self.images.proxy.set_show_intermediates(on)
        current = self.session.current
        if current is not None:
            current.layout = layout_for(current.analysis, on, self.graph_aspect())
            self.show(current, keep_view=False)
            self.graph_view.show_readable()

    def set_legend(self, on: bool) -> None:
        """View → Legend (remembered)."""
        self.legend.setVisible(on)
        self.settings.legend = on

    def fit(self) -> None:
        """View → Fit graph: the whole forest, no lineage focus (or, on the storage map, the whole map)."""
        if self.storage_map_shown():
            self.storage_map.view.fit()
            return
        self.graph_view.clear_focus()
        self.graph_view.fit_all()

    def storage_map_shown(self) -> bool:
        """True when the storage map, not the layer map, is on screen."""
        return self.map_tabs is not None and self.map_tabs.currentWidget() is self.storage_map

    def show_storage_map(self, on: bool) -> None:
        """View → Storage map: the storage map in place of the layer map (or back)."""
        if self.map_tabs is not None:
            self.map_tabs.setCurrentWidget(self.storage_map if on else self.graph_view)
            (self.storage_map.view if on else self.graph_view).setFocus()

    def on_zoom_changed(self, scale: float) -> None:
        """Say the graph's zoom in the status bar."""
        pct = f"{scale * 100:.0f}%" if scale >= 0.1 else f"{scale * 100:.2g}%"
        self.zoom_label.setText(self.tr("zoom {pct}").format(pct=pct))

    # -- status line and title -------------------------------------------------------------
    def update_status(self) -> None:
        """Counts, totals and the mode badge of the shown state ("no snapshot" before the first)."""
        if self.session.current is None:
            self.counts_label.setText(self.tr("no snapshot"))
            return
        h = host_summary(self.session.current.analysis, top=0)
        self.counts_label.setText(
            self.tr("{n} images · {t} tagged · {d} dangling · {i} intermediate · {l} layers").format(
                n=h.images, t=h.tagged, d=h.dangling, i=h.intermediate, l=h.layers))
        self.totals_label.setText(self.tr("Σ image sizes {naive} · on disk {actual}").format(
            naive=human(h.naive_bytes), actual=human(h.actual_bytes)))
        if h.counts_content:        # the containerd store counts compressed content and unpacked layers
            self.totals_label.setToolTip(self.tr("The naive sum of `docker images` DISK USAGE against the disk "
                                                 "usage of the compressed content and unpacked layers, each "
                                                 "counted once"))
        else:
            self.totals_label.setToolTip(self.tr("The naive sum of `docker images` SIZE against the bytes stored, "
                                                 "counting each shared layer once"))
        mode = "whatif" if self.session.mode is Mode.WHATIF else str(self.session.origin)
        if mode == "daemon" and self.session.current.provisional:
            mode = "stale"      # shown while the daemon is read (or since that read failed)
        self.mode_label.setText({"demo": self.tr("DEMO"), "file": self.tr("FILE"), "daemon": self.tr("LIVE"),
                                 "whatif": self.tr("WHAT-IF"), "stale": self.tr("STALE")}.get(mode, ""))
        self.mode_label.setProperty("mode", mode)
        self.mode_label.style().unpolish(self.mode_label)
        self.mode_label.style().polish(self.mode_label)

    def update_title(self) -> None:
        """The window title: where the snapshot came from, [read-only], [WHAT-IF]."""
        s = self.session
        if s.current is None:
            self.window.setWindowTitle(APP_TITLE)
            return
        snap = s.real_snapshot()
        if s.origin == Origin.DEMO:
            where = self.tr("DEMO — bundled tutorial snapshot")
        elif s.origin == Origin.FILE:
            where = self.tr("snapshot {name} (taken {when})").format(
                name=Path(s.file_path).name if s.file_path else "", when=snap.taken_at)
        else:
            where = self.tr("{engine} {version} at {host}").format(
                engine=snap.info.engine, version=snap.info.version, host=snap.info.host)
        extra = (" " + self.tr("[stale]") if s.real_loaded().provisional else "") + \
            (" " + self.tr("[read-only]") if s.read_only else "") + \
            (" " + self.tr("[WHAT-IF]") if s.mode is Mode.WHATIF else "")
        self.window.setWindowTitle(f"{APP_TITLE} — {where}{extra}")
