"""The images table with its filter box: `docker images` rows, sortable, filtered by tag or image ID."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from .tablemodel import CREATED, IMAGE_ID_ROLE, ImagesModel, ImagesProxy

DEFAULT_SORT = (CREATED, Qt.SortOrder.DescendingOrder)      # docker images' order: newest first


class ImagesBox(QWidget):
    """The filter box above the images table; the table's model and sorting/filtering proxy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ImagesModel(self)
        self.proxy = ImagesProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("imagesTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(False)     # the header's text carries it (▲ ▼)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(100)          # sizing reads 100 rows, not all
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.model.columnsInserted.connect(lambda _parent, first, _last: self.table.resizeColumnToContents(first))
        self.model.modelReset.connect(self.keep_sort_indicator)
        self.sort_default()
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_filter_text)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.filter_edit)
        lay.addWidget(self.table)

    def retranslate(self) -> None:
        """Set the fixed texts (and the column headers) in the current language."""
        self.table.setToolTip(self.tr("docker images, one row per tag (View → Show intermediate images for -a); "
                                      "click a row to select the image in the graph"))
        self.filter_edit.setPlaceholderText(self.tr("Filter by tag or image ID  (Ctrl+F)"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)

    def sort_default(self) -> None:
        """Sort as `docker images` lists: CREATED, newest first (with its indicator)."""
        key, order = DEFAULT_SORT
        self.table.sortByColumn(self.model.column(key), order)

    # The header's sort indicator names a column by position; the model sorts
    # by column key.  When new rows bring other columns (a containerd-store
    # snapshot after a classic one, WASTED coming or going) the indicator is put
    # back on the sorted column, or the default order is taken up again.
    def keep_sort_indicator(self) -> None:
        """Make the header's sort indicator name the column and order the rows are in."""
        sort_by = self.model.sort_by
        if sort_by is None or sort_by[0] not in self.model.columns:
            self.sort_default()
            return
        header = self.table.horizontalHeader()
        column = self.model.column(sort_by[0])
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, sort_by[1]):
            header.setSortIndicator(column, sort_by[1])

    def sort_shown(self) -> tuple[str, Qt.SortOrder] | None:
        """The column key and order the header's indicator shows (None: no indicator)."""
        header = self.table.horizontalHeader()
        section = header.sortIndicatorSection()
        if not self.table.isSortingEnabled() or not 0 <= section < len(self.model.columns):
            return None
        return self.model.columns[section], header.sortIndicatorOrder()

    def focus_filter(self) -> None:
        """Put the cursor in the filter box, its text selected (Ctrl+F)."""
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def selected_images(self) -> list[str]:
        """Image IDs of the selected rows."""
        return [i.data(IMAGE_ID_ROLE) for i in self.table.selectionModel().selectedRows()]

    def select_image_row(self, image_id: str) -> None:
        """Make the first row of ``image_id`` current and selected (without emitting), and scroll to it."""
        for row, r in enumerate(self.model.rows):
            if r.image_id == image_id:
                proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
                if not proxy_index.isValid():
                    return
                sm = self.table.selectionModel()
                sm.blockSignals(True)
                flags = QItemSelectionModel.SelectionFlag
                sm.setCurrentIndex(proxy_index, flags.ClearAndSelect | flags.Rows)
                sm.blockSignals(False)
                self.table.viewport().update()
                self.table.scrollTo(proxy_index)
                return
