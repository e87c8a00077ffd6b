"""Compare two images: the layers they share (stored once), where they diverge, each one's own layers, and the
files that differ in their merged filesystems — for "why is my new build not sharing the base?"."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QMainWindow,
                               QProgressBar, QPushButton, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from model.core.analysis import Analysis
from model.core.chain import short_id
from model.core.history import short_created_by
from model.core.sizes import human
from model.core.snapshot import Image
from model.files.compare import ADDED, CHANGED, REMOVED, Comparison, FileChanges
from model.files.stack import LayerChanges

from .files import clip
from .filesworker import FilesFailed, FilesLoader, compare_files
from .filetree import COMPARE_COLUMNS, SIGNS, FileRow, FileTree, FilteredTree, matching
from .imagesbox import ImagesBox
from .session import Session


def image_label(image: Image) -> str:
    """An image as people name it: its tags (or <none>) and short ID."""
    return "{} ({})".format(", ".join(image.repo_tags) or "<none>", image.short_id)


def diff_rows(comparison: Comparison) -> list[FileRow]:
    """The listed differing paths as tree rows: B's side for added and changed paths, A's for removed ones."""
    rows = []
    for fc in (comparison.added, comparison.removed, comparison.changed):
        for d in fc.listed:
            a_side = d.change == REMOVED
            kind = (d.type_a if a_side else d.type_b) or d.type_a or ""
            note = f"A {human(d.size_a)} → B {human(d.size_b)}" if d.change == CHANGED and d.type_a == d.type_b \
                else (f"A {d.type_a} → B {d.type_b}" if d.change == CHANGED else "")
            rows.append(FileRow(d.path, kind, d.size_a if a_side else d.size_b, change=d.change,
                                layer=d.layer_a if a_side else d.layer_b, note=note))
    return rows


class CompareDialog(QDialog):
    """Reads both images' files (through the loader), compares them off the UI thread and shows the result."""

    def __init__(self, parent: QWidget, loader: FilesLoader, analysis: Analysis, image_a: Image,
                 image_b: Image) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.loader, self.analysis, self.image_a, self.image_b = loader, analysis, image_a, image_b
        self.comparison: Comparison | None = None
        self.error = ""
        self._comparing = False
        self._rows: list[FileRow] = []
        self._build()
        self.retranslate()
        loader.progress.connect(self._on_progress)
        loader.ready.connect(self._on_files)
        loader.failed.connect(self._on_failed)
        for image in (image_a, image_b):
            loader.request(image.id)
        self._advance()

    def _build(self) -> None:
        self.resize(900, 640)
        self.header = QLabel()
        self.header.setObjectName("compareHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setObjectName("compareStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.layers = QTreeWidget()
        self.layers.setObjectName("compareLayers")
        self.layers.setColumnCount(3)
        self.layers.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.layers.header().setStretchLastSection(False)
        self.divergence = QLabel()
        self.divergence.setObjectName("compareDivergence")
        self.divergence.setWordWrap(True)
        self.divergence.setTextFormat(Qt.TextFormat.PlainText)
        shown = FilteredTree(self, "compare", self.apply_filter)
        self.filter_edit, self.kind_combo, self._filter_timer = shown.edit, shown.kind, shown.timer
        self.files_summary, self.model, self.tree = shown.summary, shown.model, shown.tree
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addWidget(self.divergence)
        ul.addWidget(self.layers)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.kind_combo)
        ll.addWidget(self.files_summary)
        ll.addLayout(filters)
        ll.addWidget(self.tree)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addLayout(top)
        lay.addWidget(self.splitter, 1)
        lay.addWidget(self.buttons)

    def retranslate(self) -> None:
        """Every text in the current language."""
        self.setWindowTitle(self.tr("Compare {a} with {b}").format(a=image_label(self.image_a),
                                                                  b=image_label(self.image_b)))
        self.header.setText(self.tr("A: {a}\nB: {b}").format(a=image_label(self.image_a),
                                                              b=image_label(self.image_b)))
        self.cancel_button.setText(self.tr("Cancel"))
        self.layers.setHeaderLabels([self.tr("LAYER"), self.tr("SIZE"), self.tr("CHAIN ID")])
        self.filter_edit.setPlaceholderText(self.tr("Filter by path"))
        kind = self.kind_combo.currentIndex()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem(self.tr("All differences"), "")
        self.kind_combo.addItem(SIGNS[ADDED] + " " + self.tr("Only in B (added)"), ADDED)
        self.kind_combo.addItem(SIGNS[REMOVED] + " " + self.tr("Only in A (removed)"), REMOVED)
        self.kind_combo.addItem(SIGNS[CHANGED] + " " + self.tr("In both, changed"), CHANGED)
        self.kind_combo.setCurrentIndex(max(0, kind))
        self.kind_combo.blockSignals(False)
        for widget, name in ((self.layers, self.tr("Layers of both images")),
                             (self.tree, self.tr("Files that differ")), (self.filter_edit, self.tr("Filter by path")),
                             (self.kind_combo, self.tr("Filter by difference")),
                             (self.cancel_button, self.tr("Cancel reading")), (self.status, self.tr("Status")),
                             (self.progress, self.tr("Bytes read"))):
            widget.setAccessibleName(name)
        if self.comparison is not None:
            self._show(self.comparison)
        self._show_state()

    # -- reading both images, then comparing them -------------------------------------------------
    def cancel(self) -> None:
        """Stop reading both images' files."""
        for image in (self.image_a, self.image_b):
            self.loader.cancel(image.id)

    def _advance(self) -> None:
        """Compare once both images' files are known (in the loader's worker)."""
        a, b = self.loader.read.get(self.image_a.id), self.loader.read.get(self.image_b.id)
        if a is not None and b is not None and self.comparison is None and not self._comparing and not self.error:
            self._comparing = True
            image_a, image_b = self.image_a, self.image_b
            self.loader.runner.run(lambda job: compare_files(a, b, image_a, image_b), done=self._on_compared,
                                   failed=self._on_compare_failed)
        self._show_state()

    def _on_progress(self, image_id: str, done: int, total: int) -> None:
        if image_id in (self.image_a.id, self.image_b.id):
            which = "A" if image_id == self.image_a.id else "B"
            self.progress.setRange(0, 1000)
            self.progress.setValue(min(1000, done * 1000 // total) if total > 0 else 0)
            self.progress.setFormat(f"{which}: {human(done)} / ~{human(total)}")

    def _on_files(self, image_id: str) -> None:
        if image_id in (self.image_a.id, self.image_b.id):
            self._advance()

    def _on_failed(self, image_id: str, kind: str, message: str) -> None:
        if image_id in (self.image_a.id, self.image_b.id) and not self.error:
            which = image_label(self.image_a if image_id == self.image_a.id else self.image_b)
            reason = message or self.tr("this snapshot carries no file index, and no daemon is behind it")
            self.error = self.tr("Could not read the files of {image}: {reason}").format(image=which, reason=reason)
            self.cancel()
            self._show_state()

    def _on_compared(self, comparison: Comparison) -> None:
        self._comparing = False
        self.comparison = comparison
        self._show(comparison)
        self._show_state()

    def _on_compare_failed(self, exc: BaseException) -> None:
        self._comparing = False
        self.error = exc.message if isinstance(exc, FilesFailed) else str(exc).splitlines()[0]
        self._show_state()

    def _show_state(self) -> None:
        busy = self.comparison is None and not self.error
        if self.error:
            self.status.setText(self.error)
        elif busy:
            self.status.setText(self.tr("Reading the files of both images…") if not self._comparing
                                else self.tr("Comparing…"))
        else:
            self.status.setText("")
        self.status.setVisible(bool(self.status.text()))
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy and not self._comparing)
        self.splitter.setVisible(self.comparison is not None)

    # -- the result ----------------------------------------------------------------------------------
    def _layer_item(self, parent: QTreeWidgetItem, index: int, lc: LayerChanges) -> None:
        made = self.analysis.graph.nodes[lc.chain_id].get("created_by", "") if lc.chain_id in self.analysis.graph \
            else ""
        text = "{}: {}".format(index + 1, clip(short_created_by(made)) if made else "—")
        item = QTreeWidgetItem(parent, [text, human(lc.size), short_id(lc.chain_id)])
        item.setToolTip(0, made)
        item.setToolTip(2, lc.chain_id)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _show(self, c: Comparison) -> None:
        """The layer groups (shared prefix, A's own, B's own), where they diverge, and the differing files."""
        self.layers.clear()
        groups = ((self.tr("Shared layers, stored once: {n}").format(n=len(c.common)), c.common_bytes, c.common, 0),
                  (self.tr("A's own layers: {n}").format(n=len(c.only_a)), c.only_a_bytes, c.only_a, c.diverge_at),
                  (self.tr("B's own layers: {n}").format(n=len(c.only_b)), c.only_b_bytes, c.only_b, c.diverge_at))
        for title, size, layers, first in groups:
            group = QTreeWidgetItem(self.layers, [title, human(size), ""])
            group.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for i, lc in enumerate(layers):
                self._layer_item(group, first + i, lc)
            group.setExpanded(True)
        self.layers.resizeColumnToContents(1)
        self.layers.resizeColumnToContents(2)
        self.divergence.setText(self._divergence(c))
        self._rows = diff_rows(c)
        self.apply_filter()

    def _divergence(self, c: Comparison) -> str:
        n = c.diverge_at
        if not c.only_a and not c.only_b:
            return self.tr("The two images have the same layers: everything is stored once.")
        if n == 0:
            return self.tr("The two images share no layer: not even their base is stored once.")
        if not c.only_a:
            return self.tr("B is built on A: it holds all of A's layers ({n}) and adds its own ({k}, {bytes})."
                           ).format(n=n, k=len(c.only_b), bytes=human(c.only_b_bytes))
        if not c.only_b:
            return self.tr("A is built on B: it holds all of B's layers ({n}) and adds its own ({k}, {bytes})."
                           ).format(n=n, k=len(c.only_a), bytes=human(c.only_a_bytes))
        return self.tr("Shared bottom layers: {n} ({shared}, stored once). They diverge at layer {at}: A's own "
                       "layers ({a}, {abytes}) and B's ({b}, {bbytes}) are each stored on their own.").format(
            n=n, shared=human(c.common_bytes), at=n + 1, a=len(c.only_a), abytes=human(c.only_a_bytes),
            b=len(c.only_b), bbytes=human(c.only_b_bytes))

    def _summary(self, fc: FileChanges, text: str) -> str:
        more = " " + self.tr("({n} more not listed)").format(n=fc.more) if fc.more else ""
        return text.format(n=fc.count, bytes=human(abs(fc.bytes))) + more

    def apply_filter(self) -> None:
        """The differing files with the path filter and the kind applied."""
        self._filter_timer.stop()
        c = self.comparison
        if c is None:
            return
        shown = matching(self._rows, self.filter_edit.text(), self.kind_combo.currentData() or "")
        self.model.set_tree(FileTree(shown), COMPARE_COLUMNS)
        parts = [self._summary(c.added, self.tr("{n} added in B ({bytes})")),
                 self._summary(c.removed, self.tr("{n} removed from A ({bytes})")),
                 self._summary(c.changed, self.tr("{n} changed"))]
        line = " · ".join(parts)
        if len(shown) != len(self._rows):
            line = self.tr("{shown} of {n} listed paths match").format(shown=len(shown), n=len(self._rows)) + \
                " · " + line
        self.files_summary.setText(line)
        self.model.fit_columns(self.tree)
        if len(shown) <= 2000:
            self.tree.expandAll()

    # Qt overrides
    def closeEvent(self, event) -> None:  # noqa: N802
        if self.comparison is None:
            self.cancel()
        super().closeEvent(event)


class CompareController(QObject):
    """Image → Compare with… and the context menu: two selected rows, or one image and another one chosen."""

    def __init__(self, window: QMainWindow, session: Session, loader: FilesLoader, images: ImagesBox) -> None:
        super().__init__(window)
        self.window, self.session, self.loader, self.images = window, session, loader, images
        self.dialog: CompareDialog | None = None
        # asks for the other image (image ID → the chosen one or None); tests replace it
        self.chooser: Callable[[str], str | None] = self.choose_other

    def retranslate(self) -> None:
        """The open comparison in the current language."""
        if self.dialog is not None:
            self.dialog.retranslate()

    def selected_pair(self) -> tuple[str, str] | None:
        """The two images of the selected table rows (in table order), when exactly two are selected."""
        ids = list(dict.fromkeys(i for i, _ in self.session.targets))
        return (ids[0], ids[1]) if len(ids) == 2 else None

    def menu_text(self, image_id: str) -> str:
        """The context menu's entry for ``image_id``."""
        pair = self.selected_pair()
        if pair is not None and image_id in pair:
            return self.tr("Compare the two selected images")
        return self.tr("Compare with…")

    def compare_selected(self) -> None:
        """Image → Compare with…: the two selected rows, else the selected image with one to choose."""
        pair = self.selected_pair()
        if pair is not None:
            self.compare(*pair)
        elif self.session.current_image:
            self.compare_with_chosen(self.session.current_image)

    def compare_from_menu(self, image_id: str) -> None:
        """The context menu's entry: the two selected rows when ``image_id`` is one, else choose the other."""
        pair = self.selected_pair()
        if pair is not None and image_id in pair:
            self.compare(*pair)
        else:
            self.compare_with_chosen(image_id)

    def compare_with_chosen(self, image_id: str) -> None:
        """Ask for the image to compare ``image_id`` with, then compare."""
        other = self.chooser(image_id)
        if other is not None and other != image_id:
            self.compare(image_id, other)

    def choose_other(self, image_id: str) -> str | None:
        """A list of the other images to pick from (keyboard: arrows, type to search, Enter)."""
        snap = self.session.current_snapshot()
        if snap is None:
            return None
        others = [img for img in snap.images if img.id != image_id]
        if not others:
            return None
        labels = [image_label(img) for img in others]
        choice, ok = QInputDialog.getItem(self.window, self.tr("Compare with…"),
                                          self.tr("Compare {image} with:").format(
                                              image=image_label(snap.by_id[image_id])), labels, 0, False)
        return others[labels.index(choice)].id if ok and choice in labels else None

    def compare(self, image_a: str, image_b: str) -> CompareDialog | None:
        """Open the comparison of two images (A, B) of the shown snapshot."""
        current = self.session.current
        if current is None or image_a not in current.snapshot.by_id or image_b not in current.snapshot.by_id:
            return None
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        snap = current.snapshot
        self.dialog = CompareDialog(self.window, self.loader, current.analysis, snap.by_id[image_a],
                                    snap.by_id[image_b])
        self.dialog.show()
        return self.dialog

    def shutdown(self) -> None:
        """The window closes: close the comparison."""
        if self.dialog is not None:
            self.dialog.close()
