"""The graph's items: layer boxes and image badges painted by level of detail, and their texts."""
from __future__ import annotations

import functools
import html
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyle, QStyleOptionGraphicsItem, QWidget

from model.core.analysis import Analysis
from model.core.chain import short_id
from model.core.classify import DANGLING, INTERMEDIATE
from model.core.history import short_created_by
from model.core.layout import COLLAPSED, LayoutNode
from model.core.sizes import human, image_size

from . import theme
from .manifests import manifest_line, platform_chip

# Level-of-detail tiers (after Qt's "40000 Chips" example): below LOD_BLOCK a
# node is one fillRect, below LOD_TEXT it is a box without text, from LOD_TEXT
# on it carries its labels.  Zoomed far out the forest is a field of coloured
# blocks; zoomed in, each box reads like a row of `docker history`.
LOD_BLOCK = 0.18
LOD_TEXT = 0.42

SELECTABLE = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable

MARK_DELETED = "deleted"       # rmi preview: this image / layer would be deleted
MARK_UNTAGGED = "untagged"     # rmi preview: a tag of this image would be removed
MARK_KEPT = "kept"             # rmi preview active, this item survives


def tr(text: str) -> str:
    """Translate ``text`` in the GraphView context (graph items are not QObjects)."""
    return QCoreApplication.translate("GraphView", text)


# image statuses as shown (translated with tr(status) where they are displayed)
STATUS_NAMES = (QT_TRANSLATE_NOOP("GraphView", "tagged"), QT_TRANSLATE_NOOP("GraphView", "untagged"),
                QT_TRANSLATE_NOOP("GraphView", "intermediate"), QT_TRANSLATE_NOOP("GraphView", "dangling"))


@functools.cache
def layer_fonts() -> tuple[QFont, QFont, QFontMetricsF]:
    """A layer box's title font, its detail font, and the title's metrics (made once, when first drawn)."""
    title = theme.font(8.5)
    return title, theme.font(7.5), QFontMetricsF(title)


@functools.cache
def _changed(rgba: int, lighter: int, darker: int) -> QColor:
    color = QColor.fromRgba(rgba)
    return color.lighter(lighter) if lighter else color.darker(darker)


def changed_color(color: QColor, lighter: int = 0, darker: int = 0) -> QColor:
    """``color`` made lighter or darker (QColor.lighter / darker), kept once made (a block colour is asked for
    every box of the overview)."""
    return _changed(color.rgba(), lighter, darker)


@functools.cache
def no_pen() -> QPen:
    """The pen of an item's QGraphicsRectItem side: none, so its bounding rect is exactly its rect."""
    return QPen(Qt.PenStyle.NoPen)


@functools.cache
def image_fonts() -> tuple[QFont, QFont, QFontMetricsF]:
    """An image badge's tag font, its detail font, and the tag's metrics (made once, when first drawn)."""
    tag = theme.font(9, bold=True)
    return tag, theme.font(7.5), QFontMetricsF(tag)


# Why a QGraphicsRectItem.  Each frame Qt asks every item in the exposed area for
# its bounding rect (to cull it and to skip it below the minimum render size); an
# item class that answers in Python makes that 37,000 calls into Python on a
# 10,000-image host zoomed out.  A QGraphicsRectItem keeps its bounding rect in
# C++: its rect is set to the node's box plus the rings' margin (no pen, so
# nothing is added), and ``rect`` (an attribute) stays the box itself.
class NodeItem(QGraphicsRectItem):
    """Common base: a cached rect, selection, preview marks and dimming; painting by level of detail."""

    MARGIN = 4.0                            # the rings drawn around the box

    def __init__(self, rect: QRectF, node_id: str) -> None:
        super().__init__(rect.adjusted(-self.MARGIN, -self.MARGIN, self.MARGIN, self.MARGIN))
        self.setPen(no_pen())
        self.rect = rect                    # the box (QGraphicsRectItem.rect() is the bounding rect)
        self.node_id = node_id
        self._mark: str | None = None       # deleted / untagged, set by the view's preview
        self.flash = False                  # briefly highlighted: new or changed in apply_snapshot
        self.setFlag(SELECTABLE)            # (hover events stay off, as on any new item)

    @property
    def mark(self) -> str | None:
        """The rmi preview's mark: deleted, untagged, kept (a preview is shown and this one survives), or None.

        Only the deleted and untagged items are marked one by one; "kept" is every other item while the scene
        shows a preview (GraphScene.previewing), so a preview costs what it marks, not the size of the host."""
        if self._mark is not None:
            return self._mark
        scene = self.scene()
        return MARK_KEPT if scene is not None and getattr(scene, "previewing", False) else None

    @mark.setter
    def mark(self, value: str | None) -> None:
        self._mark = value

    def block_color(self, selected: bool) -> QColor:
        """The one colour of this node when zoomed far out."""
        pal = theme.palette()
        if selected or self.flash:
            return pal.selected
        return self.rest_color(pal, self.mark)

    def rest_color(self, pal: theme.Palette, mark: str | None) -> QColor:
        """The block colour when the node is neither selected nor lit up, with preview mark ``mark``."""
        if mark == MARK_DELETED:
            return pal.deleted
        return self.own_color(pal, mark)

    def own_color(self, pal: theme.Palette, mark: str | None) -> QColor:
        """The block colour when the node is not selected, lit up or marked for deletion."""
        return pal.edge

    def draw_outline(self, painter: QPainter) -> None:
        """Draw the node's outline with the painter's pen and brush."""
        painter.drawRoundedRect(self.rect, 6, 6)

    def paint_rings(self, painter: QPainter, selected: bool, width: float) -> None:
        """The wide rings under the node: the highlight of a change (2 wider) and the selection."""
        pal = theme.palette()
        for on, color, pen_width in ((self.flash, pal.flash, width + 2), (selected, pal.selected, width)):
            if on:
                painter.setPen(theme.pen(color, pen_width))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                self.draw_outline(painter)

    # Qt overrides
    def shape(self) -> QPainterPath:
        """Where the node is hit: the box itself, without the rings around it."""
        path = QPainterPath()
        path.addRect(self.rect)
        return path


# A layer box's texts are said when first wanted (painted close enough to read,
# or asked for): on a large host most boxes are never read, and saying 27,000 of
# them would be most of building the scene.  Its sharing, which gives its colour,
# is known at once.
class LayerItem(NodeItem):
    """A layer (or a collapsed run of layers): created-by, size, "shared by N images"."""

    def __init__(self, rect: QRectF, node_id: str, members: tuple[str, ...], holders: int, collapsed: bool,
                 texts: Callable[[], tuple[str, str]]) -> None:
        super().__init__(rect, node_id)
        self.members = members
        self.holders = holders
        self.collapsed = collapsed
        self._texts = texts                       # says (title, detail)
        self._said: tuple[str, str] | None = None
        self.title_elided: str | None = None      # elided on first paint with text (most items never are)
        self.fonts = layer_fonts()

    @property
    def title(self) -> str:
        """What made the layer (CREATED BY), or "⋯ N layers" for a collapsed run."""
        return self.texts()[0]

    @property
    def detail(self) -> str:
        """Its size, and "shared by N images"."""
        return self.texts()[1]

    def texts(self) -> tuple[str, str]:
        """(title, detail), said now if not yet."""
        if self._said is None:
            self._said = self._texts()
        return self._said

    def set_texts(self, holders: int, texts: Callable[[], tuple[str, str]]) -> bool:
        """New sharing and a new source of texts; repaints and returns True when what it shows changed (texts
        never said are said when next wanted)."""
        before, said = self.holders, self._said
        self.holders, self._texts, self._said = holders, texts, None
        changed = holders != before or (said is not None and self.texts() != said)
        if changed:
            self.title_elided = None
            self.update()
        return changed

    def own_color(self, pal: theme.Palette, mark: str | None) -> QColor:
        """The box's block colour when it is not selected, lit up or marked for deletion."""
        return layer_color(pal, self.holders)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Paint by level of detail: block, box, or box with labels."""
        pal = theme.palette()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        shared = self.holders > 1
        if self.mark == MARK_DELETED:
            fill, edge = pal.deleted_fill, pal.deleted
        elif self.collapsed:
            fill, edge = pal.layer_collapsed, pal.layer_shared_edge if shared else pal.layer_unique_edge
        elif shared:
            fill, edge = pal.layer_shared, pal.layer_shared_edge
        else:
            fill, edge = pal.layer_unique, pal.layer_unique_edge
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if lod < LOD_BLOCK:
            painter.fillRect(self.rect, self.block_color(selected))
            return
        self.paint_rings(painter, selected, 6)
        style = Qt.PenStyle.DashLine if self.collapsed else Qt.PenStyle.SolidLine
        painter.setPen(theme.pen(edge, 2.2 if shared else 1.2, style))
        painter.setBrush(fill)
        painter.drawRoundedRect(self.rect, 6, 6)
        if shared:
            # a band on the left edge: shared layers read as "load-bearing"
            painter.fillRect(QRectF(self.rect.left() + 1, self.rect.top() + 4, 5, self.rect.height() - 8), edge)
        if self.mark == MARK_DELETED:
            painter.setPen(theme.pen(pal.deleted, 2))
            painter.drawLine(self.rect.topLeft() + QPointF(8, 6), self.rect.bottomRight() - QPointF(8, 6))
        if lod < LOD_TEXT:
            return
        font, small, metrics = self.fonts
        title, detail = self.texts()
        if self.title_elided is None:
            self.title_elided = metrics.elidedText(title, Qt.TextElideMode.ElideRight, self.rect.width() - 14)
        painter.setPen(pal.text if self.mark != MARK_KEPT else pal.text_dim)
        painter.setFont(font)
        r = self.rect.adjusted(10, 3, -6, -self.rect.height() / 2)
        painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title_elided)
        painter.setFont(small)
        painter.setPen(pal.layer_shared_edge if shared else pal.text_dim)
        r = self.rect.adjusted(10, self.rect.height() / 2, -6, -3)
        painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, detail)


class ImageItem(NodeItem):
    """An image badge: tags (or <none>), short ID, status; shape and colour tell the status; a multi-platform
    image (containerd store) carries a chip on its top edge ("2 platforms")."""

    CHIP_H = 14.0

    def __init__(self, rect: QRectF, image_id: str, tags: tuple[str, ...], status: str, in_use: bool,
                 running: bool, size: int, platforms: str = "") -> None:
        super().__init__(rect, image_id)
        self.untagged_refs: set[str] = set()
        self.fonts = image_fonts()
        self.platform_chip = ""
        self.set_label(tags, status, in_use, running, size, platforms)

    def set_label(self, tags: tuple[str, ...], status: str, in_use: bool, running: bool, size: int,
                  platforms: str = "") -> None:
        """Set what the badge says and its shape (at creation, and when a live update retags it)."""
        self.tags, self.status, self.in_use, self.running = tags, status, in_use, running
        if platforms != self.platform_chip:
            self.platform_chip = platforms          # the chip widens the bounding rect
            m = self.MARGIN
            self.setRect(self.rect.adjusted(-m, -m - (self.CHIP_H if platforms else 0), m, m))
        self.label: str | None = None              # elided on first paint with text
        self.size = size
        self._detail: str | None = None            # said when first wanted (like a layer box's texts)
        self._outline: QPainterPath | None = None  # made when first drawn
        self.update()

    @property
    def detail(self) -> str:
        """The badge's second line: short ID, status, size, in use."""
        if self._detail is None:
            use = tr("  ▶ running") if self.running else tr("  ● in use") if self.in_use else ""
            self._detail = "{id} · {status} · {size}{use}".format(
                id=short_id(self.node_id), status=tr(self.status), size=human(self.size), use=use)
        return self._detail

    @property
    def outline(self) -> QPainterPath:
        """The badge's shape (by status)."""
        if self._outline is None:
            self._outline = self._make_outline()
        return self._outline

    # Shape by status: tagged images are rounded badges, intermediates plain
    # rectangles, dangling images a notched "tag" shape (the thing to clean up).
    def _make_outline(self) -> QPainterPath:
        r = self.rect
        path = QPainterPath()
        if self.status == DANGLING:
            n = 10.0
            path.addPolygon(QPolygonF([QPointF(r.left() + n, r.top()), QPointF(r.right(), r.top()),
                                       QPointF(r.right(), r.bottom()), QPointF(r.left() + n, r.bottom()),
                                       QPointF(r.left(), r.center().y()), QPointF(r.left() + n, r.top())]))
        elif self.status == INTERMEDIATE:
            path.addRect(r)
        else:
            path.addRoundedRect(r, r.height() / 2.6, r.height() / 2.6)
        return path

    def draw_outline(self, painter: QPainter) -> None:
        """Draw the badge's status shape with the painter's pen and brush."""
        painter.drawPath(self.outline)

    def chip_rect(self) -> QRectF:
        """Where the platform chip sits: across the badge's top edge, right of centre (clear of the in-use dot)."""
        _, small, _ = self.fonts
        width = QFontMetricsF(small).horizontalAdvance(self.platform_chip) + 12
        right = self.rect.right() - 24
        return QRectF(right - width, self.rect.top() - self.CHIP_H / 2 - 2, width, self.CHIP_H)

    def paint_chip(self, painter: QPainter, fill: QColor) -> None:
        """The platform chip: white, edged and lettered in the badge's colour."""
        _, small, _ = self.fonts
        chip = self.chip_rect()
        painter.setPen(theme.pen(fill, 1.2))
        painter.setBrush(theme.palette().background)
        painter.drawRoundedRect(chip, self.CHIP_H / 2, self.CHIP_H / 2)
        painter.setPen(fill)
        painter.setFont(small)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, self.platform_chip)

    def own_color(self, pal: theme.Palette, mark: str | None) -> QColor:
        """The badge's block colour when it is not selected, lit up or marked for deletion."""
        fill = pal.image_fill(self.status)
        return changed_color(fill, lighter=150) if mark == MARK_KEPT else fill

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Paint by level of detail: block, badge, or badge with tag and status."""
        pal = theme.palette()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        fill = pal.image_fill(self.status)
        if self.mark == MARK_DELETED:
            fill = pal.deleted
        elif self.mark == MARK_KEPT:
            fill = QColor(fill).lighter(150)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if lod < LOD_BLOCK:
            painter.fillRect(self.rect, self.block_color(selected))
            return
        self.paint_rings(painter, selected, 7)
        outline = pal.in_use if self.in_use else fill.darker(130)
        if self.mark == MARK_UNTAGGED:
            outline = pal.untagged_mark
        painter.setPen(theme.pen(outline, 3.5 if (self.in_use or self.mark == MARK_UNTAGGED) else 1.2,
                                 Qt.PenStyle.DashLine if self.status == INTERMEDIATE else Qt.PenStyle.SolidLine))
        painter.setBrush(fill)
        painter.drawPath(self.outline)
        if self.in_use:
            dot = QRectF(self.rect.right() - 15, self.rect.top() + 5, 9, 9)
            painter.setPen(theme.pen(pal.image_text, 1.5))
            painter.setBrush(pal.in_use)
            painter.drawEllipse(dot)
        if lod < LOD_TEXT:
            return
        if self.platform_chip:
            self.paint_chip(painter, fill)
        font, small, metrics = self.fonts
        if self.label is None:
            label = self.tags[0] if self.tags else "<none>"
            if len(self.tags) > 1:
                label += f"  +{len(self.tags) - 1}"
            self.label = metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, self.rect.width() - 22)
        painter.setPen(pal.image_text)
        painter.setFont(font)
        left = 14 if self.status != DANGLING else 16
        top = self.rect.adjusted(left, 3, -18, -self.rect.height() / 2 + 2)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.label)
        if self.mark == MARK_UNTAGGED or self.mark == MARK_DELETED:
            # strike the tag through: `docker rmi` would print "Untagged: ..." for it
            y = top.center().y() + 1
            w = metrics.horizontalAdvance(self.label)
            painter.setPen(theme.pen(QColor("#ffe08a") if self.mark == MARK_UNTAGGED else pal.image_text, 2))
            painter.drawLine(QPointF(top.left(), y), QPointF(top.left() + w, y))
        painter.setPen(pal.image_text)
        painter.setFont(small)
        bottom = self.rect.adjusted(left, self.rect.height() / 2, -8, -3)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.detail)


# -- what the items say -----------------------------------------------------------------------------
def image_label(analysis: Analysis, image_id: str) -> tuple:
    """ImageItem's (tags, status, in_use, running, size, platform chip) for one image."""
    st = analysis.status[image_id]
    img = analysis.snapshot.by_id[image_id]
    return (img.repo_tags, st.status, st.in_use, bool(st.running), image_size(img),
            platform_chip(img))


def layer_color(pal: theme.Palette, holders: int) -> QColor:
    """A layer box's block colour (far out) when held by ``holders`` listed images, unmarked."""
    return pal.layer_shared_edge if holders > 1 else changed_color(pal.layer_unique, darker=125)


def layer_holders(analysis: Analysis, node: LayoutNode) -> int:
    """How many images hold a layer box's top layer, as "shared by N images" counts them: the images
    `docker images` lists, as the class sees them."""
    use = analysis.layer_use.get(node.members[-1])
    return len(use.listed_images) if use is not None else 1


def layer_texts(analysis: Analysis, node: LayoutNode, holders: int) -> tuple[str, str]:
    """LayerItem's (title, detail) for a layer or a collapsed run held by ``holders`` images."""
    graph = analysis.graph
    top = node.members[-1]
    data = graph.nodes[node.members[0]]
    if node.kind == COLLAPSED:
        total = sum((graph.nodes[m]["size"] or 0) for m in node.members)
        title = tr("⋯ {n} layers").format(n=len(node.members))
        detail = tr("{size} · hover to see them").format(size=human(total))
    elif graph.nodes[top].get("platform_of"):
        # the top of another platform's stack of a multi-platform image: name the image and platform
        image_id, platform = graph.nodes[top]["platform_of"][0]
        img = analysis.snapshot.by_id[image_id]
        title = "{} · {}".format((img.repo_tags or ("<none> " + img.short_id,))[0], platform)
        detail = human(data["size"]) if data["size"] is not None else tr("not unpacked")
    else:
        title = short_created_by(data["created_by"] or "") or tr("layer {id}").format(id=short_id(node.id))
        detail = human(data["size"]) if data["size"] is not None or not data.get("platform") else \
            tr("{platform} · not unpacked").format(platform=data["platform"])
    if holders > 1:
        detail += tr(" · shared by {n} images").format(n=holders)
    return title, detail


def image_tooltip(analysis: Analysis, image_id: str) -> str:
    """The tooltip of an image badge."""
    a = analysis
    img = a.snapshot.by_id[image_id]
    st, sz = a.status[image_id], a.image_sizes[image_id]
    tags = "<br>".join(img.repo_tags) or "&lt;none&gt;"
    ctrs = ", ".join("{} ({})".format(c.name, c.state) for c in st.containers) or tr("none")
    if not img.manifests:
        return tr("<b>{tags}</b><br>IMAGE ID {id} · {status}<br>SIZE {size} · SHARED {shared} · UNIQUE {unique}"
                  "<br>{n} layers · containers: {ctrs}").format(
            tags=tags, id=img.short_id, status=tr(st.status), size=human(sz.size), shared=human(sz.shared_size),
            unique=human(sz.unique_size), n=len(img.diff_ids), ctrs=ctrs)
    # containerd store: Engine 29's two size kinds, then one line per manifest (platforms and attestations)
    head = tr("<b>{tags}</b><br>IMAGE ID {id} · {status}<br>DISK USAGE {size} · CONTENT SIZE {content}"
              "<br>SHARED {shared} · UNIQUE {unique} · {n} layers · containers: {ctrs}").format(
        tags=tags, id=img.short_id, status=tr(st.status), size=human(sz.size), content=human(img.content_size),
        shared=human(sz.shared_size), unique=human(sz.unique_size), n=len(img.diff_ids), ctrs=ctrs)
    lines = "".join("<br>• " + html.escape(manifest_line(img, m)) for m in img.manifests)
    return head + "<br>" + tr("{n} manifests:").format(n=len(img.manifests)) + lines


def layer_tooltip(analysis: Analysis, members: tuple[str, ...]) -> str:
    """The tooltip of a layer box (or a collapsed run): its layers and the images holding them."""
    a = analysis
    lines = []
    for chain_id in members[:12]:
        node = a.graph.nodes[chain_id]
        made_by = short_created_by(node["created_by"] or "") or tr("(no CREATED BY)")
        size = human(node["size"]) if node["size"] is not None or not node.get("platform") else \
            tr("{platform} · not unpacked").format(platform=node["platform"])
        lines.append(f"{short_id(chain_id)} · {size} · {made_by[:70]}")
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
