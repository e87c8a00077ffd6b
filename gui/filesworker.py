"""The files of an image, read off the UI thread: from the snapshot that carries them, else from the daemon.

``read_files`` is the work (Qt-free, on a pool thread); ``FilesLoader`` runs it through its own TaskRunner
(a long `docker save` never holds up a reload or a delete), keeps what was read for the session (an image
ID names its content, so its files never change) and tells the panels by signals.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Mapping

from PySide6.QtCore import QObject, Signal

from model.core.errors import fault, first_line
from model.core.layerfiles import Cancelled, FilesError, LayerFiles, carried_files
from model.core.snapshot import Image, Snapshot
from model.daemon.answers import DaemonError
from model.daemon.imagesave import read_layer_files
from model.daemon.source import connect
from model.files.cache import FilesCache
from model.files.compare import Comparison, compare
from model.files.stack import ImageFiles, image_files

from .session import Origin, Session
from .tasks import Job, TaskRunner

KEPT_IMAGES = 16        # images whose files are kept in memory (the most recently used); their wasted bytes stay

# How a read can end without files: the snapshot carries no index and no daemon is behind it, the daemon
# could not give them, a fault of ours, or the user cancelled.
NO_INDEX, DAEMON_FAILED, INTERNAL, CANCELLED = "no-index", "daemon", "internal", "cancelled"


@dataclass(frozen=True)
class FilesRequest:
    """What to read: an image, the layers its snapshot carries, the layer sizes the map shows, and the daemon
    to ask for the others (``use_daemon`` False: a snapshot file or the demo, nobody to ask)."""

    image: Image
    carried: Mapping[str, LayerFiles]
    layer_sizes: Mapping[str, int]
    use_daemon: bool
    host: str | None = None


@dataclass(frozen=True)
class FilesRead:
    """What a read produced: the image's files and anything the cache had to drop on the way."""

    files: ImageFiles
    warnings: tuple[str, ...] = ()
    offline: bool = False            # every layer came from the snapshot


class FilesFailed(Exception):
    """A read that ended without files: ``kind`` (one of the kinds above) and a one-line message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


# The snapshot's own index is used when it holds every layer of the image; otherwise the daemon
# is asked (read_layer_files serves the cached layers and streams `docker save` for the rest).
# Every failure becomes one line: never a traceback, never a dialog.
def read_files(request: FilesRequest, job: Job) -> FilesRead:
    """The image's files (on a pool thread); a FilesFailed with one line when there are none."""
    image, warnings = request.image, ()
    try:
        files = carried_files(image.diff_ids, request.carried)
        offline = files is not None
        if files is None:
            if not request.use_daemon:
                raise FilesFailed(NO_INDEX, "")
            cache = FilesCache.default()
            client = connect(request.host)
            try:
                files = read_layer_files(client, image, cache, on_progress=job.report, cancelled=job.cancel.is_set)
            finally:
                client.close()
            warnings = tuple(cache.warnings)
        if job.cancel.is_set():
            raise Cancelled()
        return FilesRead(image_files(image, files, request.layer_sizes), warnings, offline)
    except FilesFailed:
        raise
    except Cancelled as exc:
        raise FilesFailed(CANCELLED, "reading the files was cancelled") from exc
    except (DaemonError, FilesError) as exc:
        raise FilesFailed(DAEMON_FAILED, first_line(exc)) from exc
    except Exception as exc:  # a fault of ours: still one line
        raise FilesFailed(INTERNAL, fault(exc)) from exc


def compare_files(a: FilesRead, b: FilesRead, image_a: Image, image_b: Image) -> Comparison:
    """The comparison of two images' files (on a pool thread); a FilesFailed with one line on a fault."""
    try:
        return compare(a.files, b.files, image_a, image_b)
    except Exception as exc:  # a fault of ours: still one line
        raise FilesFailed(INTERNAL, fault(exc)) from exc


def index_carried(snapshot: Snapshot, layer_sizes: Mapping[str, int], job: Job) -> dict[str, FilesRead]:
    """Every image whose layers the snapshot carries, with its files (on a pool thread)."""
    out: dict[str, FilesRead] = {}
    carried = snapshot.files_by_diff_id
    for image in snapshot.images:
        if job.cancel.is_set():
            break
        files = carried_files(image.diff_ids, carried)
        if files is not None:
            out[image.id] = FilesRead(image_files(image, files, layer_sizes), offline=True)
    return out


class FilesLoader(QObject):
    """Reads images' files one at a time off the UI thread and keeps them for the session: the files of the
    KEPT_IMAGES most recently used images (a layer of 100,000 entries weighs tens of MB; the others are read
    again, from the snapshot or the file-index cache, when asked), the wasted bytes of every image."""

    progress = Signal(str, int, int)      # image ID, bytes read, the image's size (an estimate of the archive)
    ready = Signal(str)                   # image ID: its files are in ``read``
    failed = Signal(str, str, str)        # image ID, kind, one-line message
    indexed = Signal()                    # the wasted-bytes figures changed (a snapshot's index, or a read)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = TaskRunner(self)
        self.read: OrderedDict[str, FilesRead] = OrderedDict()
        self.wasted_bytes: dict[str, int] = {}
        self.reading: dict[str, Job] = {}
        self.errors: dict[str, tuple[str, str]] = {}     # image ID → (kind, message) of its last failed read
        self._carried_job: Job | None = None

    # -- what is known -----------------------------------------------------------------------
    def known(self, image_id: str) -> ImageFiles | None:
        """The image's files when read this session (or carried by the snapshot and indexed)."""
        done = self.read.get(image_id)
        if done is None:
            return None
        self.read.move_to_end(image_id)
        return done.files

    def wasted(self) -> dict[str, int]:
        """Image ID → wasted bytes, for every image whose files were known this session."""
        return dict(self.wasted_bytes)

    def carries(self, image_id: str) -> bool:
        """True when the shown snapshot carries the index of every layer of the image."""
        snap = self.session.real_snapshot()
        image = snap.by_id.get(image_id) if snap is not None else None
        return image is not None and carried_files(image.diff_ids, snap.files_by_diff_id) is not None

    def can_ask_daemon(self) -> bool:
        """True when a daemon stands behind what is shown (not a snapshot file, not the demo)."""
        return self.session.origin == Origin.DAEMON

    # -- reading -----------------------------------------------------------------------------
    def request(self, image_id: str) -> bool:
        """Read the image's files unless known or being read; False when there is no such image."""
        loaded = self.session.real_loaded() or self.session.current
        if loaded is None:
            return False
        image = loaded.snapshot.by_id.get(image_id) or (
            self.session.current.snapshot.by_id.get(image_id) if self.session.current else None)
        if image is None:
            return False
        if image_id in self.read or image_id in self.reading:
            return True
        self.errors.pop(image_id, None)
        req = FilesRequest(image, loaded.snapshot.files_by_diff_id, loaded.analysis.layer_sizes,
                           use_daemon=self.can_ask_daemon(), host=self.session.options.host)
        self.reading[image_id] = self.runner.run(
            lambda job: read_files(req, job), done=lambda r: self._on_read(image_id, r),
            failed=lambda exc: self._on_failed(image_id, exc),
            progress=lambda done, total: self.progress.emit(image_id, done, total))
        return True

    def cancel(self, image_id: str) -> None:
        """Stop reading the image's files (its ``failed`` says cancelled)."""
        job = self.reading.get(image_id)
        if job is not None:
            job.cancel.set()

    def index_snapshot(self) -> None:
        """A snapshot is on screen: index, in the background, every image whose layers it carries."""
        if self._carried_job is not None:
            self._carried_job.cancel.set()
        loaded = self.session.real_loaded()
        if loaded is None or not loaded.snapshot.layer_files:
            return
        snap, sizes = loaded.snapshot, loaded.analysis.layer_sizes
        # (a fault here only leaves the WASTED column empty: each image's own read reports it in its panel)
        self._carried_job = self.runner.run(lambda job: index_carried(snap, sizes, job),
                                            done=self._on_carried, failed=lambda exc: None)

    def shutdown(self) -> None:
        """The window closes: stop every read."""
        for job in self.reading.values():
            job.cancel.set()
        if self._carried_job is not None:
            self._carried_job.cancel.set()
        self.runner.wait(5000)

    def _keep(self, image_id: str, result: FilesRead) -> None:
        self.wasted_bytes[image_id] = result.files.wasted_bytes
        self.read[image_id] = result
        self.read.move_to_end(image_id)
        while len(self.read) > KEPT_IMAGES:
            self.read.popitem(last=False)

    def _on_read(self, image_id: str, result: FilesRead) -> None:
        self.reading.pop(image_id, None)
        self._keep(image_id, result)
        self.ready.emit(image_id)
        self.indexed.emit()

    def _on_failed(self, image_id: str, exc: BaseException) -> None:
        self.reading.pop(image_id, None)
        kind, message = (exc.kind, exc.message) if isinstance(exc, FilesFailed) else (INTERNAL, fault(exc))
        self.errors[image_id] = (kind, message)
        self.failed.emit(image_id, kind, message)

    def _on_carried(self, found: dict[str, FilesRead]) -> None:
        self._carried_job = None
        fresh = [i for i in found if i not in self.wasted_bytes]
        for image_id in fresh:
            self._keep(image_id, found[image_id])
        for image_id in fresh:
            if image_id in self.read:
                self.ready.emit(image_id)
        if fresh:
            self.indexed.emit()
