"""Loading: the first load, daemon / file / demo reads off the UI thread, their results, the banner, File → Open/Save.

Paint first, reconcile after: a daemon read hands out provisional snapshots on its way (the last snapshot taken
of this daemon, then the fresh listing as layers arrive); the window shows the first at once, marked as
refreshing, and each later one and the final one replace it in place."""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressBar

from model.core.errors import fault, first_line
from model.core.snapshot import Snapshot, SnapshotError
from model.daemon.source import EARLY_LAST
from model.engine.plan import snapshot_diff

from .banner import Banner
from .session import Mode, Origin, Session
from .settings import Settings
from .tablemodel import ago
from .tasks import Job, TaskRunner
from .views import ViewsController
from .whatifmode import WhatIfController
from .workers import CANCELLED, INTERNAL, UNREACHABLE, Loaded, LoadFailed, LoadRequest, load, prepare


class LoadingController(QObject):
    """Reads what the command line or the user asks for and shows it; says what went wrong in the banner.

    Loads are numbered (``generation``): a newer load supersedes an older one still running, whose result
    is then dropped.  A load after a clean-up keeps the view and lights up what changed."""

    loaded = Signal()              # a snapshot is on screen (a full load, not a live swap)
    shown = Signal()               # a new snapshot is on screen: loaded, or handed over by show_snapshot
    failed = Signal(str)           # a load ended in the banner (message)
    refreshing = Signal(str)       # a provisional snapshot is on screen (source.EARLY_LAST or EARLY_LISTED)

    def __init__(self, window: QMainWindow, session: Session, settings: Settings, runner: TaskRunner,
                 views: ViewsController, whatif: WhatIfController, banner: Banner, progress: QProgressBar,
                 act_reload: QAction) -> None:
        super().__init__(window)
        self.window, self.session, self.settings, self.runner = window, session, settings, runner
        self.views, self.whatif, self.banner = views, whatif, banner
        self.progress, self.act_reload = progress, act_reload
        self.status = window.statusBar()
        self.generation = 0
        self.job: Job | None = None           # the load running, if any
        self.failed_request: LoadRequest | None = None   # the read the error banner reports (Retry runs it again)
        self.stale: Snapshot | None = None    # the last snapshot taken of the daemon, shown while this load reads it
        whatif.mode_changed.connect(self.update_banner)

    # -- starting loads --------------------------------------------------------------------
    def start(self) -> None:
        """The first load, as the command line asked: file, demo, or daemon (demo if none answers)."""
        self.session.notify()
        options = self.session.options
        if options.snapshot:
            self.load_file(options.snapshot)
        elif options.demo:
            self.load_demo()
        else:
            self.load_daemon()

    def load_daemon(self, after_action: bool = False) -> None:
        """Read the daemon in a worker (--host, DOCKER_HOST or the docker context)."""
        request = self._request(Origin.DAEMON, host=self.session.options.host,
                                provisional=not after_action and self._provisional_wanted())
        self._run(request, self.tr("Reading the Docker daemon…"), after_action)

    def load_file(self, path: str) -> None:
        """Read a snapshot file in a worker (it becomes the session's file once it is shown)."""
        self._run(self._request(Origin.FILE, path=str(path)), self.tr("Opening {name}…").format(name=Path(path).name))

    def load_demo(self, reason: str = "", path: Path | None = None) -> None:
        """Open a bundled tutorial snapshot (the full demo unless ``path``), clearly marked as DEMO."""
        self.session.fallback_reason = reason
        if path is not None:
            self.session.demo_path = Path(path)
        self._run(self._request(Origin.DEMO, path=str(self.session.demo_path)),
                  self.tr("Opening the demo snapshot…"))

    def reload(self) -> None:
        """File → Reload (F5): read again what is shown."""
        self.whatif.leave(show_real=False)
        s = self.session
        if s.origin == Origin.FILE and s.file_path:
            self.load_file(s.file_path)
        elif s.origin == Origin.DEMO and not s.fallback_reason:
            self.load_demo()
        else:
            self.load_daemon()

    def retry(self) -> None:
        """The banner's Retry: the read that failed (file or daemon), else the daemon (also from the fallback demo)."""
        s, failed = self.session, self.failed_request
        if failed is not None and failed.origin == Origin.FILE and failed.path:
            self.load_file(failed.path)
        elif failed is not None and failed.origin == Origin.DEMO:
            self.load_demo(reason=s.fallback_reason)
        elif failed is not None or s.origin == Origin.DEMO or s.current is None:
            self.load_daemon()
        else:
            self.reload()

    def shutdown(self) -> None:
        """The window closes: stop the running load."""
        if self.job is not None:
            self.job.cancel.set()

    def _request(self, origin: Origin, host: str | None = None, path: str | None = None,
                 provisional: bool = False) -> LoadRequest:
        return LoadRequest(str(origin), host=host, path=path, show_intermediates=self.views.show_intermediates,
                           aspect=self.views.graph_aspect(), provisional=provisional)

    def _run(self, request: LoadRequest, message: str, after_action: bool = False) -> None:
        if self.job is not None:
            self.job.cancel.set()
        self.generation += 1
        gen = self.generation
        self.stale = None
        self.job = self.runner.run(lambda job: load(request, job),
                                   done=lambda loaded: self._on_loaded(gen, request, loaded, after_action),
                                   failed=lambda exc: self._on_failed(gen, request, exc),
                                   progress=lambda done, total: self._on_progress(gen, done, total),
                                   partial=lambda loaded: self._on_partial(gen, loaded, after_action))
        self.progress.setRange(0, 0)
        self.progress.setFormat(message)
        self.progress.show()
        self.status.showMessage(message)
        self.act_reload.setEnabled(False)

    # -- results (UI thread) ---------------------------------------------------------------
    def _on_progress(self, generation: int, done: int, total: int) -> None:
        if generation != self.generation:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("refreshing: images %v/%m") if self._provisional_shown()
                                else self.tr("reading images %v/%m"))

    def _provisional_shown(self) -> bool:
        """True when the real state on screen is a provisional snapshot (shown while the daemon is read)."""
        real = self.session.real_loaded()
        return real is not None and bool(real.provisional)

    def _provisional_wanted(self) -> bool:
        """True when a provisional snapshot of the daemon would add something to what is shown (see below)."""
        real = self.session.real_loaded()
        return real is None or self.session.origin != Origin.DAEMON or bool(real.provisional)

    # Provisional snapshots are shown only where they add something: on a first start,
    # in place of the demo or a file, or over an earlier provisional one — never over a
    # complete snapshot of the daemon (F5, the reload after a clean-up keep that until
    # the fresh one is read).  The refreshing mark goes up first, so the map is fitted
    # below it; the first snapshot goes on screen fitted and is painted at once
    # (show_fresh: the final one may already be queued behind it, a warm start reads
    # in milliseconds); each later one, and the final snapshot, replace it in place
    # (the scene is rebuilt in one pass on the UI thread, or only relabelled when the
    # forest is the same: no empty map is ever painted).  In what-if mode the sandbox
    # stays on screen and the provisional state waits behind it.
    def _on_partial(self, generation: int, loaded: Loaded, after_action: bool) -> None:
        s = self.session
        real = s.real_loaded()
        if generation != self.generation or after_action or not self._provisional_wanted():
            return
        if loaded.provisional == EARLY_LAST:
            self.stale = loaded.snapshot
        if s.mode is Mode.WHATIF and s.origin == Origin.DAEMON:
            s.real = loaded
            self._mark_refreshing(loaded)
        elif real is not None and s.origin == Origin.DAEMON:
            fitted = self.views.readable_fit()
            self._mark_refreshing(loaded)
            self.views.show_in_place(loaded, fitted=fitted)
        else:
            self.whatif.leave(show_real=False)
            self._mark_refreshing(loaded)
            self.views.show_fresh(loaded)
        self.refreshing.emit(loaded.provisional)

    def _mark_refreshing(self, loaded: Loaded) -> None:
        """Say on screen that what is shown is provisional and that the daemon is being read."""
        if loaded.provisional == EARLY_LAST:
            note = self.tr("Showing the snapshot taken {when}; reading the daemon…").format(
                when=self._when(loaded.snapshot.taken_at))
        else:
            note = self.tr("Showing the images listed so far; their layers are filled in as they are read…")
        self._set_banner("info", "<b>" + html.escape(self.tr("Refreshing:")) + "</b> " + html.escape(note))
        self.status.showMessage(note)
        if self.progress.maximum() == 0:        # no count yet (the listing is still being read)
            self.progress.setFormat(self.tr("refreshing…"))

    def _set_banner(self, kind: str, text: str | None) -> None:
        """Show (or, with None, hide) the banner and lay the map out below it now, not at the next event."""
        if text is None:
            self.banner.hide()
        else:
            self.banner.show_message(kind, text, retry=False)
        around = self.banner.parentWidget()
        if around is not None and around.layout() is not None:
            around.layout().activate()

    def _when(self, taken_at: str) -> str:
        """When a snapshot was taken, in local time and as people say it: "2025-11-30 08:12 (3 hours ago)"."""
        try:
            taken = dt.datetime.fromisoformat(taken_at)
        except ValueError:
            return taken_at or self.tr("earlier")
        return self.tr("{time} ({ago})").format(time=taken.astimezone().strftime("%Y-%m-%d %H:%M"),
                                                ago=ago(taken.timestamp()))

    def _on_loaded(self, generation: int, request: LoadRequest, loaded: Loaded, after_action: bool) -> None:
        if generation != self.generation:
            return       # a newer load superseded this one
        self.job = None
        self.failed_request = None
        if request.origin == Origin.FILE:
            self.session.file_path = request.path
        provisional = self._provisional_shown() and self.session.origin == Origin.DAEMON and request.path is None
        self.whatif.leave(show_real=False)
        self._end_progress()
        if after_action and self.session.current is not None:
            # after a clean-up: same zoom and place, what changed lights up
            changed = snapshot_diff(self.session.current.snapshot, loaded.snapshot)
            self.views.show(loaded, keep_view=True, changed=changed)
        elif provisional:
            # the fresh read replaces the provisional view in place; what changed since the stale one lights up
            fitted = self.views.readable_fit()
            self._set_banner("", None)                # the refreshing mark goes (the map gets its room back)
            self.views.show_in_place(loaded, snapshot_diff(self.stale, loaded.snapshot) if self.stale else None,
                                     fitted=fitted)
        else:
            self.views.show_fresh(loaded)
        self.stale = None
        if loaded.origin != Origin.DEMO:
            self.banner.hide()
        self.update_banner()
        if request.origin == Origin.FILE and loaded.snapshot.warnings:
            self._show_warnings(request.path or "", loaded.snapshot.warnings)
        self.shown.emit()
        self.loaded.emit()

    def _show_warnings(self, path: str, warnings: tuple[str, ...]) -> None:
        """A file that opened with repairs (or warnings recorded when it was taken) says so in the banner."""
        more = self.tr(" (and {n} more; see File → Save to keep the repaired file)").format(n=len(warnings) - 1) \
            if len(warnings) > 1 else ""
        self.banner.show_message("info", "<b>" + html.escape(self.tr("Opened {name} with warnings:").format(
            name=Path(path).name)) + "</b> " + html.escape(warnings[0] + more), retry=False)

    # A failed read leaves on screen what was shown (nothing on a first start).  Only "no daemon"
    # with nothing shown yet opens the demo instead, saying why (and a Retry from that demo that
    # still finds none says so in the demo's notice); a file's problem, a daemon that answered badly
    # or too slowly and a fault of ours each get their own error banner, with Retry.
    def _on_failed(self, generation: int, request: LoadRequest, exc: BaseException) -> None:
        if generation != self.generation:
            return
        self.job = None
        self._end_progress()
        kind, message = (exc.kind, exc.message) if isinstance(exc, LoadFailed) else (INTERNAL, fault(exc))
        s = self.session
        if kind == CANCELLED:
            return
        if kind == UNREACHABLE and s.current is None and s.demo_path.exists():
            self.load_demo(reason=message)
            return
        if kind == UNREACHABLE and s.origin == Origin.DEMO:      # Retry from the demo: still no daemon
            s.fallback_reason = message
            self.update_banner()
            self.status.showMessage(message, 10000)
            self.failed.emit(message)
            return
        self.failed_request = request
        head, detail = self._failure_words(request, kind, message)
        text = f"<b>{html.escape(head)}</b> " + html.escape(detail)
        real = s.real_loaded()
        if request.path is None and real is not None and real.provisional == EARLY_LAST:
            text += " — " + html.escape(self.tr("still showing the snapshot taken {when}, which may be out of "
                                                "date").format(when=self._when(real.snapshot.taken_at)))
        elif request.path is None and real is not None and real.provisional:
            text += " — " + html.escape(self.tr("still showing what was read so far: some images have no "
                                                "layers"))
        elif request.path is None and s.current is not None:
            text += " — " + html.escape(self.tr("still showing the snapshot taken {when}").format(
                when=s.current.snapshot.taken_at or self.tr("earlier")))
        self.banner.show_message("error", text, retry=True)
        self.status.showMessage(f"{head} {detail}", 10000)
        self.failed.emit(f"{head} {detail}")

    def _failure_words(self, request: LoadRequest, kind: str, message: str) -> tuple[str, str]:
        """The banner's bold head and the rest, for a failed read of ``request``."""
        if request.path is None:
            if kind == INTERNAL:
                return self.tr("Internal error while reading the daemon:"), message
            return self.tr("Docker daemon:"), message
        if kind == INTERNAL:
            return self.tr("Internal error while reading {name}:").format(name=request.path), message
        detail = message
        for named in (f"{request.path}: ", f"cannot read snapshot {request.path}: "):
            detail = detail.removeprefix(named)                  # the head names the file already
        if request.origin == Origin.DEMO:
            detail = self.tr("the bundled demo snapshot cannot be read: {reason}").format(reason=detail)
        return self.tr("Cannot open snapshot {name}:").format(name=request.path), detail

    def _end_progress(self) -> None:
        self.progress.hide()
        self.status.clearMessage()
        self.act_reload.setEnabled(True)

    # -- snapshots handed over directly ----------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot, origin: str = "file") -> None:
        """Show a snapshot synchronously (benchmarks, screenshots and tests)."""
        self.generation += 1
        self.whatif.leave(show_real=False)
        self._end_progress()
        self.views.show_fresh(prepare(snapshot, origin, self.views.show_intermediates, self.views.graph_aspect()))
        self.update_banner()
        self.shown.emit()

    def apply_snapshot(self, snapshot: Snapshot, changed: set[str] | frozenset[str] = frozenset(),
                       prepared: Loaded | None = None) -> None:
        """Swap in a newer real snapshot, keeping zoom and still-valid selection; highlight ``changed`` IDs.

        ``prepared`` (optional) is the Loaded made off the GUI thread for this snapshot.  While a what-if
        sandbox is shown, the sandbox stays on screen and the new state is shown on leaving."""
        origin = str(self.session.origin or Origin.DAEMON)
        if prepared is not None and prepared.snapshot is snapshot:
            loaded = Loaded(snapshot, prepared.analysis, prepared.layout, origin)
        else:
            loaded = prepare(snapshot, origin, self.views.show_intermediates, self.views.graph_aspect())
        if self.session.mode is Mode.WHATIF:
            self.session.real = loaded
            self.status.showMessage(self.tr("The daemon changed; shown when you leave what-if mode"), 8000)
            return
        self.views.show(loaded, keep_view=True, changed=set(changed))

    # -- the banner ------------------------------------------------------------------------
    def update_banner(self) -> None:
        """The standing notice: what-if mode, or the demo (and why it opened); other notices are left alone."""
        s = self.session
        if s.mode is Mode.WHATIF:
            self.banner.show_message("whatif", "<b>" + html.escape(self.tr("WHAT-IF — nothing is deleted.")) + "</b> "
                                     + html.escape(self.tr("Remove, untag and prune are simulated on this snapshot. "
                                                           "Undo: Ctrl+Z · Redo: Ctrl+Shift+Z · leave: W")),
                                     retry=False)
        elif s.origin == Origin.DEMO:
            why = self.tr("No Docker daemon reachable: {reason}. ").format(
                reason=s.fallback_reason) if s.fallback_reason else ""
            self.banner.show_message(
                "demo", "<b>DEMO</b> — " + html.escape(
                    why + self.tr("Showing the bundled tutorial snapshot (ubuntu:18.04 → ubuntu_apache → "
                                  "iscreamedu_apache), not your machine. Try What-if (W) to step through "
                                  "the tutorial's deletions.")),
                retry=bool(s.fallback_reason))
        else:
            self.banner.dismiss("whatif", "demo")

    def show_error(self, message: str) -> None:
        """Show an unexpected error in the banner (used by the excepthook)."""
        self.banner.show_message("error", "<b>" + html.escape(self.tr("Internal error:")) + "</b> "
                                 + html.escape(message), retry=False)

    # -- File menu -------------------------------------------------------------------------
    def open_dialog(self) -> None:
        """File → Open snapshot…"""
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open snapshot"), self.settings.snapshots_dir,
                                              self.tr("Layerscope snapshot (*.json);;All (*)"))
        if path:
            self.settings.snapshots_dir = str(Path(path).parent)
            self.load_file(path)

    def save_dialog(self) -> None:
        """File → Save snapshot…"""
        if self.session.current is None:
            return
        start = Path(self.settings.snapshots_dir) / "snapshot.json"
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save snapshot"), str(start),
                                              self.tr("Layerscope snapshot (*.json)"))
        if path:
            self.save_snapshot(path)

    def save_snapshot(self, path: str) -> bool:
        """Write the shown snapshot to ``path``; errors go to the banner."""
        snapshot = self.session.current.snapshot
        try:
            snapshot.save(path)
        except (SnapshotError, OSError) as exc:
            self.banner.show_message("error", "<b>" + html.escape(self.tr("Cannot save snapshot:")) + "</b> "
                                     + html.escape(first_line(exc)), retry=False)
            return False
        self.settings.snapshots_dir = str(Path(path).parent)
        self.status.showMessage(self.tr("saved {n} images to {path}").format(n=len(snapshot.images), path=path), 8000)
        return True
