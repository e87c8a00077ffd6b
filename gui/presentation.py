"""Presentation mode: full screen, the graph large and high-contrast, Right/Left stepping, a caption."""
from __future__ import annotations

import html

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from model.core.sizes import human

from . import theme
from .banner import Banner
from .graphview import GraphView
from .preview import summary_text
from .previewing import PreviewController
from .selection import SelectionController
from .session import Session
from .whatifmode import WhatIfController

MAX_ZOOM = 2.0          # a focused lineage is never blown up beyond this: a short stack stays in context


class PresentationController(QObject):
    """Enters and leaves presentation (``session.presenting``), steps through images or what-if steps."""

    changed = Signal(bool)

    def __init__(self, window: QMainWindow, session: Session, selection: SelectionController,
                 whatif: WhatIfController, preview: PreviewController, graph_view: GraphView, caption: QLabel,
                 banner: Banner, panels: dict[str, QWidget], act_presentation: QAction) -> None:
        super().__init__(window)
        self.window, self.session, self.selection, self.whatif, self.preview = window, session, selection, whatif, preview
        self.graph_view, self.caption, self.banner, self.act_presentation = graph_view, caption, banner, act_presentation
        self.tabs, self.table_box, self.toolbar = panels["tabs"], panels["table"], panels["toolbar"]
        self.storage_map = panels.get("storage_map")      # repainted in the high-contrast palette too
        self._before: dict = {}          # what presentation hid, to show again on leaving
        whatif.shown.connect(self.update_caption)

    def set_presentation(self, on: bool) -> None:
        """Full screen, large high-contrast graph, keyboard stepping; Esc (or F11) leaves."""
        w, s = self.window, self.session
        if on == s.presenting:
            return
        s.presenting = on
        self.act_presentation.setChecked(on)
        if on:
            self._before = {"maximized": w.isMaximized(), "geometry": w.saveGeometry(),
                            "tabs": self.tabs.isVisible(), "table": self.table_box.isVisible(),
                            "banner": self.banner.isVisible()}
            for part in (self.tabs, self.table_box, self.toolbar, w.menuBar()):
                part.hide()
            if self.banner.kind != "whatif":
                self.banner.hide()
            self.caption.show()
            theme.set_high_contrast(True)
            w.setProperty("presentation", True)
            w.showFullScreen()
        else:
            theme.set_high_contrast(False)
            w.setProperty("presentation", False)
            self.caption.hide()
            self.tabs.setVisible(self._before.get("tabs", True))
            self.table_box.setVisible(self._before.get("table", True))
            self.banner.setVisible(self._before.get("banner", False) or s.whatif is not None)
            self.toolbar.show()
            w.menuBar().show()
            w.showNormal()
            if self._before.get("maximized"):
                w.showMaximized()
            elif self._before.get("geometry") is not None:
                w.restoreGeometry(self._before["geometry"])
        for widget in (w, *w.findChildren(QWidget)):       # the style sheet's [presentation] rules apply
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.graph_view.resetCachedContent()
        self.graph_view.restyle()
        if self.storage_map is not None:
            self.storage_map.restyle()
        s.notify()
        self.update_caption()
        if on and s.current_image:
            QTimer.singleShot(0, lambda: self.focus(s.current_image))
        elif not on:
            QTimer.singleShot(0, self.graph_view.show_readable)
        self.changed.emit(on)

    def escape(self) -> None:
        """Esc: leave presentation; otherwise clear the rmi preview and the lineage focus."""
        if self.session.presenting:
            self.set_presentation(False)
            return
        self.preview.clear()
        self.graph_view.clear_focus()

    def order(self) -> list[str]:
        """Tagged images in the order they were made (what Right/Left step through)."""
        current = self.session.current
        if current is None:
            return []
        imgs = [i for i in current.snapshot.images if i.repo_tags and i.id in self.graph_view.image_items]
        return [i.id for i in sorted(imgs, key=lambda i: (i.created, i.repo_tags[0]))]

    def step(self, delta: int) -> None:
        """Right / Left: the next or previous image; in what-if mode, redo or undo."""
        if self.session.whatif is not None:
            (self.whatif.redo if delta > 0 else self.whatif.undo)()
            return
        order = self.order()
        if not order:
            return
        image = self.session.current_image
        pos = order.index(image) + delta if image in order else (0 if delta > 0 else -1)
        self.focus(order[pos % len(order)])

    def focus(self, image_id: str) -> None:
        """Select an image and show its lineage large (never more than MAX_ZOOM)."""
        self.selection.focus_lineage(image_id)
        view = self.graph_view
        if view.current_scale() > MAX_ZOOM:
            view.zoom_to(MAX_ZOOM)
            view.centerOn(view.image_items[image_id].rect.center())
        self.update_caption()

    def update_caption(self) -> None:
        """The line above the graph: the image shown, or the what-if step and what it did."""
        s = self.session
        if not s.presenting or s.current is None:
            return
        if s.whatif is not None:
            steps = s.whatif.labels
            text = "<b>" + html.escape(self.tr("WHAT-IF — nothing is deleted")) + "</b> · " + html.escape(
                self.tr("step {n}: {label}").format(n=len(steps), label=steps[-1]) if steps
                else self.tr("original state — Right applies the next step"))
            if s.preview is not None and steps:
                text += "<br>" + html.escape(summary_text(s.preview))
        elif s.current_image:
            img = s.current.snapshot.by_id[s.current_image]
            sz = s.current.analysis.image_sizes[img.id]
            text = "<b>" + html.escape(", ".join(img.repo_tags) or img.short_id) + "</b> · " + html.escape(
                self.tr("{n} layers · SIZE {size} · UNIQUE {unique}").format(
                    n=len(img.diff_ids), size=human(sz.size), unique=human(sz.unique_size)))
        else:
            text = html.escape(self.tr("Right / PgDn: next image · Left / PgUp: previous · Esc: leave"))
        self.caption.setText(text)
