"""Read a Docker (or Podman) daemon into an immutable Snapshot, through the docker SDK."""
from __future__ import annotations

import datetime as _dt
import http.client
import json
import os
import socket
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import docker
from docker.context import ContextAPI
from docker.utils import kwargs_from_env

from ..core.chain import short_id
from .containers import containers_from_api
from .imagecache import ImageCache
from ..core.snapshot import (STORE_CONTAINERD, STORE_GRAPHDRIVER, STORE_PODMAN, DaemonInfo, HistoryRow, Image,
                             Manifest, Snapshot)

Progress = Callable[[int, int], None]   # (images read, images listed)
Get = Callable[[str], tuple[int, Any]]  # GET path → (status, parsed JSON)
FETCH_THREADS = 4
NEWEST_API = (1, 55)         # the newest Engine API this reader knows (Engine 29); older servers speak their own
MANIFESTS_API = (1, 47)      # /images/json?manifests=1 from here on
PLATFORM_INSPECT_API = (1, 49)   # /images/{id}/json?platform= from here on


class DaemonError(Exception):
    """The daemon cannot be reached or stopped answering; the message is one line for the user."""


class Cancelled(Exception):
    """Loading was cancelled by the caller."""


def describe_error(exc: BaseException, where: str = "") -> str:
    """A one-line, human message for a connection failure (no traceback text)."""
    text = " ".join(str(e) for e in _chain(exc))
    place = f" at {where}" if where else ""
    if "Permission denied" in text or isinstance(exc, PermissionError):
        return f"permission denied on the Docker socket{place} (run as root or join the 'docker' group)"
    if "No such file or directory" in text or "FileNotFoundError" in text:
        return f"no Docker daemon{place}: the socket does not exist (is dockerd running?)"
    if "Connection refused" in text:
        return f"no Docker daemon{place}: connection refused (is dockerd running?)"
    if "Connection aborted" in text or "RemoteDisconnected" in text or "reset by peer" in text:
        return f"the Docker daemon{place} closed the connection (did it stop?)"
    if "timed out" in text.lower():
        return f"the Docker daemon{place} did not answer in time"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"cannot talk to the Docker daemon{place}: {first[:200]}"


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


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


def connect(host: str | None = None, timeout: int = 120) -> docker.DockerClient:
    """A docker SDK client for the chosen daemon; raises DaemonError if it does not answer."""
    base_url, tls = resolve_host(host)
    try:
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the session's CA (requests#3829),
        # which would replace the daemon's own CA from DOCKER_CERT_PATH: trust only the TLS config.
        # So the client is made with a placeholder version, env trust is switched off, and the API
        # version is then negotiated as docker-py's "auto" does (the server's ApiVersion).
        client = docker.DockerClient(base_url=base_url, tls=tls or False, timeout=timeout,
                                     version=docker.constants.DEFAULT_DOCKER_API_VERSION)
        client.api.trust_env = False
        client.api._version = negotiate(str(client.api.version(api_version=False)["ApiVersion"]))
        return client
    except Exception as exc:  # the SDK raises DockerException, requests errors or OSError
        raise DaemonError(describe_error(exc, base_url or "unix:///var/run/docker.sock")) from None


def api_tuple(version: str) -> tuple[int, int]:
    """"1.47" → (1, 47); anything unreadable → (0, 0)."""
    major, _, minor = version.partition(".")
    return (int(major), int(minor)) if major.isdigit() and minor.isdigit() else (0, 0)


def negotiate(server_version: str) -> str:
    """The API version to speak: the server's own, capped at the newest this reader knows (as the docker CLI does)."""
    server = api_tuple(server_version)
    return server_version if server != (0, 0) and server <= NEWEST_API else "%d.%d" % NEWEST_API


def host_url(client: docker.DockerClient) -> str:
    """The daemon's address as the user would write it (unix:///path, tcp://host:port)."""
    socket_path = getattr(getattr(client.api, "_custom_adapter", None), "socket_path", None)
    return f"unix://{socket_path}" if socket_path else client.api.base_url


def read_info(client: docker.DockerClient) -> DaemonInfo:
    """Engine, version, storage driver and image store kind from /version and /info."""
    version = client.api.version()
    info = client.api.info()
    components = [c.get("Name", "") for c in version.get("Components") or []]
    engine = "podman" if any("podman" in name.lower() for name in components) else "docker"
    driver_status = [tuple(pair) for pair in info.get("DriverStatus") or [] if len(pair) == 2]
    if engine == "podman":
        store = STORE_PODMAN
    elif ("driver-type", "io.containerd.snapshotter.v1") in driver_status:
        store = STORE_CONTAINERD
    else:
        store = STORE_GRAPHDRIVER
    return DaemonInfo(engine=engine, version=str(version.get("Version", "")),
                      api_version=str(version.get("ApiVersion", "")),
                      storage_driver=str(info.get("Driver", "")), image_store=store,
                      host=host_url(client), daemon_id=str(info.get("ID", "")),
                      os=str(info.get("OperatingSystem", "")))


def list_images(client: docker.DockerClient, get: Get | None = None) -> list[dict[str, Any]]:
    """`/images/json?all=1` (with ``manifests=1`` from API 1.47) newest first like `docker images`, ties by ID.

    (The daemon orders images created in the same second at random.)"""
    if api_tuple(client.api._version) >= MANIFESTS_API:
        status, listed = (get or sdk_get(client))("/images/json?all=1&manifests=1")
        if status != 200 or not isinstance(listed, list):
            raise DaemonError(f"the daemon answered {status} listing images")
    else:
        listed = client.api.images(all=True)
    return sorted(listed, key=lambda s: (-int(s.get("Created") or 0), s["Id"]))


class EngineSizes:
    """The containerd store's own size figures (``/system/df``): per-image SharedSize and LayersSize.

    That store counts compressed blobs and unpacked snapshots together, and which blobs images
    share is not visible through the API: its SHARED SIZE cannot be recomputed, so it is read."""

    def __init__(self, shared: dict[str, int] | None = None, layers_size: int | None = None) -> None:
        self.shared = shared or {}
        self.layers_size = layers_size

    @classmethod
    def read(cls, get: Get, info: DaemonInfo) -> "EngineSizes":
        """Read /system/df on the containerd store; nothing elsewhere (those sizes are recomputed exactly)."""
        if info.image_store != STORE_CONTAINERD:
            return cls()
        status, df = get("/system/df?type=image")
        if status != 200 or not isinstance(df, dict):
            raise DaemonError(f"the daemon answered {status} to /system/df")
        shared = {str(i.get("Id")): int(i["SharedSize"]) for i in df.get("Images") or ()
                  if isinstance(i.get("SharedSize"), int) and i["SharedSize"] >= 0}
        layers = df.get("LayersSize")
        return cls(shared, layers if isinstance(layers, int) and layers >= 0 else None)


def clean_refs(refs: list[str] | None) -> tuple[str, ...]:
    """Tags or digests without the ``<none>:<none>`` placeholders old API versions fill in."""
    return tuple(r for r in refs or () if r not in ("<none>:<none>", "<none>@<none>"))


def _platform(p: Any) -> str:
    """An OCI platform object as ``os/arch[/variant]``."""
    if not isinstance(p, dict) or not p.get("os") or p.get("os") == "unknown":
        return ""
    return "/".join(str(x) for x in (p.get("os"), p.get("architecture"), p.get("variant")) if x)


def manifests_from_api(summary: dict[str, Any], platform_layers: dict[str, tuple[str, ...]] | None = None
                       ) -> tuple[Manifest, ...]:
    """The ``Manifests`` of a ``manifests=1`` list entry (API 1.47+), in the engine's order, with each
    platform's layers where they were read (``platform_layers``: manifest ID → diff IDs)."""
    out = []
    for m in summary.get("Manifests") or ():
        desc = m.get("Descriptor") or {}
        data = m.get("ImageData") or {}
        size = m.get("Size") or {}
        out.append(Manifest(
            id=str(m.get("ID") or desc.get("digest") or ""), media_type=str(desc.get("mediaType") or ""),
            size=int(desc.get("size") or 0), kind=str(m.get("Kind") or "unknown"),
            platform=_platform(data.get("Platform")), available=bool(m.get("Available")),
            content_size=int(size.get("Content") or 0), unpacked_size=int((data.get("Size") or {}).get("Unpacked") or 0),
            attestation_for=str((m.get("AttestationData") or {}).get("For") or ""),
            containers=tuple(str(c) for c in data.get("Containers") or ()),
            diff_ids=tuple((platform_layers or {}).get(str(m.get("ID")), ()))))
    return tuple(out)


PLATFORM_LAYERS = "LayerscopePlatformLayers"   # the key under which they are kept with the cached inspect


# A multi-platform image: inspect describes one platform (the host's).  For each
# other image manifest whose content is present, ``inspect?platform=`` (API 1.49+)
# gives that platform's RootFS, so its stack can be drawn where its layers are.
def read_platform_layers(get: Get, image_id: str, summary: dict[str, Any]) -> dict[str, list[str]]:
    """Manifest ID → diff IDs for each available platform of a multi-platform image ({} otherwise)."""
    wanted = [m for m in summary.get("Manifests") or ()
              if m.get("Kind") == "image" and m.get("Available") and (m.get("ImageData") or {}).get("Platform")]
    if len(wanted) < 2:
        return {}
    out = {}
    for m in wanted:
        platform = json.dumps(m["ImageData"]["Platform"], separators=(",", ":"))
        status, inspect = get(f"/images/{image_id}/json?platform={urllib.parse.quote(platform)}")
        if status == 200 and isinstance(inspect, dict):
            out[str(m.get("ID"))] = list((inspect.get("RootFS") or {}).get("Layers") or ())
    return out


def listed_fields(summary: dict[str, Any], sizes: EngineSizes,
                  platform_layers: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """What an Image takes from its list entry (refs, manifests, the engine's sizes): it changes as tags move."""
    manifests = manifests_from_api(summary, platform_layers)
    desc = summary.get("Descriptor") or {}
    return dict(repo_tags=clean_refs(summary.get("RepoTags")), repo_digests=clean_refs(summary.get("RepoDigests")),
                manifests=manifests, media_type=str(desc.get("mediaType") or ""),
                target_size=int(desc.get("size") or 0),
                disk_usage=int(summary.get("Size") or 0) if manifests else None,
                shared_size=sizes.shared.get(summary["Id"]))


def image_from_api(summary: dict[str, Any], inspect: dict[str, Any], history: list[dict[str, Any]],
                   sizes: EngineSizes | None = None) -> Image:
    """An Image from the raw list entry, inspect answer and history rows of the Engine API."""
    config = inspect.get("Config") or {}
    labels = config.get("Labels") or {}
    return Image(**listed_fields(summary, sizes or EngineSizes(), inspect.get(PLATFORM_LAYERS)),
        id=inspect["Id"],
        parent=inspect.get("Parent") or "",
        created=str(inspect.get("Created", "")),
        size=int(inspect.get("Size", 0)),
        diff_ids=tuple((inspect.get("RootFS") or {}).get("Layers") or ()),
        history=tuple(HistoryRow(id=str(h.get("Id", "<missing>")), created=int(h.get("Created") or 0),
                                 created_by=str(h.get("CreatedBy") or ""), size=int(h.get("Size") or 0),
                                 comment=str(h.get("Comment") or "")) for h in history),
        author=str(inspect.get("Author") or ""),
        comment=str(inspect.get("Comment") or ""),
        cmd=tuple(config["Cmd"]) if config.get("Cmd") is not None else None,
        entrypoint=tuple(config["Entrypoint"]) if config.get("Entrypoint") is not None else None,
        labels=tuple(sorted((str(k), str(v)) for k, v in labels.items())),
    )


def _sha256(value: str) -> str:
    """A bare 64-hex ID as ``sha256:<hex>``; anything else unchanged."""
    return "sha256:" + value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else value


def podman_normalize(inspect: dict[str, Any], history: list[dict[str, Any]]) -> tuple[dict, list]:
    """Podman 4.x compat answers in the Engine's shape: ``Parent`` and history ``Id`` as ``sha256:<hex>``.

    Podman sends them as bare hex (its IDs have no algorithm prefix); a history row
    without an image is ``<missing>`` (some versions send ``sha256:<missing>``)."""
    inspect = dict(inspect, Parent=_sha256(str(inspect.get("Parent") or "")))
    rows = []
    for h in history:
        hid = str(h.get("Id") or "<missing>")
        rows.append(dict(h, Id="<missing>" if hid.endswith("<missing>") else _sha256(hid)))
    return inspect, rows


# Reading 1,000 images costs 2,000 calls (inspect + history).  docker-py's
# requests stack spends ~2 ms of Python per call, so on a local unix socket we
# read the (immutable) per-image data over raw keep-alive HTTP connections, a
# few in parallel so the daemon's cores work while Python parses; everything
# else, and every non-unix host (tcp, TLS, ssh), goes through the SDK.  An
# image is content-addressed, so its inspect/history never change while its
# ID exists: results are kept in an on-disk cache and a second start only
# lists images and reads the new ones.
class _UnixFetcher:
    """Raw keep-alive HTTP GETs over a unix socket, one connection per thread."""

    def __init__(self, socket_path: str, api_version: str, timeout: float) -> None:
        self.socket_path, self.prefix, self.timeout = socket_path, f"/v{api_version}", timeout
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection("localhost", timeout=self.timeout)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
            conn.sock = sock
            self.local.conn = conn
        return conn

    def get(self, path: str) -> tuple[int, Any]:
        """GET path → (status, parsed JSON body)."""
        conn = self._conn()
        try:
            conn.request("GET", self.prefix + path)
            resp = conn.getresponse()
            body = resp.read()
        except Exception:
            self.local.conn = None
            raise
        return resp.status, json.loads(body) if body else None


def sdk_get(client: docker.DockerClient) -> Callable[[str], tuple[int, Any]]:
    """A GET function (path → status, parsed JSON) over the SDK's session (tcp, TLS, ssh, unix)."""
    def get(path: str) -> tuple[int, Any]:
        res = client.api._get(client.api._url(path))
        return res.status_code, res.json() if res.content else None
    return get


def read_image(get: Get, image_id: str, summary: dict[str, Any], api_version: str) -> tuple[dict, list] | None:
    """Inspect and history of one listed image (with each platform's layers where it has several);
    None when it was removed since the listing."""
    status, inspect = get(f"/images/{image_id}/json")
    if status == 200:
        status, history = get(f"/images/{image_id}/history")
    if status == 404:
        return None
    if status != 200:
        raise DaemonError(f"the daemon answered {status} reading image {short_id(image_id)}")
    if api_tuple(api_version) >= PLATFORM_INSPECT_API:
        layers = read_platform_layers(get, image_id, summary)
        inspect = dict(inspect, **{PLATFORM_LAYERS: layers}) if layers else inspect
    return inspect, history


def read_snapshot(client: docker.DockerClient, progress: Progress | None = None,
                  cache: ImageCache | None = None, cancel: threading.Event | None = None) -> Snapshot:
    """Read every image (intermediates too), its inspect data and history, all containers and daemon info."""
    where = host_url(client)
    adapter = getattr(client.api, "_custom_adapter", None)
    socket_path = getattr(adapter, "socket_path", None)
    fetch = _UnixFetcher(socket_path, client.api._version, client.api.timeout or 120).get if socket_path \
        else sdk_get(client)
    background = ThreadPoolExecutor(1)
    try:
        try:
            info = read_info(client)
            # On the containerd store /system/df costs about as much as the listing itself (both
            # size every image): it is asked for at once and runs while the images are read.
            pending_sizes = background.submit(EngineSizes.read, fetch, info)
            listed = list_images(client, fetch)
            containers = client.api.containers(all=True)
        except DaemonError:
            raise
        except Exception as exc:
            raise DaemonError(describe_error(exc, where)) from None
        return _read_images(client, fetch, bool(socket_path), info, listed, containers, pending_sizes, where,
                            progress, cache, cancel)
    finally:
        background.shutdown(wait=False, cancel_futures=True)


def _read_images(client: docker.DockerClient, fetch: Get, parallel: bool, info: DaemonInfo,
                 listed: list[dict[str, Any]], containers: list[dict[str, Any]], pending_sizes: Any, where: str,
                 progress: Progress | None,
                 cache: ImageCache | None, cancel: threading.Event | None) -> Snapshot:
    """The rest of read_snapshot once images and containers are listed: inspect and history of each image."""
    if cache is None:
        cache = ImageCache.for_daemon(info.daemon_id)
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

    warnings: list[str] = []
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

    try:
        if parallel and len(missing) > 8:
            with ThreadPoolExecutor(FETCH_THREADS) as pool:
                list(pool.map(read_one, missing))
        else:
            for image_id in missing:
                read_one(image_id)
    except (Cancelled, DaemonError):
        raise
    except Exception as exc:
        raise DaemonError(describe_error(exc, where)) from None

    try:
        sizes = pending_sizes.result()
    except DaemonError:
        raise
    except Exception as exc:
        raise DaemonError(describe_error(exc, where)) from None
    images = []
    for summary in listed:
        got = details.get(summary["Id"])
        if got is not None:
            if info.engine == "podman":
                got = podman_normalize(*got)
            images.append(image_from_api(summary, *got, sizes))
    cache.update({i: details[i] for i in missing if i in details}, keep={s["Id"] for s in listed})
    try:
        ctrs = containers_from_api(containers, images, info, fetch)
    except Exception as exc:
        raise DaemonError(describe_error(exc, where)) from None
    taken = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    return Snapshot(info=info, images=tuple(images), containers=ctrs, taken_at=taken,
                    source="daemon", warnings=tuple(warnings), layers_size=sizes.layers_size)
