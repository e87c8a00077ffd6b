"""The storage map: the layer forest drawn so that area is bytes on disk, each layer stored once (Qt-free).

One layout for the window (gui/storagemap.py) and the export (model/render/export.py), so they cannot
disagree: ``storage_tree`` (once per Analysis) → ``arrange`` (per size and zoom) → storagelabels.place_labels
(per text metrics: Qt's in the window, FreeType's in the export).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..core.analysis import Analysis
from ..core.chain import short_id
from ..core.classify import INTERMEDIATE
from ..core.graph import EDGE_LAYER, EDGE_TOP, LAYER
from ..core.history import short_created_by
from .textfit import room_for

# Which picture reads at a glance: measured on bench/bench_gui.py's 1,000-image host (17.5 GB in 2,600
# layers under 10 bases) in a 1200×700 view, where 1 px² is 21 kB.
#  * Icicle (width ∝ subtree bytes, one row per depth): the forest is 51 layers deep (19 with runs of
#    layers collapsed), so a row is 14 px high (37 px collapsed), and a leaf's width is its share of
#    1,200 px: the image with the most unique bytes (107 MB) gets 7 px, the 20th (58 MB) 4 px — no name
#    fits.  A sunburst does no better: the same shares become angles, and the deep rings are thinner still.
#  * Treemap: a rectangle's area is its share of 840,000 px², so its sides scale with the square root of
#    the bytes: 58 MB is 2,700 px² (52×52 px), enough for a name on two or three lines.  A nested treemap
#    keeps each stack together: a box is a subtree, its own layers a strip along its top, the stacks built
#    on it squarified below.  Runs of layers with one child and no image (the layer map's COLLAPSED runs,
#    of any length here) are one box, so a chain of 30 layers nests once, not 30 times, and an image's
#    own layers are one leaf box.
#  Chosen: the nested, squarified treemap, without padding or reserved headers (areas stay exact).  Names
#  are placed largest box first and never overlap: an image's name inside its box (6–9 pt, up to three lines,
#  broken at "/" and ":"), a base's name in a tab that starts at its box's bottom-right corner (where the
#  smallest stacks are) and moves up and left until it hides no image name it can avoid.
#  Squarifying is done in a space stretched STRETCH times in x, so boxes come out about that much wider
#  than tall: a name is a line of text, and it needs width more than height.  Where that leaves a box too
#  thin for its name (squarifying's last, smallest boxes share the thin strip left over), the other
#  STRETCHES are tried for that box's siblings and the one that gives the most bytes room for a name wins.
#  What a picture whose area is bytes cannot do: name a box smaller than its name.  On bench/make_archive.py's
#  host (85 bases of 16 B – 4 kB, 1 px² ≈ 6.5 bytes) 11 of the 20 largest bases get 420–770 px², while
#  "bench/img0928:latest" needs about 990 px² in any shape even at 6 pt: those are named in their tooltip and
#  when zoomed in, and tests/render/test_storagemap.py checks that every unnamed one is that small.

ROOT = 0                    # index of the virtual root box ("all images")
STRETCH = 1.6               # target width / height of a box (see above)
STRETCHES = (1.0, 1.25, 2.0, 2.5, 4.0, 6.0)    # tried, in this order, where STRETCH leaves a box too thin for its name
# Folding, not clicking: a zero-byte layer has an empty slice (its box lists it: tooltip, details), and so has
# any slice or box too small to draw; those are folded into the box drawn around them, which is what a
# pointer there hits.  Selected from another view, such a box still gets a ring (of a least size).
MIN_BOX_PX = 1.0            # a box narrower or lower than this is folded into its parent (not drawn, not hit)
MIN_SLICE_PX = 2.0          # a layer's slice thinner than this is folded into its box
TITLE_MAX = 40              # characters of a created-by title (the rest is "…")
GRID_PX = 32.0              # cell of the hit-test and label-collision grids

STYLE_SHARED, STYLE_UNIQUE = "shared", "unique"     # layer colours; an image's own stack takes its status


@dataclass(frozen=True)
class Box:
    """One box: a run of layers (each but the top has one child layer and no image) and what is built on it."""

    index: int
    parent: int | None
    depth: int                          # 0 = the root, 1 = a base
    layers: tuple[str, ...]             # chain IDs, bottom first
    images: tuple[str, ...]             # images whose top layer is the run's top (tagged first)
    children: tuple[int, ...]           # boxes built on the run's top, most bytes first
    own_bytes: int                      # the run's layers
    bytes: int                          # own + everything built on it (each layer once)
    holders: int                        # images `docker images` lists that hold the run (shared when > 1)
    style: str                          # STYLE_SHARED, STYLE_UNIQUE, or the status of the one image it is
    title: str                          # its images' names (intermediates left out, like `docker images`), or
                                        # what made its largest layer
    target: tuple[str, str]             # what a click on its name selects: ("image", id) or ("layer", chain ID)

    @property
    def image(self) -> str | None:
        """The image whose own stack this box is (a leaf held by one image), else None."""
        return self.images[0] if self.style not in (STYLE_SHARED, STYLE_UNIQUE) and self.images else None


@dataclass(frozen=True)
class StorageTree:
    """The boxes of one snapshot (size-independent), and where each layer and image went."""

    boxes: tuple[Box, ...]
    box_of_layer: Mapping[str, int]
    box_of_image: Mapping[str, int]     # the box of the image's top layer (images without layers: none)
    layer_bytes: Mapping[str, int]      # chain ID → bytes drawn (an unknown size counts 0)

    @property
    def total_bytes(self) -> int:
        """Every layer once."""
        return self.boxes[ROOT].bytes

    def path(self, index: int) -> list[int]:
        """The boxes from the root down to ``index``."""
        out = []
        node: int | None = index
        while node is not None:
            out.append(node)
            node = self.boxes[node].parent
        return out[::-1]

    def contains(self, ancestor: int, index: int) -> bool:
        """True when ``index`` is ``ancestor`` or built on it."""
        node: int | None = index
        while node is not None and self.boxes[node].depth >= self.boxes[ancestor].depth:
            if node == ancestor:
                return True
            node = self.boxes[node].parent
        return False


def _name(analysis: Analysis, image_id: str) -> list[str]:
    tags = analysis.snapshot.by_id[image_id].repo_tags
    return list(tags) if tags else ["<none> " + short_id(image_id)]


def _clip(text: str, n: int = TITLE_MAX) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def layer_title(analysis: Analysis, chain_id: str) -> str:
    """What made a layer, as `docker history` shows it (clipped), or ``layer <short ID>``."""
    made = short_created_by(analysis.graph.nodes[chain_id]["created_by"] or "")
    return _clip(made) if made else f"layer {short_id(chain_id)}"


# The tree.  Walking up from each base layer, a run grows while its top layer
# has exactly one child layer and no image (or other platform's image) on it;
# the run's children are the runs starting at its top's child layers.  The
# boxes are numbered in walk order (a parent before its children), so one
# backward pass sums the bytes.  An image belongs to the box of its top layer;
# a leaf box held by one image only is that image's own stack and takes its
# status colour.  Iterative and linear in the layers (plus sorting children).
def storage_tree(analysis: Analysis) -> StorageTree:
    """The storage map's boxes for one snapshot."""
    graph, use, sizes = analysis.graph, analysis.layer_use, analysis.layer_sizes
    kids: dict[str, list[str]] = {}
    tops: dict[str, list[str]] = {}
    bases: list[str] = []
    for node, data in graph.nodes(data=True):
        if data["kind"] == LAYER:
            kids.setdefault(node, [])
            if data["parent"] is None:
                bases.append(node)
    for src, dst, kind in graph.edges(data="kind"):
        if kind == EDGE_LAYER:
            kids[src].append(dst)
        elif kind == EDGE_TOP:
            tops.setdefault(src, []).append(dst)

    def order(image_id: str) -> tuple:
        tags = analysis.snapshot.by_id[image_id].repo_tags
        return (0, tags[0], image_id) if tags else (1, "", image_id)

    parent: list[int | None] = [None]
    runs: list[tuple[str, ...]] = [()]
    walk = [(b, ROOT) for b in sorted(bases, reverse=True)]
    while walk:
        chain_id, below = walk.pop()
        run = [chain_id]
        while len(kids[run[-1]]) == 1 and run[-1] not in tops and not graph.nodes[run[-1]].get("platform_of"):
            run.append(kids[run[-1]][0])
        parent.append(below)
        runs.append(tuple(run))
        walk.extend((c, len(runs) - 1) for c in sorted(kids[run[-1]], reverse=True))
    n = len(runs)
    layer_bytes = {c: int(sizes.get(c) or 0) for c in kids}
    own = [sum(layer_bytes[c] for c in run) for run in runs]
    total = list(own)
    children: list[list[int]] = [[] for _ in range(n)]
    for i in range(n - 1, 0, -1):
        total[parent[i]] += total[i]
        children[parent[i]].append(i)
    depth = [0] * n
    for i in range(1, n):
        depth[i] = depth[parent[i]] + 1
    boxes = [Box(ROOT, None, 0, (), (), tuple(sorted(children[ROOT], key=lambda c: (-total[c], runs[c][0]))),
                 0, total[ROOT], 0, STYLE_SHARED, "", ("root", ""))]
    box_of_layer: dict[str, int] = {}
    box_of_image: dict[str, int] = {}
    for i in range(1, n):
        run = runs[i]
        top = run[-1]
        images = tuple(sorted(tops.get(top, ()), key=order))
        for c in run:
            box_of_layer[c] = i
        for image_id in images:
            box_of_image[image_id] = i
        held = use[top]
        holders = len(held.listed_images)
        largest = max(run, key=lambda c: layer_bytes[c])
        platform_of = graph.nodes[top].get("platform_of")
        named = [img for img in images if analysis.status[img].status != INTERMEDIATE]  # as `docker images`
        if named:
            names = [t for image_id in named for t in _name(analysis, image_id)]
            title = names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")
            target = ("image", named[0])
        elif platform_of:
            image_id, platform = platform_of[0]
            title, target = f"{_name(analysis, image_id)[0]} · {platform}", ("layer", top)
        else:
            title, target = layer_title(analysis, largest), ("layer", largest)
        if not children[i] and len(held.images) == 1 and images:
            style = analysis.status[images[0]].status
        else:
            style = STYLE_SHARED if holders > 1 else STYLE_UNIQUE
        boxes.append(Box(i, parent[i], depth[i], run, images,
                         tuple(sorted(children[i], key=lambda c: (-total[c], runs[c][0]))),
                         own[i], total[i], holders, style, title, target))
    return StorageTree(tuple(boxes), box_of_layer, box_of_image, layer_bytes)


# Squarified treemap (Bruls, Huizing, van Wijk 2000, as d3.treemapSquarify
# writes it): values largest first are laid in rows along the shorter side of
# the free rectangle; a row takes the next value while that does not make its
# worst aspect ratio worse; the row is cut off and the rest of the rectangle
# is filled the same way.  Areas are exact: each value gets value/sum of the
# rectangle.  Zero values get an empty rectangle at the row's end (folded).
# Linear in the values (each is added to one row once).
def squarify(values: Sequence[float], x: float, y: float, w: float,
             h: float) -> list[tuple[float, float, float, float]]:
    """Rectangles for ``values`` (largest first) tiling ``(x, y, w, h)``, areas ∝ values."""
    out: list[tuple[float, float, float, float]] = []
    n = len(values)
    left = float(sum(values))
    i0 = 0
    while i0 < n:
        if left <= 0 or w <= 0 or h <= 0:
            out.extend((x, y, 0.0, 0.0) for _ in range(i0, n))
            break
        i1 = i0
        row = values[i1]
        i1 += 1
        lo = hi = row
        alpha = max(h / w, w / h) / left
        beta = row * row * alpha
        worst = max(hi / beta, beta / lo) if lo > 0 else math.inf
        while i1 < n:
            v = values[i1]
            if v <= 0:
                break
            s = row + v
            beta = s * s * alpha
            ratio = max(max(hi, v) / beta, beta / min(lo, v))
            if ratio > worst:
                break
            row, lo, hi, worst = s, min(lo, v), max(hi, v), ratio
            i1 += 1
        if w < h:           # a band across the top, its values side by side
            bh = h * row / left
            cx = x
            for k in range(i0, i1):
                cw = w * values[k] / row if row > 0 else 0.0
                out.append((cx, y, cw, bh))
                cx += cw
            y, h = y + bh, h - bh
        else:               # a column on the left, its values stacked
            bw = w * row / left
            cy = y
            for k in range(i0, i1):
                ch = h * values[k] / row if row > 0 else 0.0
                out.append((x, cy, bw, ch))
                cy += ch
            x, w = x + bw, w - bw
        left -= row
        i0 = i1
    return out


Rect = tuple[float, float, float, float]


@dataclass
class StorageMap:
    """The tree laid out in a ``width`` × ``height`` picture from box ``root`` down (the zoomed subtree)."""

    tree: StorageTree
    root: int
    width: float
    height: float
    rects: dict[int, Rect]              # box → its rectangle (the boxes of the root's subtree)
    own: dict[int, Rect]                # box → the part holding its own layers (a strip along a group's top)
    slices: dict[str, Rect]             # chain ID → its layer's part of the own region
    order: list[int]                    # the subtree's boxes, parents before children
    _grid: dict[tuple[int, int], list[int]] | None = field(default=None, repr=False)

    @property
    def px_per_byte(self) -> float:
        """Area (px²) one byte takes."""
        b = self.tree.boxes[self.root].bytes
        return self.width * self.height / b if b else 0.0

    def visible(self, index: int) -> bool:
        """True when the box is at least MIN_BOX_PX in both directions (else it is folded into its parent)."""
        r = self.rects.get(index)
        return r is not None and r[2] >= MIN_BOX_PX and r[3] >= MIN_BOX_PX

    def shown_box(self, index: int) -> int | None:
        """The box drawn for ``index``: itself, or the nearest visible box it is folded into (None outside)."""
        node: int | None = index
        while node is not None and node in self.rects:
            if self.visible(node):
                return node
            node = self.tree.boxes[node].parent
        return None

    # Hit test.  A uniform grid of GRID_PX cells lists the visible boxes whose
    # rectangles meet each cell (built on the first query, not on the paint
    # path); a point's box is the deepest listed box that contains it — boxes
    # nest, so that is the one drawn on top.  Each depth tiles the picture
    # once, so the grid holds about cells × depth + boxes entries.
    def hit(self, x: float, y: float) -> int | None:
        """The visible box drawn at ``(x, y)`` (None outside the picture)."""
        if self._grid is None:
            self._grid = {}
            for index in self.order:
                if not self.visible(index):
                    continue
                bx, by, bw, bh = self.rects[index]
                for gx in range(int(bx // GRID_PX), int((bx + bw) // GRID_PX) + 1):
                    for gy in range(int(by // GRID_PX), int((by + bh) // GRID_PX) + 1):
                        self._grid.setdefault((gx, gy), []).append(index)
        best, depth = None, -1
        boxes = self.tree.boxes
        for index in self._grid.get((int(x // GRID_PX), int(y // GRID_PX)), ()):
            bx, by, bw, bh = self.rects[index]
            if bx <= x < bx + bw and by <= y < by + bh and boxes[index].depth > depth:
                best, depth = index, boxes[index].depth
        return best

    def slice_at(self, index: int, x: float, y: float) -> str | None:
        """The layer of box ``index`` whose slice holds ``(x, y)`` (None outside its own region or too thin)."""
        for chain_id in self.tree.boxes[index].layers:
            sx, sy, sw, sh = self.slices[chain_id]
            if sx <= x < sx + sw and sy <= y < sy + sh:
                return chain_id if min(sw, sh) >= MIN_SLICE_PX else None
        return None


def _cells(tree: StorageTree, children: tuple[int, ...], w: float, h: float) -> list[Rect]:
    """The children's rectangles in a ``w`` × ``h`` region at (0, 0): squarified at STRETCH, or at the other
    STRETCHES when that gives more of them room for their names (see the comment at the top)."""
    boxes = tree.boxes
    values = [boxes[c].bytes for c in children]

    def at(stretch: float) -> list[Rect]:
        cells = squarify(values, 0.0, 0.0, w / stretch, h)
        return [(cx * stretch, cy, cw * stretch, ch) for cx, cy, cw, ch in cells]

    def named(cells: list[Rect]) -> int:
        return sum(v for c, v, r in zip(children, values, cells) if room_for(boxes[c].title, r[2], r[3]))

    best = at(STRETCH)
    if len(children) < 2:
        return best
    score = named(best)
    if score == sum(values):        # every child has room for its name already
        return best
    for stretch in STRETCHES:
        cells = at(stretch)
        n = named(cells)
        if n > score:
            best, score = cells, n
    return best


# Layout.  The root's rectangle is the whole picture; going down, a box with
# children gives its own layers a strip along its top (height ∝ own bytes) and
# squarifies its children, by bytes, into the rest (_cells); a leaf is all its
# own.  A run's layers split its own region along the longer side, bottom
# layer first (left, or at the bottom like `docker history`).  Nothing is
# padded: every area is exactly its bytes' share.  Iterative; linear, plus a
# few more squarifyings for a box whose children's names do not all fit.
def arrange(tree: StorageTree, width: float, height: float, root: int = ROOT) -> StorageMap:
    """Lay out ``root``'s subtree in a ``width`` × ``height`` picture."""
    boxes, layer_bytes = tree.boxes, tree.layer_bytes
    rects: dict[int, Rect] = {root: (0.0, 0.0, float(width), float(height))}
    own: dict[int, Rect] = {}
    slices: dict[str, Rect] = {}
    order = [root]
    k = 0
    while k < len(order):
        index = order[k]
        k += 1
        box = boxes[index]
        x, y, w, h = rects[index]
        if box.children:
            oh = h * box.own_bytes / box.bytes if box.bytes else 0.0
            own[index] = (x, y, w, oh)
            for child, (cx, cy, cw, ch) in zip(box.children, _cells(tree, box.children, w, h - oh)):
                rects[child] = (x + cx, y + oh + cy, cw, ch)
                order.append(child)
        else:
            own[index] = (x, y, w, h)
        ox, oy, ow, oh = own[index]
        if not box.layers:
            continue
        total = box.own_bytes
        pos = 0.0
        along_x = ow >= oh
        for chain_id in box.layers:
            share = layer_bytes[chain_id] / total if total else 0.0
            if along_x:
                slices[chain_id] = (ox + pos * ow, oy, share * ow, oh)
            else:           # bottom layer at the bottom
                slices[chain_id] = (ox, oy + (1.0 - pos - share) * oh, ow, share * oh)
            pos += share
    return StorageMap(tree, root, float(width), float(height), rects, own, slices, order)
