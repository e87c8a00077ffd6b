"""Painting the storage map: Qt's text metrics for model.render.storagemap, what is marked on it, and one frame
(layout, labels and picture) made off the UI thread for a size and a zoom."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter

from model.core.analysis import Analysis
from model.render import storagemap as sm
from model.render.storagelabels import Label, place_labels
from model.render.storagemap import Box, StorageMap, StorageTree

from . import theme


class QtMetrics:
    """model.render.textfit.TextMetrics from Qt's font metrics (theme fonts, one QFont per size).

    One instance per thread: the widths it measured are kept (names repeat their pieces: "team12/", "RUN ")."""

    def __init__(self) -> None:
        self._fonts: dict[float, tuple[QFont, QFontMetricsF]] = {}
        self._widths: dict[tuple[str, float], float] = {}

    def font(self, size: float) -> QFont:
        """The UI font at ``size`` points."""
        return self._get(size)[0]

    def _get(self, size: float) -> tuple[QFont, QFontMetricsF]:
        if size not in self._fonts:
            f = theme.font(size)
            self._fonts[size] = (f, QFontMetricsF(f))
        return self._fonts[size]

    def width(self, text: str, size: float) -> float:
        """Advance width of ``text`` in pixels."""
        key = (text, size)
        w = self._widths.get(key)
        if w is None:
            if len(self._widths) > 50_000:
                self._widths.clear()
            w = self._widths[key] = self._get(size)[1].horizontalAdvance(text)
        return w

    def line(self, size: float) -> float:
        """Line spacing in pixels."""
        return self._get(size)[1].lineSpacing()


# -- one picture of the map (made on the UI thread or a worker: it touches no widget) ---------------------
@dataclass(frozen=True)
class Marks:
    """What an rmi / prune preview colours: the layer map's marks."""

    deleted_images: frozenset[str] = frozenset()
    deleted_layers: frozenset[str] = frozenset()
    untagged_images: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Want:
    """What the picture should be: which state, how large, zoomed where, with which marks and palette."""

    tree: StorageTree = field(compare=False)
    tree_id: int
    width: int
    height: int
    root: int
    marks: Marks
    high_contrast: bool

    @property
    def layout(self) -> tuple[int, int, int, int]:
        """What the boxes' places depend on."""
        return (self.tree_id, self.width, self.height, self.root)


@dataclass
class Frame:
    """A picture of the map: its layout, its names, and the boxes and names painted (frame coordinates)."""

    want: Want
    smap: StorageMap
    labels: list[Label]
    label_of: dict[int, Label]
    image: QImage


def box_colours(box: Box, marks: Marks, pal: theme.Palette) -> tuple[QColor, QColor, QColor]:
    """Fill, edge and text colour of a box, the layer map's: shared / one image's layers, an image's own stack
    by its status, and "would be freed" during a preview."""
    if box.image is not None:
        fill = pal.deleted if box.image in marks.deleted_images else pal.image_fill(box.style)
        return fill, fill.darker(130), pal.image_text
    if marks.deleted_layers and box.layers and box.layers[-1] in marks.deleted_layers:
        return pal.deleted_fill, pal.deleted, pal.text
    if box.style == sm.STYLE_SHARED:
        return pal.layer_shared, pal.layer_shared_edge, pal.text
    return pal.layer_unique, pal.layer_unique_edge, pal.text


def _batches(items: list[int], key: Callable[[int], tuple]) -> list[list[int]]:
    """``items`` grouped by ``key`` (one draw call each), in the order of the sorted keys."""
    groups: dict[tuple, list[int]] = {}
    for i in items:
        groups.setdefault(key(i), []).append(i)
    return [groups[k] for k in sorted(groups)]


# Painting.  Boxes are filled depth by depth, one drawRects call per depth and
# colour (what is built on a box covers it; a box too small to draw shows as
# its parent's colour); then the dotted lines between a run's layers where
# there is room, the leaves' hairlines and the groups' edges (deepest first),
# the in-use and untagged rings, and the names on top.
def paint_map(smap: StorageMap, labels: list[Label], analysis: Analysis, marks: Marks, pal: theme.Palette,
              metrics: QtMetrics) -> QImage:
    """The boxes, layer slices and names of ``smap`` as an image the size of the map."""
    tree = smap.tree
    image = QImage(max(int(smap.width + 0.999), 1), max(int(smap.height + 0.999), 1),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(pal.background)
    p = QPainter(image)
    boxes, rects = tree.boxes, smap.rects
    shown = [i for i in smap.order if i != smap.root and smap.visible(i)]
    colours = {i: box_colours(boxes[i], marks, pal) for i in shown}
    p.setPen(Qt.PenStyle.NoPen)
    for batch in _batches(shown, lambda i: (boxes[i].depth, colours[i][0].rgba())):
        p.setBrush(colours[batch[0]][0])
        p.drawRects([QRectF(*rects[i]) for i in batch])
    freed = [QRectF(*smap.slices[c]) for i in shown for c in boxes[i].layers
             if c in marks.deleted_layers and boxes[i].layers[-1] not in marks.deleted_layers]
    if freed:                                           # a layer freed inside a run that stays
        p.setBrush(pal.deleted_fill)
        p.drawRects(freed)
    for i in shown:                                     # the layers of a run, where there is room to see them
        layers = boxes[i].layers
        ox, oy, ow, oh = smap.own[i]
        if len(layers) < 2 or min(ow, oh) < 3:
            continue
        p.setPen(theme.pen(colours[i][1], 0.6, Qt.PenStyle.DotLine))
        for c in layers[1:]:
            sx, sy, sw, sh = smap.slices[c]
            if ow >= oh and sw >= 3:
                p.drawLine(QPointF(sx, sy), QPointF(sx, sy + sh))
            elif ow < oh and sh >= 3:
                p.drawLine(QPointF(sx, sy + sh), QPointF(sx + sw, sy + sh))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(theme.pen(pal.background, 1.0))            # leaves apart by a hairline of background
    p.drawRects([QRectF(*rects[i]) for i in shown if not boxes[i].children])
    top = boxes[smap.root].depth + 1
    groups = sorted((i for i in shown if boxes[i].children), key=lambda i: -boxes[i].depth)
    for batch in _batches(groups, lambda i: (-boxes[i].depth, colours[i][1].rgba())):
        p.setPen(theme.pen(colours[batch[0]][1], 1.6 if boxes[batch[0]].depth == top else 0.8))
        p.drawRects([QRectF(*rects[i]) for i in batch])     # a group's edge over what is inside it
    status = analysis.status
    for colour, width, marked in (
            (pal.in_use, 2.5, lambda b: any(status[img].in_use for img in b.images)),
            (pal.untagged_mark, 3.0, lambda b: any(img in marks.untagged_images for img in b.images))):
        rings = [QRectF(*rects[i]).adjusted(1.5, 1.5, -1.5, -1.5) for i in shown
                 if boxes[i].images and rects[i][2] > 4 and rects[i][3] > 4 and marked(boxes[i])]
        if rings:
            p.setPen(theme.pen(colour, width))
            p.drawRects(rings)
    for lab in labels:
        _paint_label(p, lab, colours.get(lab.box) or box_colours(boxes[lab.box], marks, pal), pal, metrics)
    p.end()
    return image


def _paint_label(p: QPainter, lab: Label, colours: tuple[QColor, QColor, QColor], pal: theme.Palette,
                 metrics: QtMetrics) -> None:
    fill, edge, text = colours
    if lab.tab:
        p.setPen(theme.pen(edge, 1.0))
        p.setBrush(fill)
        p.drawRect(QRectF(lab.x, lab.y, lab.w, lab.h))
        p.setBrush(Qt.BrushStyle.NoBrush)
    line = metrics.line(lab.size)
    dim = pal.text_dim if text == pal.text and not lab.tab else text
    for k, t in enumerate(lab.lines):
        name = k < lab.title_lines
        p.setFont(metrics.font(lab.size if name else lab.size - 1))
        p.setPen(text if name else dim)
        p.drawText(QRectF(lab.x + 2, lab.y + 1 + k * line, lab.w, line),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, t)


def make_frame(want: Want, analysis: Analysis, metrics: QtMetrics,
               cancelled: Callable[[], bool] = lambda: False) -> Frame | None:
    """Lay out, name and paint the map ``want`` asks for (None when ``cancelled`` says so between the steps)."""
    smap = sm.arrange(want.tree, want.width, want.height, want.root)
    if cancelled():
        return None
    labels = place_labels(smap, metrics, layer_text=lambda c: sm.layer_title(analysis, c))
    if cancelled():
        return None
    pal = theme.HIGH_CONTRAST if want.high_contrast else theme.NORMAL
    image = paint_map(smap, labels, analysis, want.marks, pal, metrics)
    return Frame(want, smap, labels, {lab.box: lab for lab in labels if lab.layer is None}, image)


# -- the widget --------------------------------------------------------------------------------------------
