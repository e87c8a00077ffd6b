"""Where Layerscope keeps files: the cache directory (image cache, file index) and the one atomic way to write one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, TextIO


def cache_dir() -> Path:
    """Where Layerscope keeps its caches ($LAYERSCOPE_CACHE or XDG cache)."""
    base = os.environ.get("LAYERSCOPE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "layerscope")
    return Path(base)


def atomic_write(path: Path, write: Callable[[TextIO], None], mode: int = 0o644) -> None:
    """Write ``path`` through a temporary file beside it, renamed over it once whole (readers never see half a
    file; two writers leave one whole file); OSError when it cannot be written, and no temporary file left."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            write(f)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
