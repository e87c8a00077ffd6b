"""On-disk cache of per-image inspect and history data, keyed by image ID (content-addressed)."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

# Fields of an inspect answer that can change while the image ID stays: they are
# never cached (tags come from the image list, which is read fresh every time).
_MUTABLE = ("RepoTags", "RepoDigests", "Metadata", "GraphDriver", "VirtualSize")
CACHE_VERSION = 1


def cache_dir() -> Path:
    """Where Layerscope keeps its image cache ($LAYERSCOPE_CACHE or XDG cache)."""
    base = os.environ.get("LAYERSCOPE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "layerscope")
    return Path(base)


class ImageCache:
    """A dict of image ID → (inspect, history) persisted as one JSON file per daemon."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list] = {}
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text())
                if data.get("version") == CACHE_VERSION:
                    self.entries = data["images"]
            except (OSError, ValueError, KeyError, AttributeError):
                self.entries = {}   # a damaged cache is only a slower start

    @classmethod
    def for_daemon(cls, daemon_id: str) -> "ImageCache":
        """The cache file for one daemon, or a memory-only cache when disabled or unknown."""
        if os.environ.get("LAYERSCOPE_NO_CACHE") or not daemon_id:
            return cls(None)
        name = hashlib.sha256(daemon_id.encode()).hexdigest()[:16]
        return cls(cache_dir() / f"images-{name}.json")

    def get(self, image_id: str) -> tuple[dict, list] | None:
        """The cached (inspect, history) of an image, or None."""
        hit = self.entries.get(image_id)
        return (hit[0], hit[1]) if hit else None

    def update(self, new: dict[str, tuple[dict, list]], keep: set[str]) -> None:
        """Add new entries, drop those whose IDs vanished, and write the file."""
        if self.path is None:
            return
        changed = bool(new) or any(k not in keep for k in self.entries)
        self.entries = {k: v for k, v in self.entries.items() if k in keep}
        for image_id, (inspect, history) in new.items():
            stable = {k: v for k, v in inspect.items() if k not in _MUTABLE}
            rows = [{k: v for k, v in row.items() if k != "Tags"} for row in history]
            self.entries[image_id] = [stable, rows]
        if not changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "images": self.entries}))
            tmp.replace(self.path)
        except OSError:
            pass    # read-only home: work without the cache
