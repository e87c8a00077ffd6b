"""Details panel: an image's `docker history` tied to its layers, and one layer's identity and holders."""
from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QScrollArea, QSplitter, QStackedWidget, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from model.core.analysis import Analysis
from model.core.chain import short_id
from model.core.humantime import exact_time, history_created_since
from model.core.sizes import human
from model.core.snapshot import MANIFEST_ATTESTATION, Image

from . import theme
from .files import FilesPanel
from .filesworker import FilesLoader
from .hostview import host_text
from .manifests import kind_name, manifest_role
from .tablemodel import since_text

MISSING = "<missing>"       # a history row's IMAGE when Docker links no local image to that step
MANIFEST_COLUMNS = (QT_TRANSLATE_NOOP("DetailsPanel", "PLATFORM"), QT_TRANSLATE_NOOP("DetailsPanel", "KIND"),
                    QT_TRANSLATE_NOOP("DetailsPanel", "AVAILABLE"), QT_TRANSLATE_NOOP("DetailsPanel", "CONTENT"),
                    QT_TRANSLATE_NOOP("DetailsPanel", "UNPACKED"), QT_TRANSLATE_NOOP("DetailsPanel", "MANIFEST"))
HISTORY_COLUMNS = (QT_TRANSLATE_NOOP("DetailsPanel", "IMAGE"), QT_TRANSLATE_NOOP("DetailsPanel", "CREATED"),
                   QT_TRANSLATE_NOOP("DetailsPanel", "CREATED BY"), QT_TRANSLATE_NOOP("DetailsPanel", "SIZE"),
                   QT_TRANSLATE_NOOP("DetailsPanel", "COMMENT"), QT_TRANSLATE_NOOP("DetailsPanel", "LAYER"))
CHAIN_ROLE = Qt.ItemDataRole.UserRole + 1
CREATED_BY_COLUMN, COMMENT_COLUMN = 2, 4
MIN_CREATED_BY = 0.3        # CREATED BY keeps at least this share of the history table's width
MIN_COLUMN = 56             # px: the narrowest the other history columns get
GIVE_WAY = (4, 5, 0, 3, 1)  # COMMENT, LAYER, IMAGE, SIZE, CREATED: the order they narrow in


def _header_label() -> QLabel:
    """A selectable, wrapping header line above a details list."""
    label = QLabel()
    label.setObjectName("detailsHeader")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DetailsPanel(QWidget):
    """Top: the selected image's history and (on demand) its files; bottom: the selected layer.  Emits IDs
    when rows are clicked."""

    layer_clicked = Signal(str)      # chain ID of a history row's layer
    image_clicked = Signal(str)      # image ID from a layer's holder list
    layer_shown = Signal(str)        # chain ID of the layer now described (however it was selected)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.analysis: Analysis | None = None
        self.image_id: str | None = None
        self.chain_id: str | None = None
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("detailsSplitter")
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(6, 6, 6, 0)
        self.image_header = _header_label()
        self.wasted_line = QLabel()
        self.wasted_line.setObjectName("wastedLine")
        self.wasted_line.setTextFormat(Qt.TextFormat.PlainText)
        self.wasted_line.setWordWrap(True)
        self.wasted_line.hide()
        self.manifests = QTableWidget(0, len(MANIFEST_COLUMNS))
        self.manifests.setObjectName("manifestsTable")
        self.manifests.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.manifests.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.manifests.verticalHeader().hide()
        self.manifests.setWordWrap(False)
        self.manifests.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.manifests.horizontalHeader().setStretchLastSection(True)
        self.manifests.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.manifests.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.manifests.hide()
        self.history = QTableWidget(0, len(HISTORY_COLUMNS))
        self.history.setObjectName("historyTable")
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.setWordWrap(False)
        self.history.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        hh = self.history.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(CREATED_BY_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.history.viewport().installEventFilter(self)
        self.history.itemSelectionChanged.connect(self._on_history_row_selected)
        self.missing_note = QLabel()
        self.missing_note.setObjectName("missingNote")
        self.missing_note.setWordWrap(True)
        self.missing_note.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_note.hide()
        tl.addWidget(self.image_header)
        tl.addWidget(self.wasted_line)
        history_page = QWidget()
        hl = QVBoxLayout(history_page)
        hl.setContentsMargins(0, 4, 0, 0)
        hl.addWidget(self.manifests)
        hl.addWidget(self.history)
        hl.addWidget(self.missing_note)
        self.files = FilesPanel()
        self.files.setObjectName("filesPanel")
        self.sections = QTabWidget()
        self.sections.setObjectName("detailsSections")
        self.sections.addTab(history_page, "")
        self.sections.addTab(self.files, "")
        self.sections.currentChanged.connect(lambda _i: self.files.set_active(self.files_shown()))
        self.host_view = QLabel()
        self.host_view.setObjectName("hostSummary")
        self.host_view.setWordWrap(True)
        self.host_view.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.host_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.host_view.setOpenExternalLinks(False)
        self.host_view.linkActivated.connect(self._on_link)
        host_page = QScrollArea()
        host_page.setObjectName("hostPage")
        host_page.setWidgetResizable(True)
        host_page.setFrameShape(QFrame.Shape.NoFrame)
        host_page.setWidget(self.host_view)
        self.pages = QStackedWidget()           # the host (nothing selected) or the image's sections
        self.pages.addWidget(host_page)
        self.pages.addWidget(self.sections)
        tl.addWidget(self.pages)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(6, 0, 6, 6)
        self.layer_header = _header_label()
        self.holders = QListWidget()
        self.holders.itemClicked.connect(self._on_holder_clicked)
        bl.addWidget(self.layer_header)
        bl.addWidget(self.holders)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        self._syncing = False
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language (the shown image and layer are re-described)."""
        self.history.setHorizontalHeaderLabels([self.tr(c) for c in HISTORY_COLUMNS])
        self.sections.setTabText(0, self.tr("History"))
        self.sections.setTabText(1, self.tr("Files"))
        self.sections.setTabToolTip(1, self.tr("What each layer of the image adds, modifies and deletes, the "
                                               "merged filesystem and the wasted bytes (read on demand, Ctrl+I)"))
        self.sections.setAccessibleName(self.tr("Image details"))
        self.history.setAccessibleName(self.tr("docker history"))
        self.files.retranslate()
        self.manifests.setHorizontalHeaderLabels([self.tr(c) for c in MANIFEST_COLUMNS])
        self.manifests.setToolTip(self.tr("The image's manifests, as docker image ls --tree lists them: one per "
                                          "platform, and BuildKit's attestations (build provenance, not a "
                                          "platform)"))
        self.missing_note.setText(self.missing_text())
        self.history.setToolTip(self.tr("docker history: click a row that made a layer to select the layer"))
        self.holders.setToolTip(self.tr("Every image that holds this layer: click one to select it"))
        if self.image_id and self.analysis is not None:
            self.show_image(self.image_id)
        else:
            self.show_host()
        if self.chain_id and self.analysis is not None:
            self.show_layer(self.chain_id)
        else:
            self.layer_header.setText(self.tr("Select a layer (in the graph or a history row)."))

    def set_analysis(self, analysis: Analysis | None) -> None:
        """Forget the shown image and layer; use a new analysis."""
        self.analysis = analysis
        self.image_id = self.chain_id = None
        self.history.setRowCount(0)
        self.manifests.setRowCount(0)
        self.manifests.hide()
        self.missing_note.hide()
        self.wasted_line.hide()
        self.holders.clear()
        self.files.set_analysis(analysis)
        self.show_host()
        self.layer_header.setText(self.tr("Select a layer (in the graph or a history row)."))

    # -- host -------------------------------------------------------------------------
    def show_host(self) -> None:
        """Nothing selected: the host's engine, counts, totals and the images whose removal frees the most."""
        self.pages.setCurrentIndex(0)
        self.image_header.setVisible(self.analysis is None)
        self.image_header.setText(self.tr("Select an image to see its history."))
        self.host_view.setText(host_text(self.analysis) if self.analysis is not None else "")

    def _on_link(self, link: str) -> None:
        if link.startswith("image:"):
            self.image_clicked.emit(link.partition(":")[2])

    # -- image ------------------------------------------------------------------------
    def show_image(self, image_id: str) -> None:
        """Fill the history table like `docker history`, each row tied to its layer."""
        pal = theme.palette()
        a = self.analysis
        if a is None or image_id not in a.snapshot.by_id:
            return
        self.image_id = image_id
        self.image_header.show()
        self.pages.setCurrentWidget(self.sections)
        img = a.snapshot.by_id[image_id]
        st, sz = a.status[image_id], a.image_sizes[image_id]
        mapping = a.history_mapping(image_id)
        tags = ", ".join(img.repo_tags) or "&lt;none&gt;"
        ctrs = ", ".join("{} ({})".format(html.escape(c.name), c.state) for c in st.containers) or self.tr("none")
        uncertain = "" if mapping.exact else "<br><span style='color:#b7791f'>" + \
            self.tr("⚠ rows → layers mapping is uncertain (marked ?)") + "</span>"
        if img.manifests:       # containerd store: Engine 29's two size kinds
            header = self.tr(
                "<b style='font-size:12pt'>{tags}</b>&nbsp; <code>{id}</code> · {status}<br>DISK USAGE <b>{size}</b>"
                " · CONTENT SIZE {content} · SHARED {shared} · UNIQUE {unique} · {n} layers · containers: {ctrs}")
        else:
            header = self.tr(
                "<b style='font-size:12pt'>{tags}</b>&nbsp; <code>{id}</code> · {status}<br>SIZE <b>{size}</b> · "
                "SHARED {shared} · UNIQUE {unique} · {n} layers · containers: {ctrs}")
        self.image_header.setText(header.format(
            tags=html.escape(tags), id=img.short_id, status=QCoreApplication.translate("GraphView", st.status),
            size=human(sz.size), content=human(img.content_size), shared=human(sz.shared_size),
            unique=human(sz.unique_size), n=len(img.diff_ids), ctrs=ctrs) + uncertain)
        self.show_manifests(img)
        self.missing_note.setVisible(any(row.id == MISSING for row in img.history))
        self._syncing = True
        self.history.setRowCount(len(img.history))
        mono = QFont("DejaVu Sans Mono")
        mono.setPointSizeF(8.5)
        for r, row in enumerate(img.history):
            layer = mapping.row_layer[r] if r < len(mapping.row_layer) else None
            chain_id = img.chain_ids[layer] if layer is not None else None
            ident = row.id if row.id == MISSING else short_id(row.id)
            layer_text = "" if chain_id is None else short_id(chain_id) + ("" if mapping.exact else " ?")
            cells = (ident, since_text(history_created_since(row.created)), " ".join(row.created_by.split()),
                     human(row.size), row.comment, layer_text)
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(CHAIN_ROLE, chain_id)
                if c == 0:
                    cell.setToolTip(self.missing_text() if row.id == MISSING else row.id)
                if c == COMMENT_COLUMN and text:
                    cell.setToolTip(text)
                if c == 1:
                    cell.setToolTip(exact_time(row.created))
                if c == CREATED_BY_COLUMN:
                    cell.setToolTip(row.created_by)
                    cell.setFont(mono)
                if c == 5 and chain_id:
                    cell.setToolTip(self.tr("chain ID {id}").format(id=chain_id) + ("" if mapping.exact else "\n" +
                                    self.tr("mapping uncertain: another assignment is possible")))
                if chain_id is None:
                    cell.setForeground(QBrush(pal.text_dim))
                elif not mapping.exact:
                    cell.setForeground(QBrush(pal.untagged_mark))
                self.history.setItem(r, c, cell)
        self._syncing = False
        self.history.setColumnHidden(COMMENT_COLUMN, not any(row.comment for row in img.history))
        self.fit_history_columns()
        self.select_history_layer(self.chain_id)
        self.files.set_image(image_id)
        self.show_wasted()

    # History columns: COMMENT is hidden when no step has one; every other
    # column but CREATED BY is as wide as its content
    # (header included); when CREATED BY would get less than MIN_CREATED_BY of
    # the table's width the others give way (down to MIN_COLUMN each, COMMENT
    # first, then LAYER, IMAGE, SIZE, CREATED); CREATED BY stretches over the
    # rest.  Every cell is elided in the middle (the whole text in its tooltip).
    # Done again on every resize of the table (presentation mode, splitters).
    def fit_history_columns(self) -> None:
        """Size the history table's columns: content widths, CREATED BY takes the rest."""
        table, header = self.history, self.history.horizontalHeader()
        width = table.viewport().width()
        widths = {}
        for column in range(table.columnCount()):
            if column != CREATED_BY_COLUMN and not table.isColumnHidden(column):
                widths[column] = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
        short = sum(widths.values()) + int(width * MIN_CREATED_BY) - width
        for column in GIVE_WAY:
            if column not in widths:
                continue
            if short <= 0:
                break
            cut = min(short, max(0, widths[column] - MIN_COLUMN))
            widths[column] -= cut
            short -= cut
        for column, w in widths.items():
            table.setColumnWidth(column, w)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Refit the history columns when the table is resized."""
        if watched is self.history.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_history_columns()
        return False

    # -- files ------------------------------------------------------------------------
    def attach_files(self, loader: FilesLoader) -> None:
        """Read files through ``loader``; the wasted-bytes line follows what it learns."""
        self.files.attach(loader)
        loader.ready.connect(lambda image_id: self.show_wasted() if image_id == self.image_id else None)

    def files_shown(self) -> bool:
        """True when the Files section is the one on screen."""
        return self.sections.currentWidget() is self.files

    def show_files(self) -> None:
        """Image → Show files: bring the Files section up and read the shown image's files if not known yet."""
        self.pages.setCurrentWidget(self.sections)
        self.sections.setCurrentWidget(self.files)
        self.files.set_active(True)
        self.files.start_read()
        self.files.take_focus()

    def show_wasted(self) -> None:
        """The wasted-bytes line of the shown image, once its files are known (hidden before)."""
        loader = self.files.loader
        files = loader.known(self.image_id) if loader is not None and self.image_id else None
        if files is None:           # (read before, its files no longer kept: the total is still known)
            wasted = loader.wasted_bytes.get(self.image_id) if loader is not None and self.image_id else None
            self.wasted_line.setText("" if wasted is None else self.tr(
                "WASTED {bytes} (versions a higher layer modifies or deletes)").format(bytes=human(wasted)))
            self.wasted_line.setVisible(wasted is not None)
            return
        worst = [lc for lc in files.layers if lc.wasted]
        self.wasted_line.setText(self.tr("WASTED {bytes} in {n} files (versions a higher layer modifies or "
                                         "deletes) · in {layers} of {total} layers").format(
            bytes=human(files.wasted_bytes), n=len(files.wasted_files), layers=len(worst), total=len(files.layers)))
        self.wasted_line.setVisible(True)

    def missing_text(self) -> str:
        """What a <missing> history row means (the note under the history, and those rows' tooltip)."""
        return self.tr("<missing>: Docker links no local image to this step. The image was built by BuildKit or "
                       "elsewhere (then pulled or loaded), which keep no parent image per step, even where an "
                       "image with these layers exists here. Any layer the step made is still part of this image.")

    def show_manifests(self, img: Image) -> None:
        """List the image's manifests (containerd store): platform, kind, available, content, unpacked, digest;
        an attestation names the platform manifest it describes.  Hidden for an image without manifests."""
        pal = theme.palette()
        self.manifests.setRowCount(len(img.manifests))
        for r, m in enumerate(img.manifests):
            cells = (manifest_role(img, m), kind_name(m), self.tr("yes") if m.available else self.tr("no"),
                     human(m.content_size), human(m.unpacked_size), short_id(m.id))
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c in (3, 4):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 5:
                    cell.setToolTip(m.id)
                if m.kind == MANIFEST_ATTESTATION or not m.available:
                    cell.setForeground(QBrush(pal.text_dim))
                self.manifests.setItem(r, c, cell)
        self.manifests.setVisible(bool(img.manifests))
        if img.manifests:
            # every row shown, no scrolling: a handful of manifests (platforms and their attestations)
            rows = self.manifests.verticalHeader().defaultSectionSize() * len(img.manifests)
            header = self.manifests.horizontalHeader().sizeHint().height()
            self.manifests.setFixedHeight(header + rows + 2 * self.manifests.frameWidth() + 2)

    def select_history_layer(self, chain_id: str | None) -> None:
        """Highlight the history row that made ``chain_id`` (without emitting)."""
        self._syncing = True
        self.history.clearSelection()
        for r in range(self.history.rowCount()):
            if chain_id and self.history.item(r, 0).data(CHAIN_ROLE) == chain_id:
                self.history.selectRow(r)
                break
        self._syncing = False

    def _on_history_row_selected(self) -> None:
        if self._syncing:
            return
        items = self.history.selectedItems()
        if items and items[0].data(CHAIN_ROLE):
            self.layer_clicked.emit(items[0].data(CHAIN_ROLE))

    # -- layer ------------------------------------------------------------------------
    def show_layer(self, chain_id: str) -> None:
        """Chain ID, diff ID, size, created-by and every image holding the layer."""
        a = self.analysis
        if a is None or chain_id not in a.graph:
            return
        self.chain_id = chain_id
        node = a.graph.nodes[chain_id]
        use = a.layer_use[chain_id]
        shared = self.tr("shared by {n} images").format(n=len(use.listed_images)) \
            if len(use.listed_images) > 1 else self.tr("unique to one image")
        if len(use.images) > len(use.listed_images):
            shared += self.tr(" ({n} with intermediates)").format(n=len(use.images))
        made = node["created_by"] or self.tr("(unknown: history mapping uncertain)")
        self.layer_header.setText(self.tr(
            "<b style='font-size:11pt'>Layer {id}</b> · {size} · {shared}<br><small>chain ID <code>{chain}</code>"
            "<br>diff ID <code>{diff}</code><br>depth {depth} from the base</small><br>"
            "CREATED BY <code>{made}</code>").format(
            id=short_id(chain_id), size=human(node["size"]), shared=shared, chain=chain_id, diff=node["diff_id"],
            depth=node["depth"] + 1, made=html.escape(" ".join(made.split()))))
        self.holders.clear()
        for image_id in use.images:
            img = a.snapshot.by_id[image_id]
            label = ", ".join(img.repo_tags) or "<none>"
            item = QListWidgetItem("{}   {}   {}".format(label, img.short_id,
                                                         QCoreApplication.translate("GraphView",
                                                                                    a.status[image_id].status)))
            item.setData(Qt.ItemDataRole.UserRole, image_id)
            self.holders.addItem(item)
        self.select_history_layer(chain_id)
        self.files.follow_layer(chain_id)
        self.layer_shown.emit(chain_id)

    def _on_holder_clicked(self, item: QListWidgetItem) -> None:
        self.image_clicked.emit(item.data(Qt.ItemDataRole.UserRole))
