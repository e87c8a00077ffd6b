"""The files panel of the details: what each layer of the selected image changes, the merged filesystem with the
layer that last wrote each path, and the wasted bytes — read on demand, never on every selection."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from model.core.analysis import Analysis
from model.core.history import short_created_by
from model.core.layerfiles import ADDED, DELETED, MODIFIED
from model.core.sizes import human
from model.files.stack import ImageFiles, Node

from .filesworker import CANCELLED, NO_INDEX, FilesLoader
from .filetree import LAYER_COLUMNS, MERGED_COLUMNS, SIGNS, FileTree, FilteredTree, Shown, matching

MERGED, WASTED = "merged", "wasted"          # the two views besides one per layer
WASTED_COLUMNS = (QT_TRANSLATE_NOOP("FilesPanel", "PATH"), QT_TRANSLATE_NOOP("FilesPanel", "LAYER"),
                  QT_TRANSLATE_NOOP("FilesPanel", "SIZE"))
WASTED_SHOWN = 500             # worst files listed
LABEL_CHARS = 70               # of a layer's created-by in the chooser


def merged_rows(root: Node) -> list[Node]:
    """Every path of the merged filesystem (depth first, without the root)."""
    out: list[Node] = []
    stack = list(root.children.values())
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children.values())
    return out


def clip(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class FilesPanel(QWidget):
    """Reads an image's files when asked (button, Image → Show files) and shows them by layer or merged."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader: FilesLoader | None = None
        self.analysis: Analysis | None = None
        self.image_id: str | None = None
        self.active = False                 # the panel is on screen (its tab is current)
        self.files: ImageFiles | None = None
        self._rows: dict[Any, list[Shown]] = {}     # per view of the shown image: its rows, made once
        self._known: dict[Any, dict[str, Shown]] = {}
        self._counts: dict[int, dict[str, int]] = {}   # per layer of the shown image: changes by kind
        self._focus_pending = False         # focus the files once they arrive (asked for by keyboard)
        self._follow: str | None = None     # a layer (chain ID) selected while the files were on their way
        self._build()
        self.retranslate()
        self._show_state()

    def _build(self) -> None:
        self.status = QLabel()
        self.status.setObjectName("filesStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.read_button = QPushButton()
        self.read_button.setObjectName("filesRead")
        self.read_button.clicked.connect(self.start_read)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("filesCancel")
        self.cancel_button.clicked.connect(self.cancel_read)
        self.progress = QProgressBar()
        self.progress.setObjectName("filesProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("filesView")
        self.view_combo.currentIndexChanged.connect(self._on_view_changed)
        self.view_label = QLabel()
        self.view_label.setBuddy(self.view_combo)
        shown = FilteredTree(self, "files", self.apply_filter)
        self.filter_edit, self.kind_combo, self._filter_timer = shown.edit, shown.kind, shown.timer
        self.summary, self.model, self.tree = shown.summary, shown.model, shown.tree
        self.wasted_table = QTableWidget(0, len(WASTED_COLUMNS))
        self.wasted_table.setObjectName("wastedTable")
        self.wasted_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.wasted_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.wasted_table.verticalHeader().hide()
        self.wasted_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.wasted_table)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.progress)
        top.addWidget(self.read_button)
        top.addWidget(self.cancel_button)
        chooser = QHBoxLayout()
        chooser.addWidget(self.view_label)
        chooser.addWidget(self.view_combo, 1)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.kind_combo)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addLayout(top)
        lay.addLayout(chooser)
        lay.addLayout(filters)
        lay.addWidget(self.summary)
        lay.addWidget(self.stack, 1)
        self.setTabOrder(self.read_button, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.view_combo)
        self.setTabOrder(self.view_combo, self.filter_edit)
        self.setTabOrder(self.filter_edit, self.kind_combo)
        self.setTabOrder(self.kind_combo, self.tree)

    def retranslate(self) -> None:
        """Every text in the current language (the shown files are described again)."""
        self.read_button.setText(self.tr("&Read files"))
        self.read_button.setToolTip(self.tr("Stream the image from the daemon (docker save) and index every "
                                            "layer's files; layers indexed before come from the cache"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop reading the files"))
        self.view_label.setText(self.tr("Sho&w:"))
        self.filter_edit.setPlaceholderText(self.tr("Filter by path"))
        self.filter_edit.setToolTip(self.tr("Show only paths that contain this text"))
        kind = self.kind_combo.currentIndex()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem(self.tr("All changes"), "")
        self.kind_combo.addItem(SIGNS[ADDED] + " " + self.tr("Added"), ADDED)
        self.kind_combo.addItem(SIGNS[MODIFIED] + " " + self.tr("Modified"), MODIFIED)
        self.kind_combo.addItem(SIGNS[DELETED] + " " + self.tr("Deleted"), DELETED)
        self.kind_combo.setCurrentIndex(max(0, kind))
        self.kind_combo.blockSignals(False)
        self.kind_combo.setToolTip(self.tr("Show only entries that change the layers below this way"))
        self.wasted_table.setHorizontalHeaderLabels([self.tr(c) for c in WASTED_COLUMNS])
        for widget, name in ((self.read_button, self.tr("Read files")), (self.cancel_button, self.tr("Cancel reading")),
                             (self.progress, self.tr("Bytes of the image read")),
                             (self.view_combo, self.tr("Which files to show")),
                             (self.filter_edit, self.tr("Filter files by path")),
                             (self.kind_combo, self.tr("Filter by change kind")), (self.tree, self.tr("Files")),
                             (self.wasted_table, self.tr("Wasted files")), (self.status, self.tr("Files status")),
                             (self.summary, self.tr("Files summary"))):
            widget.setAccessibleName(name)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, self.model.columnCount() - 1))
        if self.files is not None:
            self._fill_views()
        self._show_state()

    # -- what is shown -----------------------------------------------------------------------
    def attach(self, loader: FilesLoader) -> None:
        """Read files through ``loader`` and follow its news."""
        self.loader = loader
        loader.progress.connect(self._on_progress)
        loader.ready.connect(self._on_ready)
        loader.failed.connect(self._on_failed)

    def set_analysis(self, analysis: Analysis | None) -> None:
        """A new state is shown: no image."""
        self.analysis = analysis
        self.image_id = None
        self._forget()
        self._show_state()

    def set_image(self, image_id: str | None) -> None:
        """Show ``image_id``'s files when known (reading them offline from the snapshot when it carries them);
        otherwise offer to read them.  Nothing is read from a daemon until asked."""
        if image_id == self.image_id and self.files is not None:
            return
        self.image_id = image_id
        self._forget()
        if self.active:
            self.refresh()
        else:
            self._show_state()

    def set_active(self, on: bool) -> None:
        """The panel came on screen (or left it): bring it up to date."""
        self.active = on
        if on:
            self.refresh()

    def refresh(self) -> None:
        """Show the files if known; read them again when the snapshot carries them or they were read before."""
        loader, image_id = self.loader, self.image_id
        if loader is None or image_id is None:
            self._show_state()
            return
        files = loader.known(image_id)
        if files is not None:
            if self.files is not files:
                self._show_files(files)
            return
        # offline when the snapshot carries the files; again when read before (its layers are in the cache now)
        if image_id not in loader.reading and image_id not in loader.errors and \
                (loader.carries(image_id) or image_id in loader.wasted_bytes):
            loader.request(image_id)
        self._show_state()

    def start_read(self) -> None:
        """Read the shown image's files (the Read files button, Image → Show files)."""
        if self.loader is not None and self.image_id is not None and self.loader.known(self.image_id) is None:
            self.loader.errors.pop(self.image_id, None)
            if self.loader.can_ask_daemon() or self.loader.carries(self.image_id):
                self.loader.request(self.image_id)
        self.refresh()

    def take_focus(self) -> None:
        """Put the keyboard focus on the first control that helps now (the view chooser once files are shown;
        until then Read files or Cancel, and the chooser when the files arrive)."""
        self._focus_pending = self.files is None
        for widget in (self.view_combo, self.read_button, self.cancel_button):
            if widget.isVisibleTo(self):
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return

    def cancel_read(self) -> None:
        """Stop the read of the shown image's files."""
        if self.loader is not None and self.image_id is not None:
            self.loader.cancel(self.image_id)

    def follow_layer(self, chain_id: str) -> None:
        """Show the files of the layer ``chain_id`` (selected in the map or the history) when it is one of the
        shown image's."""
        if self.files is None:
            self._follow = chain_id
            return
        for i, lc in enumerate(self.files.layers):
            if lc.chain_id == chain_id:
                index = self.view_combo.findData(i)
                if index >= 0:
                    self.view_combo.setCurrentIndex(index)
                return

    def layer_name(self, layer: int) -> str:
        """A layer of the shown image as one short line: its number and what made it."""
        made = self._created_by(layer)
        return self.tr("{n}: {made}").format(n=layer + 1, made=clip(made, 48)) if made else \
            self.tr("layer {n}").format(n=layer + 1)

    def current_view(self) -> Any:
        """MERGED, WASTED or a layer index."""
        return self.view_combo.currentData()

    # -- states -------------------------------------------------------------------------------
    def _forget(self) -> None:
        self.files = None
        self._focus_pending = False
        self._follow = None
        self.progress.setValue(0)
        self._rows.clear()
        self._known.clear()
        self._counts.clear()
        self.view_combo.blockSignals(True)
        self.view_combo.clear()
        self.view_combo.blockSignals(False)
        self.model.set_tree(FileTree(()), LAYER_COLUMNS)
        self.wasted_table.setRowCount(0)
        self.summary.clear()

    # One state at a time: no image; files shown; being read (progress, Cancel); the last read failed
    # (its one line, Read again); the snapshot has no index and no daemon is behind it (one line);
    # not read yet (Read files).
    def _show_state(self) -> None:
        loader, image_id = self.loader, self.image_id
        reading = loader is not None and image_id is not None and image_id in loader.reading
        error = loader.errors.get(image_id) if loader is not None and image_id is not None else None
        shown = self.files is not None
        daemon = loader is not None and loader.can_ask_daemon()
        offline = loader is not None and image_id is not None and loader.carries(image_id)
        if image_id is None:
            text = self.tr("Select an image to see its files.")
        elif shown:
            text = ""
        elif reading:
            text = self.tr("Reading the files of the image…")
        elif error is not None and error[0] == NO_INDEX or (error is None and not daemon and not offline):
            text = self.tr("This snapshot carries no file index (save it with snapshot --save --with-files), "
                           "and no daemon is behind it to read the files from.")
        elif error is not None and error[0] == CANCELLED:
            text = self.tr("Reading the files was cancelled.")
        elif error is not None:
            text = self.tr("Could not read the files: {reason}").format(reason=error[1])
        else:
            text = self.tr("Files not read yet: Read files streams the image from the daemon (docker save) "
                           "and indexes each layer once.")
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.progress.setVisible(reading)
        if reading and self.progress.value() <= 0:
            self.progress.setValue(0)
            self.progress.setFormat(self.tr("starting…"))
        self.cancel_button.setVisible(reading)
        self.read_button.setVisible(not shown and not reading and image_id is not None and (daemon or offline))
        self.read_button.setText(self.tr("&Read files") if error is None else self.tr("&Read again"))
        for widget in (self.view_label, self.view_combo, self.filter_edit, self.kind_combo, self.summary,
                       self.stack):
            widget.setVisible(shown)

    def _on_progress(self, image_id: str, done: int, total: int) -> None:
        if image_id != self.image_id:
            return
        self.progress.setValue(min(1000, done * 1000 // total) if total > 0 else 0)
        self.progress.setFormat(self.tr("{done} of ~{total}").format(done=human(done), total=human(total)))

    def _on_ready(self, image_id: str) -> None:
        if image_id == self.image_id and self.active and self.loader is not None:
            self._show_files(self.loader.known(image_id))

    def _on_failed(self, image_id: str, kind: str, message: str) -> None:
        if image_id == self.image_id:
            self.progress.setValue(0)
            self._show_state()

    # -- the files ----------------------------------------------------------------------------
    def _show_files(self, files: ImageFiles | None) -> None:
        if files is None:
            return
        self.files = files
        self._rows.clear()
        self._known.clear()
        self._counts.clear()
        self._fill_views()
        if self._follow is not None:
            self.follow_layer(self._follow)
            self._follow = None
        self._show_state()
        if self._focus_pending:
            self.take_focus()

    def _created_by(self, layer: int) -> str:
        a, files = self.analysis, self.files
        if a is None or files is None or not 0 <= layer < len(files.layers):
            return ""
        chain_id = files.layers[layer].chain_id
        made = a.graph.nodes[chain_id].get("created_by", "") if chain_id in a.graph else ""
        return short_created_by(made) if made else ""

    def _fill_views(self) -> None:
        """The chooser: the whole image, the wasted files, then each layer bottom first (size, wasted, made by)."""
        files = self.files
        keep = self.view_combo.currentData()
        self.view_combo.blockSignals(True)
        self.view_combo.clear()
        self.view_combo.addItem(self.tr("Whole image — merged filesystem, last written by"), MERGED)
        self.view_combo.addItem(self.tr("Wasted bytes — {bytes} in {n} files").format(
            bytes=human(files.wasted_bytes), n=len(files.wasted_files)), WASTED)
        for i, lc in enumerate(files.layers):
            wasted = " · " + self.tr("wasted {bytes}").format(bytes=human(lc.wasted)) if lc.wasted else ""
            label = self.tr("Layer {n} · {size}{wasted} · {made}").format(
                n=i + 1, size=human(lc.size), wasted=wasted, made=clip(self._created_by(i)) or "—")
            self.view_combo.addItem(label, i)
            self.view_combo.setItemData(self.view_combo.count() - 1, self._created_by(i),
                                        Qt.ItemDataRole.ToolTipRole)
        index = self.view_combo.findData(keep) if keep is not None else -1
        self.view_combo.setCurrentIndex(index if index >= 0 else 0)
        self.view_combo.blockSignals(False)
        self._fill_wasted()
        self.apply_filter()

    def _fill_wasted(self) -> None:
        files = self.files
        worst = sorted(files.wasted_files, key=lambda w: -w.size)[:WASTED_SHOWN]
        self.wasted_table.setRowCount(len(worst))
        for r, w in enumerate(worst):
            for c, text in enumerate(("/" + w.path, self.layer_name(w.layer), human(w.size))):
                cell = QTableWidgetItem(text)
                if c == 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 1:
                    cell.setToolTip(self._created_by(w.layer))
                self.wasted_table.setItem(r, c, cell)

    def _on_view_changed(self, _index: int) -> None:
        self.apply_filter()

    def _view_rows(self, view: Any) -> list[Shown]:
        """The rows of a view of the shown image (made once per image)."""
        rows = self._rows.get(view)
        if rows is None:
            rows = merged_rows(self.files.root) if view == MERGED else list(self.files.layers[view].changes)
            self._rows[view] = rows
        return rows

    def apply_filter(self) -> None:
        """Show the chosen view with the path filter and the change kind applied (directories sized by what
        they show)."""
        self._filter_timer.stop()
        files, view = self.files, self.current_view()
        if files is None or view is None:
            return
        self.kind_combo.setEnabled(isinstance(view, int))
        if view == WASTED:
            self.stack.setCurrentWidget(self.wasted_table)
            per_layer = [self.tr("layer {n}: {bytes}").format(n=i + 1, bytes=human(lc.wasted))
                         for i, lc in enumerate(files.layers) if lc.wasted]
            self.summary.setText(self.tr("Wasted: {bytes} in {n} files — file versions the image never shows, "
                                         "because a higher layer modified or deleted them.").format(
                bytes=human(files.wasted_bytes), n=len(files.wasted_files))
                + (" " + " · ".join(per_layer) if per_layer else ""))
            return
        self.stack.setCurrentWidget(self.tree)
        rows = self._view_rows(view)
        known = self._known.get(view)
        text = self.filter_edit.text()
        kind = self.kind_combo.currentData() if isinstance(view, int) else ""
        shown = matching(rows, text, kind)
        if shown is not rows and len(shown) != len(rows) and known is None:
            known = self._known[view] = {r.path: r for r in rows}
        tree = FileTree(shown, known if len(shown) != len(rows) else None)
        if view == MERGED:
            self.model.set_tree(tree, MERGED_COLUMNS, self.layer_name)
            self.summary.setText(self.tr("{n} paths in the image · {bytes} in files · wasted {wasted}").format(
                n=len(rows), bytes=human(tree.dir_size[""]), wasted=human(files.wasted_bytes))
                if len(shown) == len(rows) else
                self.tr("{shown} of {n} paths match · {bytes}").format(shown=len(shown), n=len(rows),
                                                                      bytes=human(tree.dir_size[""])))
        else:
            lc = files.layers[view]
            self.model.set_tree(tree, LAYER_COLUMNS)
            counts = self._counts.get(view)
            if counts is None:
                counts = self._counts[view] = {k: 0 for k in (ADDED, MODIFIED, DELETED)}
                for c in lc.changes:
                    counts[c.change] = counts.get(c.change, 0) + 1
            line = self.tr("{a} added · {m} modified · {d} deleted · wasted {wasted}").format(
                a=counts[ADDED], m=counts[MODIFIED], d=counts[DELETED], wasted=human(lc.wasted))
            if len(shown) != len(rows):
                line = self.tr("{shown} of {n} entries match").format(shown=len(shown), n=len(rows)) + " · " + line
            self.summary.setText(line)
        self.model.fit_columns(self.tree)
        if len(shown) != len(rows) and len(shown) <= 2000:
            self.tree.expandAll()
