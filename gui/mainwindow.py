"""The Layerscope main window: a shell that builds the widgets, the actions, menus and toolbar, and wires the rooms.

Each concern is a controller of its own module — loading, selection, views, rmi preview, clean-up, what-if,
presentation, context menus, live updates, export, language — and their shared state is the Session
(gui/session.py).  The window keeps no rules: all Docker rules come from model/, all behaviour from the rooms.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QGraphicsScene, QLabel, QMainWindow, QMenu, QProgressBar, QSplitter,
                               QTabWidget, QToolBar, QVBoxLayout, QWidget)

from resources import DEMO_SNAPSHOT, LESSON_SNAPSHOT

if TYPE_CHECKING:          # matplotlib is imported when the chart is first drawn
    from matplotlib.figure import Figure

from . import theme
from .access import Accessibility
from .banner import Banner
from .chart import StorageChart
from .about import About
from .cleanup import CleanupController
from .compare import CompareController
from .contextmenu import ContextMenus
from .details import DetailsPanel
from .exportmenu import ExportController
from .filesworker import FilesLoader
from .graphview import GraphView
from .imagesbox import ImagesBox
from .languagemenu import LanguageController
from .lesson import LessonController
from .legend import Legend
from .liveupdates import LiveUpdatesController
from .loading import LoadingController
from .menus import WindowMenus
from .presentation import PresentationController
from .preview import PreviewPanel
from .previewing import PreviewController
from .selection import SelectionController
from .session import Mode, Session, WindowOptions
from .statusbar import ElidedLabel, StatusBar
from .settings import Settings, open_settings
from .storagemappanel import StorageMapPanel
from .tasks import TaskRunner
from .views import ViewsController
from .whatifmode import WhatIfController
from .whatifpanel import WhatIfPanel

__all__ = ["MainWindow", "WindowOptions", "open_settings", "DEMO_SNAPSHOT", "LESSON_SNAPSHOT"]


class Forward:
    """A name of the window that belongs to one of its rooms: ``Forward("loading", "start")`` is
    ``window.loading.start`` (read and set), so main.py, tests and benchmarks keep the window's names."""

    def __init__(self, room: str, name: str) -> None:
        self.room, self.name = room, name

    def __get__(self, window: Any, owner: type | None = None) -> Any:
        return self if window is None else getattr(getattr(window, self.room), self.name)

    def __set__(self, window: Any, value: Any) -> None:
        setattr(getattr(window, self.room), self.name, value)


class MainWindow(QMainWindow):
    """The desktop window: widgets, actions, menus and toolbar, wired to the rooms that do the work."""

    loaded = Signal()                 # a snapshot is on screen
    load_failed = Signal(str)         # a load ended in the banner (message)
    preview_changed = Signal()        # an rmi preview was shown or cleared
    action_finished = Signal(object)  # model.commands.perform.Performed after a confirmed action (before the reload)
    whatif_changed = Signal()         # entered, left, or a step was done / undone / redone
    presentation_changed = Signal(bool)

    # -- the state (gui/session.py) --------------------------------------------------------
    options = Forward("session", "options")
    demo_path = Forward("session", "demo_path")
    file_path = Forward("session", "file_path")
    origin = Forward("session", "origin")
    current = Forward("session", "current")
    whatif = Forward("session", "whatif")
    presenting = Forward("session", "presenting")
    preview = Forward("session", "preview")
    targets = Forward("session", "targets")
    current_image = Forward("session", "current_image")
    current_ref = Forward("session", "current_ref")
    read_only = Forward("session", "read_only")
    current_snapshot = Forward("session", "current_snapshot")
    real_snapshot = Forward("session", "real_snapshot")
    # -- what the rooms do -----------------------------------------------------------------
    start = Forward("loading", "start")
    load_daemon = Forward("loading", "load_daemon")
    load_file = Forward("loading", "load_file")
    load_demo = Forward("loading", "load_demo")
    show_snapshot = Forward("loading", "show_snapshot")
    apply_snapshot = Forward("loading", "apply_snapshot")
    save_snapshot = Forward("loading", "save_snapshot")
    show_error = Forward("loading", "show_error")
    graph_aspect = Forward("views", "graph_aspect")
    show_intermediates = Forward("views", "show_intermediates")
    selected_table_images = Forward("selection", "selected_table_images")
    preview_rmi = Forward("previewing", "preview_rmi")
    clear_preview = Forward("previewing", "clear")
    request_action = Forward("cleanup", "request_action")
    interaction = Forward("cleanup", "interaction")
    delete_log = Forward("cleanup", "delete_log")
    show_delete_history = Forward("cleanup", "show_delete_history")
    _replan = Forward("cleanup", "replan")
    enter_whatif = Forward("whatif_mode", "enter")
    leave_whatif = Forward("whatif_mode", "leave")
    set_presentation = Forward("presentation", "set_presentation")
    presentation_order = Forward("presentation", "order")
    _context_menu = Forward("context_menus", "menu_for")

    def __init__(self, options: WindowOptions | None = None, demo_path: Path | str | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = Settings(settings)
        self.session = Session(options or WindowOptions(), Path(demo_path) if demo_path else DEMO_SNAPSHOT,
                               self.settings, self)
        self.runner = TaskRunner(self)
        self._build_widgets()
        self._build_actions()
        self._build_rooms()
        self.menus = WindowMenus(self)
        self._wire()
        self.access = Accessibility(self)
        self._restore_settings()
        self.retranslate()
        self.language.apply_saved()

    @property
    def busy(self) -> bool:
        """True while a confirmed delete runs on the daemon."""
        return self.session.mode is Mode.PERFORMING

    def menu(self, name: str) -> QMenu:
        """The menu "File", "View", "Image", "Settings" or "Help" (KeyError for others)."""
        return self.menus.menus[name]

    def graph_scene(self) -> QGraphicsScene:
        """The QGraphicsScene of the layer graph."""
        return self.graph_view.scene()

    def chart_figure(self) -> "Figure":
        """The matplotlib Figure of the storage chart (drawn for the current snapshot)."""
        self.chart.ensure_drawn()
        return self.chart.figure

    # -- construction ----------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.banner = Banner()
        self.graph_view = GraphView()
        self.graph_view.setObjectName("graphView")
        self.storage_map = StorageMapPanel()
        self.map_tabs = QTabWidget()            # the layer map or the storage map, over the same banner and legend
        self.map_tabs.setObjectName("mapTabs")
        self.map_tabs.setDocumentMode(True)
        self.map_tabs.addTab(self.graph_view, "")
        self.map_tabs.addTab(self.storage_map, "")
        self.legend = Legend()
        self.caption = QLabel()
        self.caption.setObjectName("presentationCaption")
        self.caption.setWordWrap(True)
        self.caption.hide()
        self.images = self.table_box = ImagesBox()
        self.table, self.filter_edit = self.images.table, self.images.filter_edit
        self.images_model, self.images_proxy = self.images.model, self.images.proxy
        self.details = DetailsPanel()
        self.chart = StorageChart()
        self.preview_box = PreviewPanel()
        self.preview_tree, self.preview_label = self.preview_box.tree, self.preview_box.label
        self.whatif_panel = WhatIfPanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("rightTabs")
        for widget in (self.details, self.preview_box, self.chart, self.whatif_panel):
            self.tabs.addTab(widget, "")
        graph_box = QWidget()
        column = QVBoxLayout(graph_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for widget, stretch in ((self.banner, 0), (self.caption, 0), (self.map_tabs, 1), (self.legend, 0)):
            column.addWidget(widget, stretch)
        self.left_splitter = self._splitter("leftSplitter", Qt.Orientation.Vertical, graph_box, self.table_box)
        self.main_splitter = self._splitter("mainSplitter", Qt.Orientation.Horizontal, self.left_splitter, self.tabs)
        self.setCentralWidget(self.main_splitter)
        self.toolbar = QToolBar()
        self.read_only_badge = QLabel()
        self.read_only_badge.setObjectName("readOnlyBadge")
        self.read_only_badge.hide()
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        self.setStatusBar(StatusBar())
        self.counts_label, self.totals_label, self.zoom_label = ElidedLabel(), ElidedLabel(), QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        for widget in (self.progress, self.read_only_badge, self.mode_label, self.counts_label, self.totals_label,
                       self.zoom_label):
            self.statusBar().addPermanentWidget(widget)

    @staticmethod
    def _splitter(name: str, orientation: Qt.Orientation, first: QWidget, second: QWidget) -> QSplitter:
        split = QSplitter(orientation)
        split.setObjectName(name)
        split.addWidget(first)
        split.addWidget(second)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        return split

    def _action(self, shortcut: Any = None, icon: str = "", checkable: bool = False) -> QAction:
        act = QAction(self)
        if icon:
            act.setIcon(theme.icon(icon))
        if shortcut is not None:
            act.setShortcuts([QKeySequence(k) for k in (shortcut if isinstance(shortcut, list) else [shortcut])])
        act.setCheckable(checkable)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        K, a = QKeySequence.StandardKey, self._action
        self.act_open, self.act_save = a(K.Open, "open"), a(K.Save, "save")
        self.act_demo, self.act_lesson, self.act_lesson_panel, self.act_handout = a(), a(), a("Ctrl+L"), a()
        self.act_lesson_live = a()
        self.act_reload, self.act_quit = a("F5", "reload"), a(K.Quit)
        self.act_zoom_in, self.act_zoom_out = a(["Ctrl+=", "Ctrl++"], "zoom-in"), a("Ctrl+-", "zoom-out")
        self.act_fit, self.act_focus = a(["Ctrl+0", "F"], "fit"), a("L", "focus")
        self.act_storage_map = a("M", checkable=True)
        self.act_legend, self.act_intermediates = a(checkable=True), a("Ctrl+Shift+A", checkable=True)
        self.act_filter = a(K.Find)
        self.act_filter.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.act_preview, self.act_clear = a("Ctrl+R", "preview"), a("Esc", "clear")
        self.act_presentation = a("F11", "presentation", checkable=True)
        self.act_next, self.act_prev = a(["Right", "PgDown"]), a(["Left", "PgUp"])
        # destructive actions (or, in what-if mode, their simulated versions)
        self.act_remove, self.act_untag = a(K.Delete, "delete"), a(None, "untag")
        self.act_prune, self.act_prune_all = a(None, "prune"), a(None, "prune")
        self.act_whatif = a("W", "whatif", checkable=True)
        self.act_undo, self.act_redo = a(K.Undo, "undo"), a(["Ctrl+Shift+Z", "Ctrl+Y"], "redo")
        self.act_read_only, self.act_about, self.act_delete_history = a(checkable=True), a(), a()
        self.act_files, self.act_compare = a("Ctrl+I"), a("Ctrl+Shift+D")
        self.destructive_actions = (self.act_remove, self.act_untag, self.act_prune, self.act_prune_all)

    def _build_rooms(self) -> None:
        s, status = self.session, self.statusBar()
        self.previewing = PreviewController(s, self.graph_view, self.preview_box, self.tabs, status, self,
                                            storage_map=self.storage_map.view)
        self.selection = SelectionController(s, self.graph_view, self.images, self.details, self.tabs, status, self,
                                             storage_map=self.storage_map.view)
        labels = {"counts": self.counts_label, "totals": self.totals_label, "mode": self.mode_label,
                  "zoom": self.zoom_label}
        self.views = ViewsController(self, s, self.settings, self.graph_view, self.images, self.details, self.chart,
                                     self.legend, self.previewing, self.selection, labels,
                                     storage_map=self.storage_map, map_tabs=self.map_tabs)
        self.whatif_mode = WhatIfController(s, self.views, self.previewing, self.whatif_panel, self.tabs, status, self)
        self.loading = LoadingController(self, s, self.settings, self.runner, self.views, self.whatif_mode,
                                         self.banner, self.progress, self.act_reload)
        self.cleanup = CleanupController(self, s, self.runner, self.previewing, self.whatif_mode, self.loading)
        self.presentation = PresentationController(
            self, s, self.selection, self.whatif_mode, self.previewing, self.graph_view, self.caption, self.banner,
            {"tabs": self.tabs, "table": self.table_box, "toolbar": self.toolbar,
             "storage_map": self.storage_map.view}, self.act_presentation)
        self.context_menus = ContextMenus(self, s, self.previewing, self.cleanup, self.whatif_mode, self.selection,
                                          self.table, self.act_remove)
        self.live_updates = LiveUpdatesController(self, s, self.settings, self.loading, self.views)
        self.act_live = self.live_updates.act_live
        self.addAction(self.act_live)
        self.statusBar().addPermanentWidget(self.live_updates.live.indicator)
        self.exporter = ExportController(self, s, self.settings, self.graph_view, self.chart)
        self.language = LanguageController(self, self.settings)
        self.files = FilesLoader(s, self)
        self.details.attach_files(self.files)
        self.comparing = CompareController(self, s, self.files, self.images)
        self.lesson = LessonController(self, s, self.loading, self.whatif_mode, self.selection, self.graph_view,
                                       self.storage_map.view)

    def _wire(self) -> None:
        view, sel, load, clean, sandbox, show = (self.graph_view, self.selection, self.loading, self.cleanup,
                                                 self.whatif_mode, self.presentation)
        for act, slot in (
                (self.act_open, load.open_dialog), (self.act_save, load.save_dialog),
                (self.act_demo, lambda: load.load_demo(path=DEMO_SNAPSHOT)),
                (self.act_lesson, lambda: load.load_demo(path=LESSON_SNAPSHOT)),
                (self.act_reload, load.reload), (self.act_quit, self.close),
                (self.act_zoom_in, lambda: view.zoom_by(1.25)), (self.act_zoom_out, lambda: view.zoom_by(0.8)),
                (self.act_fit, self.views.fit), (self.act_focus, sel.focus_current),
                (self.act_legend, self.views.set_legend), (self.act_intermediates, self.views.set_intermediates),
                (self.act_filter, self.images.focus_filter), (self.act_preview, self.previewing.preview_current),
                (self.act_clear, show.escape), (self.act_presentation, show.set_presentation),
                (self.act_next, lambda: self.lesson.step(+1) if self.lesson.active else show.step(+1)),
                (self.act_prev, lambda: self.lesson.step(-1) if self.lesson.active else show.step(-1)),
                (self.act_lesson_panel, self.lesson.start), (self.act_lesson_live, lambda: self.lesson.start_live()),
                (self.act_handout, lambda: self.lesson.export_handout()),
                (self.act_remove, clean.remove), (self.act_untag, clean.untag),
                (self.act_prune, lambda: clean.prune(False)), (self.act_prune_all, lambda: clean.prune(True)),
                (self.act_whatif, sandbox.toggle), (self.act_undo, sandbox.undo), (self.act_redo, sandbox.redo),
                (self.act_read_only, self.session.set_read_only), (self.act_about, self._about),
                (self.act_delete_history, clean.show_delete_history),
                (self.act_files, lambda: (self.tabs.setCurrentWidget(self.details), self.details.show_files())),
                (self.act_compare, self.comparing.compare_selected)):
            act.triggered.connect(slot)
        load.shown.connect(self.files.index_snapshot)
        self.files.indexed.connect(lambda: self.images_model.set_wasted(self.files.wasted()))
        view.image_selected.connect(lambda image_id: sel.select_image(image_id, "graph"))
        self.act_storage_map.triggered.connect(self.views.show_storage_map)
        self.map_tabs.currentChanged.connect(lambda i: self.act_storage_map.setChecked(i == 1))
        self.storage_map.view.image_selected.connect(lambda image_id: sel.select_image(image_id, "storage"))
        self.storage_map.view.layer_selected.connect(lambda chain_id: sel.select_layer(chain_id, "storage"))
        self.storage_map.view.menu_requested.connect(self.context_menus.on_graph_menu)
        view.images_selected.connect(sel.on_graph_images_selected)
        view.layer_selected.connect(lambda chain_id: sel.select_layer(chain_id, "graph"))
        view.menu_requested.connect(self.context_menus.on_graph_menu)
        view.focus_requested.connect(sel.focus_lineage)
        view.zoom_changed.connect(self.views.on_zoom_changed)
        self.details.layer_clicked.connect(lambda chain_id: sel.select_layer(chain_id, "details"))
        self.details.image_clicked.connect(lambda image_id: sel.select_image(image_id, "details"))
        self.preview_box.item_clicked.connect(sel.on_preview_item)
        self.table.selectionModel().currentRowChanged.connect(sel.on_table_row_changed)
        self.table.selectionModel().selectionChanged.connect(sel.on_table_selection_changed)
        self.table.customContextMenuRequested.connect(self.context_menus.on_table_menu)
        self.banner.retry_clicked.connect(load.retry)
        # the rooms' news: the window's own refresh, and its public signals
        self.session.changed.connect(self._refresh)
        self.language.changed.connect(self.retranslate)
        load.loaded.connect(self.loaded)
        load.failed.connect(self.load_failed)
        self.previewing.changed.connect(self.preview_changed)
        clean.finished.connect(self.action_finished)
        sandbox.changed.connect(self.whatif_changed)
        show.changed.connect(self.presentation_changed)
        show.changed.connect(self.lesson.set_presenting)

    # -- settings --------------------------------------------------------------------------
    def _splitters(self) -> dict[str, QSplitter]:
        return {"main": self.main_splitter, "left": self.left_splitter, "details": self.details.splitter}

    def _restore_settings(self) -> None:
        s = self.settings
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        else:
            self.resize(1440, 900)
        if s.window_state is not None:
            self.restoreState(s.window_state)
        for name, splitter in self._splitters().items():
            if s.splitter(name) is not None:
                splitter.restoreState(s.splitter(name))
        if s.splitter("main") is None:
            self.main_splitter.setSizes([900, 540])
            self.left_splitter.setSizes([640, 220])
        self.act_legend.setChecked(s.legend)
        self.legend.setVisible(s.legend)
        self.act_intermediates.setChecked(s.intermediates)
        self.images_proxy.set_show_intermediates(s.intermediates)
        self.tabs.setCurrentIndex(s.tab)

    def save_settings(self) -> None:
        """Remember geometry, splitters and view choices."""
        s = self.settings
        if not self.session.presenting:
            s.geometry, s.window_state = self.saveGeometry(), self.saveState()
            for name in ("main", "left"):
                s.set_splitter(name, self._splitters()[name].saveState())
        s.set_splitter("details", self.details.splitter.saveState())
        s.legend, s.intermediates = self.act_legend.isChecked(), self.act_intermediates.isChecked()
        s.tab = self.tabs.currentIndex()
        s.sync()

    # -- texts and states ------------------------------------------------------------------
    def retranslate(self) -> None:
        """Re-apply every user-visible text (after installing a QTranslator); no reload needed."""
        self.menus.retranslate()
        for part in (self.banner, self.whatif_panel, self.images, self.legend, self.details, self.graph_view,
                     self.chart, self.previewing, self.exporter, self.language, self.live_updates, self.comparing,
                     self.lesson):
            part.retranslate()
        for widget, title in ((self.details, self.tr("Details")), (self.preview_box, self.tr("rmi preview")),
                              (self.chart, self.tr("Storage")), (self.whatif_panel, self.tr("What-if"))):
            self.tabs.setTabText(self.tabs.indexOf(widget), title)
        self.map_tabs.setTabText(0, self.tr("Layer map"))
        self.map_tabs.setTabText(1, self.tr("Storage map"))
        self.storage_map.retranslate()
        self.access.retranslate()
        self.views.update_status()
        self.loading.update_banner()
        self._refresh()

    def _refresh(self) -> None:
        self.menus.update()
        self.views.update_title()

    def _about(self) -> None:
        About(self).show(self, self.session, self.cleanup.delete_log.path)

    # Qt overrides
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.live_updates.shutdown()
        self.loading.shutdown()
        self.files.shutdown()
        self.comparing.shutdown()
        if self.session.presenting:
            self.presentation.set_presentation(False)
        self.save_settings()
        self.runner.wait(5000)
        super().closeEvent(event)
