"""The Layerscope main window: graph, images table, details, storage chart, rmi preview."""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMainWindow, QProgressBar, QPushButton, QSplitter, QTableView,
                               QTabWidget, QToolBar, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from model.chain import short_id
from model.sizes import human
from model.snapshot import Snapshot

from . import theme
from .chart import StorageChart
from .details import DetailsPanel
from .graphview import GraphView
from .legend import Legend
from .preview import PreviewResult, preview_rmi
from .tablemodel import IMAGE_ID_ROLE, REF_ROLE, ImagesModel, ImagesProxy
from .workers import Loaded, LoadTask, prepare

DEMO_SNAPSHOT = theme.RESOURCES / "demo" / "tutorial.json"
APP_TITLE = "Layerscope"


@dataclass
class WindowOptions:
    """What the command line chose: a daemon host, a snapshot file, the demo, read-only."""

    host: str | None = None
    snapshot: str | None = None
    demo: bool = False
    read_only: bool = False


def open_settings() -> QSettings:
    """The app's settings store (organization "Layerscope"; tests redirect it with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Layerscope", "Layerscope")


class Banner(QFrame):
    """A one-line message strip above the graph: demo notice or error, with Retry."""

    retry_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 5, 6, 5)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton("Retry")
        self.retry.setToolTip("Try to read the daemon (or the file) again (F5)")
        self.retry.clicked.connect(self.retry_clicked)
        self.close_button = QPushButton("✕")
        self.close_button.setObjectName("bannerClose")
        self.close_button.setFlat(True)
        self.close_button.setToolTip("Hide this message")
        self.close_button.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.retry)
        lay.addWidget(self.close_button)
        self.kind = ""
        self.hide()

    def show_message(self, kind: str, text: str, retry: bool = True) -> None:
        """Show ``text``; ``kind`` (error | demo | info) picks the style."""
        self.kind = kind
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.retry.setVisible(retry)
        self.show()


class MainWindow(QMainWindow):
    """The desktop window; all Docker rules come from model/, this class only wires views together."""

    loaded = Signal()                 # a snapshot is on screen
    load_failed = Signal(str)         # a load ended in the banner (message)
    preview_changed = Signal()        # an rmi preview was shown or cleared

    def __init__(self, options: WindowOptions | None = None, demo_path: Path | str | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.options = options or WindowOptions()
        self.demo_path = Path(demo_path) if demo_path else DEMO_SNAPSHOT
        self.settings = settings or open_settings()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.generation = 0
        self.task: LoadTask | None = None
        self.current: Loaded | None = None
        self.origin = ""                 # daemon | file | demo
        self.file_path: str | None = None
        self.current_image: str | None = None
        self.current_ref: str | None = None
        self.preview: PreviewResult | None = None
        self._fallback_reason = ""
        self._build_widgets()
        self._build_actions()
        self._restore_settings()
        self._update_title()

    # -- construction -------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.banner = Banner()
        self.banner.retry_clicked.connect(self._on_retry)
        self.graph_view = GraphView()
        self.graph_view.setObjectName("graphView")
        self.legend = Legend(self.graph_view)
        self.graph_view.image_selected.connect(lambda i: self._on_image_selected(i, "graph"))
        self.graph_view.layer_selected.connect(lambda c: self._on_layer_selected(c, "graph"))
        self.graph_view.preview_requested.connect(self._on_preview_requested)
        self.graph_view.focus_requested.connect(self._on_focus_requested)
        self.graph_view.zoom_changed.connect(self._on_zoom_changed)
        self.graph_view.viewport().installEventFilter(self)

        self.images_model = ImagesModel(self)
        self.images_proxy = ImagesProxy(self)
        self.images_proxy.setSourceModel(self.images_model)
        self.table = QTableView()
        self.table.setObjectName("imagesTable")
        self.table.setModel(self.images_proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(100)    # sizing reads 100 rows, not all
        self.table.setToolTip("docker images -a, one row per tag; click a row to select the image in the graph")
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText("Filter by tag or image ID  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.setContentsMargins(0, 4, 0, 0)
        tl.setSpacing(4)
        tl.addWidget(self.filter_edit)
        tl.addWidget(self.table)

        self.details = DetailsPanel()
        self.details.layer_clicked.connect(lambda c: self._on_layer_selected(c, "details"))
        self.details.image_clicked.connect(lambda i: self._on_image_selected(i, "details"))
        self.chart = StorageChart()
        self.preview_tree = QTreeWidget()
        self.preview_tree.setObjectName("previewTree")
        self.preview_tree.setHeaderLabels(["docker rmi (preview — nothing is deleted)", "SIZE"])
        self.preview_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.preview_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.preview_tree.header().setStretchLastSection(False)
        self.preview_tree.setRootIsDecorated(True)
        self.preview_tree.itemClicked.connect(self._on_preview_item_clicked)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("rightTabs")
        self.tabs.addTab(self.details, "Details")
        self.preview_label = QLabel("Select a tag or an image and choose <b>Preview rmi</b> (Ctrl+R, toolbar or "
                                    "right-click in the graph) to see what <code>docker rmi</code> would do. "
                                    "Nothing is deleted.")
        self.preview_label.setObjectName("previewLabel")
        self.preview_label.setWordWrap(True)
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        preview_box = QWidget()
        pl = QVBoxLayout(preview_box)
        pl.setContentsMargins(6, 6, 6, 6)
        pl.addWidget(self.preview_label)
        pl.addWidget(self.preview_tree, 1)
        self.preview_box = preview_box
        self.tabs.addTab(preview_box, "rmi preview")
        self.tabs.addTab(self.chart, "Storage")

        graph_box = QWidget()
        gl = QVBoxLayout(graph_box)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.setSpacing(0)
        gl.addWidget(self.banner)
        gl.addWidget(self.graph_view, 1)
        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.setObjectName("leftSplitter")
        self.left_splitter.addWidget(graph_box)
        self.left_splitter.addWidget(table_box)
        self.left_splitter.setStretchFactor(0, 3)
        self.left_splitter.setStretchFactor(1, 2)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.left_splitter)
        self.main_splitter.addWidget(self.tabs)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 2)
        self.setCentralWidget(self.main_splitter)

        sb = self.statusBar()
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        self.counts_label = QLabel("no snapshot")
        self.totals_label = QLabel()
        self.zoom_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.mode_label)
        sb.addPermanentWidget(self.counts_label)
        sb.addPermanentWidget(self.totals_label)
        sb.addPermanentWidget(self.zoom_label)

    def _action(self, text: str, slot, shortcut=None, tip: str = "", icon: str = "") -> QAction:
        act = QAction(text, self)
        if icon:
            act.setIcon(theme.icon(icon))
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            act.setShortcuts([QKeySequence(k) for k in keys])
        if tip:
            act.setToolTip(tip)
            act.setStatusTip(tip)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_open = self._action("&Open snapshot…", self._on_open_snapshot, K.Open,
                                     "Open a saved snapshot file", "open")
        self.act_save = self._action("&Save snapshot…", self._on_save_snapshot, K.Save,
                                     "Save what is shown to a snapshot file (works offline later)", "save")
        self.act_reload = self._action("&Reload", self._on_reload, "F5", "Read the daemon again (F5)", "reload")
        self.act_quit = self._action("&Quit", self.close, K.Quit, "Quit Layerscope")
        self.act_zoom_in = self._action("Zoom &in", lambda: self.graph_view.zoom_by(1.25),
                                        ["Ctrl+=", "Ctrl++"], "Zoom in (Ctrl+=, wheel)", "zoom-in")
        self.act_zoom_out = self._action("Zoom &out", lambda: self.graph_view.zoom_by(0.8), "Ctrl+-",
                                         "Zoom out (Ctrl+-, wheel)", "zoom-out")
        self.act_fit = self._action("&Fit graph", self._on_fit, ["Ctrl+0", "F"], "Show the whole forest (Ctrl+0, F)",
                                    "fit")
        self.act_focus = self._action("Focus on &lineage", self._on_focus_current, "L",
                                      "Show only the selected image and the layers under it (L)", "focus")
        self.act_legend = self._action("&Legend", self._on_legend_toggled, None, "Show or hide the legend")
        self.act_legend.setCheckable(True)
        self.act_legend.setChecked(True)
        self.act_filter = self._action("&Filter images", self._on_focus_filter, K.Find,
                                       "Filter the images table by tag or ID (Ctrl+F)")
        self.act_preview = self._action("&Preview rmi", self._on_preview_current, "Ctrl+R",
                                        "Show what `docker rmi` of the selected tag or image would untag, delete "
                                        "and free — nothing is deleted (Ctrl+R)", "preview")
        self.act_clear = self._action("&Clear preview / focus", self._on_clear, "Esc",
                                      "Clear the rmi preview and the lineage focus (Esc)", "clear")
        self.act_filter.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.act_open, self.act_save, None, self.act_reload, None, self.act_quit):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("&View")
        for a in (self.act_zoom_in, self.act_zoom_out, self.act_fit, None, self.act_focus, self.act_clear, None,
                  self.act_filter, self.act_legend):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu("&Image")
        m.addAction(self.act_preview)
        m.addAction(self.act_focus)
        m.addAction(self.act_clear)

        tb = QToolBar("Main")
        tb.setObjectName("mainToolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.act_open, self.act_reload, None, self.act_fit, self.act_zoom_in, self.act_zoom_out,
                  self.act_focus, None, self.act_preview, self.act_clear):
            tb.addSeparator() if a is None else tb.addAction(a)
        self.addToolBar(tb)
        self.table.addAction(self.act_preview)
        self.table.addAction(self.act_focus)
        self._update_actions()

    # -- settings ------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        else:
            self.resize(1440, 900)
        for key, widget in (("window/state", self), ("splitter/main", self.main_splitter),
                            ("splitter/left", self.left_splitter), ("splitter/details", self.details.splitter)):
            value = s.value(key)
            if isinstance(value, QByteArray):
                widget.restoreState(value)
        if not isinstance(s.value("splitter/main"), QByteArray):
            self.main_splitter.setSizes([900, 540])
            self.left_splitter.setSizes([560, 300])
        legend = s.value("view/legend", True)
        self.act_legend.setChecked(legend not in (False, "false", 0, "0"))
        self.legend.setVisible(self.act_legend.isChecked())
        self.tabs.setCurrentIndex(int(s.value("view/tab", 0) or 0))

    def save_settings(self) -> None:
        """Remember geometry, splitters and view choices."""
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("splitter/main", self.main_splitter.saveState())
        s.setValue("splitter/left", self.left_splitter.saveState())
        s.setValue("splitter/details", self.details.splitter.saveState())
        s.setValue("view/legend", self.act_legend.isChecked())
        s.setValue("view/tab", self.tabs.currentIndex())
        s.sync()

    # -- loading -------------------------------------------------------------------------
    def start(self) -> None:
        """The first load, as the command line asked: file, demo, or daemon (demo if none answers)."""
        if self.options.snapshot:
            self.load_file(self.options.snapshot)
        elif self.options.demo:
            self.load_demo()
        else:
            self.load_daemon()

    def load_daemon(self) -> None:
        """Read the daemon in a worker (--host, DOCKER_HOST or the docker context)."""
        self._run(LoadTask(0, host=self.options.host, origin="daemon"), "Reading the Docker daemon…")

    def load_file(self, path: str) -> None:
        """Read a snapshot file in a worker."""
        self.file_path = str(path)
        self._run(LoadTask(0, path=str(path), origin="file"), f"Opening {Path(path).name}…")

    def load_demo(self, reason: str = "") -> None:
        """Open the bundled tutorial snapshot, clearly marked as DEMO."""
        self._fallback_reason = reason
        self._run(LoadTask(0, path=str(self.demo_path), origin="demo"), "Opening the demo snapshot…")

    def _run(self, task: LoadTask, message: str) -> None:
        if self.task is not None:
            self.task.cancel.set()
        self.generation += 1
        task.generation = self.generation
        task.signals.progress.connect(self._on_load_progress, Qt.ConnectionType.QueuedConnection)
        task.signals.loaded.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)
        task.signals.failed.connect(self._on_load_failed, Qt.ConnectionType.QueuedConnection)
        self.task = task
        self.progress.setRange(0, 0)
        self.progress.setFormat(message)
        self.progress.show()
        self.statusBar().showMessage(message)
        self.act_reload.setEnabled(False)
        self.pool.start(task)

    def show_snapshot(self, snapshot: Snapshot, origin: str = "file") -> None:
        """Show a snapshot synchronously (benchmarks, screenshots and tests)."""
        self.generation += 1
        self.banner.hide()
        self._apply(prepare(snapshot, origin))

    def _on_load_progress(self, generation: int, done: int, total: int) -> None:
        if generation != self.generation:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"reading images %v/%m")

    def _on_loaded(self, generation: int, loaded: Loaded) -> None:
        if generation != self.generation:
            return       # a newer load superseded this one
        self.task = None
        self._apply(loaded)
        if loaded.origin == "demo":
            why = f"No Docker daemon reachable ({html.escape(self._fallback_reason)}). " if self._fallback_reason else ""
            self.banner.show_message(
                "demo", f"<b>DEMO</b> — {why}Showing the bundled tutorial snapshot "
                        f"(ubuntu:18.04 → ubuntu_apache → iscreamedu_apache), not your machine.",
                retry=bool(self._fallback_reason))
        else:
            self.banner.hide()
        self.loaded.emit()

    def _on_load_failed(self, generation: int, kind: str, message: str) -> None:
        if generation != self.generation:
            return
        self.task = None
        self._end_progress()
        if kind == "cancelled":
            return
        if kind == "daemon" and self.current is None and not self.options.host:
            # nothing on screen yet and no explicit host: fall back to the demo, say why
            if self.demo_path.exists():
                self.load_demo(reason=message)
                return
        if kind == "snapshot" and self.current is None and self.task is None and \
                self.file_path and Path(self.file_path) == self.demo_path:
            message = f"the bundled demo snapshot cannot be read: {message}"
        text = ("<b>Cannot open snapshot:</b> " if kind == "snapshot" else "<b>Docker daemon:</b> ") + \
            html.escape(message)
        if kind == "daemon" and self.current is not None:
            text += " — still showing the snapshot taken " + html.escape(self.current.snapshot.taken_at or "earlier")
        self.banner.show_message("error", text, retry=True)
        self.statusBar().showMessage(message, 10000)
        self.load_failed.emit(message)

    def _end_progress(self) -> None:
        self.progress.hide()
        self.statusBar().clearMessage()
        self.act_reload.setEnabled(True)

    def _apply(self, loaded: Loaded) -> None:
        self._end_progress()
        self.current = loaded
        self.origin = loaded.origin
        self.preview = None
        self.current_image = self.current_ref = None
        a = loaded.analysis
        self.graph_view.set_data(a, loaded.layout)
        self.images_model.set_analysis(a)
        self.table.resizeColumnsToContents()
        self.details.set_analysis(a)
        self.chart.set_analysis(a)
        self.preview_tree.clear()
        self._update_status()
        self._update_title()
        self._update_actions()
        QTimer.singleShot(0, self.graph_view.show_readable)

    def _update_title(self) -> None:
        if self.current is None:
            self.setWindowTitle(APP_TITLE)
            return
        snap = self.current.snapshot
        if self.origin == "demo":
            where = "DEMO — bundled tutorial snapshot"
        elif self.origin == "file":
            where = f"snapshot {Path(self.file_path).name if self.file_path else ''} (taken {snap.taken_at})"
        else:
            where = f"{snap.info.engine} {snap.info.version} at {snap.info.host}"
        ro = " [read-only]" if self.options.read_only else ""
        self.setWindowTitle(f"{APP_TITLE} — {where}{ro}")

    def _update_status(self) -> None:
        a = self.current.analysis
        statuses = [s.status for s in a.status.values()]
        layers = len(a.layer_use)
        self.counts_label.setText(
            f"{len(statuses)} images · {statuses.count('tagged')} tagged · {statuses.count('dangling')} dangling · "
            f"{statuses.count('intermediate')} intermediate · {layers} layers")
        t = a.totals
        self.totals_label.setText(f"Σ image sizes {human(t.naive_bytes)} · on disk {human(t.actual_bytes)}")
        self.totals_label.setToolTip("The naive sum of `docker images` SIZE against the bytes stored, "
                                     "counting each shared layer once")
        self.mode_label.setText({"demo": "DEMO", "file": "FILE", "daemon": "LIVE"}.get(self.origin, ""))
        self.mode_label.setProperty("mode", self.origin)
        self.mode_label.style().unpolish(self.mode_label)
        self.mode_label.style().polish(self.mode_label)

    def _update_actions(self) -> None:
        has = self.current is not None
        self.act_save.setEnabled(has)
        self.act_preview.setEnabled(has and self.current_image is not None)
        self.act_focus.setEnabled(has and self.current_image is not None)

    # -- slots: file ---------------------------------------------------------------------
    def _on_open_snapshot(self) -> None:
        start = str(self.settings.value("paths/snapshots", os.getcwd()))
        path, _ = QFileDialog.getOpenFileName(self, "Open snapshot", start, "Layerscope snapshot (*.json);;All (*)")
        if path:
            self.settings.setValue("paths/snapshots", str(Path(path).parent))
            self.load_file(path)

    def _on_save_snapshot(self) -> None:
        if self.current is None:
            return
        start = str(self.settings.value("paths/snapshots", os.getcwd()))
        path, _ = QFileDialog.getSaveFileName(self, "Save snapshot", str(Path(start) / "snapshot.json"),
                                              "Layerscope snapshot (*.json)")
        if path:
            self.save_snapshot(path)

    def save_snapshot(self, path: str) -> bool:
        """Write the shown snapshot to ``path``; errors go to the banner."""
        try:
            self.current.snapshot.save(path)
        except OSError as exc:
            self.banner.show_message("error", f"<b>Cannot save snapshot:</b> {html.escape(str(exc))}", retry=False)
            return False
        self.settings.setValue("paths/snapshots", str(Path(path).parent))
        self.statusBar().showMessage(f"saved {len(self.current.snapshot.images)} images to {path}", 8000)
        return True

    def _on_reload(self) -> None:
        if self.origin == "file" and self.file_path:
            self.load_file(self.file_path)
        elif self.origin == "demo" and not self._fallback_reason:
            self.load_demo()
        else:
            self.load_daemon()

    def _on_retry(self) -> None:
        if self.current is None and self.file_path and self.options.snapshot:
            self.load_file(self.file_path)
        elif self.origin == "demo" or self.current is None:
            self.load_daemon()
        else:
            self._on_reload()

    # -- slots: selection ----------------------------------------------------------------
    def _on_table_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        image_id = current.data(IMAGE_ID_ROLE)
        self._on_image_selected(image_id, "table", ref=current.data(REF_ROLE))

    def _on_image_selected(self, image_id: str, source: str, ref: str | None = None) -> None:
        if self.current is None or image_id not in self.current.snapshot.by_id:
            return
        img = self.current.snapshot.by_id[image_id]
        self.current_image = image_id
        self.current_ref = ref or (img.repo_tags[0] if len(img.repo_tags) == 1 else image_id)
        if source != "graph":
            self.graph_view.select_image(image_id)
        if source != "table":
            self._select_table_row(image_id)
        self.details.show_image(image_id)
        self._update_actions()
        self.statusBar().showMessage(f"{self.current_ref if self.current_ref != image_id else img.short_id} selected"
                                     " — Ctrl+R previews `docker rmi`", 6000)

    def _on_layer_selected(self, chain_id: str, source: str) -> None:
        if source != "graph":
            self.graph_view.select_layer(chain_id)
        self.details.show_layer(chain_id)
        if self.tabs.currentWidget() is not self.details and source == "graph":
            self.tabs.setCurrentWidget(self.details)

    def _select_table_row(self, image_id: str) -> None:
        for row, r in enumerate(self.images_model.rows):
            if r.image_id == image_id:
                proxy_index = self.images_proxy.mapFromSource(self.images_model.index(row, 0))
                if not proxy_index.isValid():
                    return
                sm = self.table.selectionModel()
                sm.blockSignals(True)
                sm.setCurrentIndex(proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                   | QItemSelectionModel.SelectionFlag.Rows)
                sm.blockSignals(False)
                self.table.viewport().update()
                self.table.scrollTo(proxy_index)
                return

    def selected_table_images(self) -> list[str]:
        """Image IDs of the selected table rows."""
        return [i.data(IMAGE_ID_ROLE) for i in self.table.selectionModel().selectedRows()]

    def _on_filter_changed(self, text: str) -> None:
        self.images_proxy.set_filter_text(text)

    def _on_focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    # -- slots: view ---------------------------------------------------------------------
    def _on_fit(self) -> None:
        self.graph_view.clear_focus()
        self.graph_view.fit_all()

    def _on_focus_current(self) -> None:
        if self.current_image:
            self._on_focus_requested(self.current_image)

    def _on_focus_requested(self, image_id: str) -> None:
        self._on_image_selected(image_id, "focus")
        self.graph_view.focus_lineage(image_id)

    def _on_legend_toggled(self, checked: bool) -> None:
        self.legend.setVisible(checked)
        self.settings.setValue("view/legend", checked)

    def _on_zoom_changed(self, scale: float) -> None:
        self.zoom_label.setText(f"zoom {scale * 100:.0f}%" if scale >= 0.1 else f"zoom {scale * 100:.2g}%")

    def _on_clear(self) -> None:
        self.clear_preview()
        self.graph_view.clear_focus()

    # -- rmi preview ---------------------------------------------------------------------
    def _on_preview_current(self) -> None:
        if self.current_ref:
            self._on_preview_requested(self.current_ref)

    def _on_preview_requested(self, ref: str) -> None:
        self.preview_rmi(ref)

    def preview_rmi(self, ref: str) -> PreviewResult | None:
        """Run the simulator for `docker rmi REF` and mark its answer on the graph and in the list."""
        if self.current is None:
            return None
        result = preview_rmi(self.current.analysis, [ref])
        self.preview = result
        self.graph_view.show_preview(result.deleted_images, result.deleted_layers, result.untagged_images)
        self._fill_preview_tree(result)
        self.tabs.setCurrentWidget(self.preview_box)
        self.statusBar().showMessage(result.summary, 15000)
        self.preview_changed.emit()
        return result

    def clear_preview(self) -> None:
        """Remove preview marks and the list."""
        if self.preview is None:
            return
        self.preview = None
        self.graph_view.clear_preview()
        self.preview_tree.clear()
        self.preview_label.setText("Preview cleared. Nothing was deleted.")
        self.preview_changed.emit()

    def _fill_preview_tree(self, result: PreviewResult) -> None:
        refs = html.escape(" ".join(result.refs))
        if result.ok:
            body = (f"<span style='color:#2f8a5b'><b>{html.escape(result.summary)}</b></span><br>"
                    f"<span style='color:#e08a00'>■</span> {len(result.untagged_refs)} tag(s) untagged &nbsp; "
                    f"<span style='color:#d64545'>■</span> {len(result.deleted_images)} image(s), "
                    f"{len(result.deleted_layers)} layer(s) deleted")
        else:
            errs = "<br>".join(html.escape(e) for e in result.errors)
            ctrs = ", ".join(f"<b>{html.escape(c.name)}</b> ({c.state})" for c in result.blocking_containers)
            body = (f"<span style='color:#d64545'><b>Would fail — nothing would change.</b></span><br>"
                    f"<code>Error response from daemon: {errs}</code>"
                    + (f"<br>Blocking container(s): {ctrs}" if ctrs else ""))
        self.preview_label.setText(f"<b style='font-size:11pt'>$ docker rmi {refs}</b> &nbsp;(preview)<br>{body}")
        t = self.preview_tree
        t.clear()
        if result.errors:
            err = QTreeWidgetItem(["Error response from daemon", ""])
            err.setForeground(0, QBrush(theme.DELETED))
            for msg in result.errors:
                line = QTreeWidgetItem([msg, ""])
                line.setToolTip(0, msg)
                err.addChild(line)
            for ctr in result.blocking_containers:
                c = QTreeWidgetItem([f"blocking container {ctr.name} ({short_id(ctr.id)}, {ctr.state})", ""])
                c.setForeground(0, QBrush(theme.DELETED))
                err.addChild(c)
            t.addTopLevelItem(err)
            err.setExpanded(True)
        graph = self.current.analysis.graph
        for kind, ident in result.lines:
            if kind == "Untagged":
                item = QTreeWidgetItem([f"Untagged: {ident}", ""])
                item.setForeground(0, QBrush(theme.UNTAGGED_MARK))
            else:
                what = "layer" if ident in graph and graph.nodes[ident]["kind"] == "layer" else "image"
                size = graph.nodes[ident]["size"] if what == "layer" else None
                item = QTreeWidgetItem([f"Deleted: {ident}   ({what})", human(size) if what == "layer" else ""])
                item.setData(0, Qt.ItemDataRole.UserRole, (what, ident))
                item.setForeground(0, QBrush(theme.DELETED))
            item.setFont(0, theme.font(9.5))
            t.addTopLevelItem(item)
        note = QTreeWidgetItem(["Esc clears the preview. Nothing was deleted.", ""])
        note.setForeground(0, QBrush(theme.TEXT_DIM))
        t.addTopLevelItem(note)

    def _on_preview_item_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if not data:
            return
        what, ident = data
        if what == "layer":
            self._on_layer_selected(ident, "preview")
        elif self.current and ident in self.current.snapshot.by_id:
            self.graph_view.select_image(ident)
            self.details.show_image(ident)

    # -- errors --------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """Show an unexpected error in the banner (used by the excepthook)."""
        self.banner.show_message("error", "<b>Internal error:</b> " + html.escape(message), retry=False)

    # Qt overrides
    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.graph_view.viewport() and event.type() == event.Type.Resize:
            vp = self.graph_view.viewport()
            self.legend.move(vp.width() - self.legend.width() - 10, vp.height() - self.legend.height() - 10)
        return super().eventFilter(obj, event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.task is not None:
            self.task.cancel.set()
        self.save_settings()
        self.pool.waitForDone(5000)
        super().closeEvent(event)
