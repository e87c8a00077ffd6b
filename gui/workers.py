"""The work that runs off the UI thread (through gui.tasks): read and prepare a snapshot, perform a delete."""
from __future__ import annotations

from dataclasses import dataclass

from model.commands.command import DeleteCommand
from model.commands.perform import Performed
from model.core.analysis import Analysis
from model.core.classify import INTERMEDIATE
from model.core.errors import fault, first_line
from model.core.layout import ASPECT, Layout, layout_forest
from model.core.snapshot import Snapshot, SnapshotError
from model.daemon.source import Cancelled, DaemonError, connect, read_snapshot
from model.daemon.transport import DaemonUnreachable, describe_error

from .tasks import Job

# How a load can fail: no daemon to connect to (the demo may stand in), a daemon that answered badly or too
# slowly, a snapshot file that cannot be opened, a fault of our own, or cancelled by a newer load.
UNREACHABLE, DAEMON_FAILED, SNAPSHOT_FAILED, INTERNAL, CANCELLED = (
    "unreachable", "daemon", "snapshot", "internal", "cancelled")


@dataclass
class Loaded:
    """What a load produces: the snapshot, its analysis (warmed up) and the layout."""

    snapshot: Snapshot
    analysis: Analysis
    layout: Layout
    origin: str            # daemon | file | demo


def hidden_images(analysis: Analysis, show_intermediates: bool) -> frozenset[str]:
    """The images the graph leaves out: the intermediate ones, unless shown (like `docker images -a`)."""
    if show_intermediates:
        return frozenset()
    return frozenset(i for i, st in analysis.status.items() if st.status == INTERMEDIATE)


def layout_for(analysis: Analysis, show_intermediates: bool, aspect: float = ASPECT) -> Layout:
    """The layout without the hidden images; separate trees are packed into bands about ``aspect`` times as
    wide as tall (the view's shape)."""
    return layout_forest(analysis.graph, hidden_images=hidden_images(analysis, show_intermediates), aspect=aspect)


def analyse(snapshot: Snapshot) -> Analysis:
    """The snapshot's analysis with the caches the views read already filled (off the UI thread)."""
    analysis = Analysis(snapshot)
    analysis.status, analysis.image_sizes, analysis.totals  # noqa: B018 (warm the caches here, not in the UI)
    return analysis


def prepare(snapshot: Snapshot, origin: str, show_intermediates: bool = False, aspect: float = ASPECT) -> Loaded:
    """Compute everything the views need (graph, statuses, sizes, layout) — Qt-free, runs in a worker."""
    analysis = analyse(snapshot)
    return Loaded(snapshot, analysis, layout_for(analysis, show_intermediates, aspect), origin)


class LoadFailed(Exception):
    """A load that ended without a snapshot: ``kind`` (one of the kinds above) and a one-line message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


@dataclass(frozen=True)
class LoadRequest:
    """What to read: a snapshot file (``path``) or the daemon at ``host``, and how to lay it out."""

    origin: str                          # daemon | file | demo
    host: str | None = None
    path: str | None = None
    show_intermediates: bool = False
    aspect: float = ASPECT


def _read(request: LoadRequest, job: Job) -> Snapshot:
    """The snapshot file, or the daemon's images."""
    if request.path is not None:
        return Snapshot.load(request.path)
    client = connect(request.host)
    try:
        return read_snapshot(client, progress=job.report, cancel=job.cancel)
    finally:
        client.close()


# Every failure is named for what it is.  A file's problem is the file's (never the daemon's); of a
# daemon, only a connection that could not be made is "no daemon" (the demo may stand in), while a
# daemon that answered badly or too slowly is an error of that daemon; anything else is our own fault.
def load(request: LoadRequest, job: Job) -> Loaded:
    """Read and prepare a snapshot (on a pool thread); every failure becomes a LoadFailed with a one-line message."""
    from_file = request.path is not None
    try:
        snap = _read(request, job)
        if job.cancel.is_set():
            raise Cancelled()
        return prepare(snap, request.origin, request.show_intermediates, request.aspect)
    except Cancelled as exc:
        raise LoadFailed(CANCELLED, "loading cancelled") from exc
    except DaemonUnreachable as exc:
        raise LoadFailed(UNREACHABLE, first_line(exc)) from exc
    except (DaemonError, SnapshotError) as exc:
        raise LoadFailed(SNAPSHOT_FAILED if from_file else DAEMON_FAILED, first_line(exc)) from exc
    except Exception as exc:  # a fault of ours: still a message, never a traceback, never "no daemon"
        raise LoadFailed(INTERNAL, fault(exc)) from exc


def perform_delete(command: DeleteCommand, host: str | None) -> Performed:
    """Send a confirmed command to the daemon at ``host`` (on a pool thread); never raises.

    The command re-reads the daemon first and refuses unless its prediction is unchanged; the result
    (refused, or sent and compared) is recorded in the delete log by the command."""
    try:
        client = connect(host)
    except Exception as exc:
        return Performed(command.plan, failure=describe_error(exc, host or ""))
    try:
        return command.perform(client, fresh=lambda: read_snapshot(client))
    except Exception as exc:        # the re-read failed: nothing was sent
        return Performed(command.plan, failure=describe_error(exc, host or ""))
    finally:
        client.close()
