"""The storage map's panel: the breadcrumb (each step zooms back out to it) above the view."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from model.core.analysis import Analysis

from .storagemap import StorageMapView


class Breadcrumb(QWidget):
    """The steps from everything down to the zoomed box: each a button that zooms back out to it."""

    def __init__(self, view: StorageMapView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageMapBreadcrumb")
        self.view = view
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(4, 2, 4, 2)
        self.row.setSpacing(2)
        self.buttons: list[QToolButton] = []
        self.up = QToolButton()
        self.up.setObjectName("storageMapUp")
        self.up.setAutoRaise(True)
        self.up.clicked.connect(view.zoom_out)
        self.hint = QLabel()
        self.hint.setObjectName("storageMapHint")
        view.zoomed.connect(self.refresh)

    def refresh(self) -> None:
        """Rebuild the steps for the zoomed box."""
        while self.row.count():
            item = self.row.takeAt(0)
            widget = item.widget()
            if widget is not None and widget not in (self.up, self.hint):
                widget.hide()               # gone from the screen now, not when the deferred delete runs
                widget.deleteLater()
        self.buttons = []
        self.row.addWidget(self.up)
        crumbs = self.view.crumbs()
        self.up.setEnabled(len(crumbs) > 1)
        for k, (index, text) in enumerate(crumbs):
            if k:
                sep = QLabel("›")
                sep.setAccessibleName(self.tr("inside"))
                self.row.addWidget(sep)
            button = QToolButton()
            button.setAutoRaise(True)
            button.setText(text.replace("&", "&&"))
            button.setAccessibleName(self.tr("Zoom out to {name}").format(name=text))
            button.setToolTip(self.tr("Zoom out to {name}").format(name=text))
            button.setEnabled(index != self.view.zoom_root)
            button.clicked.connect(lambda checked=False, i=index: self.view.zoom_to(i))
            self.row.addWidget(button)
            self.buttons.append(button)
        self.row.addStretch(1)
        self.row.addWidget(self.hint)

    def retranslate(self) -> None:
        """Texts in the current language."""
        self.up.setText(self.tr("↑ Up"))
        self.up.setToolTip(self.tr("Zoom out one step (Backspace)"))
        self.up.setAccessibleName(self.tr("Zoom out one step"))
        self.hint.setText(self.tr("area = bytes on disk, each layer once · double-click zooms in"))
        self.refresh()


class StorageMapPanel(QWidget):
    """The breadcrumb above the map."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageMap")
        self.view = StorageMapView()
        self.breadcrumb = Breadcrumb(self.view)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.breadcrumb)
        column.addWidget(self.view, 1)
        self.retranslate()

    def set_analysis(self, analysis: Analysis | None, keep_zoom: bool = False) -> None:
        """Show a new state (see StorageMapView.set_analysis)."""
        self.view.set_analysis(analysis, keep_zoom)
        self.breadcrumb.refresh()

    def retranslate(self) -> None:
        """Texts in the current language."""
        self.setAccessibleName(self.tr("Storage map"))
        self.view.retranslate()
        self.breadcrumb.retranslate()
