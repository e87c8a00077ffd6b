"""The layer forest drawn in a QGraphicsView: zoom and pan, selection, rmi preview marks, lineage focus, highlights."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QToolTip, QWidget

from model.core.analysis import Analysis
from model.core.bulk import paused_gc
from model.core.graph import lineage
from model.core.layout import Layout

from . import theme
from .graphitems import (LOD_BLOCK, MARK_DELETED, MARK_UNTAGGED, ImageItem, LayerItem, NodeItem, image_label,
                         image_tooltip, layer_holders, layer_texts, layer_tooltip)
from .overview import (MIN_RENDER_PX, OVERVIEW_RENDER_PX, OVERVIEW_SCALE, BlockGroup, GraphScene, Marks,
                       OverviewItem, item_groups, layout_groups)
from .scenefill import fill_scene

MIN_SCALE, MAX_SCALE = 0.004, 4.0
FLASH_MS = 1800                # how long changed items stay highlighted after apply_snapshot
SCENE_MARGIN = 60.0            # around the forest, in scene units


class GraphView(QGraphicsView):
    """Zoomable, pannable view of the layer forest; emits domain IDs, never items."""

    image_selected = Signal(str)          # image ID (user clicked a badge)
    layer_selected = Signal(str)          # chain ID (user clicked a layer; first member of a run)
    selection_cleared = Signal()
    images_selected = Signal(list)        # every selected image ID (multi-selection with Ctrl+click)
    menu_requested = Signal(str, QPoint)  # image ID right-clicked, global position (the window builds the menu)
    focus_requested = Signal(str)         # image ID whose lineage to focus
    zoom_changed = Signal(float)
    painted = Signal(int)                 # after each paint of the viewport: how many boxes and badges the scene holds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(GraphScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.analysis: Analysis | None = None
        self.layout: Layout | None = None
        self.image_items: dict[str, ImageItem] = {}
        self.layer_items: dict[str, LayerItem] = {}     # layout node id → item
        self.node_of: dict[str, str] = {}                # chain ID / image ID → layout node id
        self.preview_active = False
        self.focused_image: str | None = None
        self._syncing = False
        self._lit_items: set[NodeItem] = set()          # lit up by flash()
        self._marked: list[NodeItem] = []               # marked by show_preview (deleted, untagged)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._on_flash_timeout)
        self.overview: OverviewItem | None = None
        self._overview_on = False
        self._items_pending = False                     # set_data(items_later=True) until build_items
        self.scene().selectionChanged.connect(self._on_selection_changed)
        self.scene().selectionChanged.connect(self._restyle_lit)

    # -- building -----------------------------------------------------------------------
    def set_data(self, analysis: Analysis, layout: Layout, items_later: bool = False) -> None:
        """Replace the drawing: create every item in one pass (items are never moved afterwards).

        When the layout is the one already drawn (a live tag/untag: same forest, same boxes), the items
        are kept and only their labels, status and colours are refreshed.  With ``items_later`` (a fresh map
        to be painted fitted far out first, see fits_far_out) only the overview is made; build_items makes
        the items once that paint is done."""
        if layout is self.layout and self.analysis is not None and self._relabel(analysis, layout):
            return
        with paused_gc():
            self._build(analysis, layout, items_later)

    def fits_far_out(self, layout: Layout) -> bool:
        """True when ``layout`` fitted into the viewport is drawn by the overview (its whole forest under
        OVERVIEW_SCALE, with room to spare): such a map can be painted before its items exist."""
        view = self.viewport().rect()
        width, height = layout.width + 2 * SCENE_MARGIN, layout.height + 2 * SCENE_MARGIN
        return min(view.width() / width, view.height() / height) < OVERVIEW_SCALE * 0.8

    def build_items(self) -> None:
        """Make the node items and edges of a map set with ``items_later`` (nothing to do otherwise)."""
        if not self._items_pending or self.analysis is None or self.layout is None:
            return
        scene = self.scene()
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)     # (as in _build)
        with paused_gc():
            self._build_items(self.analysis, self.layout)
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._items_pending = False
        scene.hide_tiles(self._overview_on)             # the new tiles, as the overview is now
        self._apply_overview()
        self.overview.invalidate()
        self._warm()

    # Qt's first paint of the node items in a view costs once what several frames
    # do (~30 ms on 10,000 images), whatever part of the scene is on screen; a map
    # shown first far out would pay it on the first zoom past the overview.  So
    # once build_items has made them, the view paints once off screen just past
    # that zoom, and comes back to where it was.
    def _warm(self) -> None:
        """Paint the items once off screen (see above) when the overview is what is shown now."""
        if not self._overview_on or self._items_pending:
            return
        transform, center = self.transform(), self.mapToScene(self.viewport().rect().center())
        self.zoom_to(OVERVIEW_SCALE * 1.1)
        self.viewport().grab()
        self.setTransform(transform)
        self.centerOn(center)
        self._on_scale_changed()

    # The scene in one pass: its rect and the overview, then (now, or after a first
    # paint far out, see set_data) the node items in tiles and the edges.
    def _build(self, analysis: Analysis, layout: Layout, items_later: bool) -> None:
        self._syncing = True
        scene = self.scene()
        # (without an index while the old items go and the new come: the BSP tree is then built once, at the
        # first lookup, rather than taken apart and grown item by item)
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.overview = None                    # (clearing a selection on the way signals _restyle_lit)
        scene.clear()
        scene.tiles = []
        scene.previewing = False
        self._marked = []
        self.analysis, self.layout = analysis, layout
        self.image_items, self.layer_items = {}, {}
        self._lit_items = set()
        self.node_of = dict(layout.node_of)
        self.preview_active = False
        self.focused_image = None
        m = SCENE_MARGIN
        scene.setSceneRect(QRectF(-m, -m, layout.width + 2 * m, layout.height + 2 * m))
        self.overview = OverviewItem(scene.sceneRect(), self._groups, self._marks, self.lit_items)
        scene.addItem(self.overview)
        self._items_pending = items_later
        if not items_later:
            self._build_items(analysis, layout)
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._overview_on = False
        scene.tiles_hidden = False
        self._apply_overview()
        self._syncing = False

    def _build_items(self, analysis: Analysis, layout: Layout) -> None:
        """The node items in their tiles, and the edges (gui/scenefill.py)."""
        self.image_items, self.layer_items = fill_scene(self.scene(), analysis, layout)

    def _groups(self) -> list[BlockGroup]:
        """The overview's resting blocks: from the items, or from the layout while they are not made yet."""
        if self._items_pending:
            return layout_groups(self.analysis, self.layout)
        return item_groups(self.nodes())

    def _marks(self) -> Marks | None:
        """The rmi preview's marked items and their marks (None when no preview is shown)."""
        return {item: item.mark for item in self._marked} if self.scene().previewing else None

    def lit_items(self) -> list[NodeItem]:
        """The node items drawn highlighted: the selected and the lit-up ones."""
        return [*self.scene().selectedItems(), *(i for i in self._lit_items if not i.isSelected())]

    def nodes(self) -> list[NodeItem]:
        """Every layer box and image badge."""
        return [*self.layer_items.values(), *self.image_items.values()]

    def retranslate(self) -> None:
        """Say every label again in the current language; marks, selection, focus, highlights and zoom stay."""
        if self.analysis is not None and self.layout is not None:
            self._set_labels()
            self.restyle()

    def _relabel(self, analysis: Analysis, layout: Layout) -> bool:
        """Refresh the existing items for a new analysis drawn with the same layout; False if they differ."""
        if len(self.image_items) + len(self.layer_items) != len(layout.nodes):     # (items made from this layout)
            return False
        self.clear_preview()
        self.clear_focus()
        before, self.analysis = self.analysis, analysis
        if self._set_labels(before) and self.overview is not None:
            self.overview.invalidate()
        return True

    # Relabelling after a change.  An item's texts follow from a few of the
    # analysis' figures.  Where the new analysis carries the old one's over
    # (Analysis.following after a retag: the same objects), only the items whose
    # figures were made anew are looked at; otherwise every item is, and repaints
    # only when its texts changed.  Without an analysis before (a new language),
    # every item is said again.
    def _set_labels(self, before: Analysis | None = None) -> bool:
        """Give the items the texts of ``self.analysis``; True when some item's resting colour may have
        changed (status, sharing)."""
        a = self.analysis
        recolor = before is None
        images: Iterable[str] = self.image_items
        layers: Iterable[str] = self.layer_items
        if before is not None and a.mappings is before.mappings and a.layer_sizes is before.layer_sizes:
            old_ids, old_sizes, old_status = before.snapshot.by_id, before.image_sizes, before.status
            images = [i for i in self.image_items if a.snapshot.by_id[i] is not old_ids[i]
                      or a.image_sizes[i] is not old_sizes[i] or a.status[i] is not old_status[i]]
            old_use = before.layer_use
            layers = {self.node_of[c] for c, use in a.layer_use.items()
                      if use is not old_use.get(c) and self.node_of.get(c) in self.layer_items}
            if any(img.manifests for img in a.snapshot.images):     # a platform's top layer names its image
                layers |= {n for n, item in self.layer_items.items()
                           if "platform_of" in a.graph.nodes[item.members[-1]]}
        for image_id in images:
            item = self.image_items[image_id]
            label = image_label(a, image_id)
            recolor = recolor or label[1] != item.status
            item.set_label(*label)
        nodes = self.layout.nodes
        for node_id in layers:
            item, node = self.layer_items[node_id], nodes[node_id]
            holders = layer_holders(a, node)
            recolor = recolor or (holders > 1) != (item.holders > 1)
            item.set_texts(holders, partial(layer_texts, a, node, holders))
        return recolor

    # -- selection ----------------------------------------------------------------------
    def _on_selection_changed(self) -> None:
        if self._syncing:
            return
        items = self.scene().selectedItems()
        if not items:
            self.selection_cleared.emit()
            self.images_selected.emit([])
            return
        self.images_selected.emit([i.node_id for i in items if isinstance(i, ImageItem)])
        item = items[0]
        if isinstance(item, ImageItem):
            self.image_selected.emit(item.node_id)
        elif isinstance(item, LayerItem):
            self.layer_selected.emit(item.members[0])

    def _select_item(self, item: QGraphicsItem | None, center: bool) -> None:
        self._syncing = True
        try:
            self.scene().clearSelection()
            if item is not None:
                item.setSelected(True)
                if center:
                    self.ensureVisible(item, 80, 80)
        finally:
            self._syncing = False

    def select_image(self, image_id: str, center: bool = True) -> None:
        """Select an image's badge (without emitting) and bring it into view."""
        self._select_item(self.image_items.get(image_id), center)

    def select_layer(self, chain_id: str, center: bool = True) -> None:
        """Select the box holding a chain ID (without emitting) and bring it into view."""
        node = self.node_of.get(chain_id)
        self._select_item(self.layer_items.get(node) if node else None, center)

    def selected_ids(self) -> list[str]:
        """Domain IDs of what is selected (image IDs, or chain IDs for layers)."""
        out = []
        for item in self.scene().selectedItems():
            out.append(item.node_id if isinstance(item, ImageItem) else item.members[0])
        return out

    # -- preview and focus --------------------------------------------------------------
    def show_preview(self, deleted_images: set[str], deleted_layers: set[str], untagged_images: set[str]) -> None:
        """Mark what `docker rmi` would delete (red) and untag (amber); everything else is dimmed."""
        self._unmark()
        self.preview_active = self.scene().previewing = True
        for image_id in untagged_images:
            if image_id in self.image_items:
                self._mark(self.image_items[image_id], MARK_UNTAGGED)
        for image_id in deleted_images:
            if image_id in self.image_items:
                self._mark(self.image_items[image_id], MARK_DELETED)
        for chain_id in deleted_layers:
            item = self.layer_items.get(self.node_of.get(chain_id, ""))
            if item is not None:
                self._mark(item, MARK_DELETED)
        self.restyle(marks_only=True)

    def _mark(self, item: NodeItem, mark: str) -> None:
        item.mark = mark
        self._marked.append(item)

    def _unmark(self) -> None:
        """Drop the marks set one by one (the items of an earlier preview)."""
        for item in self._marked:
            item.mark = None
        self._marked = []

    def clear_preview(self) -> None:
        """Remove the preview marks."""
        shown = self.preview_active or bool(self._marked)
        self._unmark()
        self.preview_active = self.scene().previewing = False
        if shown:
            self.restyle(marks_only=True)

    def marked(self, mark: str) -> set[str]:
        """Domain IDs carrying a preview mark (image IDs and chain IDs; for tests and the list)."""
        out = {i for i, item in self.image_items.items() if item.mark == mark}
        for item in self.layer_items.values():
            if item.mark == mark:
                out.update(item.members)
        return out

    def focus_lineage(self, image_id: str) -> None:
        """Dim everything but one image and the layers under it, and zoom to them."""
        if self.analysis is None or image_id not in self.image_items:
            return
        keep_nodes = {self.node_of[c] for c in lineage(self.analysis.graph, image_id)}
        rect = QRectF(self.image_items[image_id].rect)
        for node_id, item in self.layer_items.items():
            inside = node_id in keep_nodes
            item.setOpacity(1.0 if inside else 0.18)
            if inside:
                rect = rect.united(item.rect)
        for other, item in self.image_items.items():
            item.setOpacity(1.0 if other == image_id else 0.18)
        self.focused_image = image_id
        self.restyle()
        self.fitInView(rect.adjusted(-120, -80, 120, 80), Qt.AspectRatioMode.KeepAspectRatio)
        self._clamp_scale()

    def clear_focus(self) -> None:
        """Undo focus_lineage."""
        if self.focused_image is None:
            return
        self.focused_image = None
        for item in self.nodes():
            item.setOpacity(1.0)
        self.restyle()

    # -- zoom ---------------------------------------------------------------------------
    def current_scale(self) -> float:
        """The view's zoom factor (1 = 100%)."""
        return self.transform().m11()

    def _on_scale_changed(self) -> None:
        # cheaper painting zoomed out: blocks need no antialiasing (it doubles the fill cost)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, self.current_scale() >= LOD_BLOCK)
        self._apply_overview()
        self.zoom_changed.emit(self.current_scale())

    def _apply_overview(self) -> None:
        """Switch between per-item painting and the batched OverviewItem at OVERVIEW_SCALE."""
        on = self.overview is not None and (self._items_pending or self.current_scale() < OVERVIEW_SCALE)
        if on == self._overview_on:
            return
        self._overview_on = on
        self.scene().setMinimumRenderSize(OVERVIEW_RENDER_PX if on else MIN_RENDER_PX)
        self.scene().hide_tiles(on)
        if self.overview is not None:
            self.overview.setVisible(on)

    def restyle(self, marks_only: bool = False) -> None:
        """Repaint after a change of marks, selection, focus, highlight or theme colours (``marks_only``: only the
        rmi preview's marks changed)."""
        pal = theme.palette()
        if self.overview is not None:
            if marks_only:
                self.overview.invalidate_marks()
            else:
                self.overview.invalidate()
        self.scene().setBackgroundBrush(pal.background)
        self.scene().update()

    def _restyle_lit(self) -> None:
        """Repaint after a change of selection or highlights (the items repaint themselves; the overview
        redraws its lit-up blocks)."""
        if self.overview is not None:
            self.overview.invalidate_lit()

    def _clamp_scale(self) -> None:
        s = self.current_scale()
        if s > MAX_SCALE or s < MIN_SCALE:
            self.zoom_to(min(MAX_SCALE, max(MIN_SCALE, s)))
        self._on_scale_changed()

    def zoom_by(self, factor: float) -> None:
        """Multiply the zoom by ``factor`` (clamped)."""
        target = min(MAX_SCALE, max(MIN_SCALE, self.current_scale() * factor))
        f = target / self.current_scale()
        self.scale(f, f)
        self._on_scale_changed()

    def zoom_to(self, scale: float) -> None:
        """Set the zoom to ``scale`` keeping the view centre."""
        center = self.mapToScene(self.viewport().rect().center())
        self.setTransform(QTransform.fromScale(scale, scale))
        self.centerOn(center)
        self._on_scale_changed()

    def fit_all(self) -> None:
        """Fit the whole forest in the view."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._clamp_scale()

    def show_readable(self) -> None:
        """The first view: the whole forest fitted, but never blown up beyond 125% for a tiny graph."""
        if self.layout is None:
            return
        self.fit_all()
        if self.current_scale() > 1.25:
            self.zoom_to(1.25)
            self.centerOn(self.scene().sceneRect().center())

    # -- highlight of changed items ------------------------------------------------------
    def flash(self, ids: set[str] | frozenset[str], ms: int = FLASH_MS) -> int:
        """Highlight the items of these image and chain IDs for ``ms``; returns how many items lit up."""
        lit = 0
        for ident in ids:
            item = self.image_items.get(ident) or self.layer_items.get(self.node_of.get(ident, ""))
            if item is not None and not item.flash:
                item.flash = True
                item.update()
                self._lit_items.add(item)
                lit += 1
        if lit:
            self._restyle_lit()
            self._flash_timer.start(ms)
        return lit

    def unflash(self) -> None:
        """End every highlight now."""
        self._flash_timer.stop()
        self._on_flash_timeout()

    def flashing(self) -> set[str]:
        """Domain IDs currently highlighted (image IDs and chain IDs)."""
        out = set()
        for item in self._lit_items:
            out.update(item.members if isinstance(item, LayerItem) else (item.node_id,))
        return out

    def _on_flash_timeout(self) -> None:
        for item in self._lit_items:
            item.flash = False
            item.update()
        self._lit_items = set()
        self._restyle_lit()

    def tooltip_for(self, item: QGraphicsItem) -> str:
        """The tooltip of a node, built when asked (3,600 tooltips are never built up front)."""
        if isinstance(item, ImageItem):
            return image_tooltip(self.analysis, item.node_id)
        if isinstance(item, LayerItem):
            return layer_tooltip(self.analysis, item.members)
        return ""

    def node_at(self, pos: QPoint) -> QGraphicsItem | None:
        """The item under a viewport position, whatever the zoom (see hittable)."""
        with self.hittable(pos):
            return self.itemAt(pos)

    @contextmanager
    def hittable(self, pos: QPoint) -> Iterator[None]:
        """For the body, the node items around a viewport position can be hit even while the overview draws
        them (their tiles are transparent then)."""
        with self.scene().opaque(self.mapToScene(QRect(pos.x() - 2, pos.y() - 2, 5, 5)).boundingRect()):
            yield

    # Qt overrides
    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        self.painted.emit(len(self.image_items) + len(self.layer_items))

    def mousePressEvent(self, event) -> None:  # noqa: N802
        with self.hittable(event.position().toPoint()):
            super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        with self.hittable(event.position().toPoint()):
            super().mouseDoubleClickEvent(event)

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and self.analysis is not None:
            item = self.node_at(event.pos())
            text = self.tooltip_for(item) if item is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(1.0015 ** delta)
        event.accept()

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        item = self.node_at(event.pos())
        if not isinstance(item, ImageItem):
            with self.hittable(event.pos()):
                return super().contextMenuEvent(event)
        if not item.isSelected():
            self.select_image(item.node_id, center=False)
            self.image_selected.emit(item.node_id)
            self.images_selected.emit([item.node_id])
        self.menu_requested.emit(item.node_id, event.globalPos())
        event.accept()
