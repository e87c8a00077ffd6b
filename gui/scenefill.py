"""The layer map's scene filled from a layout: the node items, held in tiles, and the edges."""
from __future__ import annotations

from functools import partial

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from model.core.analysis import Analysis
from model.core.classify import TAGGED
from model.core.layout import COLLAPSED, IMAGE, Layout

from . import theme
from .graphitems import ImageItem, LayerItem, NodeItem, image_label, layer_holders, layer_texts
from .overview import GraphScene, NodeTile

TILE_COLS = 16                 # node items are held in tiles of this many columns of one band


# The scene in one pass.  Node items go into tiles of TILE_COLS columns of
# one band, so a frame far out passes over a few hundred transparent tiles
# rather than every item, and one zoomed in meets only the tiles on screen; a
# tile's rect is its items' bounding rects' union, summed up as they are made.
# Edges: per tile, two path items (layer→layer, layer→image), mouse-
# transparent, under the nodes; each goes up from the top of the lower box,
# across at the gap, and into the upper box (a tile holds the edges into its
# nodes, so a frame strokes only the edges near the screen).
def fill_scene(scene: GraphScene, analysis: Analysis, layout: Layout
               ) -> tuple[dict[str, ImageItem], dict[str, LayerItem]]:
    """Add every node item (in tiles) and edge of ``layout`` to ``scene``: the image items by image ID and the
    layer items by layout node ID."""
    image_items: dict[str, ImageItem] = {}
    layer_items: dict[str, LayerItem] = {}
    pal = theme.palette()
    tiles: dict[tuple[int, int], NodeTile] = {}
    tile_of: dict[str, tuple[int, int]] = {}
    bounds: dict[tuple[int, int], list[float]] = {}     # per tile: its items' bounding rects' union
    margin, chip = NodeItem.MARGIN, ImageItem.CHIP_H
    for node in layout.nodes.values():
        rect = QRectF(node.x, node.y, node.w, node.h)
        top = node.y - margin
        if node.kind == IMAGE:
            item = ImageItem(rect, node.id, *image_label(analysis, node.id))
            image_items[node.id] = item
            if item.platform_chip:
                top -= chip
        else:
            holders = layer_holders(analysis, node)
            item = LayerItem(rect, node.id, node.members, holders, node.kind == COLLAPSED,
                             partial(layer_texts, analysis, node, holders))
            layer_items[node.id] = item
        key = tile_of[node.id] = (node.band, node.col // TILE_COLS)
        tile = tiles.get(key)
        left, right, bottom = node.x - margin, node.x + node.w + margin, node.y + node.h + margin
        if tile is None:
            tile = tiles[key] = NodeTile(QRectF())
            bounds[key] = [left, top, right, bottom]
        else:
            b = bounds[key]
            b[0], b[1], b[2], b[3] = min(b[0], left), min(b[1], top), max(b[2], right), max(b[3], bottom)
        item.setParentItem(tile)
    for key, tile in tiles.items():
        left, top, right, bottom = bounds[key]
        tile.setRect(QRectF(left, top, right - left, bottom - top))
        scene.addItem(tile)
        scene.tiles.append(tile)
    paths: dict[tuple[tuple[int, int], str], QPainterPath] = {}
    for edge in layout.edges:
        a, b = layout.nodes[edge.source], layout.nodes[edge.target]
        x0, y0 = a.x + a.w / 2, a.y
        x1, y1 = b.x + b.w / 2, b.y + b.h
        path = paths.get((tile_of[b.id], edge.kind))
        if path is None:
            path = paths[(tile_of[b.id], edge.kind)] = QPainterPath()
        path.moveTo(x0, y0)
        if abs(x0 - x1) < 0.5:
            path.lineTo(x1, y1)
        else:
            mid = (y0 + y1) / 2
            path.lineTo(x0, mid + 6)
            path.quadTo(x0, mid, x0 + 6, mid)
            path.lineTo(x1 - 6, mid)
            path.quadTo(x1, mid, x1, mid - 6)
            path.lineTo(x1, y1)
    pens = {"layer": theme.pen(pal.edge, 2.0), "top": theme.pen(pal.image_fill(TAGGED).lighter(160), 1.5)}
    for (_, kind), path in paths.items():
        edge_item = QGraphicsPathItem(path)
        edge_item.setPen(pens[kind])
        edge_item.setZValue(-1 if kind == "layer" else -0.9)      # where they share a stroke, "top" shows
        edge_item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        edge_item.setAcceptHoverEvents(False)
        edge_item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        scene.addItem(edge_item)
    return image_items, layer_items
