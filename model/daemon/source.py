"""Read a Docker (or Podman) daemon into an immutable Snapshot, through the docker SDK."""
from __future__ import annotations

import datetime as _dt
import json
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from ..core.bulk import bulk
from ..core.chain import short_id
from ..core.schema import Invalid
from ..core.snapshot import (STORE_CONTAINERD, STORE_GRAPHDRIVER, STORE_PODMAN, DaemonInfo, HistoryRow, Image,
                             Manifest, Snapshot)
from ..core.snapshotfile import check_consistency
from . import answers
from .answers import PLATFORM_LAYERS, DaemonError, Get, request_line
from .containers import containers_from_api, list_containers
from .imagecache import ImageCache, Listing
from .names import with_podman_digests, with_record_parents
from .transport import NEWEST_API, Link, api_tuple, local_socket, negotiate, open_unix, read_while_alive

__all__ = ["NEWEST_API", "DaemonError", "Link", "negotiate", "connect", "open_link", "read_snapshot"]

Progress = Callable[[int, int], None]   # (images read, images listed)
Early = Callable[[Snapshot, str], None]  # (a provisional snapshot, EARLY_LAST or EARLY_LISTED)
EARLY_LAST = "last"          # the last snapshot taken of this daemon, before anything is read again
EARLY_LISTED = "listed"      # the fresh listing: layers only for the images read so far
EARLY_EVERY = 1.0            # seconds between provisional snapshots while inspects arrive, at least
EARLY_SHARE = 0.1            # ... and at most this share of the read spent making and showing them
FETCH_THREADS = 4
FETCH_THREADS_CONTAINERD = 8     # its inspects are engine-bound: 8 at a time cost ~5% less engine CPU than 4
LAST_SECOND = 253402300799   # 9999-12-31T23:59:59Z, the last time a datetime holds
MANIFESTS_API = (1, 47)      # /images/json?manifests=1 from here on
INSPECT_MANIFESTS_API = (1, 48)  # /images/{id}/json?manifests=1 from here on
DANGLING_LIST = "/images/json?all=1&manifests=1&filters=" + urllib.parse.quote('{"dangling":["true"]}')
PLATFORM_INSPECT_API = (1, 49)   # /images/{id}/json?platform= from here on


class Cancelled(Exception):
    """Loading was cancelled by the caller."""


def connect(host: str | None = None, timeout: int = 120) -> Any:
    """A docker SDK client for the chosen daemon (the SDK is imported here, not before); DaemonError if it does
    not answer (DaemonUnreachable when no connection could be made)."""
    from .sdk import connect_client
    return connect_client(host, timeout)


def open_link(host: str | None = None) -> Link:
    """A Link to read the chosen daemon: raw HTTP on a local unix socket (no SDK), the SDK's client elsewhere."""
    socket_path = local_socket(host)
    if socket_path is not None:
        return open_unix(socket_path, host)
    from .sdk import link_of
    return link_of(connect(host))


def as_link(source: Any) -> Link:
    """A Link as given, or one reading through a docker SDK client."""
    if isinstance(source, Link):
        return source
    from .sdk import link_of
    return link_of(source)


def info_answers(get: Get) -> tuple[dict[str, Any], dict[str, Any]]:
    """The checked answers of ``/version`` and ``/info``."""
    return answers.read(get, "/version", answers.VERSION), answers.read(get, "/info", answers.INFO)


def daemon_info(version: dict[str, Any], info: dict[str, Any], host: str) -> DaemonInfo:
    """Engine, version, storage driver and image store kind from the checked /version and /info answers."""
    engine = "podman" if any("podman" in c["Name"].lower() for c in version["Components"]) else "docker"
    driver_status = [tuple(pair) for pair in info["DriverStatus"] if len(pair) == 2]
    if engine == "podman":
        store = STORE_PODMAN
    elif ("driver-type", "io.containerd.snapshotter.v1") in driver_status:
        store = STORE_CONTAINERD
    else:
        store = STORE_GRAPHDRIVER
    return DaemonInfo(engine=engine, version=version["Version"], api_version=version["ApiVersion"],
                      storage_driver=info["Driver"], image_store=store, host=host, daemon_id=info["ID"],
                      os=info["OperatingSystem"])


def read_info(source: Any) -> DaemonInfo:
    """Engine, version, storage driver and image store kind from /version and /info (of a Link or SDK client)."""
    link = as_link(source)
    return daemon_info(*info_answers(link.get), link.where)


def list_images(get: Get, api_version: str) -> list[dict[str, Any]]:
    """`/images/json?all=1` (with ``manifests=1`` from API 1.47) newest first like `docker images`, ties by ID.

    (The daemon orders images created in the same second at random.)"""
    path = "/images/json?all=1" + ("&manifests=1" if api_tuple(api_version) >= MANIFESTS_API else "")
    listed = read_while_alive(get, path, answers.IMAGES)
    answers.unique_ids(listed, request_line("GET", path))
    return sorted(listed, key=lambda s: (-s["Created"], s["Id"]))


class EngineSizes:
    """The containerd store's own size figures (``/system/df``): per-image SharedSize and LayersSize.

    That store counts compressed blobs and unpacked snapshots together, and which blobs images
    share is not visible through the API: its SHARED SIZE cannot be recomputed, so it is read."""

    def __init__(self, shared: dict[str, int] | None = None, layers_size: int | None = None) -> None:
        self.shared = shared or {}
        self.layers_size = layers_size

    @classmethod
    def read(cls, get: Get, info: DaemonInfo) -> "EngineSizes":
        """Read /system/df on the containerd store; nothing elsewhere (those sizes are recomputed exactly).

        A SharedSize of -1 is the engine's "not computed": that image's figure stays unknown."""
        if info.image_store != STORE_CONTAINERD:
            return cls()
        return cls.of_df(answers.read(get, "/system/df?type=image", answers.DF))

    @classmethod
    def of_df(cls, df: dict[str, Any]) -> "EngineSizes":
        """The figures of a checked /system/df answer."""
        return cls({i["Id"]: i["SharedSize"] for i in df["Images"] if i["SharedSize"] >= 0}, df["LayersSize"])


# A first read of the containerd store (nothing cached).  Its listing and its
# /system/df each size every image again (~28 s and ~36 s of engine CPU on 1,000
# images, the CPU `docker system df -v` itself spends ~42 s): so the listing is
# taken from /system/df, which has every summary field but Manifests, and from the
# dangling images listed with all=1 (the only images df leaves out are intermediates,
# dangling images a classic build named as a parent); each image's Manifests then
# come with its inspect (``manifests=1``, no extra work for the engine).  SharedSize
# and LayersSize are df's own, as before.  A later start lists images (their tags and
# manifests change, their inspects are cached) and asks df beside it.
def listed_by_df(get: Get) -> tuple[list[dict[str, Any]], EngineSizes]:
    """The listing `/images/json?all=1` would give, from /system/df and the dangling images, and df's sizes.

    The summaries df gave have no Manifests yet (an empty list): inspect with ``manifests=1`` gives them."""
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(read_while_alive, get, DANGLING_LIST, answers.IMAGES)
        df = read_while_alive(get, "/system/df?type=image", answers.DF_LISTED)
        dangling = pending.result()
    answers.unique_ids(df["Images"], request_line("GET", "/system/df?type=image"))
    answers.unique_ids(dangling, request_line("GET", DANGLING_LIST))
    by_id = {s["Id"]: {k: v for k, v in s.items() if k != "SharedSize"} for s in df["Images"]}
    by_id.update((s["Id"], s) for s in dangling)
    return sorted(by_id.values(), key=lambda s: (-s["Created"], s["Id"])), EngineSizes.of_df(df)


def clean_refs(refs: list[str]) -> tuple[str, ...]:
    """Tags or digests without the ``<none>:<none>`` placeholders old API versions fill in."""
    return tuple(r for r in refs if r not in ("<none>:<none>", "<none>@<none>"))


def _platform(p: dict[str, Any]) -> str:
    """An OCI platform object as ``os/arch[/variant]``."""
    if not p["os"] or p["os"] == "unknown":
        return ""
    return "/".join(x for x in (p["os"], p["architecture"], p["variant"]) if x)


def manifests_from_api(summary: dict[str, Any], platform_layers: dict[str, list[str]] | None = None
                       ) -> tuple[Manifest, ...]:
    """The ``Manifests`` of a ``manifests=1`` list entry (API 1.47+), in the engine's order, with each
    platform's layers where they were read (``platform_layers``: manifest ID → diff IDs)."""
    out = []
    for m in summary["Manifests"]:
        desc, data = m["Descriptor"], m["ImageData"]
        out.append(Manifest(
            id=m["ID"], media_type=desc["mediaType"], size=desc["size"], kind=m["Kind"],
            platform=_platform(data["Platform"]), available=m["Available"], content_size=m["Size"]["Content"],
            unpacked_size=data["Size"]["Unpacked"], attestation_for=m["AttestationData"]["For"],
            containers=tuple(data["Containers"]), diff_ids=tuple((platform_layers or {}).get(m["ID"], ()))))
    return tuple(out)


# A multi-platform image: inspect describes one platform (the host's).  For each
# other image manifest whose content is present, ``inspect?platform=`` (API 1.49+)
# gives that platform's RootFS, so its stack can be drawn where its layers are.
# (A platform the engine cannot inspect is left without layers, as before.)
def read_platform_layers(get: Get, image_id: str, summary: dict[str, Any]) -> dict[str, list[str]]:
    """Manifest ID → diff IDs for each available platform of a multi-platform image ({} otherwise)."""
    wanted = [m for m in summary["Manifests"] if m["Kind"] == "image" and m["Available"]
              and m["ImageData"]["Platform"]["os"]]
    if len(wanted) < 2:
        return {}
    out = {}
    for m in wanted:
        given = {k: v for k, v in m["ImageData"]["Platform"].items() if v}     # as the engine wrote it (omitempty)
        path = f"/images/{image_id}/json?platform={urllib.parse.quote(json.dumps(given, separators=(',', ':')))}"
        status, inspect = get(path)
        if status == 200:
            out[m["ID"]] = answers.checked(answers.INSPECT_SPEC, inspect, request_line("GET", path))["RootFS"]["Layers"]
    return out


def listed_fields(summary: dict[str, Any], sizes: EngineSizes,
                  platform_layers: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """What an Image takes from its list entry (refs, manifests, the engine's sizes): it changes as tags move."""
    manifests = manifests_from_api(summary, platform_layers)
    desc = summary["Descriptor"]
    return dict(repo_tags=clean_refs(summary["RepoTags"]), repo_digests=clean_refs(summary["RepoDigests"]),
                manifests=manifests, media_type=desc["mediaType"], target_size=desc["size"],
                disk_usage=summary["Size"] if manifests else None, shared_size=sizes.shared.get(summary["Id"]))


def content_fields(inspect: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    """What an Image takes from its inspect answer and history rows: fixed for as long as its ID exists."""
    config = inspect["Config"]
    return dict(id=inspect["Id"], parent=inspect["Parent"], created=inspect["Created"], size=inspect["Size"],
                diff_ids=tuple(inspect["RootFS"]["Layers"]),
                history=tuple([HistoryRow(h["Id"], h["Created"], h["CreatedBy"], h["Size"], h["Comment"])
                               for h in history]),
                author=inspect["Author"], comment=inspect["Comment"],
                cmd=None if config["Cmd"] is None else tuple(config["Cmd"]),
                entrypoint=None if config["Entrypoint"] is None else tuple(config["Entrypoint"]),
                labels=tuple(sorted(config["Labels"].items())))


def image_from_api(summary: dict[str, Any], inspect: dict[str, Any], history: list[dict[str, Any]],
                   sizes: EngineSizes | None = None) -> Image:
    """An Image from the checked list entry, inspect answer and history rows of the Engine API."""
    return Image(**listed_fields(summary, sizes or EngineSizes(), inspect.get(PLATFORM_LAYERS)),
                 **content_fields(inspect, history))


def _sha256(value: str) -> str:
    """A bare 64-hex ID as ``sha256:<hex>``; anything else unchanged."""
    return "sha256:" + value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else value


def podman_normalize(inspect: dict[str, Any], history: list[dict[str, Any]]) -> tuple[dict, list]:
    """Podman 4.x compat answers in the Engine's shape: ``Parent`` and history ``Id`` as ``sha256:<hex>``.

    Podman sends them as bare hex (its IDs have no algorithm prefix); a history row
    without an image is ``<missing>`` (some versions send ``sha256:<missing>``)."""
    inspect = dict(inspect, Parent=_sha256(inspect["Parent"]))
    rows = [dict(h, Id="<missing>" if h["Id"].endswith("<missing>") else _sha256(h["Id"])) for h in history]
    return inspect, rows


# On the containerd store the engine finds an image by ID with a scan of every image
# record (images.List with a target.digest filter), by name with one key lookup: on
# 1,000 images asking by a tag saves ~25% of a history's engine CPU and ~8% of an
# inspect's.  A tag may have moved since the listing: an answer by name counts only
# when it names the listed ID (inspect ``Id``, history's top row), else it is asked by ID.
def by_name(summary: dict[str, Any]) -> str | None:
    """A tag of a listed image to ask the containerd store by (a quick lookup there), or None."""
    tag = next((t for t in summary["RepoTags"] if "@" not in t and t != "<none>:<none>"), None)
    return None if tag is None else urllib.parse.quote(tag, safe="/:")


def read_image(get: Get, image_id: str, summary: dict[str, Any], api_version: str,
               manifests: bool = False, name: str | None = None) -> tuple[dict, list] | None:
    """Checked inspect and history of one listed image (with each platform's layers where it has several);
    None when it was removed since the listing.  An inspect of another image than the one listed is refused.
    ``manifests``: the summary came without them; the inspect answer brings them (``Manifests``).
    ``name``: ask by this tag first (see by_name)."""
    query, spec = ("?manifests=1", answers.INSPECT_MANIFESTS) if manifests else ("", answers.INSPECT)
    inspect = answers.read(get, f"/images/{name}/json{query}", spec, missing_ok=True) if name else None
    if inspect is None or inspect["Id"] != image_id:
        name = None
        path = f"/images/{image_id}/json{query}"
        inspect = answers.read(get, path, spec, missing_ok=True)
        if inspect is None:
            return None
        answers.same_id(inspect, image_id, request_line("GET", path))
    summary = with_manifests(summary, inspect)
    history = answers.read(get, f"/images/{name}/history", answers.HISTORY, missing_ok=True) if name else None
    if not history or history[0]["Id"] != image_id:
        history = answers.read(get, f"/images/{image_id}/history", answers.HISTORY, missing_ok=True)
    if history is None:
        return None
    if api_tuple(api_version) >= PLATFORM_INSPECT_API:
        layers = read_platform_layers(get, image_id, summary)
        inspect = dict(inspect, **{PLATFORM_LAYERS: layers}) if layers else inspect
    return inspect, history


def with_manifests(summary: dict[str, Any], inspect: dict[str, Any] | None) -> dict[str, Any]:
    """A summary taken from /system/df completed with the Manifests its image's inspect gave; others as given."""
    if inspect is None or summary["Manifests"] or not inspect.get("Manifests"):
        return summary
    return dict(summary, Manifests=inspect["Manifests"])


# Reading a daemon.  /version and /info say which daemon this is; its image list and
# /system/df (containerd store) are asked for at once and the per-daemon cache is
# opened while the daemon works.  Each listed image needs its inspect and history,
# which never change while its ID exists: they come from the cache, else from the
# daemon, a few at a time on a local socket.  For a window that must paint before
# all that is read, ``early`` is handed provisional snapshots: the last one taken of
# this daemon (its listing kept in the cache) right after /info, then the fresh
# listing with the layers known so far, again about once a second while inspects
# arrive.  The snapshot returned is the complete one; its listing is kept for the
# next start.
def read_snapshot(source: Any, progress: Progress | None = None, cache: ImageCache | None = None,
                  cancel: threading.Event | None = None, early: Early | None = None) -> Snapshot:
    """Read every image (intermediates too), its inspect data and history, all containers and daemon info
    from a Link (or a docker SDK client)."""
    link = as_link(source)
    background = ThreadPoolExecutor(3)
    try:
        version, info_answer = info_answers(link.get)
        info = daemon_info(version, info_answer, link.where)
        pending_containers = background.submit(list_containers, link.get)
        by_df = info.image_store == STORE_CONTAINERD and api_tuple(link.api_version) >= INSPECT_MANIFESTS_API
        if by_df:               # (a first read lists by /system/df: see listed_by_df)
            cache = ImageCache.for_daemon(info, info_answer["DockerRootDir"]) if cache is None else cache
            by_df = not cache.entries
        if by_df:
            pending_list = background.submit(listed_by_df, link.get)
        else:
            # On the containerd store /system/df costs about as much as the listing itself (both
            # size every image): it is asked for at once and runs while the images are read.
            pending_sizes = background.submit(EngineSizes.read, link.get, info)
            pending_list = background.submit(list_images, link.get, link.api_version)
        if cache is None:
            cache = ImageCache.for_daemon(info, info_answer["DockerRootDir"])
        content = _content(info, cache)
        if early is not None and cache.last is not None:
            early(_last_snapshot(link.get, info, cache, content), EARLY_LAST)
        if by_df:
            listed, sizes = pending_list.result()
            engine_sizes: Callable[[], EngineSizes] = lambda: sizes     # noqa: E731 (df answered with the list)
        else:
            listed, engine_sizes = pending_list.result(), pending_sizes.result
        return _read_images(link, info, listed, pending_containers.result(), engine_sizes, progress, cache, cancel,
                            early, content)
    finally:
        background.shutdown(wait=False, cancel_futures=True)


def _last_snapshot(get: Get, info: DaemonInfo, cache: ImageCache, content: dict[str, dict[str, Any]]) -> Snapshot:
    """The last snapshot taken of this daemon, from its cached listing and the cached inspect/history (``content``:
    their content_fields)."""
    last = cache.last
    details = {i: cache.get(i) for i in (s["Id"] for s in last.images)}
    images = _images(info, last.images, details, EngineSizes(last.shared, last.layers_size), content)
    return Snapshot(info=info, images=images, containers=containers_from_api(last.containers, images, info, get),
                    taken_at=last.taken_at, source="daemon", layers_size=last.layers_size)


@bulk
def _images(info: DaemonInfo, listed: list[dict[str, Any]], details: dict[str, tuple[dict, list] | None],
            sizes: EngineSizes, content: dict[str, dict[str, Any]] | None = None) -> tuple[Image, ...]:
    """Images of the listed summaries: whole where inspect and history are known (``content``: the content_fields
    of some of them, made already), from the list alone elsewhere."""
    out = []
    for summary in listed:
        got = details.get(summary["Id"])
        if got is None:
            out.append(image_from_list(summary, sizes))
            continue
        made = (content or {}).get(summary["Id"]) or content_fields(*_normalized(info, got))
        out.append(Image(**listed_fields(with_manifests(summary, got[0]), sizes, got[0].get(PLATFORM_LAYERS)),
                         **made))
    return tuple(out)


@bulk
def _content(info: DaemonInfo, cache: ImageCache) -> dict[str, dict[str, Any]]:
    """Image ID → content_fields of every cached image (made while the daemon lists its images)."""
    return {image_id: content_fields(*_normalized(info, got)) for image_id, got in cache.entries.items()}


def _normalized(info: DaemonInfo, got: tuple[dict, list]) -> tuple[dict, list]:
    """Inspect and history in the Engine's shape (Podman's IDs made ``sha256:`` ones)."""
    return podman_normalize(*got) if info.engine == "podman" else got


def image_from_list(summary: dict[str, Any], sizes: EngineSizes) -> Image:
    """An Image from its list entry alone (tags, size, parent; no layers yet): shown until its inspect arrives."""
    created = _dt.datetime.fromtimestamp(min(max(summary["Created"], 0), LAST_SECOND), _dt.timezone.utc)
    return Image(**listed_fields(summary, sizes), id=summary["Id"], parent=_sha256(summary["ParentId"]),
                 created=created.isoformat().replace("+00:00", "Z"), size=summary["Size"], diff_ids=())


def _read_images(link: Link, info: DaemonInfo, listed: list[dict[str, Any]], containers: list[dict[str, Any]],
                 engine_sizes: Callable[[], EngineSizes], progress: Progress | None, cache: ImageCache,
                 cancel: threading.Event | None, early: Early | None, content: dict[str, dict[str, Any]]) -> Snapshot:
    """The rest of read_snapshot once images and containers are listed: inspect and history of each image."""
    total = len(listed)
    summaries = {s["Id"]: s for s in listed}
    wants_manifests = info.image_store == STORE_CONTAINERD and api_tuple(link.api_version) >= INSPECT_MANIFESTS_API
    details: dict[str, tuple[dict, list]] = {}
    missing = []
    for summary in listed:
        hit = cache.get(summary["Id"])
        if hit is not None:
            details[summary["Id"]] = hit
        else:
            missing.append(summary["Id"])
    if progress:
        progress(len(details), total)

    warnings: list[str] = list(cache.warnings)
    lock = threading.Lock()
    due_at = [0.0]          # when the next provisional snapshot may be handed to ``early``

    # Provisional snapshots cost in proportion to the host: on 10,000 images making and
    # showing one takes a few seconds (``early`` returns once the window has shown it).
    # So the next one is due EARLY_EVERY after the last, or later, so that they take at
    # most EARLY_SHARE of the read: the reading is not starved by its previews.
    def provisional() -> None:
        with lock:
            known = dict(details)
            due_at[0] = float("inf")            # one at a time
        start = time.monotonic()
        images = _images(info, listed, known, EngineSizes())
        early(Snapshot(info=info, images=images, containers=containers_from_api(containers, images, info, link.get),
                       taken_at=_now(), source="daemon"), EARLY_LISTED)
        end = time.monotonic()
        due_at[0] = end + max(EARLY_EVERY, (end - start) * (1 - EARLY_SHARE) / EARLY_SHARE)

    def read_one(image_id: str) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        summary = summaries[image_id]
        got = read_image(link.get, image_id, summary, link.api_version, wants_manifests and not summary["Manifests"],
                         by_name(summary) if info.image_store == STORE_CONTAINERD else None)
        with lock:
            if got is None:     # removed between list and inspect: leave it out, say so
                warnings.append(f"image {short_id(image_id)} was removed while loading")
                return
            details[image_id] = got
            due = early is not None and time.monotonic() >= due_at[0]
            if progress:
                progress(len(details), total)
        if due:
            provisional()

    if early is not None and missing:
        provisional()
    if link.socket_path and len(missing) > 8:
        with ThreadPoolExecutor(FETCH_THREADS_CONTAINERD if info.image_store == STORE_CONTAINERD
                                else FETCH_THREADS) as pool:
            list(pool.map(read_one, missing))
    else:
        for image_id in missing:
            read_one(image_id)

    sizes = engine_sizes()
    listed = [with_manifests(s, details[s["Id"]][0]) for s in listed if s["Id"] in details]
    images = with_record_parents(link.get, info, listed, _images(info, listed, details, sizes, content))
    images = with_podman_digests(link.get, info, images)
    taken = _now()
    cache.update({i: details[i] for i in missing if i in details}, keep=set(details),
                 listing=Listing(taken, listed, containers, sizes.shared, sizes.layers_size))
    ctrs = containers_from_api(containers, images, info, link.get)
    return consistent(Snapshot(info=info, images=images, containers=ctrs, taken_at=taken,
                               source="daemon", warnings=tuple(warnings), layers_size=sizes.layers_size))


def _now() -> str:
    """This moment as a snapshot's ``taken_at``."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


@bulk
def consistent(snap: Snapshot) -> Snapshot:
    """``snap`` when the answers it was built from fit together as a snapshot file must (unique IDs and tags,
    parent links acyclic and on their children's layers); DaemonError naming the first misfit otherwise."""
    try:
        check_consistency(snap)
    except Invalid as exc:
        raise DaemonError(f"the daemon's answers do not fit together: {exc}") from None
    return snap
