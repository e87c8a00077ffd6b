"""Loading: the first load, daemon / file / demo reads off the UI thread, their results, the banner, File → Open/Save."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressBar

from model.core.errors import fault, first_line
from model.core.snapshot import Snapshot, SnapshotError
from model.engine.plan import snapshot_diff

from .banner import Banner
from .session import Mode, Origin, Session
from .settings import Settings
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

    def __init__(self, window: QMainWindow, session: Session, settings: Settings, runner: TaskRunner,
                 views: ViewsController, whatif: WhatIfController, banner: Banner, progress: QProgressBar,
                 act_reload: QAction) -> None:
        super().__init__(window)
        self.window, self.session, self.settings, self.runner = window, session, settings, runner
        self.views, self.whatif, self.banner, self.progress, self.act_reload = views, whatif, banner, progress, act_reload
        self.status = window.statusBar()
        self.generation = 0
        self.job: Job | None = None           # the load running, if any
        self.failed_request: LoadRequest | None = None   # the read the error banner reports (Retry runs it again)
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
        self._run(self._request(Origin.DAEMON, host=self.session.options.host), self.tr("Reading the Docker daemon…"),
                  after_action)

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
        """The banner's Retry: the read that failed (file or daemon), else the daemon (from the demo it fell back to)."""
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

    def _request(self, origin: Origin, host: str | None = None, path: str | None = None) -> LoadRequest:
        return LoadRequest(str(origin), host=host, path=path, show_intermediates=self.views.show_intermediates,
                           aspect=self.views.graph_aspect())

    def _run(self, request: LoadRequest, message: str, after_action: bool = False) -> None:
        if self.job is not None:
            self.job.cancel.set()
        self.generation += 1
        gen = self.generation
        self.job = self.runner.run(lambda job: load(request, job),
                                   done=lambda loaded: self._on_loaded(gen, request, loaded, after_action),
                                   failed=lambda exc: self._on_failed(gen, request, exc),
                                   progress=lambda done, total: self._on_progress(gen, done, total))
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
        self.progress.setFormat(self.tr("reading images %v/%m"))

    def _on_loaded(self, generation: int, request: LoadRequest, loaded: Loaded, after_action: bool) -> None:
        if generation != self.generation:
            return       # a newer load superseded this one
        self.job = None
        self.failed_request = None
        if request.origin == Origin.FILE:
            self.session.file_path = request.path
        self.whatif.leave(show_real=False)
        self._end_progress()
        if after_action and self.session.current is not None:
            # after a clean-up: same zoom and place, what changed lights up
            changed = snapshot_diff(self.session.current.snapshot, loaded.snapshot)
            self.views.show(loaded, keep_view=True, changed=changed)
        else:
            self.views.show_fresh(loaded)
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
        if request.path is None and s.current is not None:
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
