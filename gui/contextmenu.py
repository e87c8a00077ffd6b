"""The right-click menu of an image (graph badge or table row): preview, clean-up, what-if, focus."""
from __future__ import annotations

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QTableView

from model.engine.plan import RMI, UNTAG, Request

from .cleanup import CleanupController
from .previewing import PreviewController
from .selection import SelectionController
from .session import Origin, Session
from .tablemodel import IMAGE_ID_ROLE, REF_ROLE
from .whatifmode import WhatIfController


class ContextMenus(QObject):
    """Builds and opens the menu of one image; entries are enabled as the session allows."""

    def __init__(self, window: QMainWindow, session: Session, preview: PreviewController,
                 cleanup: CleanupController, whatif: WhatIfController, selection: SelectionController,
                 table: QTableView, act_remove: QAction) -> None:
        super().__init__(window)
        self.window, self.session, self.preview, self.cleanup = window, session, preview, cleanup
        self.whatif, self.selection, self.table, self.act_remove = whatif, selection, table, act_remove

    def on_graph_menu(self, image_id: str, pos: QPoint) -> None:
        """A badge was right-clicked at global ``pos``."""
        self.menu_for(image_id, pos).exec(pos)

    def on_table_menu(self, pos: QPoint) -> None:
        """A table row was right-clicked at ``pos`` (viewport coordinates): the menu of its tag."""
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        where = self.table.viewport().mapToGlobal(pos)
        self.menu_for(index.data(IMAGE_ID_ROLE), where, ref=index.data(REF_ROLE)).exec(where)

    def menu_for(self, image_id: str, pos: QPoint, ref: str | None = None) -> QMenu:
        """Preview entries, the destructive actions (enabled as allowed), what-if entries, focus."""
        s = self.session
        menu = QMenu(self.window)
        img = s.current.snapshot.by_id[image_id]
        refs = [ref] if ref else list(img.repo_tags) + [image_id]
        for r in refs:
            label = r if r != image_id else img.short_id + " " + self.tr("(by ID)")
            menu.addAction(self.tr("Preview rmi {ref}").format(ref=label), lambda r=r: self.preview.preview_rmi(r))
        menu.addSeparator()
        menu.addAction(self.act_remove)
        if len(img.repo_tags) > 1 or (ref and ref != image_id):
            for tag in ([ref] if ref and ref != image_id else img.repo_tags):
                act = menu.addAction(self.tr("Untag {tag}…").format(tag=tag),
                                     lambda t=tag: self.cleanup.request_action(Request(UNTAG, (t,))))
                act.setEnabled(s.whatif is not None or s.can_delete())
        if s.whatif is None and not s.can_delete() and s.origin != Origin.DAEMON:
            menu.addSeparator()
            for r in refs:
                label = r if r != image_id else img.short_id
                menu.addAction(self.tr("What-if: docker rmi {ref}").format(ref=label),
                               lambda r=r: self.whatif.try_request(Request(RMI, (r,))))
        menu.addSeparator()
        menu.addAction(self.tr("Focus on this image's lineage"), lambda: self.selection.focus_lineage(image_id))
        compare = getattr(self.window, "comparing", None)
        if compare is not None:
            menu.addAction(compare.menu_text(image_id), lambda: compare.compare_from_menu(image_id))
        return menu
