"""The Layerscope main window: graph, images table, details, storage chart, rmi preview, clean-up, what-if."""
from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (QByteArray, QItemSelectionModel, QModelIndex, QPoint, QSettings, Qt,
                            QThreadPool, QTimer, Signal)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMainWindow, QMenu, QMessageBox,
                               QProgressBar, QPushButton, QSplitter, QTableView, QTabWidget, QToolBar,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from model.commands.deletelog import DeleteLog
from model.commands.perform import NOTHING, WINDOW, Performed, record_refusal, refusal
from model.engine.plan import PRUNE, RMI, UNTAG, Plan, Request, make_plan, snapshot_diff
from model.core.sizes import human
from model.core.snapshot import Snapshot
from model.engine.whatif import UNDO, Change, WhatIf
from resources import DEMO_SNAPSHOT, LESSON_SNAPSHOT

from . import theme
from .actions import DialogInteraction, Interaction, answer_html
from .chart import StorageChart
from .deletehistory import DeleteHistoryDialog
from .details import DetailsPanel
from .graphview import GraphView
from .legend import Legend
from .preview import ITEM_ROLE, fill_tree, plan_html, preview_rmi, summary_text
from .tablemodel import IMAGE_ID_ROLE, REF_ROLE, ImagesModel, ImagesProxy
from .workers import Loaded, LoadTask, PerformTask, layout_for, prepare

APP_TITLE = "Layerscope"
READ_ONLY_ENV = "LAYERSCOPE_READ_ONLY"
PRESENT_MAX_ZOOM = 2.0


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


def _truthy(value: object) -> bool:
    return value not in (None, False, "false", 0, "0", "")


class Banner(QFrame):
    """A one-line message strip above the graph: demo notice, what-if notice or error, with Retry."""

    retry_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 5, 6, 5)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton()
        self.retry.clicked.connect(self.retry_clicked)
        self.close_button = QPushButton("✕")
        self.close_button.setObjectName("bannerClose")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.retry)
        lay.addWidget(self.close_button)
        self.kind = ""
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        """Set the fixed texts in the current language."""
        self.retry.setText(self.tr("Retry"))
        self.retry.setToolTip(self.tr("Try to read the daemon (or the file) again (F5)"))
        self.close_button.setToolTip(self.tr("Hide this message"))

    def show_message(self, kind: str, text: str, retry: bool = True) -> None:
        """Show ``text``; ``kind`` (error | demo | info | whatif) picks the style."""
        self.kind = kind
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.retry.setVisible(retry)
        self.close_button.setVisible(kind != "whatif")
        self.show()


class WhatIfPanel(QWidget):
    """The what-if steps: applied ones in order, undone ones greyed below (what Redo brings back)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.steps = QListWidget()
        self.steps.setObjectName("whatifSteps")
        lay.addWidget(self.label)
        lay.addWidget(self.steps, 1)
        self.retranslate()

    def retranslate(self) -> None:
        """Set the fixed texts in the current language."""
        self.label.setText(self.tr("<b>What-if steps</b> — simulated on the snapshot, nothing is deleted. "
                                   "Ctrl+Z undoes, Ctrl+Shift+Z redoes."))

    def show_steps(self, done: list[str], undone: list[str]) -> None:
        """List the applied steps (numbered) and the undone ones (greyed, next first)."""
        self.steps.clear()
        self.steps.addItem(self.tr("0. original snapshot"))
        for n, label in enumerate(done, 1):
            self.steps.addItem(f"{n}. {label}")
        for label in undone:
            item = QListWidgetItem(self.tr("↷ {label} (undone)").format(label=label))
            item.setForeground(theme.TEXT_DIM)
            self.steps.addItem(item)
        self.steps.setCurrentRow(len(done))


class MainWindow(QMainWindow):
    """The desktop window; all Docker rules come from model/, this class only wires views together.

    Public hooks for gui/extras.py: ``current_snapshot()``, ``apply_snapshot(snapshot, changed)``,
    ``graph_scene()``, ``chart_figure()``, ``menu(name)``, ``retranslate()`` (re-applies every text of
    the window after a QTranslator change; menus added by extras retranslate themselves)."""

    loaded = Signal()                 # a snapshot is on screen
    load_failed = Signal(str)         # a load ended in the banner (message)
    preview_changed = Signal()        # an rmi preview was shown or cleared
    action_finished = Signal(object)  # model.commands.perform.Performed after a confirmed action (before the reload)
    whatif_changed = Signal()         # entered, left, or a step was done / undone / redone
    presentation_changed = Signal(bool)

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
        self.targets: list[tuple[str, str]] = []       # selected (image ID, ref to act on)
        self.preview: Plan | None = None
        self.busy = False                # a destructive action is running on the daemon
        self._perform_task: PerformTask | None = None
        self.delete_log = DeleteLog()                  # every refused and performed delete is recorded here
        self._refresh_after_action = False
        self.whatif: WhatIf | None = None
        self._whatif_real: Loaded | None = None        # the real state behind the sandbox
        self._whatif_unsubscribe = None
        self._redo_labels: list[str] = []
        self.presenting = False
        self._pre_presentation: dict = {}
        self._fallback_reason = ""
        self.interaction: Interaction = DialogInteraction(self, self._replan)
        self._build_widgets()
        self._build_actions()
        self._restore_settings()
        self.retranslate()
        try:
            from gui import extras
            extras.install(self)
        except ImportError:
            pass

    # ==================================================================================
    # public hooks (gui/extras.py and tests)
    # ==================================================================================
    def current_snapshot(self) -> Snapshot | None:
        """The snapshot on screen (in what-if mode: the sandbox's current state); None before the first load."""
        return self.current.snapshot if self.current is not None else None

    def real_snapshot(self) -> Snapshot | None:
        """The daemon's (or file's) snapshot, also while a what-if sandbox is shown."""
        real = self._whatif_real if self.whatif is not None else self.current
        return real.snapshot if real is not None else None

    def apply_snapshot(self, snapshot: Snapshot, changed: set[str] | frozenset[str] = frozenset(),
                       prepared: Loaded | None = None) -> None:
        """Swap in a newer real snapshot, keeping zoom and still-valid selection; highlight ``changed`` IDs.

        ``prepared`` (optional) is the Loaded made off the GUI thread for this snapshot.  While a what-if
        sandbox is shown, the sandbox stays on screen and the new state is shown on leaving."""
        origin = self.origin or "daemon"
        if prepared is not None and prepared.snapshot is snapshot:
            loaded = Loaded(snapshot, prepared.analysis, prepared.layout, origin)
        else:
            loaded = prepare(snapshot, origin, self.show_intermediates, self.graph_aspect())
        if self.whatif is not None:
            self._whatif_real = loaded
            self.statusBar().showMessage(self.tr("The daemon changed; shown when you leave what-if mode"), 8000)
            return
        self._show(loaded, keep_view=True, changed=set(changed))

    def graph_scene(self):
        """The QGraphicsScene of the layer graph."""
        return self.graph_view.scene()

    def chart_figure(self):
        """The matplotlib Figure of the storage chart (drawn for the current snapshot)."""
        self.chart.ensure_drawn()
        return self.chart.figure

    def menu(self, name: str) -> QMenu:
        """The menu "File", "View", "Image", "Settings" or "Help" (KeyError for others)."""
        return self._menus[name]

    def retranslate(self) -> None:
        """Re-apply every user-visible text (after installing a QTranslator); no reload needed."""
        self._retranslate_ui()
        self.banner.retranslate()
        self.whatif_panel.retranslate()
        self.images_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.images_model.columnCount() - 1)
        self.legend.retranslate()
        self.details.retranslate()
        if self.current is not None:
            self._update_status()
            if self.preview is not None:
                self._fill_preview(self.preview)
        self._update_banner()
        self._update_title()
        self._update_actions()

    # ==================================================================================
    # construction
    # ==================================================================================
    def _build_widgets(self) -> None:
        self.banner = Banner()
        self.banner.retry_clicked.connect(self._on_retry)
        self.graph_view = GraphView()
        self.graph_view.setObjectName("graphView")
        self.legend = Legend()
        self.graph_view.image_selected.connect(lambda i: self._on_image_selected(i, "graph"))
        self.graph_view.images_selected.connect(self._on_graph_images_selected)
        self.graph_view.layer_selected.connect(lambda c: self._on_layer_selected(c, "graph"))
        self.graph_view.menu_requested.connect(self._on_graph_menu_requested)
        self.graph_view.focus_requested.connect(self._on_focus_requested)
        self.graph_view.zoom_changed.connect(self._on_zoom_changed)
        self.caption = QLabel()
        self.caption.setObjectName("presentationCaption")
        self.caption.setWordWrap(True)
        self.caption.hide()

        self.images_model = ImagesModel(self)
        self.images_proxy = ImagesProxy(self)
        self.images_proxy.setSourceModel(self.images_model)
        self.table = QTableView()
        self.table.setObjectName("imagesTable")
        self.table.setModel(self.images_proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(100)    # sizing reads 100 rows, not all
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_menu_requested)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.table_box = QWidget()
        tl = QVBoxLayout(self.table_box)
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
        self.preview_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.preview_tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.preview_tree.header().setStretchLastSection(False)
        self.preview_tree.itemClicked.connect(self._on_preview_item_clicked)
        self.preview_label = QLabel()
        self.preview_label.setObjectName("previewLabel")
        self.preview_label.setWordWrap(True)
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_box = QWidget()
        pl = QVBoxLayout(self.preview_box)
        pl.setContentsMargins(6, 6, 6, 6)
        pl.addWidget(self.preview_label)
        pl.addWidget(self.preview_tree, 1)
        self.whatif_panel = WhatIfPanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("rightTabs")
        self.tabs.addTab(self.details, "")
        self.tabs.addTab(self.preview_box, "")
        self.tabs.addTab(self.chart, "")
        self.tabs.addTab(self.whatif_panel, "")

        graph_box = QWidget()
        gl = QVBoxLayout(graph_box)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.setSpacing(0)
        gl.addWidget(self.banner)
        gl.addWidget(self.caption)
        gl.addWidget(self.graph_view, 1)
        gl.addWidget(self.legend)
        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.setObjectName("leftSplitter")
        self.left_splitter.addWidget(graph_box)
        self.left_splitter.addWidget(self.table_box)
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
        self.read_only_badge = QLabel()
        self.read_only_badge.setObjectName("readOnlyBadge")
        self.read_only_badge.hide()
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        self.counts_label = QLabel()
        self.totals_label = QLabel()
        self.zoom_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        for w in (self.progress, self.read_only_badge, self.mode_label, self.counts_label, self.totals_label,
                  self.zoom_label):
            sb.addPermanentWidget(w)

    def _action(self, slot, shortcut=None, icon: str = "", checkable: bool = False) -> QAction:
        act = QAction(self)
        if icon:
            act.setIcon(theme.icon(icon))
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            act.setShortcuts([QKeySequence(k) for k in keys])
        act.setCheckable(checkable)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        a = self._action
        self.act_open = a(self._on_open_snapshot, K.Open, "open")
        self.act_save = a(self._on_save_snapshot, K.Save, "save")
        self.act_demo = a(lambda: self.load_demo(path=DEMO_SNAPSHOT))
        self.act_lesson = a(lambda: self.load_demo(path=LESSON_SNAPSHOT))
        self.act_reload = a(self._on_reload, "F5", "reload")
        self.act_quit = a(self.close, K.Quit)
        self.act_zoom_in = a(lambda: self.graph_view.zoom_by(1.25), ["Ctrl+=", "Ctrl++"], "zoom-in")
        self.act_zoom_out = a(lambda: self.graph_view.zoom_by(0.8), "Ctrl+-", "zoom-out")
        self.act_fit = a(self._on_fit, ["Ctrl+0", "F"], "fit")
        self.act_focus = a(self._on_focus_current, "L", "focus")
        self.act_legend = a(self._on_legend_toggled, None, checkable=True)
        self.act_legend.setChecked(True)
        self.act_intermediates = a(self._on_intermediates_toggled, "Ctrl+Shift+A", checkable=True)
        self.act_filter = a(self._on_focus_filter, K.Find)
        self.act_filter.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.act_preview = a(self._on_preview_current, "Ctrl+R", "preview")
        self.act_clear = a(self._on_clear, "Esc", "clear")
        self.act_presentation = a(self._on_presentation_toggled, "F11", "presentation", checkable=True)
        self.act_next = a(self._on_present_next, ["Right", "PgDown"])
        self.act_prev = a(self._on_present_prev, ["Left", "PgUp"])
        # destructive actions (or, in what-if mode, their simulated versions)
        self.act_remove = a(self._on_remove, K.Delete, "delete")
        self.act_untag = a(self._on_untag, None, "untag")
        self.act_prune = a(lambda: self.request_action(Request(PRUNE)), None, "prune")
        self.act_prune_all = a(lambda: self.request_action(Request(PRUNE, prune_all=True)), None, "prune")
        self.act_whatif = a(self._on_whatif_toggled, "W", "whatif", checkable=True)
        self.act_undo = a(self._on_undo, K.Undo, "undo")
        self.act_redo = a(self._on_redo, ["Ctrl+Shift+Z", "Ctrl+Y"], "redo")
        self.act_read_only = a(self._on_read_only_toggled, None, checkable=True)
        self.act_about = a(self._on_about)
        self.act_delete_history = a(self.show_delete_history)
        self.destructive_actions = (self.act_remove, self.act_untag, self.act_prune, self.act_prune_all)

        mb = self.menuBar()
        self._menus: dict[str, QMenu] = {}
        layout = {
            "File": (self.act_open, self.act_save, None, self.act_demo, self.act_lesson, None, self.act_reload, None,
                     self.act_quit),
            "View": (self.act_zoom_in, self.act_zoom_out, self.act_fit, None, self.act_focus, self.act_clear, None,
                     self.act_filter, self.act_intermediates, self.act_legend, None, self.act_presentation),
            "Image": (self.act_preview, self.act_focus, None, self.act_remove, self.act_untag, None, self.act_prune,
                      self.act_prune_all, None, self.act_whatif, self.act_undo, self.act_redo),
            "Settings": (self.act_read_only,),
            "Help": (self.act_delete_history, None, self.act_about),
        }
        for name, acts in layout.items():
            m = mb.addMenu("")
            for act in acts:
                m.addSeparator() if act is None else m.addAction(act)
            self._menus[name] = m
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for act in (self.act_open, self.act_reload, None, self.act_fit, self.act_zoom_in, self.act_zoom_out,
                    self.act_focus, None, self.act_preview, self.act_remove, self.act_clear, None, self.act_whatif,
                    self.act_undo, self.act_redo, None, self.act_presentation):
            self.toolbar.addSeparator() if act is None else self.toolbar.addAction(act)
        self.addToolBar(self.toolbar)

    def _retranslate_ui(self) -> None:
        texts = {
            self.act_open: (self.tr("&Open snapshot…"), self.tr("Open a saved snapshot file")),
            self.act_save: (self.tr("&Save snapshot…"),
                            self.tr("Save what is shown to a snapshot file (works offline later)")),
            self.act_demo: (self.tr("Open the &demo snapshot"),
                            self.tr("The bundled tutorial: ubuntu:18.04, two commits, a Dockerfile build, node")),
            self.act_lesson: (self.tr("Open the tutorial's r&mi lesson"),
                              self.tr("Only ubuntu:18.04, ubuntu_apache and iscreamedu_apache: use What-if to "
                                      "replay the tutorial's three docker rmi answers")),
            self.act_reload: (self.tr("&Reload"), self.tr("Read the daemon again (F5)")),
            self.act_quit: (self.tr("&Quit"), self.tr("Quit Layerscope")),
            self.act_zoom_in: (self.tr("Zoom &in"), self.tr("Zoom in (Ctrl+=, wheel)")),
            self.act_zoom_out: (self.tr("Zoom &out"), self.tr("Zoom out (Ctrl+-, wheel)")),
            self.act_fit: (self.tr("&Fit graph"), self.tr("Show the whole forest (Ctrl+0, F)")),
            self.act_focus: (self.tr("Focus on &lineage"),
                             self.tr("Show only the selected image and the layers under it (L)")),
            self.act_legend: (self.tr("&Legend"), self.tr("Show or hide the legend under the graph")),
            self.act_intermediates: (self.tr("Show &intermediate images (-a)"),
                                     self.tr("Like `docker images -a`: also show untagged images that "
                                             "have children (Ctrl+Shift+A)")),
            self.act_filter: (self.tr("&Filter images"), self.tr("Filter the images table by tag or ID (Ctrl+F)")),
            self.act_preview: (self.tr("&Preview rmi"),
                               self.tr("Show what `docker rmi` of the selected tag or image would untag, delete "
                                       "and free — nothing is deleted (Ctrl+R)")),
            self.act_clear: (self.tr("&Clear preview / focus"),
                             self.tr("Clear the rmi preview and the lineage focus (Esc)")),
            self.act_presentation: (self.tr("&Presentation"),
                                    self.tr("Full screen, large and high-contrast; Right/Left step through "
                                            "images or what-if steps; Esc leaves (F11)")),
            self.act_next: (self.tr("Next"), self.tr("Next image, or redo in what-if mode")),
            self.act_prev: (self.tr("Previous"), self.tr("Previous image, or undo in what-if mode")),
            self.act_remove: (self.tr("&Remove image…"),
                              self.tr("docker rmi the selection: by tag for a tag row, by ID for an image "
                                      "(asks first, shows exactly what goes) (Delete)")),
            self.act_untag: (self.tr("&Untag…"), self.tr("Remove only this tag (docker rmi of the tag)")),
            self.act_prune: (self.tr("Prune &dangling images…"), self.tr("docker image prune (asks first)")),
            self.act_prune_all: (self.tr("Prune &all unused images…"),
                                 self.tr("docker image prune -a: every image no container uses (asks first)")),
            self.act_whatif: (self.tr("&What-if"),
                              self.tr("A sandbox over this snapshot: remove, untag and prune are simulated, "
                                      "nothing is deleted (W)")),
            self.act_undo: (self.tr("&Undo what-if step"), self.tr("Take back the last what-if step (Ctrl+Z)")),
            self.act_redo: (self.tr("Re&do what-if step"), self.tr("Apply the undone step again (Ctrl+Shift+Z)")),
            self.act_read_only: (self.tr("&Read-only"),
                                 self.tr("Disable every action that changes the daemon")),
            self.act_about: (self.tr("&About Layerscope"), self.tr("What Layerscope is")),
            self.act_delete_history: (self.tr("&Delete history…"),
                                      self.tr("Every delete refused or performed, with its prediction and the "
                                              "daemon's answer")),
        }
        for act, (text, tip) in texts.items():
            act.setText(text)
            act.setToolTip(tip)
            act.setStatusTip(tip)
        menu_titles = {"File": self.tr("&File"), "View": self.tr("&View"), "Image": self.tr("&Image"),
                       "Settings": self.tr("&Settings"), "Help": self.tr("&Help")}
        for name, title in menu_titles.items():
            self._menus[name].setTitle(title)
        self.toolbar.setWindowTitle(self.tr("Main"))
        self.table.setToolTip(self.tr("docker images, one row per tag (View → Show intermediate images for -a); "
                                      "click a row to select the image in the graph"))
        self.filter_edit.setPlaceholderText(self.tr("Filter by tag or image ID  (Ctrl+F)"))
        self.preview_tree.setHeaderLabels([self.tr("docker rmi (preview — nothing is deleted)"), self.tr("SIZE")])
        if self.preview is None:
            self.preview_label.setText(self.tr(
                "Select a tag or an image and choose <b>Preview rmi</b> (Ctrl+R, toolbar or right-click in the "
                "graph) to see what <code>docker rmi</code> would do. Nothing is deleted."))
        for widget, title in ((self.details, self.tr("Details")), (self.preview_box, self.tr("rmi preview")),
                              (self.chart, self.tr("Storage")), (self.whatif_panel, self.tr("What-if"))):
            self.tabs.setTabText(self.tabs.indexOf(widget), title)
        self.read_only_badge.setText(self.tr("READ-ONLY"))
        self.read_only_badge.setToolTip(self.tr("Read-only: nothing can be removed (--read-only, "
                                                "LAYERSCOPE_READ_ONLY=1 or Settings → Read-only)"))
        if self.current is None:
            self.counts_label.setText(self.tr("no snapshot"))

    # ==================================================================================
    # settings
    # ==================================================================================
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
            self.left_splitter.setSizes([640, 220])
        self.act_legend.setChecked(_truthy(s.value("view/legend", True)))
        self.legend.setVisible(self.act_legend.isChecked())
        self.act_intermediates.setChecked(_truthy(s.value("view/intermediates", False)))
        self.images_proxy.set_show_intermediates(self.act_intermediates.isChecked())
        self.act_read_only.setChecked(self.read_only)
        self.act_read_only.setEnabled(not self._read_only_forced())
        self.tabs.setCurrentIndex(int(s.value("view/tab", 0) or 0))

    def save_settings(self) -> None:
        """Remember geometry, splitters and view choices."""
        s = self.settings
        if not self.presenting:
            s.setValue("window/geometry", self.saveGeometry())
            s.setValue("window/state", self.saveState())
            s.setValue("splitter/main", self.main_splitter.saveState())
            s.setValue("splitter/left", self.left_splitter.saveState())
        s.setValue("splitter/details", self.details.splitter.saveState())
        s.setValue("view/legend", self.act_legend.isChecked())
        s.setValue("view/intermediates", self.act_intermediates.isChecked())
        s.setValue("view/tab", self.tabs.currentIndex())
        s.sync()

    def graph_aspect(self) -> float:
        """Width / height of the graph's viewport (clamped): separate trees are packed to fill it."""
        vp = self.graph_view.viewport()
        if vp.height() < 50 or vp.width() < 50:
            return 1.9
        return max(1.0, min(3.5, vp.width() / vp.height()))

    @property
    def show_intermediates(self) -> bool:
        """True when intermediate images are shown (`docker images -a`)."""
        return self.act_intermediates.isChecked()

    def _read_only_forced(self) -> bool:
        return self.options.read_only or os.environ.get(READ_ONLY_ENV, "") not in ("", "0")

    @property
    def read_only(self) -> bool:
        """True when nothing may change the daemon (--read-only, LAYERSCOPE_READ_ONLY=1 or the setting)."""
        return self._read_only_forced() or _truthy(self.settings.value("safety/read_only", False))

    def _on_read_only_toggled(self, checked: bool) -> None:
        self.settings.setValue("safety/read_only", checked)
        self.settings.sync()
        self._update_actions()
        self._update_title()

    # ==================================================================================
    # loading
    # ==================================================================================
    def start(self) -> None:
        """The first load, as the command line asked: file, demo, or daemon (demo if none answers)."""
        self._update_actions()
        if self.options.snapshot:
            self.load_file(self.options.snapshot)
        elif self.options.demo:
            self.load_demo()
        else:
            self.load_daemon()

    def load_daemon(self) -> None:
        """Read the daemon in a worker (--host, DOCKER_HOST or the docker context)."""
        self._run(LoadTask(0, host=self.options.host, origin="daemon", show_intermediates=self.show_intermediates,
                           aspect=self.graph_aspect()),
                  self.tr("Reading the Docker daemon…"))

    def load_file(self, path: str) -> None:
        """Read a snapshot file in a worker."""
        self.file_path = str(path)
        self._run(LoadTask(0, path=str(path), origin="file", show_intermediates=self.show_intermediates,
                           aspect=self.graph_aspect()),
                  self.tr("Opening {name}…").format(name=Path(path).name))

    def load_demo(self, reason: str = "", path: Path | None = None) -> None:
        """Open a bundled tutorial snapshot (the full demo unless ``path``), clearly marked as DEMO."""
        self._fallback_reason = reason
        if path is not None:
            self.demo_path = Path(path)
        self._run(LoadTask(0, path=str(self.demo_path), origin="demo", show_intermediates=self.show_intermediates,
                           aspect=self.graph_aspect()),
                  self.tr("Opening the demo snapshot…"))

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
        self._leave_whatif(show_real=False)
        self.origin = origin
        self._apply(prepare(snapshot, origin, self.show_intermediates, self.graph_aspect()))
        self._update_banner()

    def _on_load_progress(self, generation: int, done: int, total: int) -> None:
        if generation != self.generation:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("reading images %v/%m"))

    def _on_loaded(self, generation: int, loaded: Loaded) -> None:
        if generation != self.generation:
            return       # a newer load superseded this one
        self.task = None
        self._leave_whatif(show_real=False)
        if self._refresh_after_action and self.current is not None:
            # after a clean-up: same zoom and place, what changed lights up
            self._refresh_after_action = False
            self._end_progress()
            self._show(loaded, keep_view=True, changed=snapshot_diff(self.current.snapshot, loaded.snapshot))
        else:
            self._apply(loaded)
        if loaded.origin != "demo":
            self.banner.hide()
        self._update_banner()
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
            message = self.tr("the bundled demo snapshot cannot be read: {reason}").format(reason=message)
        head = self.tr("Cannot open snapshot:") if kind == "snapshot" else self.tr("Docker daemon:")
        text = f"<b>{html.escape(head)}</b> " + html.escape(message)
        if kind == "daemon" and self.current is not None:
            text += " — " + html.escape(self.tr("still showing the snapshot taken {when}").format(
                when=self.current.snapshot.taken_at or self.tr("earlier")))
        self.banner.show_message("error", text, retry=True)
        self.statusBar().showMessage(message, 10000)
        self.load_failed.emit(message)

    def _end_progress(self) -> None:
        self.progress.hide()
        self.statusBar().clearMessage()
        self.act_reload.setEnabled(True)

    def _apply(self, loaded: Loaded) -> None:
        """A fresh snapshot on screen: fitted view, selection cleared."""
        self._end_progress()
        self.origin = loaded.origin
        self._show(loaded, keep_view=False)
        QTimer.singleShot(0, self.graph_view.show_readable)

    # Swap the shown state.  keep_view keeps zoom, scroll position and the
    # selected image (when it still exists); changed IDs light up briefly.
    def _show(self, loaded: Loaded, keep_view: bool, changed: set[str] | None = None) -> None:
        view = self.graph_view
        transform, center = view.transform(), view.mapToScene(view.viewport().rect().center())
        keep_image = self.current_image if keep_view else None
        keep_ref = self.current_ref if keep_view else None
        self.current = loaded
        self.preview = None
        self.current_image = self.current_ref = None
        self.targets = []
        a = loaded.analysis
        view.set_data(a, loaded.layout)
        self.images_model.set_analysis(a)
        if not keep_view:
            self.table.resizeColumnsToContents()
        self.details.set_analysis(a)
        self.chart.set_analysis(a)
        self.preview_tree.clear()
        if keep_view:
            view.setTransform(transform)
            view.centerOn(center)
            if keep_image and keep_image in a.snapshot.by_id:
                tags = a.snapshot.by_id[keep_image].repo_tags
                self._on_image_selected(keep_image, "keep", ref=keep_ref if keep_ref in tags else None)
        if changed:
            view.flash(changed)
        self._update_status()
        self._update_title()
        self._update_actions()

    def _update_banner(self) -> None:
        if self.whatif is not None:
            self.banner.show_message("whatif", "<b>" + html.escape(self.tr("WHAT-IF — nothing is deleted.")) + "</b> "
                                     + html.escape(self.tr("Remove, untag and prune are simulated on this snapshot. "
                                                           "Undo: Ctrl+Z · Redo: Ctrl+Shift+Z · leave: W")),
                                     retry=False)
        elif self.origin == "demo":
            why = self.tr("No Docker daemon reachable ({reason}). ").format(
                reason=self._fallback_reason) if self._fallback_reason else ""
            self.banner.show_message(
                "demo", "<b>DEMO</b> — " + html.escape(
                    why + self.tr("Showing the bundled tutorial snapshot (ubuntu:18.04 → ubuntu_apache → "
                                  "iscreamedu_apache), not your machine. Try What-if (W) to step through "
                                  "the tutorial's deletions.")),
                retry=bool(self._fallback_reason))
        elif self.banner.kind in ("whatif", "demo"):
            self.banner.hide()
            self.banner.kind = ""

    def _update_title(self) -> None:
        if self.current is None:
            self.setWindowTitle(APP_TITLE)
            return
        snap = self.real_snapshot()
        if self.origin == "demo":
            where = self.tr("DEMO — bundled tutorial snapshot")
        elif self.origin == "file":
            where = self.tr("snapshot {name} (taken {when})").format(
                name=Path(self.file_path).name if self.file_path else "", when=snap.taken_at)
        else:
            where = self.tr("{engine} {version} at {host}").format(engine=snap.info.engine, version=snap.info.version, host=snap.info.host)
        extra = (" " + self.tr("[read-only]") if self.read_only else "") + \
            (" " + self.tr("[WHAT-IF]") if self.whatif is not None else "")
        self.setWindowTitle(f"{APP_TITLE} — {where}{extra}")

    def _update_status(self) -> None:
        a = self.current.analysis
        statuses = [s.status for s in a.status.values()]
        self.counts_label.setText(
            self.tr("{n} images · {t} tagged · {d} dangling · {i} intermediate · {l} layers").format(
                n=len(statuses), t=statuses.count("tagged"), d=statuses.count("dangling"),
                i=statuses.count("intermediate"), l=len(a.layer_use)))
        t = a.totals
        self.totals_label.setText(self.tr("Σ image sizes {naive} · on disk {actual}").format(
            naive=human(t.naive_bytes), actual=human(t.actual_bytes)))
        self.totals_label.setToolTip(self.tr("The naive sum of `docker images` SIZE against the bytes stored, "
                                             "counting each shared layer once"))
        mode = "whatif" if self.whatif is not None else self.origin
        self.mode_label.setText({"demo": self.tr("DEMO"), "file": self.tr("FILE"), "daemon": self.tr("LIVE"),
                                 "whatif": self.tr("WHAT-IF")}.get(mode, ""))
        self.mode_label.setProperty("mode", mode)
        self.mode_label.style().unpolish(self.mode_label)
        self.mode_label.style().polish(self.mode_label)

    # Which actions may run.  Destructive ones need a daemon (not a file or the
    # demo), no read-only, nothing running; in what-if mode the same actions
    # act on the sandbox and are always allowed (nothing is deleted).
    def can_delete(self) -> bool:
        """True when destructive actions may touch the daemon right now."""
        return (self.current is not None and self.origin == "daemon" and not self.read_only and not self.busy
                and self.whatif is None)

    def _update_actions(self) -> None:
        has = self.current is not None
        sandbox = self.whatif is not None
        allowed = sandbox or self.can_delete()
        self.act_save.setEnabled(has)
        self.act_preview.setEnabled(has and self.current_image is not None)
        self.act_focus.setEnabled(has and self.current_image is not None)
        self.act_remove.setEnabled(allowed and bool(self.targets))
        self.act_untag.setEnabled(allowed and self._untag_ref() is not None)
        self.act_prune.setEnabled(allowed)
        self.act_prune_all.setEnabled(allowed)
        self.act_whatif.setEnabled(has and not self.busy)
        self.act_whatif.setChecked(sandbox)
        self.act_undo.setEnabled(sandbox and self.whatif.can_undo)
        self.act_redo.setEnabled(sandbox and self.whatif.can_redo)
        self.act_next.setEnabled(self.presenting)
        self.act_prev.setEnabled(self.presenting)
        self.read_only_badge.setVisible(self.read_only)
        self.act_read_only.setChecked(self.read_only)
        self.act_read_only.setEnabled(not self._read_only_forced())
        why = ""                    # said in the tooltip of a disabled destructive action
        if has and not allowed:
            if self.read_only:
                why = self.tr("read-only")
            elif self.origin == "demo":
                why = self.tr("no daemon behind the demo — use What-if (W)")
            elif self.origin == "file":
                why = self.tr("no daemon behind a snapshot file — use What-if (W)")
        for act in self.destructive_actions:
            base = act.toolTip().split(" — [")[0]
            act.setToolTip(base + (f" — [{why}]" if why else ""))

    # ==================================================================================
    # slots: file
    # ==================================================================================
    def _on_open_snapshot(self) -> None:
        start = str(self.settings.value("paths/snapshots", os.getcwd()))
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open snapshot"), start,
                                              self.tr("Layerscope snapshot (*.json);;All (*)"))
        if path:
            self.settings.setValue("paths/snapshots", str(Path(path).parent))
            self.load_file(path)

    def _on_save_snapshot(self) -> None:
        if self.current is None:
            return
        start = str(self.settings.value("paths/snapshots", os.getcwd()))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save snapshot"), str(Path(start) / "snapshot.json"),
                                              self.tr("Layerscope snapshot (*.json)"))
        if path:
            self.save_snapshot(path)

    def save_snapshot(self, path: str) -> bool:
        """Write the shown snapshot to ``path``; errors go to the banner."""
        try:
            self.current.snapshot.save(path)
        except OSError as exc:
            self.banner.show_message("error", "<b>" + html.escape(self.tr("Cannot save snapshot:")) + "</b> "
                                     + html.escape(str(exc)), retry=False)
            return False
        self.settings.setValue("paths/snapshots", str(Path(path).parent))
        self.statusBar().showMessage(self.tr("saved {n} images to {path}").format(
            n=len(self.current.snapshot.images), path=path), 8000)
        return True

    def _on_reload(self) -> None:
        self._leave_whatif(show_real=False)
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

    def show_delete_history(self) -> DeleteHistoryDialog:
        """Help → Delete history: the delete log, newest first (non-modal)."""
        dialog = DeleteHistoryDialog(self.delete_log, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _on_about(self) -> None:
        QMessageBox.about(self, self.tr("About Layerscope"), self.tr(
            "<b>Layerscope</b> shows what Docker stores on disk: every local image, the layers they share, "
            "and exactly what <code>docker rmi</code> / <code>docker image prune</code> would do before "
            "anything is deleted."))

    # ==================================================================================
    # slots: selection
    # ==================================================================================
    def _on_table_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        self._on_image_selected(current.data(IMAGE_ID_ROLE), "table", ref=current.data(REF_ROLE))

    def _on_table_selection_changed(self, *_args) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.targets = [(i.data(IMAGE_ID_ROLE), i.data(REF_ROLE)) for i in rows]
        self._update_actions()

    def _on_graph_images_selected(self, image_ids: list[str]) -> None:
        self.targets = [(i, i) for i in image_ids]        # an image from the graph: rmi by ID
        self._update_actions()

    def _on_image_selected(self, image_id: str, source: str, ref: str | None = None) -> None:
        if self.current is None or image_id not in self.current.snapshot.by_id:
            return
        img = self.current.snapshot.by_id[image_id]
        self.current_image = image_id
        self.current_ref = ref or (img.repo_tags[0] if len(img.repo_tags) == 1 else image_id)
        if source != "graph":
            self.graph_view.select_image(image_id)
            self.targets = [(image_id, self.current_ref if source == "table" else image_id)]
        if source != "table":
            self._select_table_row(image_id)
        self.details.show_image(image_id)
        self._update_actions()
        label = self.current_ref if self.current_ref != image_id else img.short_id
        self.statusBar().showMessage(self.tr("{name} selected — Ctrl+R previews `docker rmi`").format(name=label),
                                     6000)

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

    # ==================================================================================
    # slots: view
    # ==================================================================================
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

    def _on_intermediates_toggled(self, checked: bool) -> None:
        self.settings.setValue("view/intermediates", checked)
        self.images_proxy.set_show_intermediates(checked)
        if self.current is not None:
            a = self.current.analysis
            self.current.layout = layout_for(a, checked, self.graph_aspect())
            self._show(self.current, keep_view=False)
            self.graph_view.show_readable()

    def _on_zoom_changed(self, scale: float) -> None:
        pct = f"{scale * 100:.0f}%" if scale >= 0.1 else f"{scale * 100:.2g}%"
        self.zoom_label.setText(self.tr("zoom {pct}").format(pct=pct))

    def _on_clear(self) -> None:
        if self.presenting:
            self.set_presentation(False)
            return
        self.clear_preview()
        self.graph_view.clear_focus()

    # ==================================================================================
    # rmi preview
    # ==================================================================================
    def _on_preview_current(self) -> None:
        if self.current_ref:
            self.preview_rmi(self.current_ref)

    def preview_rmi(self, ref: str) -> Plan | None:
        """Run the simulator for `docker rmi REF` and mark its answer on the graph and in the list."""
        if self.current is None:
            return None
        return self._show_plan(preview_rmi(self.current.analysis, [ref]))

    def _show_plan(self, plan: Plan, note: str = "") -> Plan:
        self.preview = plan
        self.graph_view.show_preview(set(plan.deleted_images), set(plan.deleted_layers), plan.untagged_images)
        self._fill_preview(plan, note)
        self.tabs.setCurrentWidget(self.preview_box)
        self.statusBar().showMessage(summary_text(plan), 15000)
        self.preview_changed.emit()
        return plan

    def _fill_preview(self, plan: Plan, note: str = "") -> None:
        self.preview_label.setText(plan_html(plan, note or self.tr("preview")))
        fill_tree(self.preview_tree, plan, footer=self.tr("Esc clears the preview. Nothing was deleted."))

    def clear_preview(self) -> None:
        """Remove preview marks and the list."""
        if self.preview is None:
            return
        self.preview = None
        self.graph_view.clear_preview()
        self.preview_tree.clear()
        self.preview_label.setText(self.tr("Preview cleared. Nothing was deleted."))
        self.preview_changed.emit()

    def _on_preview_item_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        data = item.data(0, ITEM_ROLE)
        if not data:
            return
        what, ident = data
        if what == "layer":
            self._on_layer_selected(ident, "preview")
        elif self.current and ident in self.current.snapshot.by_id:
            self.graph_view.select_image(ident)
            self.details.show_image(ident)

    # ==================================================================================
    # context menus
    # ==================================================================================
    def _on_graph_menu_requested(self, image_id: str, pos: QPoint) -> None:
        self._context_menu(image_id, pos).exec(pos)

    def _on_table_menu_requested(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self._context_menu(index.data(IMAGE_ID_ROLE), self.table.viewport().mapToGlobal(pos),
                           ref=index.data(REF_ROLE)).exec(self.table.viewport().mapToGlobal(pos))

    def _context_menu(self, image_id: str, pos: QPoint, ref: str | None = None) -> QMenu:
        """Preview entries, the destructive actions (enabled as allowed), what-if entries, focus."""
        menu = QMenu(self)
        img = self.current.snapshot.by_id[image_id]
        refs = [ref] if ref else list(img.repo_tags) + [image_id]
        for r in refs:
            label = r if r != image_id else img.short_id + " " + self.tr("(by ID)")
            menu.addAction(self.tr("Preview rmi {ref}").format(ref=label), lambda r=r: self.preview_rmi(r))
        menu.addSeparator()
        menu.addAction(self.act_remove)
        if len(img.repo_tags) > 1 or (ref and ref != image_id):
            for tag in ([ref] if ref and ref != image_id else img.repo_tags):
                act = menu.addAction(self.tr("Untag {tag}…").format(tag=tag),
                                     lambda t=tag: self.request_action(Request(UNTAG, (t,))))
                act.setEnabled(self.whatif is not None or self.can_delete())
        if self.whatif is None and not self.can_delete() and self.origin != "daemon":
            menu.addSeparator()
            for r in refs:
                label = r if r != image_id else img.short_id
                menu.addAction(self.tr("What-if: docker rmi {ref}").format(ref=label),
                               lambda r=r: self._whatif_try(Request(RMI, (r,))))
        menu.addSeparator()
        menu.addAction(self.tr("Focus on this image's lineage"), lambda: self._on_focus_requested(image_id))
        return menu

    # ==================================================================================
    # destructive actions: predict → show → confirm → perform in a worker → compare → reload
    # ==================================================================================
    def _untag_ref(self) -> str | None:
        if len(self.targets) == 1 and self.targets[0][1] != self.targets[0][0]:
            return self.targets[0][1]
        if len(self.targets) == 1 and self.current is not None:
            img = self.current.snapshot.by_id.get(self.targets[0][0])
            if img is not None and len(img.repo_tags) == 1:
                return img.repo_tags[0]
        return None

    def _on_remove(self) -> None:
        refs = list(dict.fromkeys(ref for _, ref in self.targets))
        if refs:
            self.request_action(Request(RMI, tuple(refs)))

    def _on_untag(self) -> None:
        ref = self._untag_ref()
        if ref:
            self.request_action(Request(UNTAG, (ref,)))

    def _replan(self, request: Request) -> Plan:
        return make_plan(self.current.snapshot, request, self.current.analysis.layer_sizes)

    def request_action(self, request: Request) -> Plan | None:
        """Run a clean-up action: in what-if mode on the sandbox, else on the daemon after confirmation.

        Returns the plan that was shown (None when the action is not allowed right now)."""
        if self.current is None:
            return None
        if self.whatif is not None:
            return self._whatif_do(request)
        if not self.can_delete():
            self.statusBar().showMessage(self.tr("Nothing removed: destructive actions are disabled here"), 6000)
            return None
        plan = self._show_plan(self._replan(request), self.tr("asking for confirmation"))
        if not self.interaction.confirm(plan):
            self.clear_preview()
            self.statusBar().showMessage(self.tr("Cancelled — nothing was changed"), 8000)
            return plan
        plan = self._replan(plan.request)           # the dialog may have changed the options
        why = refusal(plan)
        if why is not None:
            self._show_plan(plan)
            if why.kind != NOTHING:
                record_refusal(plan, why, self.delete_log, WINDOW)
            self.interaction.inform(self.tr("Not performed"),
                                    html.escape(self.tr("Refused: {why}").format(why=why.reason)), warning=True)
            return plan
        self._show_plan(plan, self.tr("running…"))
        self.busy = True
        self._update_actions()
        task = PerformTask(self.generation, self.options.host, plan, self.delete_log)
        task.signals.done.connect(self._on_performed, Qt.ConnectionType.QueuedConnection)
        self._perform_task = task              # keeps the task (and its signals object) alive until done
        self.statusBar().showMessage(self.tr("Running {command}…").format(command=plan.request.command))
        self.pool.start(task)
        return plan

    def _on_performed(self, generation: int, done: Performed) -> None:
        self._perform_task = None
        self.busy = False
        if done.refused is not None:
            title = self.tr("Not performed")
        elif done.matched:
            title = self.tr("Done — as predicted")
        else:
            title = self.tr("The daemon answered differently")
        self.interaction.inform(title, answer_html(done, self.tr), warning=not done.matched)
        self.statusBar().showMessage(title, 10000)
        self.action_finished.emit(done)
        self._refresh_after_action = True
        self.load_daemon()          # the daemon's real state, whatever happened

    # ==================================================================================
    # what-if sandbox
    # ==================================================================================
    def _on_whatif_toggled(self, checked: bool) -> None:
        if checked:
            self.enter_whatif()
        else:
            self.leave_whatif()

    def enter_whatif(self) -> WhatIf | None:
        """Start a sandbox over the shown snapshot (nothing is ever sent to the daemon from it)."""
        if self.current is None or self.whatif is not None:
            return self.whatif
        self.whatif = WhatIf(self.current.snapshot)
        self._whatif_real = self.current
        self._redo_labels = []
        self._whatif_unsubscribe = self.whatif.subscribe(self._on_whatif_change)
        self.clear_preview()
        self._update_banner()
        self._update_status()
        self._update_title()
        self._update_actions()
        self._show_steps()
        self.tabs.setCurrentWidget(self.whatif_panel)
        self.whatif_changed.emit()
        return self.whatif

    def leave_whatif(self) -> None:
        """Leave the sandbox and show the real state again."""
        self._leave_whatif(show_real=True)

    def _leave_whatif(self, show_real: bool) -> None:
        if self.whatif is None:
            return
        real = self._whatif_real
        if self._whatif_unsubscribe:
            self._whatif_unsubscribe()
        self.whatif = self._whatif_real = self._whatif_unsubscribe = None
        self._redo_labels = []
        if show_real and real is not None:
            self._show(real, keep_view=True)
        self._update_banner()
        self._update_title()
        self._update_actions()
        self._show_steps()
        self.whatif_changed.emit()

    def _whatif_try(self, request: Request) -> None:
        self.enter_whatif()
        self._whatif_do(request)

    def _whatif_do(self, request: Request) -> Plan:
        plan = self._replan(request)
        sandbox = self.whatif
        if request.action == PRUNE:
            sandbox.do_prune(all=request.prune_all)
        elif request.action == UNTAG:
            sandbox.do_untag(request.refs[0])
        else:
            sandbox.do_rmi(list(request.refs), force=request.force, noprune=request.noprune)
        self.preview = plan                 # what the step did (the graph already shows the state after it)
        self._fill_preview(plan, self.tr("what-if step — nothing was deleted"))
        self.tabs.setCurrentWidget(self.preview_box)
        self.statusBar().showMessage(self.tr("What-if: {summary}").format(summary=summary_text(plan)), 10000)
        if self.presenting:
            self._update_caption()
        return plan

    def _on_whatif_change(self, change: Change) -> None:
        if change.kind == UNDO:
            self._redo_labels.insert(0, change.step.label)
        elif change.kind == "redo" and self._redo_labels:
            self._redo_labels.pop(0)
        elif change.kind == "do":
            self._redo_labels = []
        before = self.current.snapshot
        loaded = prepare(change.current, self.origin, self.show_intermediates, self.graph_aspect())
        self._show(loaded, keep_view=True, changed=snapshot_diff(before, change.current))
        self._show_steps()
        if change.step is not None and change.kind != "do":
            self.statusBar().showMessage(
                (self.tr("Undone: {label}") if change.kind == UNDO else self.tr("Redone: {label}")).format(
                    label=change.step.label), 6000)
        self.whatif_changed.emit()

    def _show_steps(self) -> None:
        done = [label for label, _ in self.whatif.history] if self.whatif is not None else []
        self.whatif_panel.show_steps(done, self._redo_labels)
        if self.presenting:
            self._update_caption()

    def _on_undo(self) -> None:
        if self.whatif is not None:
            self.whatif.undo()

    def _on_redo(self) -> None:
        if self.whatif is not None:
            self.whatif.redo()

    # ==================================================================================
    # presentation mode
    # ==================================================================================
    def _on_presentation_toggled(self, checked: bool) -> None:
        self.set_presentation(checked)

    def set_presentation(self, on: bool) -> None:
        """Full screen, large high-contrast graph, keyboard stepping; Esc (or F11) leaves."""
        if on == self.presenting:
            return
        self.presenting = on
        self.act_presentation.setChecked(on)
        if on:
            self._pre_presentation = {"maximized": self.isMaximized(), "geometry": self.saveGeometry(),
                                      "tabs": self.tabs.isVisible(), "table": self.table_box.isVisible(),
                                      "banner": self.banner.isVisible()}
            for w in (self.tabs, self.table_box, self.toolbar, self.menuBar()):
                w.hide()
            if self.banner.kind != "whatif":
                self.banner.hide()
            self.caption.show()
            theme.set_high_contrast(True)
            self.setProperty("presentation", True)
            self.showFullScreen()
        else:
            theme.set_high_contrast(False)
            self.setProperty("presentation", False)
            self.caption.hide()
            self.tabs.setVisible(self._pre_presentation.get("tabs", True))
            self.table_box.setVisible(self._pre_presentation.get("table", True))
            self.banner.setVisible(self._pre_presentation.get("banner", False) or self.whatif is not None)
            self.toolbar.show()
            self.menuBar().show()
            self.showNormal()
            if self._pre_presentation.get("maximized"):
                self.showMaximized()
            elif self._pre_presentation.get("geometry") is not None:
                self.restoreGeometry(self._pre_presentation["geometry"])
        self.style().unpolish(self)
        self.style().polish(self)
        for w in self.findChildren(QWidget):
            w.style().unpolish(w)
            w.style().polish(w)
        self.graph_view.resetCachedContent()
        self.graph_view.restyle()
        self._update_actions()
        self._update_caption()
        if on and self.current_image:
            QTimer.singleShot(0, lambda: self._present_focus(self.current_image))
        elif not on:
            QTimer.singleShot(0, self.graph_view.show_readable)
        self.presentation_changed.emit(on)

    def presentation_order(self) -> list[str]:
        """Tagged images in the order they were made (what Right/Left step through)."""
        if self.current is None:
            return []
        imgs = [i for i in self.current.snapshot.images if i.repo_tags and i.id in self.graph_view.image_items]
        return [i.id for i in sorted(imgs, key=lambda i: (i.created, i.repo_tags[0]))]

    def _present_step(self, delta: int) -> None:
        if self.whatif is not None:
            (self.whatif.redo if delta > 0 else self.whatif.undo)()
            return
        order = self.presentation_order()
        if not order:
            return
        pos = order.index(self.current_image) + delta if self.current_image in order else (0 if delta > 0 else -1)
        self._present_focus(order[pos % len(order)])

    def _present_focus(self, image_id: str) -> None:
        """Select an image and show its lineage large (never more than 2x: a short stack stays in context)."""
        self._on_focus_requested(image_id)
        if self.graph_view.current_scale() > PRESENT_MAX_ZOOM:
            self.graph_view.zoom_to(PRESENT_MAX_ZOOM)
            self.graph_view.centerOn(self.graph_view.image_items[image_id].rect.center())
        self._update_caption()

    def _on_present_next(self) -> None:
        self._present_step(+1)

    def _on_present_prev(self) -> None:
        self._present_step(-1)

    def _update_caption(self) -> None:
        if not self.presenting or self.current is None:
            return
        if self.whatif is not None:
            steps = self.whatif.history
            text = "<b>" + html.escape(self.tr("WHAT-IF — nothing is deleted")) + "</b> · " + html.escape(
                self.tr("step {n}: {label}").format(n=len(steps), label=steps[-1][0]) if steps
                else self.tr("original state — Right applies the next step"))
            if self.preview is not None and steps:
                text += "<br>" + html.escape(summary_text(self.preview))
        elif self.current_image:
            img = self.current.snapshot.by_id[self.current_image]
            sz = self.current.analysis.image_sizes[img.id]
            text = "<b>" + html.escape(", ".join(img.repo_tags) or img.short_id) + "</b> · " + html.escape(
                self.tr("{n} layers · SIZE {size} · UNIQUE {unique}").format(
                    n=len(img.diff_ids), size=human(sz.size), unique=human(sz.unique_size)))
        else:
            text = html.escape(self.tr("Right / PgDn: next image · Left / PgUp: previous · Esc: leave"))
        self.caption.setText(text)

    # ==================================================================================
    # errors and Qt overrides
    # ==================================================================================
    def show_error(self, message: str) -> None:
        """Show an unexpected error in the banner (used by the excepthook)."""
        self.banner.show_message("error", "<b>" + html.escape(self.tr("Internal error:")) + "</b> "
                                 + html.escape(message), retry=False)

    # Qt overrides
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.task is not None:
            self.task.cancel.set()
        if self.presenting:
            self.set_presentation(False)
        self.save_settings()
        self.pool.waitForDone(5000)
        super().closeEvent(event)

