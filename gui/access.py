"""Keyboard and screen readers: the focus order (filter → table → map → details), accessible names of the
window's parts, and a description of the map that says what is selected on it (its boxes are QGraphicsItems,
which have no accessibility of their own)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from model.core.chain import short_id
from model.core.sizes import human

if TYPE_CHECKING:
    from .mainwindow import MainWindow


class Accessibility(QObject):
    """Names the window's interactive parts, orders their focus and keeps the map's description current."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        w = window
        chain = (w.filter_edit, w.table, w.graph_view, w.tabs, w.details.history, w.details.holders)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        for table in (w.table, w.details.history):      # Tab leaves a table (arrows move in it)
            table.setTabKeyNavigation(False)
        w.session.changed.connect(self.describe_map)
        w.details.layer_shown.connect(lambda _chain_id: self.describe_map())

    def retranslate(self) -> None:
        """Every accessible name in the current language."""
        w = self.window
        host_page = w.details.host_view.parentWidget().parentWidget()        # (the scroll area around it)
        for widget, name in (
                (w.filter_edit, self.tr("Filter images by tag or image ID")), (w.table, self.tr("Images")),
                (w.graph_view, self.tr("Layer map")), (w.graph_view.viewport(), self.tr("Layer map")),
                (w.map_tabs, self.tr("Maps")), (w.tabs, self.tr("Panels")),
                (w.details.holders, self.tr("Images holding the layer")),
                (w.details.host_view, self.tr("Host summary")), (host_page, self.tr("Host summary")),
                (w.preview_tree, self.tr("What docker rmi would do")),
                (w.whatif_panel.steps, self.tr("What-if steps")), (w.toolbar, self.tr("Main toolbar"))):
            widget.setAccessibleName(name)
        w.table.setAccessibleDescription(self.tr("docker images, one row per tag; the header says the order"))
        self.describe_map()

    def describe_map(self) -> None:
        """The map's accessible description: what is selected on it (image, layer), else how to select."""
        w = self.window
        s, view = w.session, w.graph_view
        parts = []
        current = s.current
        if current is not None and s.current_image in current.snapshot.by_id:
            img = current.snapshot.by_id[s.current_image]
            sizes = current.analysis.image_sizes[img.id]
            parts.append(self.tr("Image {name} selected: {status}, SIZE {size}, UNIQUE SIZE {unique}, "
                                 "{n} layers").format(
                name=", ".join(img.repo_tags) or img.short_id, status=current.analysis.status[img.id].status,
                size=human(sizes.size), unique=human(sizes.unique_size), n=len(img.diff_ids)))
        chain_id = w.details.chain_id
        if current is not None and chain_id and chain_id in current.analysis.layer_use:
            use = current.analysis.layer_use[chain_id]
            parts.append(self.tr("Layer {id} selected: {size}, held by {n} images").format(
                id=short_id(chain_id), size=human(current.analysis.layer_sizes.get(chain_id, 0)),
                n=len(use.images)))
        if not parts:
            parts.append(self.tr("Nothing selected: select an image in the images table (Tab from the filter), "
                                 "the map follows"))
        text = " ".join(parts)
        view.setAccessibleDescription(text)
        view.viewport().setAccessibleDescription(text)
