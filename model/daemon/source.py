"""Read a Docker (or Podman) daemon into an immutable Snapshot, through the docker SDK."""
from __future__ import annotations

import datetime as _dt
import json
import os
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import docker
from docker.context import ContextAPI
from docker.utils import kwargs_from_env

from ..core.chain import short_id
from ..core.schema import Invalid
from ..core.snapshot import (STORE_CONTAINERD, STORE_GRAPHDRIVER, STORE_PODMAN, DaemonInfo, HistoryRow, Image,
                             Manifest, Snapshot)
from ..core.snapshotfile import check_consistency
from . import answers
from .answers import PLATFORM_LAYERS, DaemonError, Get, request_line
from .containers import containers_from_api, list_containers
from .imagecache import ImageCache
from .transport import UnixFetcher, connection_error, host_url, read_while_alive, sdk_get

Progress = Callable[[int, int], None]   # (images read, images listed)
FETCH_THREADS = 4
NEWEST_API = (1, 55)         # the newest Engine API this reader knows (Engine 29); older servers speak their own
MANIFESTS_API = (1, 47)      # /images/json?manifests=1 from here on
PLATFORM_INSPECT_API = (1, 49)   # /images/{id}/json?platform= from here on


class Cancelled(Exception):
    """Loading was cancelled by the caller."""


def resolve_host(host: str | None = None) -> tuple[str | None, Any]:
    """Which daemon to use: --host, else DOCKER_HOST (+TLS vars), else the current docker context."""
    env = kwargs_from_env()
    if host:
        return host, env.get("tls")
    if os.environ.get("DOCKER_HOST"):
        return env.get("base_url"), env.get("tls")
    try:
        ctx = ContextAPI.get_current_context()
    except Exception:  # a broken ~/.docker/config.json must not stop us; fall back to the default socket
        ctx = None
    if ctx is not None and ctx.Host:
        return ctx.Host, ctx.TLSConfig or env.get("tls")
    return None, env.get("tls")


def _unusable_settings(exc: Exception) -> str:
    """One line for settings the SDK refuses (TLSParameterError: DOCKER_TLS_VERIFY / DOCKER_CERT_PATH name no certs)."""
    settings = ", ".join(f"{k}={os.environ[k]}" for k in ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")
                         if os.environ.get(k))
    certs = os.environ.get("DOCKER_CERT_PATH") or os.path.join(os.path.expanduser("~"), ".docker")
    missing = [f for f in ("ca.pem", "cert.pem", "key.pem") if not os.path.isfile(os.path.join(certs, f))]
    reason = (f"no {', '.join(missing)} in {certs}" if missing
              else (str(exc).split(". ")[0].splitlines() or [type(exc).__name__])[0][:200])
    return f"cannot use the Docker client settings ({settings or 'defaults'}): {reason}"


def connect(host: str | None = None, timeout: int = 120) -> docker.DockerClient:
    """A docker SDK client for the chosen daemon; raises DaemonError if it does not answer (DaemonUnreachable
    when no connection could be made)."""
    try:
        base_url, tls = resolve_host(host)
    except Exception as exc:  # the SDK checks the TLS variables here
        raise DaemonError(_unusable_settings(exc)) from None
    try:
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the session's CA (requests#3829),
        # which would replace the daemon's own CA from DOCKER_CERT_PATH: trust only the TLS config.
        # So the client is made with a placeholder version, env trust is switched off, and the API
        # version is then negotiated as docker-py's "auto" does (the server's ApiVersion).
        client = docker.DockerClient(base_url=base_url, tls=tls or False, timeout=timeout,
                                     version=docker.constants.DEFAULT_DOCKER_API_VERSION)
        client.api.trust_env = False
        client.api._version = negotiate(server_api_version(client))
        return client
    except DaemonError:
        raise
    except Exception as exc:  # the SDK raises DockerException, requests errors or OSError
        raise connection_error(exc, base_url or "unix:///var/run/docker.sock") from None


def api_tuple(version: str) -> tuple[int, int]:
    """"1.47" → (1, 47); anything unreadable → (0, 0)."""
    major, _, minor = version.partition(".")
    return (int(major), int(minor)) if major.isdigit() and minor.isdigit() else (0, 0)


def negotiate(server_version: str) -> str:
    """The API version to speak: the server's own, capped at the newest this reader knows (as the docker CLI does)."""
    server = api_tuple(server_version)
    return server_version if server != (0, 0) and server <= NEWEST_API else "%d.%d" % NEWEST_API


def server_api_version(client: docker.DockerClient) -> str:
    """The ApiVersion the server speaks, from its unversioned ``/version``, read like every other answer."""
    return answers.read(sdk_get(client, versioned=False), "/version", answers.VERSION)["ApiVersion"]


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


def read_info(client: docker.DockerClient) -> DaemonInfo:
    """Engine, version, storage driver and image store kind from /version and /info."""
    return daemon_info(*info_answers(sdk_get(client)), host_url(client))


def list_images(client: docker.DockerClient, get: Get | None = None) -> list[dict[str, Any]]:
    """`/images/json?all=1` (with ``manifests=1`` from API 1.47) newest first like `docker images`, ties by ID.

    (The daemon orders images created in the same second at random.)"""
    path = "/images/json?all=1" + ("&manifests=1" if api_tuple(client.api._version) >= MANIFESTS_API else "")
    listed = read_while_alive(get or sdk_get(client), path, answers.IMAGES)
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
        df = answers.read(get, "/system/df?type=image", answers.DF)
        return cls({i["Id"]: i["SharedSize"] for i in df["Images"] if i["SharedSize"] >= 0}, df["LayersSize"])


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


def image_from_api(summary: dict[str, Any], inspect: dict[str, Any], history: list[dict[str, Any]],
                   sizes: EngineSizes | None = None) -> Image:
    """An Image from the checked list entry, inspect answer and history rows of the Engine API."""
    config = inspect["Config"]
    return Image(**listed_fields(summary, sizes or EngineSizes(), inspect.get(PLATFORM_LAYERS)),
                 id=inspect["Id"], parent=inspect["Parent"], created=inspect["Created"], size=inspect["Size"],
                 diff_ids=tuple(inspect["RootFS"]["Layers"]),
                 history=tuple(HistoryRow(id=h["Id"], created=h["Created"], created_by=h["CreatedBy"], size=h["Size"],
                                          comment=h["Comment"]) for h in history),
                 author=inspect["Author"], comment=inspect["Comment"],
                 cmd=None if config["Cmd"] is None else tuple(config["Cmd"]),
                 entrypoint=None if config["Entrypoint"] is None else tuple(config["Entrypoint"]),
                 labels=tuple(sorted(config["Labels"].items())))


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


def read_image(get: Get, image_id: str, summary: dict[str, Any], api_version: str) -> tuple[dict, list] | None:
    """Checked inspect and history of one listed image (with each platform's layers where it has several);
    None when it was removed since the listing.  An inspect of another image than the one listed is refused."""
    path = f"/images/{image_id}/json"
    inspect = answers.read(get, path, answers.INSPECT, missing_ok=True)
    if inspect is None:
        return None
    answers.same_id(inspect, image_id, request_line("GET", path))
    history = answers.read(get, f"/images/{image_id}/history", answers.HISTORY, missing_ok=True)
    if history is None:
        return None
    if api_tuple(api_version) >= PLATFORM_INSPECT_API:
        layers = read_platform_layers(get, image_id, summary)
        inspect = dict(inspect, **{PLATFORM_LAYERS: layers}) if layers else inspect
    return inspect, history


def read_snapshot(client: docker.DockerClient, progress: Progress | None = None,
                  cache: ImageCache | None = None, cancel: threading.Event | None = None) -> Snapshot:
    """Read every image (intermediates too), its inspect data and history, all containers and daemon info."""
    where = host_url(client)
    socket_path = getattr(getattr(client.api, "_custom_adapter", None), "socket_path", None)
    fetch = UnixFetcher(socket_path, client.api._version).get if socket_path else sdk_get(client)
    background = ThreadPoolExecutor(1)
    try:
        version, info_answer = info_answers(fetch)
        info = daemon_info(version, info_answer, where)
        # On the containerd store /system/df costs about as much as the listing itself (both
        # size every image): it is asked for at once and runs while the images are read.
        pending_sizes = background.submit(EngineSizes.read, fetch, info)
        listed = list_images(client, fetch)
        containers = list_containers(fetch)
        if cache is None:
            cache = ImageCache.for_daemon(info, info_answer["DockerRootDir"])
        return _read_images(client, fetch, bool(socket_path), info, listed, containers, pending_sizes,
                            progress, cache, cancel)
    finally:
        background.shutdown(wait=False, cancel_futures=True)


def _read_images(client: docker.DockerClient, fetch: Get, parallel: bool, info: DaemonInfo,
                 listed: list[dict[str, Any]], containers: list[dict[str, Any]], pending_sizes: Any,
                 progress: Progress | None, cache: ImageCache, cancel: threading.Event | None) -> Snapshot:
    """The rest of read_snapshot once images and containers are listed: inspect and history of each image."""
    total = len(listed)
    summaries = {s["Id"]: s for s in listed}
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

    def read_one(image_id: str) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        got = read_image(fetch, image_id, summaries[image_id], client.api._version)
        with lock:
            if got is None:     # removed between list and inspect: leave it out, say so
                warnings.append(f"image {short_id(image_id)} was removed while loading")
                return
            details[image_id] = got
            if progress:
                progress(len(details), total)

    if parallel and len(missing) > 8:
        with ThreadPoolExecutor(FETCH_THREADS) as pool:
            list(pool.map(read_one, missing))
    else:
        for image_id in missing:
            read_one(image_id)

    sizes = pending_sizes.result()
    images = []
    for summary in listed:
        got = details.get(summary["Id"])
        if got is not None:
            if info.engine == "podman":
                got = podman_normalize(*got)
            images.append(image_from_api(summary, *got, sizes))
    cache.update({i: details[i] for i in missing if i in details}, keep={s["Id"] for s in listed})
    ctrs = containers_from_api(containers, images, info, fetch)
    taken = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    return consistent(Snapshot(info=info, images=tuple(images), containers=ctrs, taken_at=taken,
                               source="daemon", warnings=tuple(warnings), layers_size=sizes.layers_size))


def consistent(snap: Snapshot) -> Snapshot:
    """``snap`` when the answers it was built from fit together as a snapshot file must (unique IDs and tags,
    parent links acyclic and on their children's layers); DaemonError naming the first misfit otherwise."""
    try:
        check_consistency(snap)
    except Invalid as exc:
        raise DaemonError(f"the daemon's answers do not fit together: {exc}") from None
    return snap
