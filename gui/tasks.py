"""The one way work leaves the UI thread: a QThreadPool wrapper whose results come back on the UI thread.

Reading a snapshot and performing a delete both run here.  The pool has one thread, so a delete never
races a read.  The work function gets a ``Job`` (its cancel flag, a progress reporter and a channel for
intermediate results, ``Job.partial``); what it sends, returns or raises travels back through queued signals
of the runner, a QObject living on the UI thread, and is handed to the callbacks given with the job.
"""
from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progress = Callable[[int, int], None]
Partial = Callable[[Any], None]


# Intermediate results.  A job may hand the UI thread what it has so far (a provisional
# snapshot while the daemon is still being read) with ``partial(obj)``; one is in flight
# until the UI thread's callback has returned.  ``ready()`` says whether the last one was
# taken, so a worker that produces them faster than the UI shows them skips the ones in
# between (and does not even prepare them) instead of queueing them up.
@dataclass
class Job:
    """One piece of work: its number, its cancel flag, how it reports progress and sends partial results."""

    number: int
    report: Callable[[int, int], None]
    cancel: threading.Event = field(default_factory=threading.Event)
    send: Callable[[Any], None] = lambda obj: None
    taken: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.taken.set()                # nothing in flight yet

    def ready(self) -> bool:
        """True when the UI thread has taken the last partial result (or none was sent)."""
        return self.taken.is_set()

    def partial(self, obj: Any) -> None:
        """Hand ``obj`` to the job's ``partial`` callback on the UI thread (from the worker)."""
        self.taken.clear()
        self.send(obj)

    def wait_taken(self, timeout: float) -> bool:
        """Block the worker until the UI thread has taken the last partial result; False when the job was
        cancelled or ``timeout`` seconds passed first."""
        end = time.monotonic() + timeout
        while not self.taken.wait(0.05):
            if self.cancel.is_set() or time.monotonic() >= end:
                return False
        return True


@dataclass
class _Callbacks:
    done: Done
    failed: Failed | None
    progress: Progress | None
    partial: Partial | None = None
    job: Job | None = None


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
    partial = Signal(int, object)         # job number, an intermediate result (Job.partial)

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
        self.partial.connect(self._on_partial, queued)

    def run(self, work: Callable[[Job], Any], done: Done, failed: Failed | None = None,
            progress: Progress | None = None, partial: Partial | None = None) -> Job:
        """Start ``work(job)`` in the pool; ``done(result)`` / ``failed(exc)`` / ``progress(n, total)`` /
        ``partial(obj)`` on the UI thread."""
        self._count += 1
        number = self._count
        job = Job(number, report=lambda n, total: self.progress.emit(number, n, total),
                  send=lambda obj: self.partial.emit(number, obj))
        self._waiting[number] = _Callbacks(done, failed, progress, partial, job)
        self.pool.start(_Runnable(self, job, work))
        return job

    def wait(self, msecs: int) -> bool:
        """Block until the running jobs are over (at most ``msecs``); True when they are."""
        return self.pool.waitForDone(msecs)

    def _on_progress(self, number: int, done: int, total: int) -> None:
        callbacks = self._waiting.get(number)
        if callbacks is not None and callbacks.progress is not None:
            callbacks.progress(done, total)

    def _on_partial(self, number: int, obj: Any) -> None:
        callbacks = self._waiting.get(number)
        if callbacks is None:
            return
        try:
            if callbacks.partial is not None:
                callbacks.partial(obj)
        finally:
            callbacks.job.taken.set()

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
