"""Background work on a QThreadPool: read the daemon or a file, analyse and lay out, off the UI thread."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from model.core.analysis import Analysis
from model.core.classify import INTERMEDIATE
from model.core.layout import ASPECT, Layout, layout_forest
from model.commands.deletelog import DeleteLog
from model.commands.perform import WINDOW, Performed, perform
from model.engine.plan import Plan
from model.core.snapshot import Snapshot, SnapshotError
from model.daemon.source import Cancelled, DaemonError, connect, describe_error, read_snapshot


@dataclass
class Loaded:
    """What a load produces: the snapshot, its analysis (warmed up) and the layout."""

    snapshot: Snapshot
    analysis: Analysis
    layout: Layout
    origin: str            # daemon | file | demo


def layout_for(analysis: Analysis, show_intermediates: bool, aspect: float = ASPECT) -> Layout:
    """The layout, leaving out intermediate images unless ``show_intermediates`` (like `docker images -a`);
    separate trees are packed into bands about ``aspect`` times as wide as tall (the view's shape)."""
    hidden = frozenset() if show_intermediates else \
        frozenset(i for i, st in analysis.status.items() if st.status == INTERMEDIATE)
    return layout_forest(analysis.graph, hidden_images=hidden, aspect=aspect)


def prepare(snapshot: Snapshot, origin: str, show_intermediates: bool = False, aspect: float = ASPECT) -> Loaded:
    """Compute everything the views need (graph, statuses, sizes, layout) — Qt-free, runs in a worker."""
    analysis = Analysis(snapshot)
    analysis.status, analysis.image_sizes, analysis.totals  # noqa: B018 (warm the caches here, not in the UI)
    return Loaded(snapshot, analysis, layout_for(analysis, show_intermediates, aspect), origin)


class LoadSignals(QObject):
    """Signals of a LoadTask (a QRunnable cannot carry signals itself)."""

    progress = Signal(int, int, int)      # generation, done, total
    loaded = Signal(int, object)          # generation, Loaded
    failed = Signal(int, str, str)        # generation, kind ("daemon" | "snapshot" | "cancelled"), message


class LoadTask(QRunnable):
    """Read a snapshot (file, or daemon at ``host``) and prepare it; results go out as queued signals."""

    def __init__(self, generation: int, host: str | None = None, path: str | None = None,
                 origin: str = "daemon", show_intermediates: bool = False, aspect: float = ASPECT) -> None:
        super().__init__()
        self.generation = generation
        self.host = host
        self.path = path
        self.origin = origin
        self.show_intermediates = show_intermediates
        self.aspect = aspect
        self.cancel = threading.Event()
        self.signals = LoadSignals()
        self.setAutoDelete(True)

    def run(self) -> None:
        """Runs on the pool thread; never raises."""
        gen, sig = self.generation, self.signals
        try:
            if self.path is not None:
                snap = Snapshot.load(self.path)
            else:
                client = connect(self.host)
                try:
                    snap = read_snapshot(client, progress=lambda d, t: sig.progress.emit(gen, d, t),
                                         cancel=self.cancel)
                finally:
                    client.close()
            if self.cancel.is_set():
                raise Cancelled()
            sig.loaded.emit(gen, prepare(snap, self.origin, self.show_intermediates, self.aspect))
        except SnapshotError as exc:
            sig.failed.emit(gen, "snapshot", str(exc))
        except DaemonError as exc:
            sig.failed.emit(gen, "daemon", str(exc))
        except Cancelled:
            sig.failed.emit(gen, "cancelled", "loading cancelled")
        except Exception as exc:  # anything else still becomes a message, never a traceback
            sig.failed.emit(gen, "daemon", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


class PerformSignals(QObject):
    """Signals of a PerformTask."""

    done = Signal(int, object)            # generation, model.commands.perform.Performed


class PerformTask(QRunnable):
    """Carry out a confirmed Plan through model.perform (the CLI's path too), off the UI thread.

    The daemon is read again first and the plan refused unless its prediction is unchanged;
    the result (refused, or sent and compared) is recorded in the delete log."""

    def __init__(self, generation: int, host: str | None, plan: Plan, log: DeleteLog) -> None:
        super().__init__()
        self.generation, self.host, self.plan, self.log = generation, host, plan, log
        self.signals = PerformSignals()
        self.setAutoDelete(True)

    def run(self) -> None:
        """Runs on the pool thread; never raises."""
        try:
            client = connect(self.host)
        except Exception as exc:
            self.signals.done.emit(self.generation, Performed(self.plan, failure=describe_error(exc, self.host or "")))
            return
        try:
            done = perform(client, self.plan, self.log, WINDOW, fresh=lambda: read_snapshot(client))
        except Exception as exc:        # the re-read failed: nothing was sent
            done = Performed(self.plan, failure=describe_error(exc, self.host or ""))
        finally:
            client.close()
        self.signals.done.emit(self.generation, done)
