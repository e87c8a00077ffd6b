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
# blocks: one drawRects() call per colour.  The blocks come in two layers: every
# node in its resting colour (rebuilt when marks, focus, labels or the theme
# change), and over it the selected and lit-up nodes (rebuilt when the selection
# or the highlights change: a handful of nodes, however large the host).  The
# node items stay in the scene, selected or not; the view makes the tiles under
# the mouse opaque for the moment it looks for the item there (clicks, tooltips).
# A fresh map shown fitted far out is painted before its items exist: its blocks
# then come from the layout and the analysis (layout_blocks), in the colours the
# items will have, and the items are made right after that first paint.
class OverviewItem(QGraphicsItem):
    """Every node as a block, batched by colour (shown only when zoomed far out)."""

    PAD = 4000.0        # keeps this item larger than the minimum render size at any zoom

    def __init__(self, rect: QRectF, blocks: Callable[[], Iterable[tuple[QColor, QRectF]]],
                 lit: Callable[[], Iterable[NodeItem]] = lambda: ()) -> None:
        super().__init__()
        self._blocks = blocks               # every node's resting block (item_blocks or layout_blocks)
        self._lit = lit                     # the selected and lit-up items
        self._rect = rect.adjusted(-self.PAD, -self.PAD, self.PAD, self.PAD)
        self._base: list[tuple[QColor, list[QRectF]]] | None = None
        self._over: list[tuple[QColor, list[QRectF]]] | None = None
        self.setZValue(-0.5)                # under the (unpainted) nodes: itemAt() still finds them
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setVisible(False)

    def invalidate(self) -> None:
        """Rebuild both layers of blocks at the next paint."""
        self._base = self._over = None
        if self.isVisible():
            self.update()

    def invalidate_lit(self) -> None:
        """Rebuild the selected and lit-up blocks at the next paint (the selection or a highlight changed)."""
        self._over = None
        if self.isVisible():
            self.update()

    @staticmethod
    def _batches(colored: Iterable[tuple[QColor, QRectF]]) -> list[tuple[QColor, list[QRectF]]]:
        groups: dict[int, tuple[QColor, list[QRectF]]] = {}
        for color, rect in colored:
            group = groups.get(color.rgba())
            if group is None:
                group = groups[color.rgba()] = (color, [])
            group[1].append(rect)
        return list(groups.values())

    def _build_over(self) -> list[tuple[QColor, list[QRectF]]]:
        selected = theme.palette().selected
        dimmed = QColor(selected).lighter(170)
        return self._batches((dimmed if item.opacity() < 1.0 else selected, item.rect) for item in self._lit())

    # Qt overrides
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """All blocks, one drawRects call per colour; the selected and lit-up ones over the rest."""
        if self._base is None:
            self._base = self._batches(self._blocks())
        if self._over is None:
            self._over = self._build_over()
        painter.setPen(Qt.PenStyle.NoPen)
        for color, rects in self._base + self._over:
            painter.setBrush(color)
            painter.drawRects(rects)


def item_blocks(items: Iterable[NodeItem], previewing: bool) -> Iterator[tuple[QColor, QRectF]]:
    """Each node item's resting block: its colour (preview mark, sharing, status; paler when dimmed) and box."""
    pal = theme.palette()
    kept = MARK_KEPT if previewing else None        # (see NodeItem.mark)
    for item in items:
        color = item.rest_color(pal, item._mark or kept)        # noqa: SLF001 (the mark, as above)
        yield (changed_color(color, lighter=170) if item.opacity() < 1.0 else color), item.rect


def layout_blocks(analysis: Analysis, layout: Layout) -> Iterator[tuple[QColor, QRectF]]:
    """Each node's block before its item exists (unmarked, undimmed, as the item will rest): image badges by
    status, layer boxes by sharing."""
    pal = theme.palette()
    status = analysis.status
    for node in layout.nodes.values():
        color = (pal.image_fill(status[node.id].status) if node.kind == IMAGE
                 else layer_color(pal, layer_holders(analysis, node)))
        yield color, QRectF(node.x, node.y, node.w, node.h)


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
