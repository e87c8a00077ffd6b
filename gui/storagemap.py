"""The storage map view: the layer forest as boxes whose area is bytes on disk (model/render/storagemap.py lays
it out), painted by hand from precomputed frames (gui/storagemappaint.py); hover, click, zoom and marks."""
from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QTransform
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from model.core.analysis import Analysis
from model.core.sizes import human
from model.render import storagemap as sm
from model.render.storagelabels import Label
from model.render.storagemap import ROOT, StorageMap, StorageTree

from . import theme
from .graphitems import image_tooltip, layer_tooltip
from .storagemappaint import Frame, Marks, QtMetrics, Want, make_frame, paint_map
from .tasks import Job, TaskRunner

MARGIN = 1.0                 # px between the widget's edge and the map
WAIT_MS = 2000               # how long hiding the view waits for a picture being made
RESIZE_SETTLE_MS = 150       # a new layout for a new size is started when resizing has paused this long


class StorageMapView(QWidget):
    """The map itself: paints the boxes, answers hover and clicks, zooms into a box and back out.

    The first picture of a state is made at once (layout, names and boxes into an image); after a zoom, or
    once a resize has paused, the picture shown is scaled (or cropped to the zoomed box) while the new one is
    made on a worker thread, so no frame waits for a layout.  Hover, selection and their rings are drawn over
    the picture on every paint; a preview's colours repaint the picture, not the layout."""

    image_selected = Signal(str)            # an image's box (or name) was clicked
    layer_selected = Signal(str)            # a layer was clicked (chain ID)
    menu_requested = Signal(str, QPoint)    # image ID right-clicked, global position
    zoomed = Signal()                       # the zoomed box changed (the breadcrumb follows)
    laid_out = Signal()                     # a picture made for the current size and zoom is shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageMapView")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 120)
        self.metrics = QtMetrics()                  # the UI thread's
        self._worker_metrics = QtMetrics()          # the worker's (one job at a time)
        self._runner = TaskRunner(self)
        self._job: Job | None = None
        self._job_want: Want | None = None
        self._resized = QTimer(self)                # (the worker competes for Python's lock: not while resizing)
        self._resized.setSingleShot(True)
        self._resized.setInterval(RESIZE_SETTLE_MS)
        self._resized.timeout.connect(self.update)
        self.analysis: Analysis | None = None
        self._tree: StorageTree | None = None
        self._frame: Frame | None = None
        self.zoom_root = ROOT
        self._keep_zoom: str | None = None        # first chain ID of the zoomed box, kept across a new state
        self.hovered: int | None = None
        self.hovered_layer: str | None = None
        self.selected_image: str | None = None
        self.selected_layer: str | None = None
        self.marks = Marks()
        self.lit: frozenset[str] = frozenset()     # image and chain IDs a lesson step looks at (rung in flash colour)
        self.retranslate()

    # -- data -------------------------------------------------------------------------------
    def set_analysis(self, analysis: Analysis | None, keep_zoom: bool = False) -> None:
        """Show a new state: marks and selection go; the zoomed box stays when asked and it still exists.
        Nothing is computed until the map is painted (a hidden map costs nothing)."""
        self._keep_zoom = self._tree.boxes[self.zoom_root].layers[0] \
            if keep_zoom and self._tree is not None and self.zoom_root != ROOT else None
        self.analysis = analysis
        self._tree = None
        self._frame = None
        self.zoom_root = ROOT
        self.hovered = self.hovered_layer = self.selected_image = self.selected_layer = None
        self.marks = Marks()
        self.update()

    @property
    def tree(self) -> StorageTree | None:
        """The boxes of the shown state (built on first use)."""
        if self._tree is None and self.analysis is not None:
            self._tree = sm.storage_tree(self.analysis)
            if self._keep_zoom is not None and self._keep_zoom in self._tree.box_of_layer:
                self.zoom_root = self._tree.box_of_layer[self._keep_zoom]
            self._keep_zoom = None
            selected = self._selected_box()
            while selected is not None and not self._tree.contains(self.zoom_root, selected):
                self.zoom_root = self._tree.boxes[self.zoom_root].parent
            QTimer.singleShot(0, self, self.zoomed.emit)        # the breadcrumb can name the boxes now
        return self._tree

    def _want(self) -> Want | None:
        tree = self.tree
        if tree is None:
            return None
        return Want(tree, id(tree), max(int(self.width() - 2 * MARGIN), 1), max(int(self.height() - 2 * MARGIN), 1),
                    self.zoom_root, self.marks, theme.is_high_contrast())

    def _current(self) -> Frame | None:
        """The picture to show: made now for a state not shown yet, repainted now for new marks or palette;
        after a resize or a zoom the last one, while the worker makes the new one."""
        want = self._want()
        if want is None:
            return None
        frame = self._frame
        if frame is None or frame.want.tree_id != want.tree_id:
            self._frame = make_frame(want, self.analysis, self.metrics)
        elif frame.want != want and frame.want.layout == want.layout:
            pal = theme.HIGH_CONTRAST if want.high_contrast else theme.NORMAL
            self._frame = replace(frame, want=want, image=paint_map(frame.smap, frame.labels, self.analysis,
                                                                    want.marks, pal, self.metrics))
        elif frame.want != want and (frame.want.root != want.root or not self._resized.isActive()):
            self._start(want)
        return self._frame

    def _start(self, want: Want) -> None:
        """Make the picture for ``want`` on the worker (one at a time: a newer want waits for it)."""
        if self._job is not None:
            if self._job_want != want:
                self._job.cancel.set()
            return
        analysis, metrics = self.analysis, self._worker_metrics
        self._job_want = want
        self._job = self._runner.run(lambda job: make_frame(want, analysis, metrics, job.cancel.is_set),
                                     self._on_frame)

    def _on_frame(self, frame: Frame | None) -> None:
        self._job = None
        if frame is not None and self._frame is not None and frame.want.tree_id == self._frame.want.tree_id:
            self._frame = frame                     # (closer to what is wanted, even if not yet it)
        self.update()
        if self.settled():
            self.laid_out.emit()

    def settled(self) -> bool:
        """True when the picture shown is the one for the current state, size, zoom and marks."""
        want = self._want()
        return want is not None and self._current() is not None and self._frame.want == want

    def shutdown(self) -> None:
        """Wait for a picture being made (the view is going away)."""
        if self._job is not None:
            self._job.cancel.set()
        self._runner.wait(WAIT_MS)

    @property
    def storage_map(self) -> StorageMap | None:
        """The layout of the picture shown (see settled())."""
        frame = self._current()
        return frame.smap if frame is not None else None

    @property
    def labels(self) -> list[Label]:
        """The names placed on the picture shown."""
        frame = self._current()
        return frame.labels if frame is not None else []

    def label_of(self, index: int) -> Label | None:
        """The name placed for box ``index`` (None when none fitted)."""
        frame = self._current()
        return frame.label_of.get(index) if frame is not None else None

    def restyle(self) -> None:
        """Repaint (the palette may have changed: presentation's high contrast)."""
        self.update()

    def retranslate(self) -> None:
        """Texts in the current language."""
        self.setAccessibleName(self.tr("Storage map"))
        self.setAccessibleDescription(self.tr(
            "Every layer once, as a box whose area is its bytes on disk; what is built on a layer nests inside "
            "its box. Click selects, double-click zooms in, Backspace zooms out, Home fits."))

    # -- where the picture is ---------------------------------------------------------------
    def _placement(self, frame: Frame) -> tuple[QRectF, QRectF]:
        """(source rectangle in the picture, where it goes in the widget): the picture as made, or — while
        a new one is made — the old one stretched to the new size, or cropped to the box zoomed into."""
        fw, fh = frame.smap.width, frame.smap.height
        full = QRectF(0, 0, fw, fh)
        want = self._want()
        target = QRectF(MARGIN, MARGIN, want.width, want.height)
        if frame.want.layout == want.layout:
            return full, QRectF(MARGIN, MARGIN, fw, fh)
        if frame.want.root == want.root:
            return full, target
        if want.root in frame.smap.rects and frame.smap.visible(want.root):
            return QRectF(*frame.smap.rects[want.root]), target
        return full, QRectF(MARGIN, MARGIN, fw, fh)

    def _to_map(self, pos: QPointF) -> tuple[Frame, float, float] | None:
        """The picture shown and ``pos`` in its coordinates."""
        frame = self._current()
        if frame is None:
            return None
        source, target = self._placement(frame)
        return (frame, source.x() + (pos.x() - target.x()) * source.width() / target.width(),
                source.y() + (pos.y() - target.y()) * source.height() / target.height())

    # -- zoom -------------------------------------------------------------------------------
    def zoom_to(self, index: int) -> None:
        """Show box ``index``'s subtree over the whole view (ROOT: everything)."""
        tree = self.tree
        if tree is None or not (0 <= index < len(tree.boxes)) or index == self.zoom_root:
            return
        self.zoom_root = index
        self.hovered = self.hovered_layer = None
        self.update()
        self.zoomed.emit()

    def zoom_in_at(self, pos: QPointF) -> bool:
        """Zoom one level in, into the box under ``pos`` built on the zoomed box; False when there is none."""
        where = self._to_map(pos)
        if where is None:
            return False
        frame, x, y = where
        index = frame.smap.hit(x, y)
        if index is None or index == self.zoom_root or not self._tree.contains(self.zoom_root, index):
            return False
        path = self._tree.path(index)
        self.zoom_to(path[path.index(self.zoom_root) + 1])
        return True

    def zoom_out(self) -> None:
        """One level out (the breadcrumb's previous step)."""
        tree = self.tree
        if tree is not None and self.zoom_root != ROOT:
            self.zoom_to(tree.boxes[self.zoom_root].parent)

    def fit(self) -> None:
        """The whole map (View → Fit)."""
        self.zoom_to(ROOT)

    def crumbs(self) -> list[tuple[int, str]]:
        """The breadcrumb: (box, name) from everything down to the zoomed box."""
        tree = self._tree                   # (not built for it: a hidden map costs nothing)
        if tree is None:
            return [(ROOT, self.tr("All images"))] if self.analysis is not None else []
        out = []
        for index in tree.path(self.zoom_root):
            box = tree.boxes[index]
            name = self.tr("All images") if index == ROOT else box.title
            out.append((index, self.tr("{name} · {size}").format(name=name, size=human(box.bytes))))
        return out

    def _selected_box(self) -> int | None:
        tree = self._tree
        if tree is None:
            return None
        if self.selected_image is not None:
            return tree.box_of_image.get(self.selected_image)
        return tree.box_of_layer.get(self.selected_layer) if self.selected_layer is not None else None

    def _reveal(self) -> None:
        """Zoom out just enough that the selected box is in the picture (once the tree is built)."""
        tree, index = self._tree, self._selected_box()
        if index is None:
            return
        root = self.zoom_root
        while not tree.contains(root, index):
            root = tree.boxes[root].parent
        self.zoom_to(root)

    # -- selection and marks (told by the other views) --------------------------------------
    def select_image(self, image_id: str | None) -> None:
        """Ring the image's box and its lineage (zooming out if it is outside the picture)."""
        self.selected_image, self.selected_layer = image_id, None
        self._reveal()
        self.update()

    def select_layer(self, chain_id: str | None) -> None:
        """Ring the layer's slice and its box (zooming out if it is outside the picture)."""
        self.selected_image, self.selected_layer = None, chain_id
        self._reveal()
        self.update()

    def light(self, ids: set[str] | frozenset[str]) -> None:
        """Ring these images' boxes and these layers' slices in the highlight colour (the layer map's flash), until
        lit again; IDs the shown state lacks are kept and simply not drawn."""
        self.lit = frozenset(ids)
        self.update()

    def lit_layers(self) -> set[str]:
        """Chain IDs whose slice is rung as lit now."""
        tree = self.tree
        return set(self.lit) & set(tree.box_of_layer) if tree is not None else set()

    def show_preview(self, deleted_images: set[str], deleted_layers: set[str], untagged_images: set[str]) -> None:
        """Colour what `docker rmi` / prune would free (red) and untag (amber) — the layer map's marks."""
        self.marks = Marks(frozenset(deleted_images), frozenset(deleted_layers), frozenset(untagged_images))
        self.update()

    def clear_preview(self) -> None:
        """Remove the preview colours."""
        self.marks = Marks()
        self.update()

    def freed_bytes(self) -> int:
        """Bytes of the layers the shown preview would free."""
        tree = self.tree
        return sum(tree.layer_bytes.get(c, 0) for c in self.marks.deleted_layers) if tree is not None else 0

    def marked_layers(self) -> set[str]:
        """Chain IDs painted as "would be freed" now."""
        tree = self.tree
        return set(self.marks.deleted_layers) & set(tree.box_of_layer) if tree is not None else set()

    # -- what is where ----------------------------------------------------------------------
    def target_at(self, pos: QPointF) -> tuple[str, str] | None:
        """What a click at ``pos`` selects: ("image", ID) or ("layer", chain ID); a name selects what it names,
        an image's own box its image, elsewhere the layer under the pointer."""
        where = self._to_map(pos)
        if where is None:
            return None
        frame, x, y = where
        for lab in frame.labels:
            if lab.contains(x, y):
                return ("layer", lab.layer) if lab.layer else frame.smap.tree.boxes[lab.box].target
        index = frame.smap.hit(x, y)
        if index is None or index == ROOT:
            return None
        box = frame.smap.tree.boxes[index]
        if box.image is not None:
            return ("image", box.image)
        layer = frame.smap.slice_at(index, x, y)
        return ("layer", layer or box.layers[-1]) if box.layers else None

    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip at ``pos``: what the box holds, the layer's CREATED BY, size and holders."""
        where = self._to_map(pos)
        if where is None:
            return ""
        frame, x, y = where
        smap = frame.smap
        index = smap.hit(x, y)
        if index is None or index == ROOT:
            return ""
        a, box = self.analysis, smap.tree.boxes[index]
        head = "<b>{}</b> · {}".format(html.escape(box.title), html.escape(self.tr(
            "{size} on disk here").format(size=human(box.bytes))))
        if box.children:
            head += html.escape(self.tr(" (its own layers {own}, the rest built on them)").format(
                own=human(box.own_bytes)))
        parts = [head]
        if box.image is not None:
            parts.append(image_tooltip(a, box.image))
        layer = smap.slice_at(index, x, y)
        parts.append(layer_tooltip(a, (layer,) if layer else box.layers))
        if layer and not a.graph.nodes[layer]["created_by"]:
            holders = a.layer_use[layer].images
            if any(not a.mappings[i].exact for i in holders):
                parts.append(html.escape(self.tr("CREATED BY unknown: the history rows do not tell which one "
                                                 "made this layer")))
            else:
                parts.append(html.escape(self.tr("its history row has no CREATED BY (an imported or "
                                                 "committed layer)")))
        folded = [smap.tree.boxes[c] for c in box.children if not smap.visible(c)]
        if folded:
            names = ", ".join(html.escape(f.title) for f in folded[:6]) + (" …" if len(folded) > 6 else "")
            parts.append(html.escape(self.tr("{n} more too small to draw here ({size}):").format(
                n=len(folded), size=human(sum(f.bytes for f in folded)))) + " " + names)
        return "<br>".join(parts)

    # -- painting ---------------------------------------------------------------------------
    def _ring(self, p: QPainter, r: tuple[float, float, float, float], color: QColor, width: float,
              least: float = 10.0) -> None:
        """A ring around ``r``, never smaller than ``least`` px (a folded box still shows where it is)."""
        x, y, w, h = r
        if w < least or h < least:
            cx, cy = x + w / 2, y + h / 2
            x, y, w, h = cx - max(w, least) / 2, cy - max(h, least) / 2, max(w, least), max(h, least)
        p.setPen(theme.pen(color, width))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(x, y, w, h))

    def _paint_overlay(self, p: QPainter, smap: StorageMap) -> None:
        tree, pal = smap.tree, theme.palette()
        if self.selected_image is not None and self.selected_image in tree.box_of_image:
            index = tree.box_of_image[self.selected_image]
            for below in tree.path(index)[:-1]:         # its lineage: the own layers of each box under it
                if below in smap.own and below != ROOT:
                    self._ring(p, smap.own[below], pal.selected, 2.0, least=0)
            if index in smap.rects:
                self._ring(p, smap.rects[index], pal.selected, 3.0)
        if self.selected_layer is not None and self.selected_layer in smap.slices:
            self._ring(p, smap.rects[tree.box_of_layer[self.selected_layer]], pal.selected, 1.5, least=0)
            self._ring(p, smap.slices[self.selected_layer], pal.selected, 3.0)
        for ident in self.lit:                          # a lesson step's layers, then its images' boxes
            if ident in smap.slices:
                self._ring(p, smap.slices[ident], pal.flash, 3.0, least=0)
            elif tree.box_of_image.get(ident) in smap.rects:
                self._ring(p, smap.rects[tree.box_of_image[ident]], pal.flash, 2.0)
        if self.hovered is not None and self.hovered in smap.rects:
            self._ring(p, smap.rects[self.hovered], pal.text, 1.5, least=0)
            if self.hovered_layer is not None and self.hovered_layer in smap.slices:
                self._ring(p, smap.slices[self.hovered_layer], pal.text_dim, 1.0, least=0)

    # Qt overrides
    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        pal = theme.palette()
        p.fillRect(self.rect(), pal.background)
        frame = self._current()
        if frame is None:
            p.setPen(pal.text_dim)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("no snapshot"))
            p.end()
            return
        source, target = self._placement(frame)
        p.drawImage(target, frame.image, source)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        to_widget = QTransform()
        to_widget.translate(target.x(), target.y())
        to_widget.scale(target.width() / source.width(), target.height() / source.height())
        to_widget.translate(-source.x(), -source.y())
        p.setTransform(to_widget)
        p.setClipRect(source)
        self._paint_overlay(p, frame.smap)
        p.end()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._frame is not None:
            self._resized.start()                   # meanwhile the picture shown is stretched

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        where = self._to_map(event.position())
        if where is None:
            return
        frame, x, y = where
        index = frame.smap.hit(x, y)
        layer = frame.smap.slice_at(index, x, y) if index is not None and index != ROOT else None
        if (index, layer) != (self.hovered, self.hovered_layer):
            self.hovered, self.hovered_layer = index, layer
            self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802
        if self.hovered is not None:
            self.hovered = self.hovered_layer = None
            self.update()
        super().leaveEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802
        if self.window().isVisible():           # another tab: the picture being made is not needed
            if self._job is not None:
                self._job.cancel.set()
        else:                                   # the window goes: let the worker finish first
            self.shutdown()
        super().hideEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        target = self.target_at(event.position())
        if target is not None:
            kind, ident = target
            if kind == "image":
                self.select_image(ident)
                self.image_selected.emit(ident)
            else:
                self.select_layer(ident)
                self.layer_selected.emit(ident)
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.zoom_in_at(event.position())
        event.accept()

    def wheelEvent(self, event) -> None:  # noqa: N802
        delta = event.angleDelta().y()
        if delta > 0:
            self.zoom_in_at(event.position())
        elif delta < 0:
            self.zoom_out()
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Minus) or (
                key == Qt.Key.Key_Up and event.modifiers() & Qt.KeyboardModifier.AltModifier):
            self.zoom_out()
        elif key == Qt.Key.Key_Home:
            self.fit()
        else:
            return super().keyPressEvent(event)
        event.accept()

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        target = self.target_at(QPointF(event.pos()))
        if target is None or target[0] != "image":
            return super().contextMenuEvent(event)
        self.select_image(target[1])
        self.image_selected.emit(target[1])
        self.menu_requested.emit(target[1], event.globalPos())
        event.accept()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
