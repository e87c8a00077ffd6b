"""The one way work leaves the UI thread: a QThreadPool wrapper whose results come back on the UI thread.

Reading a snapshot and performing a delete both run here.  The pool has one thread, so a delete never
races a read.  The work function gets a ``Job`` (its cancel flag and a progress reporter); what it returns
or raises travels back through queued signals of the runner, a QObject living on the UI thread, and is
handed to the callbacks given with the job.
"""
from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progress = Callable[[int, int], None]


@dataclass
class Job:
    """One piece of work: its number, its cancel flag, and how it reports progress (from the worker)."""

    number: int
    report: Callable[[int, int], None]
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass
class _Callbacks:
    done: Done
    failed: Failed | None
    progress: Progress | None


class _Runnable(QRunnable):
    """Runs ``work(job)`` on a pool thread and hands the outcome to the runner's signals; never raises."""

    def __init__(self, runner: "TaskRunner", job: Job, work: Callable[[Job], Any]) -> None:
        super().__init__()
        self.runner, self.job, self.work = runner, job, work
        self.setAutoDelete(True)

    def run(self) -> None:
        """Runs on the pool thread."""
        try:
            result = self.work(self.job)
        except Exception as exc:  # the callbacks decide what the user sees
            self.runner.failed.emit(self.job.number, exc)
        else:
            self.runner.finished.emit(self.job.number, result)


class TaskRunner(QObject):
    """Runs work off the UI thread, one job at a time, and calls back on the UI thread."""

    progress = Signal(int, int, int)      # job number, done, total
    finished = Signal(int, object)        # job number, what the work returned
    failed = Signal(int, object)          # job number, the exception it raised

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._count = 0
        self._waiting: dict[int, _Callbacks] = {}
        queued = Qt.ConnectionType.QueuedConnection
        self.progress.connect(self._on_progress, queued)
        self.finished.connect(self._on_finished, queued)
        self.failed.connect(self._on_failed, queued)

    def run(self, work: Callable[[Job], Any], done: Done, failed: Failed | None = None,
            progress: Progress | None = None) -> Job:
        """Start ``work(job)`` in the pool; ``done(result)`` / ``failed(exc)`` / ``progress(n, total)`` on the UI thread."""
        self._count += 1
        number = self._count
        job = Job(number, report=lambda n, total: self.progress.emit(number, n, total))
        self._waiting[number] = _Callbacks(done, failed, progress)
        self.pool.start(_Runnable(self, job, work))
        return job

    def wait(self, msecs: int) -> bool:
        """Block until the running jobs are over (at most ``msecs``); True when they are."""
        return self.pool.waitForDone(msecs)

    def _on_progress(self, number: int, done: int, total: int) -> None:
        callbacks = self._waiting.get(number)
        if callbacks is not None and callbacks.progress is not None:
            callbacks.progress(done, total)

    def _on_finished(self, number: int, result: Any) -> None:
        callbacks = self._waiting.pop(number, None)
        if callbacks is not None:
            callbacks.done(result)

    def _on_failed(self, number: int, exc: BaseException) -> None:
        callbacks = self._waiting.pop(number, None)
        if callbacks is not None and callbacks.failed is not None:
            callbacks.failed(exc)
        else:                      # nobody expects it: the app's excepthook shows it in the banner
            sys.excepthook(type(exc), exc, exc.__traceback__)
