"""Issue 6 additions to the main window: live updates, File → Export, and the Language menu.

MainWindow calls ``install(window)`` at the end of its ``__init__``.  Everything here reaches the window through
its public hooks (``current_snapshot()``, ``apply_snapshot(snapshot, changed)``, ``graph_scene()``,
``chart_figure()``, ``menu(name)``, ``loaded``); where a hook is missing the small adapters below stand in for it
(they are the only place that touches the window's attributes).
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from model.core.analysis import Analysis
from model.core.snapshot import Snapshot

from . import exporting, i18n
from .live import OFF, PAUSED, CloseWatcher, LiveController
from .live import SETTING as LIVE_SETTING

translate = QCoreApplication.translate


# -- the window's hooks, with stand-ins while a hook is missing --------------------------------------
def current_snapshot(window: Any) -> Snapshot | None:
    """The snapshot the window shows (None before the first load)."""
    hook = getattr(window, "current_snapshot", None)
    if callable(hook):
        return hook()
    current = getattr(window, "current", None)
    return current.snapshot if current is not None else None


def current_analysis(window: Any) -> Analysis | None:
    """The analysis of what the window shows (made from the snapshot when the window has none to hand)."""
    snap = current_snapshot(window)
    if snap is None:
        return None
    for name in ("current_analysis", "analysis"):
        hook = getattr(window, name, None)
        if callable(hook):
            a = hook()
            if a is not None and a.snapshot is snap:
                return a
    current = getattr(window, "current", None)
    if current is not None and getattr(current, "snapshot", None) is snap:
        return current.analysis
    return Analysis(snap)


def real_snapshot(window: Any) -> Snapshot | None:
    """The daemon's snapshot behind the screen (differs from current_snapshot() while what-if is shown)."""
    hook = getattr(window, "real_snapshot", None)
    return hook() if callable(hook) else current_snapshot(window)


def _accepts(func: Any, name: str) -> bool:
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def takes_prepared(window: Any) -> bool:
    """True when ``window.apply_snapshot`` accepts ``prepared=`` (analysis and layout made off the GUI thread)."""
    hook = getattr(window, "apply_snapshot", None)
    return callable(hook) and _accepts(hook, "prepared")


def apply_snapshot(window: Any, snapshot: Snapshot, changed: set[str], prepared: Any = None,
                   with_prepared: bool | None = None) -> None:
    """Swap ``snapshot`` into the window without a full reload, highlighting ``changed``."""
    hook = getattr(window, "apply_snapshot", None)
    if callable(hook):
        if with_prepared is None:
            with_prepared = takes_prepared(window)
        if prepared is not None and with_prepared:
            hook(snapshot, changed, prepared=prepared)
        else:
            hook(snapshot, changed)
    else:                                    # stand-in: the synchronous show path (no daemon read)
        window.show_snapshot(snapshot, origin="daemon")


def graph_view(window: Any) -> Any:
    """The QGraphicsView of the layer graph."""
    return getattr(window, "graph_view")


def graph_scene(window: Any) -> Any:
    """The QGraphicsScene of the layer graph."""
    hook = getattr(window, "graph_scene", None)
    return hook() if callable(hook) else graph_view(window).scene()


def chart_figure(window: Any) -> Any:
    """The storage chart's matplotlib Figure."""
    hook = getattr(window, "chart_figure", None)
    return hook() if callable(hook) else window.chart.figure


def window_origin(window: Any) -> str:
    """daemon | file | demo | what-if: what the window shows now."""
    snap = current_snapshot(window)
    if snap is not None and snap.source not in ("daemon", ""):
        return "what-if" if snap.source == "what-if" else snap.source
    return str(getattr(window, "origin", "") or (snap.source if snap else ""))


def find_menu(window: Any, name: str) -> QMenu | None:
    """The window's menu ``name`` (File | View | Image | Settings | Help), None when it has none."""
    hook = getattr(window, "menu", None)
    if callable(hook):
        try:
            m = hook(name)
        except (KeyError, ValueError):
            m = None
        if m is not None:
            return m
    for act in window.menuBar().actions():
        m = act.menu()
        if m is not None and (m.objectName() in (name, f"menu{name}") or act.text().replace("&", "") == name):
            return m
    return None


def retranslate_window(window: Any) -> bool:
    """Ask the window to re-read its texts; False when it has no such hook (LanguageChange still reaches it)."""
    for name in ("retranslate_ui", "retranslate", "retranslateUi"):
        hook = getattr(window, name, None)
        if callable(hook):
            hook()
            return True
    return False


def refresh_view_texts(window: Any) -> None:
    """Redraw what the window painted with texts of the old language: the graph's items and the storage chart.

    Uses the views' own ``retranslate()`` when they have one; otherwise (stand-in, added because the window's
    retranslate() leaves them) the graph is rebuilt from the same analysis and layout — view, selection, rmi
    preview marks, lineage focus and highlights kept — and the chart is redrawn.  Nothing is read again."""
    view = getattr(window, "graph_view", None)
    if view is not None:
        hook = getattr(view, "retranslate", None)
        if callable(hook):
            hook()
        elif getattr(view, "analysis", None) is not None and getattr(view, "layout", None) is not None:
            _rebuild_graph(view)
    chart = getattr(window, "chart", None)
    if chart is not None:
        hook = getattr(chart, "retranslate", None)
        if callable(hook):
            hook()
        elif view is not None and getattr(view, "analysis", None) is not None and hasattr(chart, "set_analysis"):
            chart.set_analysis(view.analysis)


def _rebuild_graph(view: Any) -> None:
    transform, center = view.transform(), view.mapToScene(view.viewport().rect().center())
    old = {**view.image_items, **view.layer_items}
    marks = {k: getattr(it, "mark", None) for k, it in old.items()}
    flashing = {k for k, it in old.items() if getattr(it, "flash", False)}
    opacity = {k: it.opacity() for k, it in old.items()}
    selected = [(k in view.image_items, k if k in view.image_items else it.members[0])
                for k, it in old.items() if it.isSelected()]
    preview_active, focused = view.preview_active, view.focused_image
    view.set_data(view.analysis, view.layout)
    for k, it in {**view.image_items, **view.layer_items}.items():
        if marks.get(k) is not None:
            it.mark = marks[k]
        if k in flashing:
            it.flash = True
        if k in opacity:
            it.setOpacity(opacity[k])
    view.preview_active, view.focused_image = preview_active, focused
    for is_image, ident in selected:
        (view.select_image if is_image else view.select_layer)(ident, center=False)
    view.setTransform(transform)
    view.centerOn(center)
    if hasattr(view, "restyle"):
        view.restyle()


# -- what install() adds ------------------------------------------------------------------------------
class Extras(QObject):
    """Live updates, the Export submenu and the Language menu of one window."""

    def __init__(self, window: Any, settings: QSettings | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.settings: QSettings = settings or getattr(window, "settings", None) or QSettings()
        self.translations = i18n.Translations.of(QApplication.instance())
        self.last_export: Path | None = None
        self.last_export_error = ""

        # live updates
        prepared_ok = takes_prepared(window)
        self.live = LiveController(window, apply=lambda s, c, p: apply_snapshot(window, s, c, p, prepared_ok),
                                   current=lambda: real_snapshot(window),
                                   **(self._prepare_hooks() if prepared_ok else {}))
        self.act_live = QAction(window)
        self.act_live.setObjectName("actLive")
        self.act_live.setCheckable(True)
        self.act_live.setChecked(self.settings.value(LIVE_SETTING, True)
                                 not in (False, "false", 0, "0"))
        self.act_live.toggled.connect(self._on_live_toggled)
        window.statusBar().addPermanentWidget(self.live.indicator)
        loaded = getattr(window, "loaded", None)
        if loaded is not None:
            loaded.connect(self._on_window_loaded)
        self.close_watcher = CloseWatcher(window, on_close=self.shutdown, on_refused=self._resume)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

        # export
        self.export_menu = QMenu(window)
        self.export_menu.setObjectName("menuExport")
        self.export_actions: dict[str, QAction] = {}
        for kind in exporting.KINDS:
            act = QAction(window)
            act.setObjectName(f"actExport_{kind.key}")
            act.triggered.connect(lambda checked=False, k=kind: self.export_with_dialog(k))
            self.export_menu.addAction(act)
            self.export_actions[kind.key] = act
            if kind.key in ("view-pdf", "scene-pdf", "dot", "chart-svg"):
                self.export_menu.addSeparator()

        # language
        self.language_menu = QMenu(window)
        self.language_menu.setObjectName("menuLanguage")
        self.language_group = QActionGroup(self)
        self.language_group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        choice = i18n.saved_choice(self.settings)
        for code in i18n.CHOICES:
            act = QAction(window)
            act.setObjectName(f"actLanguage_{code}")
            act.setCheckable(True)
            act.setChecked(code == choice)
            act.setData(code)
            act.triggered.connect(lambda checked=False, c=code: self.set_language(c))
            self.language_group.addAction(act)
            self.language_menu.addAction(act)
            if code == i18n.SYSTEM:
                self.language_menu.addSeparator()
            self.language_actions[code] = act

        self._place_menus()
        self.retranslate()
        window.installEventFilter(self)
        # the language the settings or the system locale ask for (the app may have installed it already)
        wanted = i18n.resolve(choice)
        if wanted != self.translations.language:
            self.translations.apply(wanted)
            retranslate_window(window)
            self.retranslate()

    def _prepare_hooks(self) -> dict:
        """Analysis and layout of a live snapshot made on the applier thread, for ``apply_snapshot(prepared=)``
        (the previous layout is reused when the forest did not change shape: a tag moves nothing on screen)."""
        from .live import prepare_incremental
        w = self.window

        def base() -> Any:               # the Loaded behind the screen (not a what-if sandbox's)
            if getattr(w, "whatif", None) is not None:
                return getattr(w, "_whatif_real", None)
            return getattr(w, "current", None)

        def context() -> dict:
            aspect = getattr(w, "graph_aspect", None)
            return {"show_intermediates": bool(getattr(w, "show_intermediates", False)),
                    "aspect": aspect() if callable(aspect) else None}
        return {"prepare": lambda previous, snap, ctx: prepare_incremental(previous, snap, **ctx),
                "prepare_base": base, "prepare_context": context}

    # -- menus ---------------------------------------------------------------------------
    def _place_menus(self) -> None:
        w = self.window
        file_menu = find_menu(w, "File")
        if file_menu is not None:
            before = self._quit_anchor(file_menu)
            if before is not None:
                file_menu.insertMenu(before, self.export_menu)
                file_menu.insertSeparator(before)
            else:
                file_menu.addMenu(self.export_menu)
        view_menu = find_menu(w, "View")
        if view_menu is not None:
            view_menu.addSeparator()
            view_menu.addAction(self.act_live)
        settings_menu = find_menu(w, "Settings") or view_menu
        if settings_menu is not None:
            if settings_menu is view_menu:
                settings_menu.addSeparator()
            settings_menu.addMenu(self.language_menu)
        w.addAction(self.act_live)

    def _quit_anchor(self, menu: QMenu) -> QAction | None:
        acts = menu.actions()
        quit_act = getattr(self.window, "act_quit", None)
        if quit_act in acts:
            i = acts.index(quit_act)
            return acts[i - 1] if i > 0 and acts[i - 1].isSeparator() else quit_act
        return None

    def retranslate(self) -> None:
        """Set every text this module owns in the current language."""
        self.act_live.setText(translate("Extras", "Li&ve updates"))
        tip = translate("Extras", "Follow the daemon's events: tags, pulls, builds and removals appear without a "
                                  "reload (daemon only)")
        self.act_live.setToolTip(tip)
        self.act_live.setStatusTip(tip)
        self.export_menu.setTitle(translate("Extras", "&Export"))
        for key, act in self.export_actions.items():
            act.setText(exporting.KIND_BY_KEY[key].label())
        self.language_menu.setTitle(translate("Extras", "&Language"))
        for code, act in self.language_actions.items():
            act.setText(i18n.language_name(code))
        self.live.indicator.retranslate()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    # -- language ------------------------------------------------------------------------
    def set_language(self, choice: str) -> str:
        """Switch the UI to ``choice`` (system | en | ko) now, and remember it; returns the language shown."""
        choice = choice if choice in i18n.CHOICES else i18n.SYSTEM
        self.settings.setValue(i18n.SETTING, choice)
        self.settings.sync()
        self.language_actions[choice].setChecked(True)
        lang = i18n.resolve(choice)
        if lang != self.translations.language:
            if not self.translations.apply(lang):
                self.window.statusBar().showMessage(
                    translate("Extras", "No translation for {lang} was found").format(lang=lang), 8000)
            retranslate_window(self.window)
            refresh_view_texts(self.window)
        self.retranslate()
        return self.translations.language

    # -- live ----------------------------------------------------------------------------
    def live_wanted(self) -> bool:
        """True when live updates should run now: switched on and the window shows a daemon."""
        return self.act_live.isChecked() and window_origin(self.window) == "daemon"

    def _on_live_toggled(self, on: bool) -> None:
        self.settings.setValue(LIVE_SETTING, on)
        self._sync_live()

    def _on_window_loaded(self, *args: Any) -> None:
        if self.live.swapping:
            return                          # our own swap, not a full load
        self._sync_live(restart=True)

    def _sync_live(self, restart: bool = False) -> None:
        if self.live_wanted():
            if restart or not self.live.running:
                self.live.start()
        else:
            self.live.stop(state=PAUSED if self.act_live.isChecked() and current_snapshot(self.window) else OFF)

    def _resume(self) -> None:
        self._sync_live(restart=True)

    def shutdown(self) -> None:
        """Stop the follower threads (the window is closing)."""
        self.live.stop(state=OFF)

    # -- export --------------------------------------------------------------------------
    def export(self, key: str, path: str | Path) -> Path:
        """Write export ``key`` (see exporting.KINDS) to ``path``; raises ExportFailed/OSError."""
        kind = exporting.KIND_BY_KEY[key]
        w = self.window
        needs_snapshot = kind.what in ("graph", "snapshot")
        analysis = current_analysis(w) if kind.what == "graph" else None
        exporting.run_export(kind, path, view=graph_view(w), scene=graph_scene(w), analysis=analysis,
                             figure=chart_figure(w) if kind.what == "chart" else None,
                             snapshot=current_snapshot(w) if needs_snapshot else None)
        self.last_export = Path(path)
        return self.last_export

    def export_with_dialog(self, kind: exporting.ExportKind) -> Path | None:
        """Ask where, then export; the outcome goes to the status bar (errors to a message box)."""
        w = self.window
        start = Path(str(self.settings.value("paths/export", "") or Path.home()))
        path, _ = QFileDialog.getSaveFileName(w, translate("Extras", "Export"), str(start / kind.default_name),
                                              kind.file_filter())
        if not path:
            return None
        if not Path(path).suffix:
            path += "." + kind.fmt
        self.settings.setValue("paths/export", str(Path(path).parent))
        try:
            self.export(kind.key, path)
        except (exporting.ExportFailed, OSError, ValueError) as exc:
            self.last_export_error = str(exc)
            QMessageBox.warning(w, translate("Extras", "Export failed"), str(exc))
            return None
        w.statusBar().showMessage(translate("Extras", "Exported to {path}").format(path=path), 8000)
        return Path(path)


def install(window: Any) -> Extras:
    """Add live updates, File → Export and the Language menu to ``window`` (kept as ``window.extras``)."""
    extras = Extras(window)
    window.extras = extras
    return extras
