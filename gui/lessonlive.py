"""The lesson live in the window: on a practice daemon the teacher names (never the default one), each step's real
command is performed off the UI thread — the commits, the builds, the tag, and each rmi through DeleteCommand with
the Reveal click as its confirmation — and Reset removes what the lesson made, after saying what it will remove."""
from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from model.commands.command import Interaction
from model.commands.deletelog import DeleteLog
from model.commands.lessonlive import LiveLesson, LiveStep, image_set
from model.commands.perform import WINDOW
from model.core.errors import fault
from model.lesson.play import LessonStep

from resources import LESSON_BUILD, LESSON_EXPRESS

from .loading import LoadingController
from .session import Origin, Session
from .tasks import TaskRunner


class Revealed(Interaction):
    """The teacher's Reveal (or Next) on an rmi step is the confirmation: the prediction is shown in the panel."""

    def confirm(self, plan: Any) -> bool:
        return True


class LiveRunner(QObject):
    """One live run: the LiveLesson made off the UI thread, each step performed there, the window reloaded after."""

    started = Signal()
    performed = Signal(int)          # the step index whose command ended (its LiveStep is in ``results``)
    reset_planned = Signal(list)     # what a reset will do, one line each
    reset_done = Signal(bool)        # True when the daemon's image set is as before the lesson
    failed = Signal(str)

    def __init__(self, session: Session, loading: LoadingController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.loading = session, loading
        self.runner = TaskRunner(self)
        self.live: LiveLesson | None = None
        self.host = ""
        self.results: dict[int, LiveStep] = {}
        self.busy = False
        self._tmp: tempfile.TemporaryDirectory | None = None

    @property
    def active(self) -> bool:
        """True while a live run is on."""
        return self.live is not None

    def begin(self, host: str) -> None:
        """Connect to ``host``, save its ubuntu:18.04 (for Reset) and show that daemon in the window."""
        from model.daemon.source import open_link, read_snapshot
        self.stop()
        self.host, self.results, self.busy = host, {}, True
        self._tmp = tempfile.TemporaryDirectory(prefix="ls-lesson-")
        workdir = Path(self._tmp.name)

        def work(job: Any) -> LiveLesson:
            link = open_link(host)
            return LiveLesson(link.sdk, lambda: read_snapshot(link), DeleteLog(), WINDOW, workdir, LESSON_BUILD,
                              LESSON_EXPRESS)
        self.runner.run(work, self._on_started, self._on_failed)

    def perform(self, index: int, step: LessonStep) -> None:
        """Run ``step``'s command on the daemon; ``performed`` when it ended (the window then reads it again)."""
        live = self.live
        if live is None or self.busy:
            return
        self.busy = True
        self.runner.run(lambda job: live.run(step.script, Revealed()),
                        lambda result: self._on_performed(index, result), self._on_failed)

    def plan_reset(self) -> None:
        """Find out what a reset will do (``reset_planned``)."""
        if self.live is not None and not self.busy:
            live = self.live
            self.runner.run(lambda job: live.reset_plan(), self.reset_planned.emit, self._on_failed)

    def reset(self) -> None:
        """Remove what the lesson made and load ubuntu:18.04 back if it went; ``reset_done`` says whether the
        daemon's images are as before."""
        live = self.live
        if live is None or self.busy:
            return
        self.busy = True

        def work(job: Any) -> bool:
            live.reset(Revealed())
            return image_set(live.read()) == live.before
        self.runner.run(work, self._on_reset, self._on_failed)

    def stop(self) -> None:
        """End the live run (nothing is removed: Reset does that)."""
        self.live = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def show_daemon(self) -> None:
        """Show the practice daemon in the window (read it again)."""
        s = self.session
        s.options = dataclasses.replace(s.options, host=self.host, demo=False, snapshot=None)
        # the same daemon again keeps zoom and place; coming from another origin (the demo) is a fresh show
        self.loading.load_daemon(after_action=s.origin == Origin.DAEMON)

    def _on_started(self, live: LiveLesson) -> None:
        self.live, self.busy = live, False
        self.show_daemon()
        self.started.emit()

    def _on_performed(self, index: int, result: LiveStep) -> None:
        self.results[index], self.busy = result, False
        self.show_daemon()
        self.performed.emit(index)

    def _on_reset(self, same: bool) -> None:
        self.busy = False
        self.results = {}
        self.show_daemon()
        self.reset_done.emit(same)

    def _on_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.failed.emit(fault(exc) if not str(exc) else str(exc))
