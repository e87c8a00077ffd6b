"""Hand-made snapshots for tests that need no engine: images, layers and containers by number."""
from __future__ import annotations

from model.core.snapshot import DaemonInfo, HistoryRow, Image, Snapshot

D = "sha256:" + "d" * 64


def img(n: int, diffs: tuple[str, ...], tags=(), digests=(), parent="", labels=(), created="2024-01-01T00:00:00Z"):
    """Image number ``n`` on the layers ``diffs``, one history row (100·k bytes) per layer."""
    rows = tuple(HistoryRow(id="<missing>", created=0, created_by=f"step {k}", size=100 * (k + 1))
                 for k in range(len(diffs)))[::-1]
    return Image(id="sha256:" + f"{n:x}" * 64 if n < 16 else "sha256:" + f"{n:064x}", repo_tags=tuple(tags),
                 repo_digests=tuple(digests), parent=parent, created=created, size=sum(r.size for r in rows),
                 diff_ids=diffs, history=rows, labels=tuple(labels))


def layer(n: int) -> str:
    """Diff ID number ``n``."""
    return "sha256:" + f"{n:064x}"


def snap(*images, containers=(), store="graphdriver", version="20.10.24"):
    """A snapshot of ``images`` on an engine of that image store and version."""
    return Snapshot(info=DaemonInfo(version=version, image_store=store), images=tuple(images),
                    containers=tuple(containers))
