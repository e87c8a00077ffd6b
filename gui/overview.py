"""The graph's scene and its tiles: the node items held in tiles, made transparent far out, where the overview
draws every box in a few calls."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable, Iterable

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from model.core.analysis import Analysis
from model.core.layout import IMAGE, NODE_W, Layout

from . import theme
from .graphitems import LOD_BLOCK, MARK_KEPT, NodeItem, changed_color, layer_color, layer_holders, no_pen

MIN_RENDER_PX = 0.5            # items smaller than this on screen (device pixels) are not painted at all
# Below the zoom at which a node item paints itself as a plain block (LOD_BLOCK), the OverviewItem paints every
# node in a few calls instead, in the same colours; the minimum render size then skips every node box.
OVERVIEW_SCALE = LOD_BLOCK
OVERVIEW_RENDER_PX = (NODE_W + 2 * NodeItem.MARGIN) * OVERVIEW_SCALE + 1.0


class NodeTile(QGraphicsRectItem):
    """A tile of the drawing: the node items of a block of columns of one band, as its children; paints
    nothing itself and is never hit (see OverviewItem)."""

    def __init__(self, rect: QRectF) -> None:
        super().__init__(rect)
        self.setPen(no_pen())
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    # Qt overrides
    def shape(self) -> QPainterPath:
        """Nothing: only the items in it are hit."""
        return QPainterPath()


# Full-overview painting.  Far out (below OVERVIEW_SCALE) each box is a few
# pixels, yet painting 37,000 items costs one Python paint() call each, and even
# skipping them costs Qt a visit to each, every frame.  Instead the view makes the
# tiles holding the node items fully transparent, so Qt passes over each tile
# without visiting its items, and one OverviewItem draws all boxes as coloured
# blocks: one drawRects() call per colour.  The blocks come in three tiers:
#  - the groups: every node in its resting colour, grouped by that colour (rebuilt
#    when focus, labels or the theme change);
#  - the base drawn from them: the groups as they are, or under an rmi preview each
#    group in its "kept" colour and the marked nodes over them in theirs (rebuilt
#    when the marks change: a preview costs what it marks, not a colour worked out
#    again for each of the 37,000 nodes);
#  - over it the selected and lit-up nodes (rebuilt when the selection or the
#    highlights change: a handful of nodes, however large the host).
# The node items stay in the scene, selected or not; the view makes the tiles under
# the mouse opaque for the moment it looks for the item there (clicks, tooltips).
# A fresh map shown fitted far out is painted before its items exist: its groups
# then come from the layout and the analysis (layout_groups), in the colours the
# items will have, and the items are made right after that first paint.
Batches = list[tuple[QColor, list[QRectF]]]
Marks = dict[NodeItem, str]


class BlockGroup:
    """The resting blocks of one colour: the nodes' own colour (unmarked), whether they are dimmed, their boxes
    and their items (none while the items are not made yet)."""

    def __init__(self, own: QColor, dimmed: bool) -> None:
        self.own, self.dimmed = own, dimmed
        self.rects: list[QRectF] = []
        self.items: list[NodeItem] = []


def shade(color: QColor, dimmed: bool) -> QColor:
    """A block's drawn colour: paler when its node is dimmed."""
    return changed_color(color, lighter=170) if dimmed else color


class OverviewItem(QGraphicsItem):
    """Every node as a block, batched by colour (shown only when zoomed far out)."""

    PAD = 4000.0        # keeps this item larger than the minimum render size at any zoom

    def __init__(self, rect: QRectF, groups: Callable[[], list[BlockGroup]],
                 marks: Callable[[], Marks | None] = lambda: None,
                 lit: Callable[[], Iterable[NodeItem]] = lambda: ()) -> None:
        super().__init__()
        self._groups_of = groups            # every node's resting block, grouped (item_groups or layout_groups)
        self._marks = marks                 # the rmi preview's marks (None: no preview shown)
        self._lit = lit                     # the selected and lit-up items
        self._rect = rect.adjusted(-self.PAD, -self.PAD, self.PAD, self.PAD)
        self._groups: list[BlockGroup] | None = None
        self._base: Batches | None = None
        self._over: Batches | None = None
        self.setZValue(-0.5)                # under the (unpainted) nodes: itemAt() still finds them
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setVisible(False)

    def invalidate(self) -> None:
        """Rebuild every tier of blocks at the next paint."""
        self._groups = self._base = self._over = None
        self._update()

    def invalidate_marks(self) -> None:
        """Rebuild the blocks drawn from the groups at the next paint (the rmi preview's marks changed)."""
        self._base = None
        self._update()

    def invalidate_lit(self) -> None:
        """Rebuild the selected and lit-up blocks at the next paint (the selection or a highlight changed)."""
        self._over = None
        self._update()

    def _update(self) -> None:
        if self.isVisible():
            self.update()

    @staticmethod
    def _batches(colored: Iterable[tuple[QColor, QRectF]]) -> Batches:
        groups: dict[int, tuple[QColor, list[QRectF]]] = {}
        for color, rect in colored:
            group = groups.get(color.rgba())
            if group is None:
                group = groups[color.rgba()] = (color, [])
            group[1].append(rect)
        return list(groups.values())

    def _build_base(self, groups: list[BlockGroup]) -> Batches:
        marks = self._marks()
        if marks is None:
            return [(shade(g.own, g.dimmed), g.rects) for g in groups]
        pal = theme.palette()
        kept = [(shade(g.items[0].own_color(pal, MARK_KEPT) if g.items else g.own, g.dimmed), g.rects)
                for g in groups]
        return kept + self._batches((shade(item.rest_color(pal, mark), item.opacity() < 1.0), item.rect)
                                    for item, mark in marks.items())

    def _build_over(self) -> Batches:
        selected = theme.palette().selected
        return self._batches((shade(selected, item.opacity() < 1.0), item.rect) for item in self._lit())

    def batches(self) -> Batches:
        """The blocks the next paint draws, batched by colour: the resting ones (marked under a preview), then the
        selected and lit-up ones over them."""
        if self._groups is None:
            self._groups = self._groups_of()
        if self._base is None:
            self._base = self._build_base(self._groups)
        if self._over is None:
            self._over = self._build_over()
        return self._base + self._over

    # Qt overrides
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """All blocks, one drawRects call per colour; the selected and lit-up ones over the rest."""
        painter.setPen(Qt.PenStyle.NoPen)
        for color, rects in self.batches():
            painter.setBrush(color)
            painter.drawRects(rects)


def item_groups(items: Iterable[NodeItem]) -> list[BlockGroup]:
    """The node items' resting blocks (unmarked; paler when dimmed), grouped by colour and by item class (what a
    preview's "kept" makes of a colour depends on both)."""
    pal = theme.palette()
    groups: dict[tuple[type, int, bool], BlockGroup] = {}
    for item in items:
        own, dimmed = item.own_color(pal, None), item.opacity() < 1.0
        key = (type(item), own.rgba(), dimmed)
        group = groups.get(key)
        if group is None:
            group = groups[key] = BlockGroup(own, dimmed)
        group.items.append(item)
        group.rects.append(item.rect)
    return list(groups.values())


def layout_groups(analysis: Analysis, layout: Layout) -> list[BlockGroup]:
    """Each node's block before its item exists (unmarked, undimmed, as the item will rest): image badges by
    status, layer boxes by sharing."""
    pal = theme.palette()
    status = analysis.status
    groups: dict[int, BlockGroup] = {}
    for node in layout.nodes.values():
        own = (pal.image_fill(status[node.id].status) if node.kind == IMAGE
               else layer_color(pal, layer_holders(analysis, node)))
        group = groups.get(own.rgba())
        if group is None:
            group = groups[own.rgba()] = BlockGroup(own, False)
        group.rects.append(QRectF(node.x, node.y, node.w, node.h))
    return list(groups.values())


class GraphScene(QGraphicsScene):
    """The scene: static after one build pass, so a BSP index serves lookups.  The node items sit in tiles
    (NodeTile), made transparent while the overview draws them (see overview.OverviewItem)."""

    def __init__(self, parent: QObject | None = None) -> None:
        pal = theme.palette()
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setBackgroundBrush(pal.background)
        # boxes under half a pixel are skipped instead of painted
        self.setMinimumRenderSize(MIN_RENDER_PX)
        self.tiles: list[NodeTile] = []
        self.tiles_hidden = False
        self.previewing = False                 # an rmi preview is shown: unmarked items are "kept"

    def hide_tiles(self, hidden: bool) -> None:
        """Make the tiles transparent (the overview draws their nodes) or opaque again."""
        self.tiles_hidden = hidden
        for tile in self.tiles:
            tile.setOpacity(0.0 if hidden else 1.0)

    @contextmanager
    def opaque(self, where: QRectF | None = None) -> Iterator[None]:
        """Hidden tiles (those meeting ``where``, or all) opaque for the body: hit tests and exports meet the
        node items in them, as at any zoom."""
        tiles = [t for t in self.tiles if where is None or t.rect().intersects(where)] if self.tiles_hidden else []
        for tile in tiles:
            tile.setOpacity(1.0)
        try:
            yield
        finally:
            for tile in tiles:
                tile.setOpacity(0.0)

    def render(self, painter: QPainter, target: QRectF = QRectF(), source: QRectF = QRectF(),
               mode: Qt.AspectRatioMode = Qt.AspectRatioMode.KeepAspectRatio) -> None:
        """Render the scene, every node item drawn whatever the view's zoom (exports)."""
        with self.opaque():
            super().render(painter, target, source, mode)
