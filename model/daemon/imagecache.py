"""On-disk cache of per-image inspect and history data, keyed by image ID (content-addressed), one file per daemon."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..core.paths import cache_dir
from ..core.schema import Digest, Field, Int, Invalid, List, Map, Notes, Obj, Str, check
from ..core.snapshot import MAX_HISTORY, MAX_LAYERS, DaemonInfo
from .answers import HISTORY_ROW_SPEC, INSPECT_SPEC, PLATFORM_LAYERS, DaemonError, parse_body

# Fields of an inspect answer that can change while the image ID stays: they are
# never cached (tags come from the image list, which is read fresh every time).
_MUTABLE = ("RepoTags", "RepoDigests")
CACHE_VERSION = 2           # 2: keyed per daemon (ID, host, root dir); entries are checked answers
MAX_CACHE_BYTES = 512 * 2**20

# An entry is what the reader keeps of a checked answer, so it is checked with the same
# schemas when read back — every field present, as the reader wrote it (plus our own
# key for each platform's layers) — and its Id must be the ID it is filed under; a file
# with anything else is discarded whole, never trusted.
CACHED_INSPECT = Obj({k: Field(f.spec, required=True) for k, f in INSPECT_SPEC.fields.items() if k not in _MUTABLE}
                     | {PLATFORM_LAYERS: Field(Map(List(Digest(), max_items=MAX_LAYERS), max_items=10_000),
                                           default={})})
CACHED_HISTORY = List(Obj({k: Field(f.spec, required=True) for k, f in HISTORY_ROW_SPEC.fields.items()}),
                      max_items=MAX_HISTORY)
CACHE_FILE = Obj({"version": Field(Int(), required=True), "daemon": Field(Str(max_len=8192), required=True)})
MAX_ENTRIES = 1_000_000


def daemon_key(info: DaemonInfo, root_dir: str) -> str:
    """What tells one daemon from another: its ID, its address and its data root.

    dockerd 20.10 derives its ID from a host-wide key, so two daemons on one host share it;
    the address and the data root (``/info`` DockerRootDir) tell them apart, and a daemon
    restarted on another data root gets a cache of its own."""
    return "\n".join((info.daemon_id, info.host, root_dir))


def check_entry(image_id: str, entry: Any, path: str) -> tuple[dict, list]:
    """A cache entry ``[inspect, history]`` checked like a daemon's answer; its Id must be its key."""
    if not isinstance(entry, list) or len(entry) != 2:
        raise Invalid(path, "expected [inspect, history]")
    inspect = CACHED_INSPECT.check(entry[0], f"{path}[0]", Notes())
    history = CACHED_HISTORY.check(entry[1], f"{path}[1]", Notes())
    if inspect["Id"] != image_id:
        raise Invalid(f"{path}[0].Id", "not the image it is filed under")
    return inspect, history


class ImageCache:
    """A dict of image ID → (inspect, history) persisted as one JSON file per daemon.

    ``warnings`` says when the file was damaged and discarded (the snapshot shows it)."""

    def __init__(self, path: Path | None, key: str = "") -> None:
        self.path, self.key = path, key
        self.entries: dict[str, tuple[dict, list]] = {}
        self.warnings: list[str] = []
        self._rewrite = False
        if path is not None and path.exists():
            try:
                self.entries = self._load(path)
            except Invalid as exc:
                why = f"{exc.path}: {exc.message}" if exc.path else exc.message
                self.warnings.append(f"the image cache {path} was damaged and was discarded: {why}")
                self._rewrite = True
            except OSError as exc:
                self.warnings.append(f"the image cache {path} cannot be read: {exc.strerror or exc}")

    def _load(self, path: Path) -> dict[str, tuple[dict, list]]:
        """The checked entries of a cache file ({} for another version's); raises on any damage."""
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size > MAX_CACHE_BYTES:
                raise Invalid("", f"larger than {MAX_CACHE_BYTES // 2**20} MiB")
            raw = f.read(MAX_CACHE_BYTES + 1)
        try:
            data = parse_body(raw, "the cache")
        except DaemonError:
            raise Invalid("", "not JSON") from None
        if isinstance(data, dict) and data.get("version") != CACHE_VERSION:
            self._rewrite = True
            return {}           # another version's format: only a slower start
        head = check(CACHE_FILE, data)
        if self.key and head["daemon"] != self.key:
            raise Invalid("daemon", "written for another daemon")
        images = data.get("images")
        if not isinstance(images, dict) or len(images) > MAX_ENTRIES:
            raise Invalid("images", f"expected an object of at most {MAX_ENTRIES:,} entries")
        return {k: check_entry(k, v, f"images.{k[:19]}") for k, v in images.items()}

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

    def update(self, new: dict[str, tuple[dict, list]], keep: set[str]) -> None:
        """Add new (checked) entries, drop those whose IDs vanished, and write the file."""
        if self.path is None:
            return
        changed = self._rewrite or bool(new) or any(k not in keep for k in self.entries)
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        for image_id, (inspect, history) in new.items():
            self.entries[image_id] = ({k: v for k, v in inspect.items() if k not in _MUTABLE}, history)
        if not changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "daemon": self.key,
                                       "images": {k: list(v) for k, v in self.entries.items()}}))
            tmp.replace(self.path)
            self._rewrite = False
        except OSError:
            pass    # read-only home: work without the cache
