"""On-disk cache of per-image inspect and history data, keyed by image ID (content-addressed), and of the last
image and container lists: one sealed file per daemon."""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any, NamedTuple

from ..core.bulk import paused_gc
from ..core.paths import cache_dir
from ..core.schema import Field, Int, Invalid, Obj, Str, check
from ..core.snapshot import DaemonInfo
from .answers import DaemonError, parse_body

# Fields of an inspect answer that can change while the image ID stays: they are
# never cached (tags and manifests come from the image list, which is read fresh every time).
_MUTABLE = ("RepoTags", "RepoDigests", "Manifests")
CACHE_VERSION = 3           # 3: sealed (a header line with the body's SHA-256), with the last listing
MAX_CACHE_BYTES = 512 * 2**20
MAX_ENTRIES = 1_000_000
HEADER = Obj({"version": Field(Int(), required=True), "daemon": Field(Str(max_len=8192), required=True),
              "sha256": Field(Str(max_len=64), required=True), "bytes": Field(Int(), required=True)})
MAX_HEADER = 16384


class Listing(NamedTuple):
    """The last image and container lists read from a daemon (checked answers), when, and the containerd
    store's own size figures then (``/system/df``: SharedSize per image ID, LayersSize)."""

    taken_at: str
    images: list[dict[str, Any]]
    containers: list[dict[str, Any]]
    shared: dict[str, int]
    layers_size: int | None


# What is kept, and why it is trusted when read back.  An entry is a checked daemon
# answer (inspect without the mutable fields, plus our own key for each platform's
# layers, and history); the listing is the checked image and container lists.  They
# were checked once, at the boundary, when the daemon sent them; the file seals them:
# a header line names the format version, the daemon it was written for, and the
# SHA-256 and length of the JSON body that follows.  A body that does not match its
# seal (a torn write, a disk error, an edit) is discarded whole with a warning; an
# older version's file is replaced quietly.  Checking the seal costs ~10 ms where
# re-checking 1,000 entries field by field cost ~300 ms, on every start.
def daemon_key(info: DaemonInfo, root_dir: str) -> str:
    """What tells one daemon from another: its ID, its address and its data root.

    dockerd 20.10 derives its ID from a host-wide key, so two daemons on one host share it;
    the address and the data root (``/info`` DockerRootDir) tell them apart, and a daemon
    restarted on another data root gets a cache of its own."""
    return "\n".join((info.daemon_id, info.host, root_dir))


def seal(key: str, body: dict[str, Any]) -> bytes:
    """A cache file's bytes: the header line, then the JSON body it seals."""
    data = json.dumps(body, separators=(",", ":")).encode()
    head = {"version": CACHE_VERSION, "daemon": key, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return json.dumps(head).encode() + b"\n" + data


def unseal(raw: bytes, key: str) -> dict[str, Any] | None:
    """The body of a sealed cache file written for ``key``; None for another version's file; Invalid for damage."""
    line, newline, data = raw.partition(b"\n")
    try:
        head = parse_body(line[:MAX_HEADER], "the cache")
    except DaemonError:
        raise Invalid("", "not a cache file") from None
    if isinstance(head, dict) and head.get("version") != CACHE_VERSION:
        return None                 # another version's format: only a slower start
    head = check(HEADER, head)
    if key and head["daemon"] != key:
        raise Invalid("daemon", "written for another daemon")
    if not newline or len(data) != head["bytes"] or hashlib.sha256(data).hexdigest() != head["sha256"]:
        raise Invalid("", "its contents do not match their checksum")
    body = parse_body(data, "the cache")
    if not isinstance(body, dict) or not isinstance(body.get("images"), dict) or len(body["images"]) > MAX_ENTRIES:
        raise Invalid("images", f"expected an object of at most {MAX_ENTRIES:,} entries")
    return body


class ImageCache:
    """A dict of image ID → (inspect, history), and the last listing, persisted as one sealed file per daemon.

    ``warnings`` says when the file was damaged and discarded (the snapshot shows it)."""

    def __init__(self, path: Path | None, key: str = "") -> None:
        self.path, self.key = path, key
        self.entries: dict[str, tuple[dict, list]] = {}
        self.last: Listing | None = None
        self.warnings: list[str] = []
        self._rewrite = False
        if path is not None and path.exists():
            try:
                self._load(path)
            except Invalid as exc:
                why = f"{exc.path}: {exc.message}" if exc.path else exc.message
                self.warnings.append(f"the image cache {path} was damaged and was discarded: {why}")
                self._rewrite = True
            except OSError as exc:
                self.warnings.append(f"the image cache {path} cannot be read: {exc.strerror or exc}")

    def _load(self, path: Path) -> None:
        """Take the entries and listing of a sealed cache file (none from another version's); raises on damage."""
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size > MAX_CACHE_BYTES:
                raise Invalid("", f"larger than {MAX_CACHE_BYTES // 2**20} MiB")
            raw = f.read(MAX_CACHE_BYTES + 1)
        with paused_gc():        # its hundreds of thousands of dicts and lists all live on; none is a cycle
            body = unseal(raw, self.key)
        if body is None:
            self._rewrite = True
            return
        if not all(isinstance(v, list) and len(v) == 2 for v in body["images"].values()):
            raise Invalid("images", "expected [inspect, history] entries")
        self.entries = {k: (v[0], v[1]) for k, v in body["images"].items()}
        last = body.get("last")
        if isinstance(last, dict) and set(last) == set(Listing._fields):
            self.last = Listing(**last)

    @classmethod
    def for_daemon(cls, info: DaemonInfo, root_dir: str) -> "ImageCache":
        """The cache file for one daemon, or a memory-only cache when disabled or the daemon is unknown."""
        if os.environ.get("LAYERSCOPE_NO_CACHE") or not (info.daemon_id or root_dir):
            return cls(None)
        key = daemon_key(info, root_dir)
        name = hashlib.sha256(key.encode()).hexdigest()[:16]
        return cls(cache_dir() / f"images-{name}.json", key)

    def get(self, image_id: str) -> tuple[dict, list] | None:
        """The cached (inspect, history) of an image, or None."""
        return self.entries.get(image_id)

    def update(self, new: dict[str, tuple[dict, list]], keep: set[str], listing: Listing | None = None) -> None:
        """Add new (checked) entries, drop those whose IDs vanished, keep ``listing`` as the last; write the file."""
        if self.path is None:
            return
        changed = self._rewrite or bool(new) or any(k not in keep for k in self.entries)
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        for image_id, (inspect, history) in new.items():
            self.entries[image_id] = ({k: v for k, v in inspect.items() if k not in _MUTABLE}, history)
        if listing is not None and (self.last is None or self.last[1:] != listing[1:]):
            self.last, changed = listing, True       # (an unchanged listing keeps the file as it is)
        if not changed:
            return
        last = None if self.last is None else self.last._asdict()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(seal(self.key, {"images": {k: list(v) for k, v in self.entries.items()}, "last": last}))
            tmp.replace(self.path)
            self._rewrite = False
        except OSError:
            pass    # read-only home: work without the cache
