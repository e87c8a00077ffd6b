"""Naming the storage map's boxes: each name placed at the largest size that fits, never over another
(Qt-free; any text metrics, see model/render/textfit.py)."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..core.sizes import human
from .storagemap import GRID_PX, Rect, StorageMap
from .textfit import FONT_SIZES, LABEL_PAD, MAX_LINES, TextMetrics, elide, wrap

TAB_COLUMNS = 8            # positions across a box a top-level name tries, right to left
TAB_TRIES = 8              # names of images' stacks a top-level name tries not to hide, fewer each time


@dataclass(frozen=True)
class Label:
    """A name placed on the map: its box (or layer slice), where, its lines and font size."""

    box: int
    layer: str | None                   # set for a layer's label inside its box's own region
    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...]
    size: float                         # points
    full: bool                          # False when the name had to be cut ("…")
    tab: bool                           # drawn on a tab of the box's colour (it covers what is built on it)
    title_lines: int                    # how many of ``lines`` are the name (the rest: its size)

    def contains(self, x: float, y: float) -> bool:
        """True when ``(x, y)`` is on the label."""
        return self.x <= x < self.x + self.w and self.y <= y < self.y + self.h


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _leaves(smap: StorageMap, index: int) -> list[int]:
    """The visible leaf boxes built on ``index``."""
    out, walk = [], list(smap.tree.boxes[index].children)
    while walk:
        i = walk.pop()
        if smap.visible(i):
            kids = smap.tree.boxes[i].children
            if kids:
                walk.extend(kids)
            else:
                out.append(i)
    return out


class _Placed:
    """Label rectangles already placed, in a grid, for collision tests."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Rect]] = {}

    def free(self, r: Rect) -> bool:
        x, y, w, h = r
        for gx in range(int(x // GRID_PX), int((x + w) // GRID_PX) + 1):
            for gy in range(int(y // GRID_PX), int((y + h) // GRID_PX) + 1):
                for ox, oy, ow, oh in self.cells.get((gx, gy), ()):
                    if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                        return False
        return True

    def add(self, r: Rect) -> None:
        x, y, w, h = r
        for gx in range(int(x // GRID_PX), int((x + w) // GRID_PX) + 1):
            for gy in range(int(y // GRID_PX), int((y + h) // GRID_PX) + 1):
                self.cells.setdefault((gx, gy), []).append(r)


def _candidates(title: str, detail: str, avail_w: float, avail_h: float, metrics: TextMetrics,
                sizes: Sequence[float]) -> list[tuple[float, list[str], int, float, float, bool]]:
    """Ways to write a name in the space, best first: (size, lines, name lines, width, height, full)."""
    out = []
    for size in sizes:
        lh = metrics.line(size)
        if lh > avail_h:
            continue
        lines = wrap(title, avail_w, metrics, size, min(MAX_LINES, int(avail_h // lh)))
        if lines is None:
            continue
        n = len(lines)
        width = max(metrics.width(t, size) for t in lines)
        if detail and (n + 1) * lh <= avail_h and metrics.width(detail, size) <= avail_w:
            out.append((size, lines + [detail], n, max(width, metrics.width(detail, size)), (n + 1) * lh, True))
        out.append((size, lines, n, width, n * lh, True))
    return out


# Label placement.  Boxes are named largest first (a parent before its
# children), each at the largest font size that fits — on one line, or
# wrapped at separators onto up to MAX_LINES — with its size on a line below
# when there is room.  A name goes at the box's top-left corner, or lower in
# the box where the corner is taken by a bigger box's name.  A group on the
# top level (a base, or what the zoomed box holds) is named on a tab that
# covers the top of what is built on it; a deeper group only in its own strip,
# so its name never hides the names of the stacks on it.  A box where no full name
# fits gets a cut one ("…", ``full`` False) when one line does.  Then, with
# what space is left, each layer of a run big enough for it is named in its
# slice.  Bounded: only boxes at least one line high get a try, and each try
# looks at no more than the box's height in line steps.
def place_labels(smap: StorageMap, metrics: TextMetrics, sizes: Sequence[float] = FONT_SIZES,
                 layer_text: Callable[[str], str] | None = None) -> list[Label]:
    """Name the boxes (and layers) of ``smap`` with ``metrics``; see the comment above."""
    boxes = smap.tree.boxes
    small = min(sizes)
    px, py = LABEL_PAD
    min_h = metrics.line(small) + 2 * py
    min_w = metrics.width("Wm…", small) + 2 * px
    placed = _Placed()
    labels: list[Label] = []

    def spots(x0: float, y0: float, aw: float, ah: float, w: float, h: float, step: float,
              tab: bool) -> Iterator[tuple[float, float]]:
        """Where a ``w`` × ``h`` text may go in the area: down its left side; a tab from its bottom-right
        corner up, then leftwards (bounded: TAB_COLUMNS columns)."""
        rows = int((ah - h + 0.01) // step) + 1
        if not tab:
            yield from ((x0, y0 + k * step) for k in range(rows))
            return
        cols = min(TAB_COLUMNS, int((aw - w + 0.01) // step) + 1)
        dx = (aw - w) / (cols - 1) if cols > 1 else 0.0
        for c in range(cols):
            for k in range(rows):
                yield x0 + aw - w - c * dx, y0 + ah - h - k * step

    def put(index: int, layer: str | None, title: str, detail: str, area: Rect, tab: bool,
            avoid: Sequence[Rect] = ()) -> bool:
        ax, ay, aw, ah = area[0] + px, area[1] + py, area[2] - 2 * px, area[3] - 2 * py
        options = _candidates(title, detail, aw, ah, metrics, sizes)
        options.append((small, [], 1, 0.0, metrics.line(small), False))        # the cut name, made if needed
        for size, lines, n, w, h, full in options:
            if not full:
                if avoid:
                    return False
                cut = elide(title, aw, metrics, small)
                if not cut or cut == title:
                    return False
                lines, w = [cut], metrics.width(cut, small)
            for x, y in spots(ax, ay, aw, ah, w, h, metrics.line(size) / 2, tab):
                r = (x - 2.0, y - 1.0, w + 4.0, h + 2.0)
                if placed.free(r) and not any(_overlap(r, o) for o in avoid):
                    placed.add(r)
                    labels.append(Label(index, layer, r[0], r[1], r[2], r[3], tuple(lines), size, full, tab, n))
                    return True
        return False

    def nameable(index: int) -> bool:
        box = boxes[index]
        area = smap.rects[index] if not box.children else smap.own[index]
        return bool(_candidates(box.title, "", area[2] - 2 * px, area[3] - 2 * py, metrics, sizes))

    ranked = sorted((i for i in smap.order if i != smap.root and smap.visible(i)),
                    key=lambda i: (-boxes[i].bytes, boxes[i].depth, i))
    top_depth = boxes[smap.root].depth + 1
    for index in ranked:
        box = boxes[index]
        tab = bool(box.children) and box.depth == top_depth
        area = smap.rects[index] if tab or not box.children else smap.own[index]
        if area[2] >= min_w and area[3] >= min_h:
            if tab:         # where it hides no name an image's own stack could show, else the fewest smallest
                leaves = sorted((i for i in _leaves(smap, index) if nameable(i)), key=lambda i: -boxes[i].bytes)
                keep = range(len(leaves), max(len(leaves) - TAB_TRIES, 0), -1)
                if any(put(index, None, box.title, human(box.bytes), area, tab, [smap.rects[i] for i in leaves[:n]])
                       for n in keep):
                    continue
            put(index, None, box.title, human(box.bytes), area, tab)
    if layer_text is None:
        return labels
    for index in ranked:
        box = boxes[index]
        if len(box.layers) < 2 and not box.images:
            continue                    # its name is already its one layer's
        for chain_id in box.layers:
            sx, sy, sw, sh = smap.slices[chain_id]
            text = layer_text(chain_id)
            if sw >= min_w and sh >= min_h and text != box.title:      # (the box's name says it already)
                put(index, chain_id, text, human(smap.tree.layer_bytes[chain_id]), (sx, sy, sw, sh), False)
    return labels
