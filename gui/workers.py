"""Background work on a QThreadPool: read the daemon or a file, analyse and lay out, off the UI thread."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from typing import Any

from model.analysis import Analysis
from model.classify import INTERMEDIATE
from model.layout import ASPECT, Layout, layout_forest
from model.plan import PRUNE, Plan
from model.snapshot import Snapshot, SnapshotError
from model.source import Cancelled, DaemonError, connect, describe_error, read_snapshot


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

    done = Signal(int, object, str)       # generation, the daemon's answer (JSON shape), "" or a failure message


def _api_error(exc: Exception) -> dict[str, Any] | None:
    import docker
    if isinstance(exc, docker.errors.APIError) and exc.response is not None:
        return {"status": exc.response.status_code, "message": exc.explanation or str(exc)}
    return None


class PerformTask(QRunnable):
    """Carry out a confirmed Plan on the daemon through the low-level API (the answer lists are kept).

    Order: remove the listed stopped containers (never forced, so a running one is refused), then
    ``DELETE /images/{ref}`` per ref, or ``POST /images/prune``.  Emits the answer in the shape
    ``Plan.compare`` reads; a lost daemon ends with a message instead."""

    def __init__(self, generation: int, host: str | None, plan: Plan) -> None:
        super().__init__()
        self.generation, self.host, self.plan = generation, host, plan
        self.signals = PerformSignals()
        self.setAutoDelete(True)

    def run(self) -> None:
        """Runs on the pool thread; never raises."""
        req = self.plan.request
        actual: Any = [] if req.action != PRUNE else None
        try:
            client = connect(self.host)
        except Exception as exc:
            self.signals.done.emit(self.generation, actual, describe_error(exc, self.host or ""))
            return
        try:
            for ctr in self.plan.containers_to_remove:
                client.api.remove_container(ctr.id, force=False)
            if req.action == PRUNE:
                try:
                    actual = client.api.prune_images(filters=req.prune_filters)
                except Exception as exc:
                    err = _api_error(exc)
                    if err is None:
                        raise
                    actual = {"error": err}
            else:
                for ref in req.refs:
                    try:
                        actual.append({"ref": ref, "response": client.api.remove_image(
                            ref, force=req.force, noprune=req.noprune)})
                    except Exception as exc:
                        err = _api_error(exc)
                        if err is None:
                            raise
                        actual.append({"ref": ref, "error": err})
            self.signals.done.emit(self.generation, actual, "")
        except Exception as exc:
            err = _api_error(exc)
            msg = err["message"] if err else describe_error(exc, self.host or "")
            self.signals.done.emit(self.generation, actual, msg)
        finally:
            client.close()
