"""A file list shown as a lazy tree: one layer's changes, or the whole image's merged filesystem.

``FileTree`` indexes flat rows by directory (children and directory sizes by contents); ``FileTreeModel``
shows it in a QTreeView, creating a directory's items only when the view expands it, in batches, so a
layer of 100,000 entries opens at once.
"""
from __future__ import annotations

import stat
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt,
                            QTimer)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTreeView, QWidget

from model.core.layerfiles import ADDED, DELETED, DIR, FILE, HARDLINK, MODIFIED, OTHER, SYMLINK
from model.core.sizes import human
from model.files.compare import CHANGED, REMOVED

from . import theme

# Columns.  A layer's tree shows how each entry changes the layers below; the whole image's tree shows
# which layer last wrote each path.
NAME, SIZE, CHANGE, MODE, LAYER = "name", "size", "change", "mode", "layer"
TITLES = {NAME: QT_TRANSLATE_NOOP("FileTreeModel", "NAME"), SIZE: QT_TRANSLATE_NOOP("FileTreeModel", "SIZE"),
          CHANGE: QT_TRANSLATE_NOOP("FileTreeModel", "CHANGE"), MODE: QT_TRANSLATE_NOOP("FileTreeModel", "MODE"),
          LAYER: QT_TRANSLATE_NOOP("FileTreeModel", "LAST WRITTEN BY")}
LAYER_COLUMNS = (NAME, SIZE, CHANGE, MODE)
MERGED_COLUMNS = (NAME, SIZE, MODE, LAYER)
COMPARE_COLUMNS = (NAME, SIZE, CHANGE)
# A change kind is told by a sign and a word as well as a colour (never by colour alone): how a layer
# changes the layers below, or (a comparison) how image B differs from image A.
SIGNS = {ADDED: "+", MODIFIED: "~", DELETED: "−", REMOVED: "−", CHANGED: "~"}
CHANGE_TEXT = {ADDED: QT_TRANSLATE_NOOP("FileTreeModel", "added"),
               MODIFIED: QT_TRANSLATE_NOOP("FileTreeModel", "modified"),
               DELETED: QT_TRANSLATE_NOOP("FileTreeModel", "deleted"),
               REMOVED: QT_TRANSLATE_NOOP("FileTreeModel", "removed"),
               CHANGED: QT_TRANSLATE_NOOP("FileTreeModel", "changed")}
TYPE_CHAR = {DIR: "d", SYMLINK: "l", HARDLINK: "h", OTHER: "?", FILE: "-"}
FETCH_BATCH = 2000              # items created per fetch: a directory of 100,000 entries fills as it scrolls
PATH_ROLE = Qt.ItemDataRole.UserRole + 1     # the row's full path
SORT_ROLE = Qt.ItemDataRole.UserRole + 2     # bytes for SIZE, text otherwise


@dataclass(frozen=True, slots=True)
class FileRow:
    """One path as shown where no model object stands for it: a directory implied by its contents, or a
    compared path; ``change`` is added/modified/deleted or ""; ``layer`` the layer that last wrote it."""

    path: str
    type: str
    size: int = 0
    mode: int = 0
    link: str = ""
    change: str = ""
    layer: int | None = None
    implied: bool = False       # a directory only its contents imply (no entry of its own)
    note: str = ""              # said in the tooltip


class Shown(Protocol):
    """What a tree row needs: a FileRow, a layer's Change (with ``change``) or a merged Node (with ``layer``)."""

    path: str
    type: str
    size: int
    mode: int
    link: str


def change_of(row: Shown) -> str:
    """added / modified / deleted, or "" for a row that tells no change."""
    return getattr(row, "change", "") or ""


def layer_of(row: Shown) -> int | None:
    """The index of the layer that last wrote the row (whole-image view), or None."""
    layer = getattr(row, "layer", None)
    return layer if layer is not None and layer >= 0 else None


def name_of(row: Shown) -> str:
    """The last part of a row's path."""
    return row.path.rpartition("/")[2]


def parent_of(path: str) -> str:
    """The directory holding ``path`` ("" for a top-level path)."""
    return path.rpartition("/")[0]


def mode_text(row: Shown) -> str:
    """``ls -l`` style: the type letter and the nine permission bits with setuid/setgid/sticky."""
    return TYPE_CHAR.get(row.type, "?") + stat.filemode(row.mode & 0o7777)[1:]


# Indexing: one pass files each row under its directory (creating directories that only their contents
# imply, from ``known`` when it has them) and adds each regular file's bytes to its directory; a second
# pass, deepest directories first, adds every directory's total to its parent.  Children are sorted
# (directories first, then by name) only when a directory is first asked for.  Cost O(rows + dirs · log).
class FileTree:
    """Rows indexed as a directory tree, each directory sized by its contents; the root is ""."""

    def __init__(self, rows: Iterable[Shown], known: Mapping[str, Shown] | None = None) -> None:
        self.rows: dict[str, Shown] = {}
        self._kids: dict[str, list[str]] = {"": []}
        self._sorted: set[str] = set()
        self.dir_size: dict[str, int] = {"": 0}
        for row in rows:
            if not row.path:
                continue
            if row.path in self.rows:           # a later member of the same path replaces the earlier
                if self.rows[row.path].type == FILE:
                    self.dir_size[parent_of(row.path)] -= self.rows[row.path].size
                self.rows[row.path] = row
            else:
                self.rows[row.path] = row
                self._file(row.path, known)
            if row.type == DIR:
                self._kids.setdefault(row.path, [])
                self.dir_size.setdefault(row.path, 0)
            elif row.type == FILE:
                self.dir_size[parent_of(row.path)] += row.size
        for d in sorted(self.dir_size, key=lambda p: -p.count("/") if p else 1):
            if d:
                self.dir_size[parent_of(d)] += self.dir_size[d]

    def _file(self, path: str, known: Mapping[str, Shown] | None) -> None:
        """Put ``path`` under its directory, creating the directories above it that are not rows yet."""
        while True:
            parent = parent_of(path)
            kids = self._kids.get(parent)
            if kids is not None:
                kids.append(path)
                return
            self._kids[parent] = [path]
            self.dir_size.setdefault(parent, 0)
            if parent not in self.rows:
                implied = known.get(parent) if known is not None else None
                self.rows[parent] = implied if implied is not None and implied.type == DIR \
                    else FileRow(parent, DIR, implied=True)
            path = parent

    def __len__(self) -> int:
        return len(self.rows)

    def children(self, path: str) -> list[str]:
        """The paths directly under directory ``path`` (directories first, then by name)."""
        kids = self._kids.get(path, [])
        if path not in self._sorted:
            kids.sort(key=lambda p: (self.rows[p].type != DIR, p.rpartition("/")[2]))
            self._sorted.add(path)
        return kids

    def has_children(self, path: str) -> bool:
        """True when directory ``path`` holds anything."""
        return bool(self._kids.get(path))

    def size(self, path: str) -> int:
        """A file's bytes; a directory's: the bytes of every regular file under it."""
        row = self.rows[path]
        return self.dir_size.get(path, 0) if row.type == DIR else row.size

    def count(self, path: str) -> int:
        """How many paths are directly under directory ``path``."""
        return len(self._kids.get(path, ()))


def matching(rows: Sequence[Shown], text: str = "", change: str = "") -> list[Shown]:
    """The rows whose path holds ``text`` (case-insensitive) and whose change kind is ``change`` (any if "")."""
    needle = text.strip().casefold()
    if not needle and not change:
        return list(rows)
    return [r for r in rows if (not needle or needle in r.path.casefold()) and (not change or change_of(r) == change)]


class _Item:
    """One shown row: its path, parent item and (once fetched) children."""

    __slots__ = ("path", "parent", "row", "children")

    def __init__(self, path: str, parent: "_Item | None", row: int) -> None:
        self.path, self.parent, self.row = path, parent, row
        self.children: list[_Item] = []


class FileTreeModel(QAbstractItemModel):
    """A FileTree for a QTreeView: items made per directory as it is expanded (``fetchMore``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tree = FileTree(())
        self.columns: tuple[str, ...] = LAYER_COLUMNS
        self.layer_name: Callable[[int], str] = str
        self._root = _Item("", None, 0)

    def set_tree(self, tree: FileTree, columns: tuple[str, ...],
                 layer_name: Callable[[int], str] | None = None) -> None:
        """Show ``tree`` with ``columns``; ``layer_name(i)`` labels the LAYER column."""
        self.beginResetModel()
        self.tree, self.columns = tree, columns
        self.layer_name = layer_name or str
        self._root = _Item("", None, 0)
        self.endResetModel()

    def fit_columns(self, view: Any) -> None:
        """Give ``view`` (a QTreeView on this model) sensible widths: the name about half, the others their text's,
        the last one the rest."""
        header = view.header()
        header.setStretchLastSection(True)
        metrics = view.fontMetrics()
        advance = metrics.horizontalAdvance
        widths = {NAME: max(200, view.viewport().width() * 9 // 20), SIZE: advance("0000.00MB") + 16,
                  CHANGE: advance("~ modified") + 24, MODE: advance("drwxr-xr-x") + 16, LAYER: advance("0" * 24)}
        for column, key in enumerate(self.columns):
            header.setSectionResizeMode(column, header.ResizeMode.Interactive)
            header.resizeSection(column, widths[key])

    def item(self, index: QModelIndex | QPersistentModelIndex) -> _Item:
        """The item behind ``index`` (the root for an invalid one)."""
        return index.internalPointer() if index.isValid() else self._root

    def shown_paths(self, parent: QModelIndex | None = None) -> list[str]:
        """The paths made so far under ``parent`` (the root when None), depth first."""
        out: list[str] = []
        stack = list(reversed(self.item(parent or QModelIndex()).children))
        while stack:
            it = stack.pop()
            out.append(it.path)
            stack.extend(reversed(it.children))
        return out

    # Qt overrides
    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        it = self.item(parent)
        if 0 <= row < len(it.children) and 0 <= column < len(self.columns):
            return self.createIndex(row, column, it.children[row])
        return QModelIndex()

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore
        if not index.isValid():
            return QModelIndex()
        up = index.internalPointer().parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.item(parent).children)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return len(self.columns)

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        if parent.isValid() and parent.column() != 0:
            return False
        return self.tree.has_children(self.item(parent).path)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if parent.isValid() and parent.column() != 0:
            return False
        it = self.item(parent)
        return len(it.children) < self.tree.count(it.path)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        it = self.item(parent)
        kids = self.tree.children(it.path)
        first = len(it.children)
        last = min(len(kids), first + FETCH_BATCH) - 1
        if last < first:
            return
        self.beginInsertRows(parent, first, last)
        it.children.extend(_Item(kids[r], it, r) for r in range(first, last + 1))
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.tr(TITLES[self.columns[section]])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell: name (→ link target), size (directories: their contents), change (sign + word), mode, layer."""
        if not index.isValid():
            return None
        path = index.internalPointer().path
        row = self.tree.rows[path]
        key = self.columns[index.column()]
        if role == PATH_ROLE:
            return path
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if key == SIZE:
                return self.tree.size(path) if role == SORT_ROLE else human(self.tree.size(path))
            return self._text(row, key)
        if role == Qt.ItemDataRole.ForegroundRole and key in (NAME, CHANGE) and change_of(row):
            return QBrush(change_colour(change_of(row)))
        if role == Qt.ItemDataRole.TextAlignmentRole and key == SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return " ".join(t for t in (self._text(row, NAME), self._text(row, CHANGE)) if t)
        return None

    def _text(self, row: Shown, key: str) -> str:
        if key == NAME:
            return name_of(row) + (f" → {row.link}" if row.link else "")
        if key == CHANGE:
            change = change_of(row)
            return f"{SIGNS[change]} {self.tr(CHANGE_TEXT[change])}" if change in SIGNS else ""
        if key == MODE:
            return "" if isinstance(row, FileRow) and row.implied else mode_text(row)
        if key == LAYER:
            layer = layer_of(row)
            return self.layer_name(layer) if layer is not None else ""
        return ""

    def _tip(self, row: Shown) -> str:
        tip = "/" + row.path
        if row.type == HARDLINK:
            tip += "\n" + self.tr("hard link to /{target}").format(target=row.link)
        elif row.type == SYMLINK:
            tip += "\n" + self.tr("symbolic link to {target}").format(target=row.link)
        elif isinstance(row, FileRow) and row.implied:
            tip += "\n" + self.tr("not an entry of its own here: shown because of what it holds")
        if isinstance(row, FileRow) and row.note:
            tip += "\n" + row.note
        return tip


def change_colour(change: str) -> QColor:
    """The colour of a change kind (green added, amber modified, red deleted), from the palette in use."""
    pal = theme.palette()
    return {ADDED: pal.in_use, MODIFIED: pal.untagged_mark, DELETED: pal.deleted, CHANGED: pal.untagged_mark,
            REMOVED: pal.deleted}.get(change, pal.text)


FILTER_DELAY_MS = 150          # typing in the filter box re-filters once it pauses


class FilteredTree:
    """What the files panel and the compare window both show: a path filter box (re-filtering once typing
    pauses), a kind chooser, a summary line and a lazy file tree, named ``{name}Filter``, ``{name}Kind``,
    ``{name}Summary`` and ``{name}Tree`` for tests and accessibility."""

    def __init__(self, owner: QWidget, name: str, apply: Callable[[], None]) -> None:
        self.edit = QLineEdit()
        self.edit.setObjectName(f"{name}Filter")
        self.edit.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.setObjectName(f"{name}Kind")
        self.timer = QTimer(owner)
        self.timer.setSingleShot(True)
        self.timer.setInterval(FILTER_DELAY_MS)
        self.timer.timeout.connect(apply)
        self.edit.textChanged.connect(lambda _t: self.timer.start())
        self.kind.currentIndexChanged.connect(lambda _i: apply())
        self.summary = QLabel()
        self.summary.setObjectName(f"{name}Summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.model = FileTreeModel(owner)
        self.tree = QTreeView()
        self.tree.setObjectName(f"{name}Tree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
