"""Two images side by side: the layers they share (stored once), where they diverge, and the files that differ."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..core.layerfiles import DIR, FILE
from ..core.snapshot import Image
from .stack import ImageFiles, LayerChanges, Node

# How a path of B's merged filesystem differs from A's.
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
KINDS = (ADDED, REMOVED, CHANGED)
MAX_LISTED = 500            # paths listed per kind; the rest are counted (a huge diff stays small)


@dataclass(frozen=True, slots=True)
class FileDiff:
    """A path whose merged-filesystem view differs: added (only in B), removed (only in A) or changed."""

    path: str
    change: str             # one of KINDS
    type_a: str | None      # None where the path is absent
    type_b: str | None
    size_a: int
    size_b: int
    layer_a: int | None     # the layer that last wrote it, in each image
    layer_b: int | None


@dataclass(frozen=True)
class FileChanges:
    """The paths of one kind: the first MAX_LISTED of them (path order), how many in all, and their bytes."""

    listed: tuple[FileDiff, ...]
    count: int
    bytes: int              # file bytes added (in B), removed (from A), or B's minus A's for changed files

    @property
    def more(self) -> int:
        """Paths counted but not listed."""
        return self.count - len(self.listed)


@dataclass(frozen=True)
class Comparison:
    """Image B against image A: their common layer prefix, each side's own layers, the files that differ."""

    image_a: Image
    image_b: Image
    common: tuple[LayerChanges, ...]        # the shared bottom layers (same chain IDs: stored once)
    only_a: tuple[LayerChanges, ...]        # A's layers above the divergence
    only_b: tuple[LayerChanges, ...]
    added: FileChanges
    removed: FileChanges
    changed: FileChanges

    @property
    def diverge_at(self) -> int:
        """Index of the first layer the two images do not share (the common prefix's length)."""
        return len(self.common)

    @property
    def common_bytes(self) -> int:
        """Bytes of the shared layers (stored once)."""
        return sum(lc.size for lc in self.common)

    @property
    def only_a_bytes(self) -> int:
        """Bytes of A's own layers."""
        return sum(lc.size for lc in self.only_a)

    @property
    def only_b_bytes(self) -> int:
        """Bytes of B's own layers."""
        return sum(lc.size for lc in self.only_b)

    def to_json(self) -> dict[str, Any]:
        """The ``diff --json`` answer."""
        def layers(items: tuple[LayerChanges, ...]) -> list[dict[str, Any]]:
            return [{"chain_id": lc.chain_id, "diff_id": lc.diff_id, "size": lc.size} for lc in items]

        def side(image: Image, own: tuple[LayerChanges, ...], own_bytes: int) -> dict[str, Any]:
            return {"image": image.id, "tags": list(image.repo_tags), "layers": len(image.diff_ids),
                    "own_layers": layers(own), "own_bytes": own_bytes}

        def files(fc: FileChanges, change: str) -> dict[str, Any]:
            if change == CHANGED:
                rows = [{"path": f.path, "type_a": f.type_a, "type_b": f.type_b, "size_a": f.size_a,
                         "size_b": f.size_b} for f in fc.listed]
            else:
                rows = [{"path": f.path, "type": f.type_b if change == ADDED else f.type_a,
                         "size": f.size_b if change == ADDED else f.size_a} for f in fc.listed]
            return {"count": fc.count, "bytes": fc.bytes, "files": rows, "more": fc.more}

        return {"a": side(self.image_a, self.only_a, self.only_a_bytes),
                "b": side(self.image_b, self.only_b, self.only_b_bytes),
                "common": {"layers": layers(self.common), "bytes": self.common_bytes},
                "diverge_at": self.diverge_at,
                "files": {ADDED: files(self.added, ADDED), REMOVED: files(self.removed, REMOVED),
                          CHANGED: files(self.changed, CHANGED)}}


def compare(a: ImageFiles, b: ImageFiles, image_a: Image, image_b: Image) -> Comparison:
    """How image B differs from image A: common layer prefix, each side's own layers, files that differ."""
    n = 0
    while n < min(len(a.layers), len(b.layers)) and a.layers[n].chain_id == b.layers[n].chain_id:
        n += 1
    lists: dict[str, list[FileDiff]] = {k: [] for k in KINDS}
    counts = dict.fromkeys(KINDS, 0)
    sizes = dict.fromkeys(KINDS, 0)
    for diff in _differences(a.root, b.root):
        kind = diff.change
        counts[kind] += 1
        sizes[kind] += diff.size_b - diff.size_a if kind == CHANGED else diff.size_a + diff.size_b
        if len(lists[kind]) < MAX_LISTED:
            lists[kind].append(diff)
    made = {k: FileChanges(tuple(lists[k]), counts[k], sizes[k]) for k in KINDS}
    return Comparison(image_a, image_b, a.layers[:n], a.layers[n:], b.layers[n:],
                      made[ADDED], made[REMOVED], made[CHANGED])


# The two merged trees are walked together, depth first in name order (an explicit stack, so a deep tree
# costs no recursion): a name on one side only is added or removed with everything below it; a name on
# both sides is changed when its type, size, permission bits, link target or content CRC differ, and two
# directories are descended into.  Each node of either tree is visited once: O(nodes of A + nodes of B).
def _differences(a: Node, b: Node) -> Iterator[FileDiff]:
    """Every path whose view differs between the trees ``a`` and ``b``, in path order."""
    stack = [_pairs(a, b)]
    while stack:
        pair = next(stack[-1], None)
        if pair is None:
            stack.pop()
            continue
        x, y = pair
        if y is None:
            yield _diff(x, None, REMOVED)
        elif x is None:
            yield _diff(None, y, ADDED)
        elif (x.type, x.size, x.mode, x.link, x.crc) != (y.type, y.size, y.mode, y.link, y.crc):
            yield _diff(x, y, CHANGED)
        if (x is not None and x.type == DIR and x.children) or (y is not None and y.type == DIR and y.children):
            stack.append(_pairs(x, y))


def _pairs(x: Node | None, y: Node | None) -> Iterator[tuple[Node | None, Node | None]]:
    """The children of two directories paired by name, in name order (a non-directory has none)."""
    cx = x.children if x is not None and x.type == DIR else {}
    cy = y.children if y is not None and y.type == DIR else {}
    for name in sorted(cx.keys() | cy.keys()):
        yield cx.get(name), cy.get(name)


def _diff(x: Node | None, y: Node | None, change: str) -> FileDiff:
    """One differing path."""
    node = x if x is not None else y
    return FileDiff(node.path, change, None if x is None else x.type, None if y is None else y.type,
                    x.size if x is not None and x.type == FILE else 0,
                    y.size if y is not None and y.type == FILE else 0,
                    None if x is None else x.layer, None if y is None else y.layer)
