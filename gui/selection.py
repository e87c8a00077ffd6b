"""Selection kept in step across the views: table ↔ graph ↔ details, and the lineage focus."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject
from PySide6.QtWidgets import QStatusBar, QTabWidget

from .details import DetailsPanel
from .graphview import GraphView
from .imagesbox import ImagesBox
from .session import Session
from .storagemap import StorageMapView
from .tablemodel import IMAGE_ID_ROLE, REF_ROLE


class SelectionController(QObject):
    """Whatever view the user clicks in, the others follow; the selection is ``session.current_image`` /
    ``current_ref`` and the clean-up ``targets``.

    ``source`` names the view a selection came from (table, graph, details, preview, focus, keep, …): that
    view already shows it, the others are told."""

    def __init__(self, session: Session, graph_view: GraphView, images: ImagesBox, details: DetailsPanel,
                 tabs: QTabWidget, status: QStatusBar, parent: QObject | None = None,
                 storage_map: StorageMapView | None = None) -> None:
        super().__init__(parent)
        self.session, self.graph_view, self.images, self.details = session, graph_view, images, details
        self.tabs, self.status, self.storage_map = tabs, status, storage_map

    def reset(self) -> None:
        """A new state is shown: nothing selected."""
        self.session.current_image = self.session.current_ref = None
        self.session.targets = []

    def select_image(self, image_id: str, source: str, ref: str | None = None) -> None:
        """Select ``image_id`` everywhere but in ``source``; ``ref`` is the tag row chosen (the image's only tag
        or its ID otherwise)."""
        s = self.session
        if s.current is None or image_id not in s.current.snapshot.by_id:
            return
        img = s.current.snapshot.by_id[image_id]
        s.current_image = image_id
        s.current_ref = ref or (img.repo_tags[0] if len(img.repo_tags) == 1 else image_id)
        if source != "graph":
            self.graph_view.select_image(image_id)
            s.targets = [(image_id, s.current_ref if source == "table" else image_id)]
        if source != "storage" and self.storage_map is not None:
            self.storage_map.select_image(image_id)
        if source != "table":
            self.images.select_image_row(image_id)
        self.details.show_image(image_id)
        s.notify()
        label = s.current_ref if s.current_ref != image_id else img.short_id
        self.status.showMessage(self.tr("{name} selected — Ctrl+R previews `docker rmi`").format(name=label), 6000)

    def select_layer(self, chain_id: str, source: str) -> None:
        """Select the layer (a chain ID) in the graph and show it in the details."""
        if source != "graph":
            self.graph_view.select_layer(chain_id)
        if source != "storage" and self.storage_map is not None:
            self.storage_map.select_layer(chain_id)
        self.details.show_layer(chain_id)
        if self.tabs.currentWidget() is not self.details and source in ("graph", "storage"):
            self.tabs.setCurrentWidget(self.details)

    def focus_lineage(self, image_id: str) -> None:
        """Select an image and dim everything but it and the layers under it."""
        self.select_image(image_id, "focus")
        self.graph_view.focus_lineage(image_id)

    def focus_current(self) -> None:
        """View → Focus on lineage, for the selected image."""
        if self.session.current_image:
            self.focus_lineage(self.session.current_image)

    def selected_table_images(self) -> list[str]:
        """Image IDs of the selected table rows."""
        return self.images.selected_images()

    # -- slots of the views ----------------------------------------------------------------
    def on_table_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        """The current table row moved: select its image (by the row's tag)."""
        if current.isValid():
            self.select_image(current.data(IMAGE_ID_ROLE), "table", ref=current.data(REF_ROLE))

    def on_table_selection_changed(self, *_args: object) -> None:
        """The selected table rows are the clean-up targets (by tag for a tag row)."""
        rows = self.images.table.selectionModel().selectedRows()
        self.session.targets = [(i.data(IMAGE_ID_ROLE), i.data(REF_ROLE)) for i in rows]
        self.session.notify()

    def on_graph_images_selected(self, image_ids: list[str]) -> None:
        """Badges selected in the graph are the clean-up targets (by ID)."""
        self.session.targets = [(i, i) for i in image_ids]
        self.session.notify()

    def on_preview_item(self, what: str, ident: str) -> None:
        """A listed layer or image in the preview was clicked: show it."""
        if what == "layer":
            self.select_layer(ident, "preview")
        elif self.session.current and ident in self.session.current.snapshot.by_id:
            self.graph_view.select_image(ident)
            if self.storage_map is not None:
                self.storage_map.select_image(ident)
            self.details.show_image(ident)
