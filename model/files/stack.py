"""What each layer of an image does to the filesystem below it, the merged filesystem on top, and the wasted bytes."""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..core.layerfiles import (ADDED, DELETED, DIR, FILE, MODIFIED, OPAQUE, WHITEOUT, Entry, FilesError,
                               LayerFiles)
from ..core.snapshot import Image


_MARKERS = (WHITEOUT, OPAQUE)


@dataclass(frozen=True, slots=True)
class Change:
    """One path a layer adds, modifies or deletes; a deleted entry has size 0 and the type of what it deleted."""

    path: str
    type: str           # one of SHOWN_TYPES
    size: int
    mode: int
    change: str         # one of CHANGES
    link: str = ""


@dataclass(frozen=True, slots=True)
class LayerChanges:
    """One layer of an image (one position: a repeated diff ID is listed at each of its positions)."""

    chain_id: str
    diff_id: str
    size: int                   # the layer's bytes (what the map shows when given, else its file bytes)
    changes: tuple[Change, ...]  # in archive order
    wasted: int                 # bytes of its regular files that a higher layer modifies or deletes


@dataclass(slots=True)
class Node:
    """A path of the merged filesystem (the image's top view) and the layer that last wrote it."""

    name: str
    path: str
    type: str
    size: int = 0
    mode: int = 0
    link: str = ""
    layer: int = -1                             # index of the layer (bottom = 0) that last wrote it
    children: dict[str, "Node"] = field(default_factory=dict)
    crc: int | None = None


@dataclass(frozen=True, slots=True)
class WastedFile:
    """A file version the image never shows: its path, the layer holding it and its size there."""

    path: str
    layer: int
    size: int


@dataclass(frozen=True)
class ImageFiles:
    """The files of one image: its layers bottom first, wasted bytes, the worst wasted files, the merged tree."""

    image_id: str
    layers: tuple[LayerChanges, ...]
    wasted_bytes: int
    wasted_files: tuple[WastedFile, ...]
    root: Node

    def to_json(self) -> dict[str, Any]:
        """The ``files --json`` answer: image, layers (chain_id, diff_id, size, files), wasted_bytes."""
        return {"image": self.image_id,
                "layers": [{"chain_id": lc.chain_id, "diff_id": lc.diff_id, "size": lc.size,
                            "files": [{"path": c.path, "type": c.type, "size": c.size, "change": c.change}
                                      for c in lc.changes]}
                           for lc in self.layers],
                "wasted_bytes": self.wasted_bytes}


MAX_WASTED_FILES = 100      # the worst wasted files listed per image


def image_files(image: Image, files: Mapping[str, LayerFiles],
                layer_sizes: Mapping[str, int] | None = None) -> ImageFiles:
    """The files of ``image`` from the index of each of its layers (``files`` keyed by diff ID).

    A layer's size is ``layer_sizes[chain_id]`` when given (what the map shows), else its file bytes."""
    missing = [d for d in image.diff_ids if d not in files]
    if missing:
        raise FilesError(f"no file index for layer {missing[0][:19]}… of image {image.id[7:19]}")
    stack = [files[d].entries for d in image.diff_ids]
    root = Node("", "", DIR, mode=0o755)
    changes = [_apply(root, entries, n) for n, entries in enumerate(stack)]
    wasted, worst = _wasted(stack)
    sizes = layer_sizes or {}
    layers = tuple(LayerChanges(chain_id, diff_id, sizes.get(chain_id, files[diff_id].file_bytes),
                                tuple(changes[n]), wasted[n])
                   for n, (chain_id, diff_id) in enumerate(zip(image.chain_ids, image.diff_ids)))
    return ImageFiles(image.id, layers, sum(wasted), worst, root)


def _lookup(root: Node, path: str) -> Node | None:
    """The node at ``path`` in the merged filesystem, or None."""
    node = root
    if path:
        for name in path.split("/"):
            node = node.children.get(name)
            if node is None:
                return None
    return node


# How one layer changes the merged filesystem of the layers below it (overlay semantics), in two passes.
#  1. Classify every entry against the filesystem BELOW the layer (nothing is changed yet):
#     an entry is `modified` when its path exists below (directories included), else `added`;
#     a whiteout of an existing path is ONE `deleted` change for that path (size 0, the type it had);
#     an opaque DIR (that exists below as a directory) deletes each path directly inside DIR that the
#     layer does not write again, and is itself `modified` unless the layer lists DIR anyway.
#  2. Apply: first the whiteouts and opaque markers (they only ever hide what lies below), then every
#     entry in archive order; a directory written over a directory keeps what is inside it, anything
#     else replaces the node (and its subtree), and missing parent directories are made as the layer's.
# Each entry costs one walk of its path: O(entries × depth) per layer.
def _apply(root: Node, entries: tuple[Entry, ...], layer: int) -> list[Change]:
    """The changes ``entries`` make to the filesystem ``root`` (which they are then applied to)."""
    written = {e.path for e in entries if e.type not in _MARKERS}
    changes: list[Change] = []
    deleted: set[str] = set()
    for e in entries:
        kind = e.type
        if kind == WHITEOUT:
            node = _lookup(root, e.path)
            if node is not None and e.path not in written and e.path not in deleted:
                deleted.add(e.path)
                changes.append(Change(e.path, node.type, 0, node.mode, DELETED, node.link))
        elif kind == OPAQUE:
            node = _lookup(root, e.path)
            if node is None or node.type != DIR:
                continue
            if e.path and e.path not in written and e.path not in deleted:
                deleted.add(e.path)     # (listed once, as modified)
                changes.append(Change(e.path, DIR, 0, node.mode, MODIFIED))
            prefix = f"{e.path}/" if e.path else ""
            for name in sorted(node.children):
                child = node.children[name]
                path = prefix + name
                if path not in written and path not in deleted:
                    deleted.add(path)
                    changes.append(Change(path, child.type, 0, child.mode, DELETED, child.link))
        else:
            below = _lookup(root, e.path) is not None
            changes.append(Change(e.path, kind, e.size, e.mode, MODIFIED if below else ADDED, e.link))
    for e in entries:
        if e.type == WHITEOUT:
            parent, _, name = e.path.rpartition("/")
            node = _lookup(root, parent)
            if node is not None:
                node.children.pop(name, None)
        elif e.type == OPAQUE:
            node = _lookup(root, e.path)
            if node is not None and node.type == DIR:
                node.children = {}
                node.layer = layer
    for e in entries:
        if e.type not in _MARKERS:
            _place(root, e, layer)
    return changes


def _place(root: Node, e: Entry, layer: int) -> None:
    """Write entry ``e`` of ``layer`` into the merged filesystem."""
    node = root
    parts = e.path.split("/")
    for depth, name in enumerate(parts[:-1]):
        child = node.children.get(name)
        if child is None or child.type != DIR:      # (a parent the tar did not list: made by this layer)
            child = Node(name, "/".join(parts[:depth + 1]), DIR, 0, 0o755, "", layer)
            node.children[name] = child
        node = child
    name = parts[-1]
    old = node.children.get(name)
    if e.type == DIR and old is not None and old.type == DIR:
        old.mode, old.layer = e.mode, layer
    else:
        node.children[name] = Node(name, e.path, e.type, e.size, e.mode, e.link, layer, {}, e.crc)


# Wasted bytes (the definition): Σ over every regular file in a layer whose path a higher layer
# modifies or deletes, of its size in that layer.  A higher layer modifies or deletes path p when it has
# an entry at p, a whiteout of p or of an ancestor of p, an opaque marker on an ancestor of p, or a
# non-directory entry at an ancestor of p (which replaces the directory p was in).
# The layers are walked top-down keeping two sets for everything above the current layer:
#   `touched`: every path with an entry or a whiteout above;
#   `hidden`:  every path whose whole subtree is replaced above — whited out, opaque, or a non-directory.
# A file at p is wasted when p ∈ touched or a proper ancestor of p ∈ hidden ("" stands for the root,
# which an opaque marker at the top hides): one set lookup per path component, O(entries × depth),
# never a comparison of entries with entries.  Then the layer's own entries join the sets.
def _wasted(stack: list[tuple[Entry, ...]]) -> tuple[list[int], tuple[WastedFile, ...]]:
    """Wasted bytes per layer (bottom first) and the worst wasted files, largest first."""
    touched: set[str] = set()
    hidden: set[str] = set()
    per_layer = [0] * len(stack)
    found: list[WastedFile] = []
    for layer in range(len(stack) - 1, -1, -1):
        entries = stack[layer]
        total = 0
        for e in entries:
            if e.type != FILE:
                continue
            path = e.path
            hit = path in touched
            if not hit and hidden:
                hit = "" in hidden
                cut = path.find("/")
                while not hit and cut != -1:
                    hit = path[:cut] in hidden
                    cut = path.find("/", cut + 1)
            if hit:
                total += e.size
                if e.size:
                    found.append(WastedFile(path, layer, e.size))
        per_layer[layer] = total
        for e in entries:
            if e.type == OPAQUE:
                hidden.add(e.path)
            else:
                touched.add(e.path)
                if e.type != DIR:
                    hidden.add(e.path)
    worst = heapq.nsmallest(MAX_WASTED_FILES, found, key=lambda w: (-w.size, w.layer, w.path))
    return per_layer, tuple(worst)
