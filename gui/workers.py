"""Background work on a QThreadPool: read the daemon or a file, analyse and lay out, off the UI thread."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from model.analysis import Analysis
from model.layout import Layout, layout_forest
from model.snapshot import Snapshot, SnapshotError
from model.source import Cancelled, DaemonError, connect, read_snapshot


@dataclass
class Loaded:
    """What a load produces: the snapshot, its analysis (warmed up) and the layout."""

    snapshot: Snapshot
    analysis: Analysis
    layout: Layout
    origin: str            # daemon | file | demo


def prepare(snapshot: Snapshot, origin: str) -> Loaded:
    """Compute everything the views need (graph, statuses, sizes, layout) — Qt-free, runs in a worker."""
    analysis = Analysis(snapshot)
    analysis.status, analysis.image_sizes, analysis.totals  # noqa: B018 (warm the caches here, not in the UI)
    return Loaded(snapshot, analysis, layout_forest(analysis.graph), origin)


class LoadSignals(QObject):
    """Signals of a LoadTask (a QRunnable cannot carry signals itself)."""

    progress = Signal(int, int, int)      # generation, done, total
    loaded = Signal(int, object)          # generation, Loaded
    failed = Signal(int, str, str)        # generation, kind ("daemon" | "snapshot" | "cancelled"), message


class LoadTask(QRunnable):
    """Read a snapshot (file, or daemon at ``host``) and prepare it; results go out as queued signals."""

    def __init__(self, generation: int, host: str | None = None, path: str | None = None,
                 origin: str = "daemon") -> None:
        super().__init__()
        self.generation = generation
        self.host = host
        self.path = path
        self.origin = origin
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
            sig.loaded.emit(gen, prepare(snap, self.origin))
        except SnapshotError as exc:
            sig.failed.emit(gen, "snapshot", str(exc))
        except DaemonError as exc:
            sig.failed.emit(gen, "daemon", str(exc))
        except Cancelled:
            sig.failed.emit(gen, "cancelled", "loading cancelled")
        except Exception as exc:  # anything else still becomes a message, never a traceback
            sig.failed.emit(gen, "daemon", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
