"""Coordinates for the layer forest: bases at the bottom, stacks growing upward, images on top (Qt-free)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx

from .bulk import bulk
from .graph import EDGE_LAYER, EDGE_TOP, IMAGE, LAYER

COLLAPSED = "collapsed"     # a run of layers drawn as one node

# Default geometry, in scene units (pixels at zoom 1).
NODE_W = 190.0
LAYER_H = 40.0
IMAGE_H = 44.0
COL_W = 215.0
ROW_H = 64.0
COLLAPSE_MIN = 4            # runs of at least this many plain layers become one node
ASPECT = 1.6                # target width / height when packing separate trees into bands


class LayoutNode(NamedTuple):
    """One box of the drawing: a layer, a collapsed run of layers, or an image badge.

    (A NamedTuple: a 10,000-image host has some 37,000 of them, made ~5× faster than frozen dataclasses and,
    holding only strings and numbers, left alone by the garbage collector.)"""

    id: str                                 # chain ID, image ID, or the first member's chain ID for a run
    kind: str                               # "layer" | "collapsed" | "image"
    x: float                                # left
    y: float                                # top (y grows downward, bases sit at the largest y)
    w: float
    h: float
    row: int                                # 0 = base row of its tree
    col: int
    members: tuple[str, ...] = ()           # chain IDs bottom first (one for a layer, several for a run)
    parent: str | None = None               # layout node id below it (None for a base)
    band: int = 0                           # which band of trees (0 = top band)

    @property
    def center(self) -> tuple[float, float]:
        """The middle of the box."""
        return (self.x + self.w / 2, self.y + self.h / 2)


class LayoutEdge(NamedTuple):
    """A line from the node below (``source``) to the node above (``target``)."""

    source: str
    target: str
    kind: str                               # "layer" (layer → layer) | "top" (top layer → image)


@dataclass
class Layout:
    """The whole drawing: nodes by id, edges, where each chain ID went, and the bounding size."""

    nodes: dict[str, LayoutNode] = field(default_factory=dict)
    edges: list[LayoutEdge] = field(default_factory=list)
    node_of: dict[str, str] = field(default_factory=dict)     # chain ID or image ID → layout node id
    width: float = 0.0
    height: float = 0.0
    rows: int = 0
    cols: int = 0
    bands: int = 1


def _shelf(trees: list[tuple[int, int, int]], band_w: float) -> tuple[list[tuple[int, int]], list[int], int]:
    """Shelf-pack trees (first column, columns, rows) into bands ``band_w`` columns wide.

    Returns per tree (column shift, band), the rows of each band, and the widest band in columns."""
    shift: list[tuple[int, int]] = []
    band_rows: list[int] = []
    x = widest = 0
    for first, w, h in trees:
        if band_rows and x + w > band_w:
            band_rows.append(0)
            x = 0
        if not band_rows:
            band_rows.append(0)
        shift.append((x - first, len(band_rows) - 1))
        band_rows[-1] = max(band_rows[-1], h)
        x += w
        widest = max(widest, x)
    return shift, band_rows, widest


# Layout technique (a "tidy tree" on a grid, bottom-up like `docker history`).
#  1. Collapse: walking up from each base layer, a run of layers that each have
#     exactly one child layer and no image attached (and whose child is plain
#     too) is merged into one node when the run is at least ``collapse_min``
#     long.  A layer that carries an image or forks always stays visible.
#  2. Tree: images are leaves hanging one row above their top layer (hidden
#     images, e.g. intermediates without -a, are left out).  Of a layer's child
#     layers the "tower" child is the one whose subtree holds the most tagged
#     images (then the most images, then the tallest; the first on ties); a
#     layer's children are ordered: tower, its own images, the other branches.
#  3. Columns: a post-order walk gives every leaf the next free column; a parent
#     takes the column of its first child (the tower), so the main stack stays
#     one straight tower, each image sits just right of its top layer, and the
#     other branches step off further right.
#  4. Rows: row = number of visible nodes below; y is flipped so row 0 (the
#     bases) is at the bottom of the drawing.
#  5. Bands: whole trees are packed left to right into horizontal bands (shelf
#     packing); of a few band widths the one that fits a viewport ``aspect``
#     wide for one tall at the largest scale wins; a tree never spans bands,
#     so edges never cross bands.
# Everything is iterative (no recursion) and linear in the number of nodes.
@bulk
def layout_forest(graph: nx.DiGraph, collapse_min: int = COLLAPSE_MIN, node_w: float = NODE_W,
                  col_w: float = COL_W, row_h: float = ROW_H, layer_h: float = LAYER_H,
                  image_h: float = IMAGE_H, aspect: float = ASPECT,
                  hidden_images: set[str] | frozenset[str] = frozenset()) -> Layout:
    """Lay out the layer forest of ``model.core.graph.build_graph`` with images above their top layers.

    Images in ``hidden_images`` get no node (their layers stay)."""
    layer_kids: dict[str, list[str]] = {}
    image_kids: dict[str, list[str]] = {}
    bases: list[str] = []
    tagged: set[str] = set()                  # images with a tag (they weigh in the choice of the tower)
    loose_images: list[str] = []              # shown images on no layer
    # (the "layer" and "top" edges, read from the nodes: a layer names the one under it, an image its top
    # layer, and build_graph adds each node after the ones under it, in the order of their edges)
    for node, data in graph.nodes(data=True):
        kind = data["kind"]
        if kind == LAYER:
            layer_kids[node] = []
            image_kids[node] = []
            below = data["parent"]
            if below is None:
                bases.append(node)
            else:
                layer_kids[below].append(node)
        elif kind == IMAGE:
            if data["tags"]:
                tagged.add(node)
            if node not in hidden_images:
                if data["top"] is None:
                    loose_images.append(node)
                else:
                    image_kids[data["top"]].append(node)
    plain = {c for c, kids in layer_kids.items() if len(kids) == 1 and not image_kids[c]}   # one child, no image

    # -- 1+2: the visible tree --------------------------------------------------------
    out = Layout()
    node_of = out.node_of
    kids: dict[str, list[str]] = {}           # visible layer node → its visible child layer nodes
    imgs_of: dict[str, list[str]] = {}        # visible layer node → the images hanging off it
    kind_of: dict[str, str] = {}
    members_of: dict[str, tuple[str, ...]] = {}
    parent_of: dict[str, str | None] = {}
    roots: list[str] = []
    order: list[str] = []                     # visible layer nodes, pre-order
    stack: list[tuple[str, str | None]] = [(b, None) for b in reversed(bases)]
    while stack:
        chain_id, below = stack.pop()
        run = [chain_id]
        while run[-1] in plain and layer_kids[run[-1]][0] in plain:
            run.append(layer_kids[run[-1]][0])
        if len(run) >= collapse_min:
            node_id, kind, top = run[0], COLLAPSED, run[-1]
        else:
            node_id, kind, top = chain_id, LAYER, chain_id
            run = [chain_id]
        kind_of[node_id] = kind
        order.append(node_id)
        members_of[node_id] = tuple(run)
        parent_of[node_id] = below
        for member in run:
            node_of[member] = node_id
        kids[node_id] = []
        if below is None:
            roots.append(node_id)
        else:
            kids[below].append(node_id)
        hung = imgs_of[node_id] = image_kids[top]
        for image_id in hung:
            kind_of[image_id] = IMAGE
            parent_of[image_id] = node_id
            node_of[image_id] = image_id
        stack.extend((child, node_id) for child in reversed(layer_kids[top]))
    for image_id in loose_images:
        kind_of[image_id] = IMAGE
        parent_of[image_id] = None
        node_of[image_id] = image_id
        roots.append(image_id)

    # tower weights, children before parents (reverse pre-order): (tagged, images, height);
    # a layer's children: the tower, its own images, the other branches
    weight: dict[str, tuple[int, int, int]] = {}
    ordered: dict[str, list[str]] = {}
    for node_id in reversed(order):
        hung = imgs_of[node_id]
        tags, total, height = sum(1 for i in hung if i in tagged), len(hung), 1
        layers = kids[node_id]
        for child in layers:
            t, n, h = weight[child]
            tags, total, height = tags + t, total + n, max(height, h + 1)
        weight[node_id] = (tags, total, height)
        if layers:
            tower = max(layers, key=weight.__getitem__) if len(layers) > 1 else layers[0]
            ordered[node_id] = [tower, *hung, *(c for c in layers if c != tower)]
        else:
            ordered[node_id] = hung

    # -- 3+4: columns and rows, in one pre-order walk: a leaf takes the next free
    # column, and so do the nodes whose first-child chain led down to it (those
    # visited just before it, still waiting for a column) -----------------------------
    col: dict[str, int] = {}
    row: dict[str, int] = {}
    tree_of: dict[str, int] = {}
    trees: list[tuple[int, int, int]] = []      # (first column, columns, rows) per root
    next_col = 0
    waiting: list[str] = []
    for t, root in enumerate(roots):
        row[root] = 0
        first, height = next_col, 0
        walk = [root]
        while walk:
            node_id = walk.pop()
            tree_of[node_id] = t
            below = row[node_id] + 1
            if below > height:
                height = below
            ch = ordered.get(node_id)
            if ch:
                waiting.append(node_id)
                for child in reversed(ch):
                    row[child] = below
                    walk.append(child)
            else:
                col[node_id] = next_col
                for node in waiting:
                    col[node] = next_col
                waiting.clear()
                next_col += 1
        trees.append((first, next_col - first, height))
    # shelf packing of whole trees into bands: try a few band widths around the
    # area-based guess (and "all in one band") and keep the one whose drawing
    # fits a viewport of shape ``aspect`` at the largest scale
    area = sum(w * col_w * h * row_h for _, w, h in trees)
    guess = (area * aspect) ** 0.5 / col_w
    narrowest = max((w for _, w, _ in trees), default=1)
    candidates = {max(guess * f, narrowest) for f in (0.75, 1.0, 1.25, 1.5, 2.0, 3.0)}
    candidates.add(max(sum(w for _, w, _ in trees), 1))
    best = None
    for band_w in sorted(candidates):
        packed = _shelf(trees, band_w)
        width = max(packed[2], 1) * col_w
        height = (sum(packed[1]) + len(packed[1]) - 1) * row_h
        cost = max(width / aspect, height)
        if best is None or cost < best[0] - 1e-9:
            best = (cost, packed)
    shift, band_rows, _ = best[1] if best else ([], [], 0)
    band_top = []                               # first grid row (from the top) of each band
    acc = 0
    for h in band_rows:
        band_top.append(acc)
        acc += h + 1                            # one empty row between bands
    total_rows = max(acc - 1, 0)
    out.rows, out.bands = total_rows, len(band_rows)
    widest = 0
    pad = (col_w - node_w) / 2
    bottom = [band_top[b] + band_rows[b] - 1 for b in range(len(band_rows))]   # a band's row 0, from the top
    layer_dy, image_dy = (row_h - layer_h) / 2, (row_h - image_h) / 2
    nodes, edges = out.nodes, out.edges
    for node_id, kind in kind_of.items():
        dx, band = shift[tree_of[node_id]]
        r, c = row[node_id], col[node_id] + dx
        if c >= widest:
            widest = c + 1
        below = parent_of[node_id]
        if kind == IMAGE:
            nodes[node_id] = LayoutNode(node_id, kind, c * col_w + pad, (bottom[band] - r) * row_h + image_dy,
                                        node_w, image_h, r, c, (), below, band)
            if below is not None:
                edges.append(LayoutEdge(below, node_id, EDGE_TOP))
        else:
            nodes[node_id] = LayoutNode(node_id, kind, c * col_w + pad, (bottom[band] - r) * row_h + layer_dy,
                                        node_w, layer_h, r, c, members_of[node_id], below, band)
            if below is not None:
                edges.append(LayoutEdge(below, node_id, EDGE_LAYER))
    out.cols = widest
    out.width = widest * col_w
    out.height = total_rows * row_h
    return out
