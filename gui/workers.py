"""The work that runs off the UI thread (through gui.tasks): read and prepare a snapshot (and the provisional ones
a daemon read hands out on the way), perform a delete."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from model.commands.command import DeleteCommand
from model.commands.perform import Performed
from model.core.analysis import Analysis
from model.core.classify import INTERMEDIATE, same_images
from model.core.errors import fault, first_line
from model.core.layout import ASPECT, Layout, layout_forest
from model.core.snapshot import Snapshot, SnapshotError
from model.engine.plan import Predictor
from model.daemon.source import Cancelled, DaemonError, connect, open_link, read_snapshot
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
    provisional: str = ""  # "" when complete; else shown while the daemon is read (source.EARLY_LAST / EARLY_LISTED)
    predictor: Predictor = field(init=False)     # the rmi previews on this snapshot (one working copy, forked)

    def __post_init__(self) -> None:
        self.predictor = Predictor(self.snapshot)


def hidden_images(analysis: Analysis, show_intermediates: bool) -> frozenset[str]:
    """The images the graph leaves out: the intermediate ones, unless shown (like `docker images -a`)."""
    if show_intermediates:
        return frozenset()
    return frozenset(i for i, st in analysis.status.items() if st.status == INTERMEDIATE)


def layout_for(analysis: Analysis, show_intermediates: bool, aspect: float = ASPECT) -> Layout:
    """The layout without the hidden images; separate trees are packed into bands about ``aspect`` times as
    wide as tall (the view's shape)."""
    return layout_forest(analysis.graph, hidden_images=hidden_images(analysis, show_intermediates), aspect=aspect)


def analyse(snapshot: Snapshot, previous: Analysis | None = None) -> Analysis:
    """The snapshot's analysis with the caches the layer map reads already filled (off the UI thread); built
    from ``previous`` (an earlier state of the same daemon) where the change allows (Analysis.following).

    The table's and the chart's figures (image_sizes, totals) are left to be made when first read: the map is
    painted before the table is filled (ViewsController.show), so on a large host it shows that much sooner."""
    analysis = Analysis(snapshot) if previous is None else previous.following(snapshot)
    analysis.status, analysis.layer_use  # noqa: B018 (warm the caches here, not in the UI)
    return analysis


def prepare(snapshot: Snapshot, origin: str, show_intermediates: bool = False, aspect: float = ASPECT) -> Loaded:
    """Compute everything the views need (graph, statuses, sizes, layout) — Qt-free, runs in a worker."""
    analysis = analyse(snapshot)
    return Loaded(snapshot, analysis, layout_for(analysis, show_intermediates, aspect), origin)


# Incremental layout.  A live event mostly moves tags, and a fresh read mostly finds
# the forest its provisional snapshot had: the forest then keeps the same nodes,
# edges and hidden intermediates, and the previous layout is reused as it is
# (nothing moves on screen, no layout is computed, the view relabels its items);
# any other change lays the forest out again.
def prepare_incremental(previous: Loaded | None, snapshot: Snapshot, show_intermediates: bool = False,
                        aspect: float = ASPECT, origin: str = "daemon") -> Loaded:
    """What the window needs to show ``snapshot``, reusing ``previous``'s layout where it fits (off the UI thread)."""
    analysis = analyse(snapshot, previous.analysis if previous is not None else None)
    layout = None
    if previous is not None:
        g0, g1 = previous.analysis.graph, analysis.graph
        hidden = hidden_images(analysis, show_intermediates)
        if ((same_images(previous.snapshot, snapshot)          # the same forest, without comparing it
             or (g0.number_of_nodes() == g1.number_of_nodes() and g0.number_of_edges() == g1.number_of_edges()
                 and set(g0.nodes) == set(g1.nodes) and set(g0.edges) == set(g1.edges)))
                and hidden_images(previous.analysis, show_intermediates) == hidden):
            layout = previous.layout
    return Loaded(snapshot, analysis, layout or layout_for(analysis, show_intermediates, aspect), origin)


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
    provisional: bool = False            # a daemon read hands out provisional snapshots on its way (Provisional)


class Provisional:
    """Prepares the provisional snapshots of a daemon read and hands them to the UI thread (``Job.partial``).

    Runs on the reading thread, which waits until the UI thread has shown each one: both are Python, and one
    interpreter lock shared by two busy threads would make the first paint wait for half the read; and so the
    reader's own pacing (at most a share of the read spent on provisional snapshots) counts the showing too.
    One arriving while the previous is still being shown is skipped, not even prepared.  Each reuses the layout
    of the one before where the forest is the same, and so does the final snapshot, so the view relabels its
    items in place."""

    SHOWN_WAIT = 5.0        # seconds the read waits at most for one to be shown

    def __init__(self, request: LoadRequest, job: Job) -> None:
        self.request, self.job = request, job
        self.last: Loaded | None = None          # the last one handed over
        self.busy = threading.Lock()             # held while one is prepared (the reader calls from its fetchers)

    def __call__(self, snapshot: Snapshot, kind: str) -> None:
        """The reader's ``early`` callback: prepare ``snapshot`` and send it, unless the previous is still shown."""
        if self.job.cancel.is_set() or not self.job.ready() or not self.busy.acquire(blocking=False):
            return
        try:
            loaded = self.prepare(snapshot)
            loaded.provisional = kind
            self.last = loaded
            self.job.partial(loaded)
        except Exception:  # a provisional view must not cost the read: the final one's prepare reports a fault
            return
        finally:
            self.busy.release()
        self.job.wait_taken(self.SHOWN_WAIT)

    def prepare(self, snapshot: Snapshot) -> Loaded:
        """``snapshot`` prepared for the views, on the layout of the last one handed over where it fits."""
        r = self.request
        return prepare_incremental(self.last, snapshot, r.show_intermediates, r.aspect, r.origin)


def _read(request: LoadRequest, job: Job, early: Provisional | None = None) -> Snapshot:
    """The snapshot file, or the daemon's images (the provisional ones go to ``early`` on the way)."""
    if request.path is not None:
        return Snapshot.load(request.path)
    link = open_link(request.host)
    try:
        return read_snapshot(link, progress=job.report, cancel=job.cancel, early=early)
    finally:
        link.close()


# Every failure is named for what it is.  A file's problem is the file's (never the daemon's); of a
# daemon, only a connection that could not be made is "no daemon" (the demo may stand in), while a
# daemon that answered badly or too slowly is an error of that daemon; anything else is our own fault.
def load(request: LoadRequest, job: Job) -> Loaded:
    """Read and prepare a snapshot (on a pool thread); every failure becomes a LoadFailed with a one-line message."""
    from_file = request.path is not None
    early = Provisional(request, job) if request.provisional and not from_file else None
    try:
        snap = _read(request, job, early)
        if job.cancel.is_set():
            raise Cancelled()
        if early is not None:
            return early.prepare(snap)
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
