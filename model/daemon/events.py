"""Live updates: follow the daemon's /events and keep a Snapshot current without full reloads (Qt-free)."""
from __future__ import annotations

import collections
import datetime as _dt
import queue
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ..core.chain import short_id
from ..core.snapshot import STORE_GRAPHDRIVER, Container, Image, Snapshot
from . import answers
from .containers import containers_from_api, list_containers
from .source import (DaemonError, EngineSizes, clean_refs, consistent, image_from_api, list_images, listed_fields,
                     podman_normalize, read_image)

if TYPE_CHECKING:          # the SDK is imported when following starts, not when the window does
    import docker

Event = dict[str, Any]
ClientFactory = Callable[[], "docker.DockerClient"]

CONNECTED, DISCONNECTED, STOPPED = "connected", "disconnected", "stopped"
BACKOFF_FIRST, BACKOFF_MAX = 0.2, 2.0
EVENT_FILTERS = {"type": ["image", "container"]}

# Events that change what a Snapshot holds.  Image events of the classic store
# carry Actor.ID = image ID (for untag even Actor.Attributes.name is the ID);
# container events matter for the container list (and a container's Image
# column, which shows the ID once its tag has moved).
IMAGE_ACTIONS = frozenset({"tag", "untag", "delete", "load", "import", "pull", "build", "commit", "save", "push"})
CONTAINER_ACTIONS = frozenset({"create", "destroy", "start", "die", "commit", "rename", "pause", "unpause",
                               "kill", "stop", "restart", "update"})
# Image events a snapshot can absorb by re-reading that one image (see apply_event).
PATCH_ACTIONS = frozenset({"tag", "untag", "delete"})


def checked_event(event: Any) -> Event:
    """An event of the /events stream checked like every daemon answer (DaemonError naming the problem)."""
    return answers.checked(answers.EVENT_SPEC, event, "GET /events")


def is_relevant(event: Event) -> bool:
    """True when the (checked) event can change images, tags or containers."""
    kind, action = event["Type"], event["Action"] or event["status"]
    action = action.split(":", 1)[0]          # "exec_start: sh" style actions carry a suffix
    return (kind == "image" and action in IMAGE_ACTIONS) or (kind == "container" and action in CONTAINER_ACTIONS)


def event_time(event: Event) -> float:
    """The daemon's timestamp of a (checked) event, in seconds since the epoch."""
    return event["timeNano"] / 1e9 if event["timeNano"] else float(event["time"])


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _containers(client: docker.DockerClient, images: tuple[Image, ...], previous: Snapshot) -> tuple[Container, ...]:
    # the same construction as model.daemon.source.read_snapshot
    from .sdk import sdk_get
    get = sdk_get(client)
    return containers_from_api(list_containers(get), images, previous.info, get, previous)


def _with_listed(img: Any, listed: dict[str, Any]) -> Any:
    """The image with what its list entry says now (refs; on the containerd store manifests and sizes)."""
    if all(getattr(img, k) == v for k, v in listed.items()):
        return img
    values = {k: getattr(img, k) for k in img.__dataclass_fields__}
    values.update(listed)
    return type(img)(**values)


# Incremental refresh.  One /images/json?all=1 gives every image ID with its
# current tags and digests; one /containers/json?all=1 gives the containers.
# Inspect + history (immutable per content-addressed ID) are read only for IDs
# the snapshot does not hold yet, and for images whose Parent chain ran through
# an image that vanished (the daemon then forgets the parent link, and history
# rows of removed ancestors turn "<missing>").  Images the list no longer has
# are dropped.  Built exactly as model.daemon.source.read_snapshot builds it, so the
# result equals a full read apart from taken_at.
def refresh_incremental(snapshot: Snapshot, client: docker.DockerClient) -> Snapshot:
    """Re-list images and containers and read only new images: equal to a full read except taken_at."""
    from .sdk import sdk_get
    get = sdk_get(client)
    listed = list_images(get, client.api._version)
    sizes = EngineSizes.read(get, snapshot.info)
    old = snapshot.by_id
    listed_ids = {s["Id"] for s in listed}
    vanished = set(old) - listed_ids
    stale: set[str] = set()
    if vanished:
        for image_id in listed_ids & set(old):
            parent, seen = old[image_id].parent, set()
            while parent and parent not in seen:
                if parent in vanished:
                    stale.add(image_id)
                    break
                seen.add(parent)
                parent = old[parent].parent if parent in old else ""
    warnings: list[str] = []
    images = []
    for summary in listed:
        image_id = summary["Id"]
        if image_id in old and image_id not in stale:
            known = {m.id: m.diff_ids for m in old[image_id].manifests}
            images.append(_with_listed(old[image_id], listed_fields(summary, sizes, known)))
            continue
        got = read_image(get, image_id, summary, client.api._version)
        if got is None:
            warnings.append(f"image {short_id(image_id)} was removed while loading")
            continue
        if snapshot.info.engine == "podman":
            got = podman_normalize(*got)
        images.append(image_from_api(summary, *got, sizes))
    images = tuple(images)
    return consistent(Snapshot(info=snapshot.info, images=images, containers=_containers(client, images, snapshot),
                               taken_at=_now(), source="daemon", warnings=tuple(warnings),
                               layers_size=sizes.layers_size))


# Applying one event.  Classic-store tag/untag/delete events name the image
# (Actor.ID): inspecting that one image gives its complete current RepoTags and
# RepoDigests (the same refstore lists /images/json shows), or 404 when it is
# gone.  A tag can move from another image without an untag event, so the
# image's refs are removed from every other image.  The container list is read
# too (one cheap call: a container's Image column changes when its tag moves).
# That costs two calls whatever the number of images; any other relevant event,
# an image the snapshot does not hold, or another image store, takes the
# list-based refresh_incremental.
def apply_event(snapshot: Snapshot, client: docker.DockerClient, event: Event) -> Snapshot:
    """The snapshot after one daemon event (checked here), re-reading only what it can have changed."""
    event = checked_event(event)
    if not is_relevant(event):
        return snapshot
    image_id = event["Actor"]["ID"] or event["id"]
    if (event["Type"] == "image" and event["Action"] in PATCH_ACTIONS
            and snapshot.info.image_store == STORE_GRAPHDRIVER and image_id in snapshot.by_id):
        return _patch_image(snapshot, client, image_id)
    return refresh_incremental(snapshot, client)


def _patch_image(snapshot: Snapshot, client: docker.DockerClient, image_id: str) -> Snapshot:
    # (through the SDK's inspect_image, which tests/daemon/test_events.py counts; its answer is checked here)
    from docker.errors import APIError
    request = answers.request_line("GET", f"/images/{image_id}/json")
    try:
        inspect = answers.checked(answers.INSPECT_SPEC, client.api.inspect_image(image_id), request)
    except APIError as exc:          # 404, or an image whose delete is under way
        if not answers.is_gone(exc.response.status_code if exc.response is not None else 0,
                               {"message": exc.explanation or ""}):
            raise
        inspect = None
    if inspect is not None:
        answers.same_id(inspect, image_id, request)
    if inspect is None:
        images = tuple(i for i in snapshot.images if i.id != image_id)
        if any(i.parent == image_id for i in images):     # not possible in the classic store; be exact anyway
            return refresh_incremental(snapshot, client)
    else:
        tags, digests = clean_refs(inspect["RepoTags"]), clean_refs(inspect["RepoDigests"])
        mine = set(tags) | set(digests)
        images = tuple(_with_listed(i, dict(repo_tags=tags, repo_digests=digests)) if i.id == image_id else
                       _with_listed(i, dict(repo_tags=tuple(t for t in i.repo_tags if t not in mine),
                                            repo_digests=tuple(d for d in i.repo_digests if d not in mine)))
                       if mine.intersection(i.repo_tags + i.repo_digests) else i
                       for i in snapshot.images)
    containers = _containers(client, images, snapshot)
    return snapshot.replace(images=images, containers=containers, taken_at=_now(), source="daemon", warnings=())


# Following /events.  One loop, run in a thread the caller provides: connect
# (client_factory + ping), subscribe with type filters, hand each decoded event
# to on_event.  When the stream ends or fails (daemon stopped or restarted) the
# state goes "disconnected" and the loop reconnects with exponential backoff
# (0.2 s doubling to 2 s), then reports "connected" again.  Each subscription
# asks for events `since` the last one seen (or the moment of connecting), so a
# change made while the stream was being set up is not lost; events replayed
# twice are dropped by their (time, type, action, ID) key.  stop() closes the
# stream from any thread.
class EventFollower:
    """Follow the daemon's image and container events, reconnecting when the daemon goes away."""

    def __init__(self, client_factory: ClientFactory, on_event: Callable[[Event], Any],
                 on_state: Callable[[str], Any] | None = None, filters: dict[str, Any] | None = None) -> None:
        self.client_factory = client_factory
        self.on_event = on_event
        self.on_state = on_state or (lambda state: None)
        self.filters = filters or EVENT_FILTERS
        self.state = ""
        self.connects = 0
        self.last_error = ""
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._stream: Any = None
        self._client: docker.DockerClient | None = None
        self._last_nano = 0
        self._recent: collections.deque = collections.deque(maxlen=512)
        self._recent_keys: set = set()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.on_state(state)

    def _since(self) -> str:
        nano = self._last_nano or time.time_ns()
        return f"{nano // 10**9}.{nano % 10**9:09d}"

    def _seen(self, event: Event) -> bool:
        key = (event["timeNano"], event["Type"], event["Action"], event["Actor"]["ID"])
        if key in self._recent_keys:
            return True
        if len(self._recent) == self._recent.maxlen:
            self._recent_keys.discard(self._recent[0])
        self._recent.append(key)
        self._recent_keys.add(key)
        return False

    def run(self) -> None:
        """Follow events until stop(); blocks (call it in a thread)."""
        delay = BACKOFF_FIRST
        while not self._stop.is_set():
            try:
                since = self._since()
                client = self.client_factory()
                client.api.ping()
                stream = client.api.events(since=since, filters=self.filters, decode=True)
                with self._lock:
                    self._client, self._stream = client, stream
                if self._stop.is_set():
                    break
                self.connects += 1
                self._set_state(CONNECTED)
                delay = BACKOFF_FIRST
                for raw in stream:
                    if self._stop.is_set():
                        break
                    try:
                        event = checked_event(raw)
                    except DaemonError as exc:    # a malformed event is skipped, and remembered
                        self.last_error = str(exc)
                        continue
                    if self._seen(event):
                        continue
                    self._last_nano = max(self._last_nano, event["timeNano"])
                    try:
                        self.on_event(event)
                    except Exception as exc:      # a consumer's bug must not end the follow loop
                        self.last_error = f"on_event: {type(exc).__name__}: {exc}"
                self.last_error = self.last_error or "event stream ended"
            except Exception as exc:              # refused, socket gone, reset, TLS …: reconnect
                self.last_error = f"{type(exc).__name__}: {exc}"
            finally:
                self._close()
            if self._stop.is_set():
                break
            self._set_state(DISCONNECTED)
            self._stop.wait(delay)
            delay = min(delay * 2, BACKOFF_MAX)
        self._set_state(STOPPED)

    def _close(self) -> None:
        with self._lock:
            stream, client = self._stream, self._client
            self._stream = self._client = None
        for closer in (getattr(stream, "close", None), getattr(client, "close", None)):
            if closer is not None:
                try:
                    closer()
                except Exception:
                    pass

    def stop(self) -> None:
        """End the loop: close the stream so run() returns promptly."""
        self._stop.set()
        self._close()


@dataclass(frozen=True)
class Published:
    """One snapshot LiveSnapshot published, with when and which events it covers."""

    snapshot: Snapshot
    at: float                   # time.time() of publication
    last_event: float           # daemon time of the newest event applied (0 for a resync)
    events: int                 # how many events this update absorbed


# Keeping a snapshot live: the follower thread only queues events; an applier
# thread drains the queue, so a burst of events (a classic build emits dozens)
# is absorbed by one refresh: patchable image events are applied one by one
# (two calls each), anything else triggers one refresh_incremental for the whole
# batch.  After a reconnect the snapshot is resynchronised (events may have been
# missed while the daemon was away).  read_snapshot is never called here.
class LiveSnapshot:
    """A snapshot kept current from the daemon's events by incremental refreshes."""

    def __init__(self, client_factory: ClientFactory, snapshot: Snapshot,
                 on_snapshot: Callable[[Published], Any] | None = None,
                 on_state: Callable[[str], Any] | None = None, patch: bool = True) -> None:
        self.client_factory = client_factory
        self.patch = patch                    # False: every update re-lists (refresh_incremental)
        self.on_snapshot = on_snapshot or (lambda published: None)
        self.on_state = on_state or (lambda state: None)
        self._current = snapshot
        self._queue: queue.Queue = queue.Queue()
        self._cond = threading.Condition()
        self._pending = 0                     # events queued and not yet applied
        self._dirty = False                   # an update failed: the next one re-lists everything
        self.updates = 0                      # incremental updates applied
        self.errors: list[str] = []
        self.received: collections.deque = collections.deque(maxlen=1000)   # (time.time(), event)
        self.follower = EventFollower(client_factory, self._enqueue, self._on_state)
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._was_connected = False

    @property
    def snapshot(self) -> Snapshot:
        """The newest snapshot."""
        return self._current

    def start(self) -> None:
        """Start the follower and applier threads."""
        self._threads = [threading.Thread(target=self.follower.run, name="ls-events", daemon=True),
                         threading.Thread(target=self._apply_loop, name="ls-apply", daemon=True)]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop both threads and wait for them."""
        self._stopping = True
        self.follower.stop()
        self._enqueue(None)
        for t in self._threads:
            t.join(timeout)

    def _enqueue(self, event: Event | None) -> None:
        if event is not None and event["Type"] != "layerscope":
            self.received.append((time.time(), event))
        with self._cond:
            self._pending += 1
        self._queue.put(event)

    def _on_state(self, state: str) -> None:
        if state == CONNECTED:
            if self._was_connected:
                self._enqueue({"Type": "layerscope", "Action": "resync"})
            self._was_connected = True
        self.on_state(state)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every queued event has been applied; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def _apply_loop(self) -> None:
        client: docker.DockerClient | None = None
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if any(e is None for e in batch) or self._stopping:
                break
            try:
                if client is None:
                    client = self.client_factory()
                self._apply(client, batch)
            except Exception as exc:              # daemon away: the resync after reconnecting catches up
                self.errors.append(f"{type(exc).__name__}: {exc}")
                self._dirty = True
                if client is not None:
                    client.close()
                client = None
            finally:
                with self._cond:
                    self._pending -= len(batch)
                    self._cond.notify_all()
        if client is not None:
            client.close()

    def _apply(self, client: docker.DockerClient, batch: list[Event]) -> None:
        relevant = [e for e in batch if e["Type"] == "layerscope" or is_relevant(e)]
        if not relevant:
            return
        snap = self._current
        patchable = all(e["Type"] == "image" and e["Action"] in PATCH_ACTIONS for e in relevant)
        if patchable and self.patch and not self._dirty:
            # the image is read as it is now, so one read per image covers all its events
            latest = {e["Actor"]["ID"]: e for e in relevant}
            for event in latest.values():
                snap = apply_event(snap, client, event)
        else:
            snap = refresh_incremental(snap, client)
        self._dirty = False
        self.updates += 1
        self._current = snap
        newest = max((event_time(e) for e in relevant if e["Type"] != "layerscope"), default=0.0)
        self.on_snapshot(Published(snap, time.time(), newest, len(relevant)))
