"""View → Live updates: when the window follows the daemon's events (gui.live does the following)."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow

from .live import OFF, PAUSED, LiveController
from .loading import LoadingController
from .session import Origin, Session
from .settings import Settings
from .views import ViewsController
from .workers import prepare_incremental


class LiveUpdatesController(QObject):
    """Runs ``live`` (a LiveController) while switched on and a daemon is shown; restarts it on full loads.

    The snapshot followed is the real one (in what-if mode the one behind the sandbox); each update is
    analysed and laid out off the GUI thread and handed to ``LoadingController.apply_snapshot``."""

    def __init__(self, window: QMainWindow, session: Session, settings: Settings, loading: LoadingController,
                 views: ViewsController) -> None:
        super().__init__(window)
        self.session, self.settings = session, settings
        self.act_live = QAction(window)
        self.act_live.setObjectName("actLive")
        self.act_live.setCheckable(True)
        self.act_live.setChecked(settings.live)
        self.act_live.toggled.connect(self._on_toggled)
        self.live = LiveController(
            self, apply=loading.apply_snapshot, current=session.real_snapshot, host=lambda: session.options.host,
            prepare=lambda previous, snap, context: prepare_incremental(previous, snap, **context),
            prepare_base=session.real_loaded,
            prepare_context=lambda: {"show_intermediates": views.show_intermediates, "aspect": views.graph_aspect()})
        loading.loaded.connect(self._on_loaded)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def retranslate(self) -> None:
        """Set the action's texts and the status light's in the current language."""
        self.act_live.setText(self.tr("Li&ve updates"))
        tip = self.tr("Follow the daemon's events: tags, pulls, builds and removals appear without a "
                      "reload (daemon only)")
        self.act_live.setToolTip(tip)
        self.act_live.setStatusTip(tip)
        self.live.indicator.retranslate()

    def wanted(self) -> bool:
        """True when live updates should run now: switched on and the window shows a daemon."""
        return self.act_live.isChecked() and self.session.origin == Origin.DAEMON

    def sync(self, restart: bool = False) -> None:
        """Start, restart or stop following, as ``wanted()`` says."""
        if self.wanted():
            if restart or not self.live.running:
                self.live.start()
        else:
            shown = self.session.current is not None
            self.live.stop(state=PAUSED if self.act_live.isChecked() and shown else OFF)

    def shutdown(self) -> None:
        """Stop the follower threads (the window is closing)."""
        self.live.stop(state=OFF)

    def _on_toggled(self, on: bool) -> None:
        self.settings.live = on
        self.sync()

    def _on_loaded(self) -> None:
        if not self.live.swapping:          # a full load, not our own swap: follow the snapshot now shown
            self.sync(restart=True)
