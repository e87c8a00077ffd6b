"""The file index of layers kept on disk, one file per diff ID: content-addressed, so valid forever and shared."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from ..core.bulk import paused_gc
from ..core.errors import first_line
from ..core.layerfiles import LayerFiles, layer_files_from_json, layer_files_to_json
from ..core.paths import atomic_write, cache_dir
from ..core.schema import DIGEST_PATTERN, Invalid

CACHE_VERSION = 1
MAX_FILE_BYTES = 1 << 30        # a layer of MAX_ENTRIES long paths stays below this
_DIGEST = re.compile(DIGEST_PATTERN)


class FilesCache:
    """Layer indexes under ``<directory>/layers/<hex>.json``; ``FilesCache(None)`` keeps nothing.

    Every read is checked with layer_files_from_json and must name the diff ID it is filed under; a damaged
    file is deleted and told in ``warnings``, never trusted.  Writes go to a temporary file in the same
    directory and are renamed over the old one, so a reader (or a second writer) never sees half a file."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = None if directory is None else Path(directory) / "layers"
        self.warnings: list[str] = []

    @classmethod
    def default(cls) -> "FilesCache":
        """The cache beside the image cache, or a memory-less one when LAYERSCOPE_NO_CACHE is set."""
        return cls(None if os.environ.get("LAYERSCOPE_NO_CACHE") else cache_dir())

    def path(self, diff_id: str) -> Path | None:
        """The file that holds ``diff_id``'s index (None when the cache keeps nothing or the ID is not a digest)."""
        if self.directory is None or not _DIGEST.fullmatch(diff_id):
            return None
        return self.directory / f"{diff_id.split(':', 1)[1]}.json"

    def get(self, diff_id: str) -> LayerFiles | None:
        """The cached index of ``diff_id``, or None (absent, unreadable, or damaged — then dropped)."""
        path = self.path(diff_id)
        if path is None:
            return None
        try:
            with open(path, "rb") as f:
                if os.fstat(f.fileno()).st_size > MAX_FILE_BYTES:
                    raise Invalid("", f"larger than {MAX_FILE_BYTES >> 20} MiB")
                raw = f.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.warnings.append(f"the file index {path} cannot be read: {exc.strerror or exc}")
            return None
        except Invalid as exc:
            return self._drop(path, exc)
        with paused_gc():        # the many lists and tuples of an index all live on; none is a cycle
            try:
                data = json.loads(raw)
            except ValueError as exc:       # (UnicodeDecodeError is one)
                return self._drop(path, Invalid("", f"not JSON ({first_line(exc)})"))
            try:
                if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
                    raise Invalid("version", f"not a version {CACHE_VERSION} file index")
                lf = layer_files_from_json(data.get("layer"), "layer")
                if lf.diff_id != diff_id:
                    raise Invalid("layer.diff_id", "not the diff ID it is filed under")
            except Invalid as exc:
                return self._drop(path, exc)
        return lf

    def put(self, lf: LayerFiles) -> None:
        """Keep ``lf`` (atomically; a read-only cache directory only means no cache)."""
        path = self.path(lf.diff_id)
        if path is None:
            return
        text = json.dumps({"version": CACHE_VERSION, "layer": layer_files_to_json(lf)}, separators=(",", ":"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, lambda f: f.write(text))
        except OSError:
            pass        # read-only home or a full disk: work without the cache

    def _drop(self, path: Path, exc: Invalid) -> None:
        """Delete a damaged file and say so (one line)."""
        why = f"{exc.path}: {exc.message}" if exc.path else exc.message
        self.warnings.append(f"the file index {path.name} was damaged and was discarded: {why}")
        try:
            path.unlink()
        except OSError:
            pass
        return None
