"""The layer forest drawn in a QGraphicsView: layer boxes, image badges, LOD painting, preview marks."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPolygonF, QTransform
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsPathItem, QGraphicsScene, QGraphicsView, QStyle,
                               QStyleOptionGraphicsItem, QToolTip, QWidget)

from model.core.analysis import Analysis
from model.core.chain import short_id
from model.core.graph import lineage
from model.core.layout import COLLAPSED, IMAGE, Layout
from model.core.sizes import human

from . import theme

# Level-of-detail tiers (after Qt's "40000 Chips" example): below LOD_BLOCK a
# node is one fillRect, below LOD_TEXT it is a box without text, from LOD_TEXT
# on it carries its labels.  Zoomed far out the forest is a field of coloured
# blocks; zoomed in, each box reads like a row of `docker history`.
LOD_BLOCK = 0.18
LOD_TEXT = 0.42
MIN_SCALE, MAX_SCALE = 0.004, 4.0

MARK_DELETED = "deleted"       # rmi preview: this image / layer would be deleted
MARK_UNTAGGED = "untagged"     # rmi preview: a tag of this image would be removed
MARK_KEPT = "kept"             # rmi preview active, this item survives
MIN_RENDER_PX = 0.5            # items smaller than this on screen (device pixels) are not painted at all
OVERVIEW_SCALE = 0.06          # below this zoom the OverviewItem paints every node in a few calls
OVERVIEW_RENDER_PX = 12.0      # minimum render size then: every node box (≤ 11.4 px) is skipped
FLASH_MS = 1800                # how long changed items stay highlighted after apply_snapshot


def tr(text: str) -> str:
    """Translate ``text`` in the GraphView context (graph items are not QObjects)."""
    return QCoreApplication.translate("GraphView", text)


# image statuses as shown (translated with tr(status) where they are displayed)
STATUS_NAMES = (QT_TRANSLATE_NOOP("GraphView", "tagged"), QT_TRANSLATE_NOOP("GraphView", "untagged"),
                QT_TRANSLATE_NOOP("GraphView", "intermediate"), QT_TRANSLATE_NOOP("GraphView", "dangling"))


def short_created_by(text: str) -> str:
    """CREATED BY without the shell prefix, the way a reader scans `docker history`."""
    text = " ".join(text.split())
    for prefix in ("/bin/sh -c #(nop) ", "/bin/sh -c ", "|"):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    if text.startswith("|") or (text[:1].isdigit() and " " in text and text.split(" ", 1)[0].isdigit()):
        text = text.split(" ", 1)[-1]       # BuildKit "|2 ARG=.. /bin/sh -c" form
        text = text.replace("/bin/sh -c ", "")
    return text or tr("(no CREATED BY)")


class _NodeItem(QGraphicsItem):
    """Common base: a cached rect, selection, preview marks and dimming; painting by level of detail."""

    def __init__(self, rect: QRectF, node_id: str) -> None:
        super().__init__()
        self.rect = rect
        self.node_id = node_id
        self.mark: str | None = None
        self.flash = False                  # briefly highlighted: new or changed in apply_snapshot
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(False)

    # Qt overrides
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self.rect.adjusted(-4, -4, 4, 4)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.rect)
        return path


class LayerItem(_NodeItem):
    """A layer (or a collapsed run of layers): created-by, size, "shared by N images"."""

    FONT = None
    SMALL = None

    def __init__(self, rect: QRectF, node_id: str, members: tuple[str, ...], title: str, detail: str,
                 holders: int, collapsed: bool) -> None:
        super().__init__(rect, node_id)
        self.members = members
        self.title = title
        self.detail = detail
        self.holders = holders
        self.collapsed = collapsed
        self.title_elided: str | None = None      # elided on first paint with text (most items never are)
        if LayerItem.FONT is None:
            LayerItem.FONT = theme.font(8.5)
            LayerItem.SMALL = theme.font(7.5)
            LayerItem.METRICS = QFontMetricsF(LayerItem.FONT)

    def block_color(self, selected: bool) -> QColor:
        """The one colour of this box when zoomed far out."""
        if selected or self.flash:
            return theme.SELECTED
        if self.mark == MARK_DELETED:
            return theme.DELETED
        return theme.LAYER_SHARED_EDGE if self.holders > 1 else theme.LAYER_UNIQUE.darker(125)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Paint by level of detail: block, box, or box with labels."""
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        shared = self.holders > 1
        if self.mark == MARK_DELETED:
            fill, edge = theme.DELETED_FILL, theme.DELETED
        elif self.collapsed:
            fill, edge = theme.LAYER_COLLAPSED, theme.LAYER_SHARED_EDGE if shared else theme.LAYER_UNIQUE_EDGE
        elif shared:
            fill, edge = theme.LAYER_SHARED, theme.LAYER_SHARED_EDGE
        else:
            fill, edge = theme.LAYER_UNIQUE, theme.LAYER_UNIQUE_EDGE
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if lod < LOD_BLOCK:
            painter.fillRect(self.rect, self.block_color(selected))
            return
        if self.flash:
            painter.setPen(theme.pen(theme.FLASH, 8))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.rect, 6, 6)
        if selected:
            painter.setPen(theme.pen(theme.SELECTED, 6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.rect, 6, 6)
        style = Qt.PenStyle.DashLine if self.collapsed else Qt.PenStyle.SolidLine
        painter.setPen(theme.pen(edge, 2.2 if shared else 1.2, style))
        painter.setBrush(fill)
        painter.drawRoundedRect(self.rect, 6, 6)
        if shared:
            # a band on the left edge: shared layers read as "load-bearing"
            painter.fillRect(QRectF(self.rect.left() + 1, self.rect.top() + 4, 5, self.rect.height() - 8), edge)
        if self.mark == MARK_DELETED:
            painter.setPen(theme.pen(theme.DELETED, 2))
            painter.drawLine(self.rect.topLeft() + QPointF(8, 6), self.rect.bottomRight() - QPointF(8, 6))
        if lod < LOD_TEXT:
            return
        if self.title_elided is None:
            self.title_elided = LayerItem.METRICS.elidedText(self.title, Qt.TextElideMode.ElideRight,
                                                             self.rect.width() - 14)
        painter.setPen(theme.TEXT if self.mark != MARK_KEPT else theme.TEXT_DIM)
        painter.setFont(LayerItem.FONT)
        r = self.rect.adjusted(10, 3, -6, -self.rect.height() / 2)
        painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title_elided)
        painter.setFont(LayerItem.SMALL)
        painter.setPen(theme.LAYER_SHARED_EDGE if shared else theme.TEXT_DIM)
        r = self.rect.adjusted(10, self.rect.height() / 2, -6, -3)
        painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.detail)


class ImageItem(_NodeItem):
    """An image badge: tags (or <none>), short ID, status; shape and colour tell the status."""

    FONT = None
    SMALL = None

    def __init__(self, rect: QRectF, image_id: str, tags: tuple[str, ...], status: str, in_use: bool,
                 running: bool, size: int) -> None:
        super().__init__(rect, image_id)
        self.untagged_refs: set[str] = set()
        if ImageItem.FONT is None:
            ImageItem.FONT = theme.font(9, bold=True)
            ImageItem.SMALL = theme.font(7.5)
            ImageItem.METRICS = QFontMetricsF(ImageItem.FONT)
        self.set_label(tags, status, in_use, running, size)

    def set_label(self, tags: tuple[str, ...], status: str, in_use: bool, running: bool, size: int) -> None:
        """Set what the badge says and its shape (at creation, and when a live update retags it)."""
        self.tags, self.status, self.in_use, self.running = tags, status, in_use, running
        self.label: str | None = None              # elided on first paint with text
        use = tr("  ▶ running") if running else tr("  ● in use") if in_use else ""
        self.detail = "{id} · {status} · {size}{use}".format(id=short_id(self.node_id), status=tr(status),
                                                              size=human(size), use=use)
        self._outline = self._make_outline()
        self.update()

    # Shape by status: tagged images are rounded badges, intermediates plain
    # rectangles, dangling images a notched "tag" shape (the thing to clean up).
    def _make_outline(self) -> QPainterPath:
        r = self.rect
        path = QPainterPath()
        if self.status == "dangling":
            n = 10.0
            path.addPolygon(QPolygonF([QPointF(r.left() + n, r.top()), QPointF(r.right(), r.top()),
                                       QPointF(r.right(), r.bottom()), QPointF(r.left() + n, r.bottom()),
                                       QPointF(r.left(), r.center().y()), QPointF(r.left() + n, r.top())]))
        elif self.status == "intermediate":
            path.addRect(r)
        else:
            path.addRoundedRect(r, r.height() / 2.6, r.height() / 2.6)
        return path

    def block_color(self, selected: bool) -> QColor:
        """The one colour of this badge when zoomed far out."""
        if selected or self.flash:
            return theme.SELECTED
        if self.mark == MARK_DELETED:
            return theme.DELETED
        fill = theme.IMAGE_FILL.get(self.status, theme.IMAGE_FILL["tagged"])
        return QColor(fill).lighter(150) if self.mark == MARK_KEPT else fill

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Paint by level of detail: block, badge, or badge with tag and status."""
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        fill = theme.IMAGE_FILL.get(self.status, theme.IMAGE_FILL["tagged"])
        if self.mark == MARK_DELETED:
            fill = theme.DELETED
        elif self.mark == MARK_KEPT:
            fill = QColor(fill).lighter(150)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if lod < LOD_BLOCK:
            painter.fillRect(self.rect, self.block_color(selected))
            return
        if self.flash:
            painter.setPen(theme.pen(theme.FLASH, 9))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._outline)
        if selected:
            painter.setPen(theme.pen(theme.SELECTED, 7))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._outline)
        outline = theme.IN_USE if self.in_use else fill.darker(130)
        if self.mark == MARK_UNTAGGED:
            outline = theme.UNTAGGED_MARK
        painter.setPen(theme.pen(outline, 3.5 if (self.in_use or self.mark == MARK_UNTAGGED) else 1.2,
                                 Qt.PenStyle.DashLine if self.status == "intermediate" else Qt.PenStyle.SolidLine))
        painter.setBrush(fill)
        painter.drawPath(self._outline)
        if self.in_use:
            dot = QRectF(self.rect.right() - 15, self.rect.top() + 5, 9, 9)
            painter.setPen(theme.pen(theme.IMAGE_TEXT, 1.5))
            painter.setBrush(theme.IN_USE)
            painter.drawEllipse(dot)
        if lod < LOD_TEXT:
            return
        if self.label is None:
            label = self.tags[0] if self.tags else "<none>"
            if len(self.tags) > 1:
                label += f"  +{len(self.tags) - 1}"
            self.label = ImageItem.METRICS.elidedText(label, Qt.TextElideMode.ElideMiddle, self.rect.width() - 22)
        painter.setPen(theme.IMAGE_TEXT)
        painter.setFont(ImageItem.FONT)
        left = 14 if self.status != "dangling" else 16
        top = self.rect.adjusted(left, 3, -18, -self.rect.height() / 2 + 2)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.label)
        if self.mark == MARK_UNTAGGED or self.mark == MARK_DELETED:
            # strike the tag through: `docker rmi` would print "Untagged: ..." for it
            y = top.center().y() + 1
            w = ImageItem.METRICS.horizontalAdvance(self.label)
            painter.setPen(theme.pen(QColor("#ffe08a") if self.mark == MARK_UNTAGGED else theme.IMAGE_TEXT, 2))
            painter.drawLine(QPointF(top.left(), y), QPointF(top.left() + w, y))
        painter.setPen(theme.IMAGE_TEXT)
        painter.setFont(ImageItem.SMALL)
        bottom = self.rect.adjusted(left, self.rect.height() / 2, -8, -3)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.detail)


# Full-overview painting.  Far out (below OVERVIEW_SCALE) each box is a few
# pixels, yet painting 3,600 items still costs one Python paint() call each.
# Instead the view raises the scene's minimum render size so Qt skips every
# node item without calling it, and one OverviewItem draws all boxes as
# coloured blocks: one drawRects() call per colour.  Its colour batches are
# rebuilt only when marks, selection, focus or highlights change.  The node
# items stay in the scene, so selection, clicks and tooltips keep working.
class OverviewItem(QGraphicsItem):
    """Every node as a block, batched by colour (shown only when zoomed far out)."""

    PAD = 4000.0        # keeps this item larger than the minimum render size at any zoom

    def __init__(self, view: "GraphView", rect: QRectF) -> None:
        super().__init__()
        self._view = view
        self._rect = rect.adjusted(-self.PAD, -self.PAD, self.PAD, self.PAD)
        self._batches: list[tuple[QColor, list[QRectF]]] | None = None
        self.setZValue(-0.5)                # under the (unpainted) nodes: itemAt() still finds them
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setVisible(False)

    def invalidate(self) -> None:
        """Rebuild the colour batches at the next paint."""
        self._batches = None
        if self.isVisible():
            self.update()

    def _build(self) -> list[tuple[QColor, list[QRectF]]]:
        groups: dict[int, tuple[QColor, list[QRectF]]] = {}
        items = list(self._view.layer_items.values()) + list(self._view.image_items.values())
        for item in items:
            color = item.block_color(item.isSelected())
            if item.opacity() < 1.0:
                color = QColor(color).lighter(170)
            groups.setdefault(color.rgba(), (color, []))[1].append(item.rect)
        return list(groups.values())

    # Qt overrides
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """All blocks, one drawRects call per colour."""
        if self._batches is None:
            self._batches = self._build()
        painter.setPen(Qt.PenStyle.NoPen)
        for color, rects in self._batches:
            painter.setBrush(color)
            painter.drawRects(rects)


class GraphScene(QGraphicsScene):
    """The scene: static after one build pass, so a BSP index serves lookups."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setBackgroundBrush(theme.BACKGROUND)
        # boxes under half a pixel are skipped instead of painted
        self.setMinimumRenderSize(MIN_RENDER_PX)


class GraphView(QGraphicsView):
    """Zoomable, pannable view of the layer forest; emits domain IDs, never items."""

    image_selected = Signal(str)          # image ID (user clicked a badge)
    layer_selected = Signal(str)          # chain ID (user clicked a layer; first member of a run)
    selection_cleared = Signal()
    images_selected = Signal(list)        # every selected image ID (multi-selection with Ctrl+click)
    menu_requested = Signal(str, QPoint)  # image ID right-clicked, global position (the window builds the menu)
    focus_requested = Signal(str)         # image ID whose lineage to focus
    zoom_changed = Signal(float)

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
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._on_flash_timeout)
        self.overview: OverviewItem | None = None
        self._overview_on = False
        self.scene().selectionChanged.connect(self._on_selection_changed)
        self.scene().selectionChanged.connect(self.restyle)

    # -- building -----------------------------------------------------------------------
    def set_data(self, analysis: Analysis, layout: Layout) -> None:
        """Replace the drawing: create every item in one pass (items are never moved afterwards).

        When the layout is the one already drawn (a live tag/untag: same forest, same boxes), the items
        are kept and only their labels, status and colours are refreshed."""
        if layout is self.layout and self.analysis is not None and self._relabel(analysis, layout):
            return
        self._syncing = True
        scene = self.scene()
        scene.clear()
        self.analysis, self.layout = analysis, layout
        self.image_items, self.layer_items = {}, {}
        self.node_of = dict(layout.node_of)
        self.preview_active = False
        self.focused_image = None
        for node in layout.nodes.values():
            rect = QRectF(node.x, node.y, node.w, node.h)
            if node.kind == IMAGE:
                item = ImageItem(rect, node.id, *self._image_label(analysis, node.id))
                self.image_items[node.id] = item
            else:
                item = LayerItem(rect, node.id, node.members, *self._layer_label(analysis, node),
                                 node.kind == COLLAPSED)
                self.layer_items[node.id] = item
            scene.addItem(item)
        # Edges: two path items (layer→layer, layer→image), mouse-transparent, under the nodes.
        # Each edge goes up from the top of the lower box, across at the gap, and into the upper box.
        paths = {"layer": QPainterPath(), "top": QPainterPath()}
        for edge in layout.edges:
            a, b = layout.nodes[edge.source], layout.nodes[edge.target]
            x0, y0 = a.x + a.w / 2, a.y
            x1, y1 = b.x + b.w / 2, b.y + b.h
            path = paths[edge.kind]
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
        for kind, path in paths.items():
            edge_item = QGraphicsPathItem(path)
            edge_item.setPen(theme.pen(theme.EDGE if kind == "layer" else theme.IMAGE_FILL["tagged"].lighter(160),
                                       2.0 if kind == "layer" else 1.5))
            edge_item.setZValue(-1)
            edge_item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            edge_item.setAcceptHoverEvents(False)
            edge_item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
            scene.addItem(edge_item)
        margin = 60.0
        scene.setSceneRect(QRectF(-margin, -margin, layout.width + 2 * margin, layout.height + 2 * margin))
        self.overview = OverviewItem(self, scene.sceneRect())
        scene.addItem(self.overview)
        self._overview_on = False
        self._apply_overview()
        self._syncing = False

    @staticmethod
    def _image_label(analysis: Analysis, image_id: str) -> tuple:
        """ImageItem's (tags, status, in_use, running, size) for one image."""
        st = analysis.status[image_id]
        return (analysis.snapshot.by_id[image_id].repo_tags, st.status, st.in_use, bool(st.running),
                analysis.image_sizes[image_id].size)

    @staticmethod
    def _layer_label(analysis: Analysis, node) -> tuple[str, str, int]:
        """LayerItem's (title, detail, holders) for a layer or a collapsed run."""
        graph, use = analysis.graph, analysis.layer_use
        top = node.members[-1]
        # "shared by N images" counts the images `docker images` lists, as the class sees them
        holders = len(use[top].listed_images) if top in use else 1
        data = graph.nodes[node.members[0]]
        if node.kind == COLLAPSED:
            total = sum((graph.nodes[m]["size"] or 0) for m in node.members)
            title = tr("⋯ {n} layers").format(n=len(node.members))
            detail = tr("{size} · hover to see them").format(size=human(total))
        else:
            title = short_created_by(data["created_by"]) if data["created_by"] else \
                tr("layer {id}").format(id=short_id(node.id))
            detail = human(data["size"])
        if holders > 1:
            detail += tr(" · shared by {n} images").format(n=holders)
        return title, detail, holders

    def _relabel(self, analysis: Analysis, layout: Layout) -> bool:
        """Refresh the existing items for a new analysis drawn with the same layout; False if they differ."""
        if set(self.image_items) != {n.id for n in layout.nodes.values() if n.kind == IMAGE}:
            return False
        self.clear_preview()
        self.clear_focus()
        self.analysis = analysis
        for node in layout.nodes.values():
            if node.kind == IMAGE:
                self.image_items[node.id].set_label(*self._image_label(analysis, node.id))
            else:
                item = self.layer_items[node.id]
                title, detail, holders = self._layer_label(analysis, node)
                if (title, detail, holders) != (item.title, item.detail, item.holders):
                    item.title, item.detail, item.holders, item.title_elided = title, detail, holders, None
                    item.update()
        if self.overview is not None:
            self.overview.invalidate()
        return True

    def _image_tooltip(self, image_id: str) -> str:
        a = self.analysis
        img = a.snapshot.by_id[image_id]
        st, sz = a.status[image_id], a.image_sizes[image_id]
        tags = "<br>".join(img.repo_tags) or "&lt;none&gt;"
        ctrs = ", ".join("{} ({})".format(c.name, c.state) for c in st.containers) or tr("none")
        return tr("<b>{tags}</b><br>IMAGE ID {id} · {status}<br>SIZE {size} · SHARED {shared} · UNIQUE {unique}"
                  "<br>{n} layers · containers: {ctrs}").format(
            tags=tags, id=img.short_id, status=tr(st.status), size=human(sz.size), shared=human(sz.shared_size),
            unique=human(sz.unique_size), n=len(img.diff_ids), ctrs=ctrs)

    def _layer_tooltip(self, members: tuple[str, ...]) -> str:
        a = self.analysis
        lines = []
        for chain_id in members[:12]:
            node = a.graph.nodes[chain_id]
            lines.append(f"{short_id(chain_id)} · {human(node['size'])} · "
                         f"{short_created_by(node['created_by'])[:70]}")
        if len(members) > 12:
            lines.append(tr("… {n} more").format(n=len(members) - 12))
        holders = a.layer_use[members[-1]].images
        names = [(a.snapshot.by_id[i].repo_tags or ("<none> " + short_id(i),))[0] for i in holders[:8]]
        more = f" … +{len(holders) - 8}" if len(holders) > 8 else ""
        head = tr("layer") if len(members) == 1 else tr("{n} layers").format(n=len(members))
        body = "<br>".join(line.replace("<", "&lt;") for line in lines)
        held = tr("held by {n} image(s):").format(n=len(holders))
        return (f"<b>{head}</b> " + tr("(chain ID)") + "<br>" + body + "<br>" + held + " "
                + ", ".join(n.replace("<", "&lt;") for n in names) + more)

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
        self.preview_active = True
        for image_id, item in self.image_items.items():
            item.mark = (MARK_DELETED if image_id in deleted_images else
                         MARK_UNTAGGED if image_id in untagged_images else MARK_KEPT)
        for item in self.layer_items.values():
            item.mark = MARK_DELETED if any(m in deleted_layers for m in item.members) else MARK_KEPT
        self.restyle()

    def clear_preview(self) -> None:
        """Remove the preview marks."""
        self.preview_active = False
        for item in list(self.image_items.values()) + list(self.layer_items.values()):
            item.mark = None
        self.restyle()

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
        for item in list(self.image_items.values()) + list(self.layer_items.values()):
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
        on = self.overview is not None and self.current_scale() < OVERVIEW_SCALE
        if on == self._overview_on:
            return
        self._overview_on = on
        self.scene().setMinimumRenderSize(OVERVIEW_RENDER_PX if on else MIN_RENDER_PX)
        if self.overview is not None:
            self.overview.invalidate()
            self.overview.setVisible(on)

    def restyle(self) -> None:
        """Repaint after a change of marks, selection, focus, highlight or theme colours."""
        if self.overview is not None:
            self.overview.invalidate()
        self.scene().setBackgroundBrush(theme.BACKGROUND)
        self.scene().update()

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
                lit += 1
        if lit:
            self.restyle()
            self._flash_timer.start(ms)
        return lit

    def flashing(self) -> set[str]:
        """Domain IDs currently highlighted (image IDs and chain IDs)."""
        out = {i for i, item in self.image_items.items() if item.flash}
        for item in self.layer_items.values():
            if item.flash:
                out.update(item.members)
        return out

    def _on_flash_timeout(self) -> None:
        for item in list(self.image_items.values()) + list(self.layer_items.values()):
            if item.flash:
                item.flash = False
                item.update()
        self.restyle()

    def tooltip_for(self, item: QGraphicsItem) -> str:
        """The tooltip of a node, built when asked (3,600 tooltips are never built up front)."""
        if isinstance(item, ImageItem):
            return self._image_tooltip(item.node_id)
        if isinstance(item, LayerItem):
            return self._layer_tooltip(item.members)
        return ""

    # Qt overrides
    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and self.analysis is not None:
            item = self.itemAt(event.pos())
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
        item = self.itemAt(event.pos())
        if not isinstance(item, ImageItem):
            return super().contextMenuEvent(event)
        if not item.isSelected():
            self.select_image(item.node_id, center=False)
            self.image_selected.emit(item.node_id)
            self.images_selected.emit([item.node_id])
        self.menu_requested.emit(item.node_id, event.globalPos())
        event.accept()
