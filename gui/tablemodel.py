"""The images table: `docker images -a` columns plus SHARED SIZE, UNIQUE SIZE, CONTAINERS, STATUS.

On a snapshot whose images carry manifests (Engine 29's containerd store) it shows what Engine 29's own
`docker images` shows there: PLATFORMS (as `docker image ls --tree` lists them), DISK USAGE and CONTENT SIZE.
Once the files of some image are known (read this session, or carried by the snapshot), a WASTED column gives
each such image's wasted bytes; the others' cells stay empty until theirs are read."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, QObject,
                            QPersistentModelIndex, QSortFilterProxyModel, Qt)
from PySide6.QtGui import QBrush

from model.core.analysis import Analysis
from model.core.bulk import paused_gc
from model.core.chain import short_id
from model.core.classify import DANGLING, INTERMEDIATE
from model.core.humantime import ZERO_TIME, Since, exact_time, image_created_since, parse_created
from model.core.sizes import human

from . import theme
from .manifests import has_manifests, manifest_line, platforms_text

# Column keys.  A classic-store or Podman snapshot shows CLASSIC_COLUMNS; one whose images carry manifests
# shows CONTAINERD_COLUMNS, where SIZE is called DISK USAGE (content + unpacked layers, as Engine 29 counts
# it) and CONTENT SIZE and PLATFORMS are added.  No empty column is ever shown.
REPO, TAG, ID, CREATED, PLATFORMS, SIZE, DISK_USAGE, CONTENT, SHARED, UNIQUE, CONTAINERS, STATUS = (
    "repo", "tag", "id", "created", "platforms", "size", "disk_usage", "content", "shared", "unique",
    "containers", "status")
WASTED = "wasted"
TITLES = {REPO: QT_TRANSLATE_NOOP("ImagesModel", "REPOSITORY"), TAG: QT_TRANSLATE_NOOP("ImagesModel", "TAG"),
          ID: QT_TRANSLATE_NOOP("ImagesModel", "IMAGE ID"), CREATED: QT_TRANSLATE_NOOP("ImagesModel", "CREATED"),
          PLATFORMS: QT_TRANSLATE_NOOP("ImagesModel", "PLATFORMS"), SIZE: QT_TRANSLATE_NOOP("ImagesModel", "SIZE"),
          DISK_USAGE: QT_TRANSLATE_NOOP("ImagesModel", "DISK USAGE"),
          CONTENT: QT_TRANSLATE_NOOP("ImagesModel", "CONTENT SIZE"),
          SHARED: QT_TRANSLATE_NOOP("ImagesModel", "SHARED SIZE"),
          UNIQUE: QT_TRANSLATE_NOOP("ImagesModel", "UNIQUE SIZE"),
          CONTAINERS: QT_TRANSLATE_NOOP("ImagesModel", "CONTAINERS"),
          STATUS: QT_TRANSLATE_NOOP("ImagesModel", "STATUS"), WASTED: QT_TRANSLATE_NOOP("ImagesModel", "WASTED")}
HEADER_TIPS = {
    PLATFORMS: QT_TRANSLATE_NOOP("ImagesModel", "The image's platforms, as docker image ls --tree lists them "
                                                "(attestation manifests are not platforms)"),
    DISK_USAGE: QT_TRANSLATE_NOOP("ImagesModel", "DISK USAGE as Engine 29's docker images prints it: compressed "
                                                 "content plus unpacked layers, every platform"),
    CONTENT: QT_TRANSLATE_NOOP("ImagesModel", "CONTENT SIZE as Engine 29's docker images prints it: the "
                                              "compressed blobs (manifests, configs, layers) of every manifest"),
    WASTED: QT_TRANSLATE_NOOP("ImagesModel", "Bytes of file versions the image never shows, because a higher "
                                             "layer modified or deleted them; empty until the image's files are "
                                             "read (Image → Show files)")}
CLASSIC_COLUMNS = (REPO, TAG, ID, CREATED, SIZE, SHARED, UNIQUE, CONTAINERS, STATUS)
CONTAINERD_COLUMNS = (REPO, TAG, ID, CREATED, PLATFORMS, DISK_USAGE, CONTENT, SHARED, UNIQUE, CONTAINERS, STATUS)
NUMERIC = {SIZE, DISK_USAGE, CONTENT, SHARED, UNIQUE, CONTAINERS, WASTED}   # right-aligned, sorted as numbers
FIELDS = {REPO: "repository", TAG: "tag", ID: "image_id", CREATED: "created", PLATFORMS: "platforms",
          SIZE: "size", DISK_USAGE: "size", CONTENT: "content", SHARED: "shared", UNIQUE: "unique",
          CONTAINERS: "containers", STATUS: "status"}                  # the ImageRow field behind each column
SORT_ROLE = Qt.ItemDataRole.UserRole + 1      # the real number (bytes, seconds) behind a cell
IMAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # full image ID of the row
REF_ROLE = Qt.ItemDataRole.UserRole + 3       # "repo:tag" of the row, or the image ID for <none>
FILTER_ROLE = Qt.ItemDataRole.UserRole + 4    # text the filter box matches (tag and ID)


@dataclass(frozen=True)
class ImageRow:
    """One table row: an image under one of its tags (or <none>)."""

    image_id: str
    repository: str
    tag: str
    created: float                  # Unix seconds (ZERO_TIME: none, shown N/A)
    size: int
    shared: int
    unique: int
    containers: int
    status: str
    platforms: str = ""             # "linux/amd64, linux/arm64" (containerd store)
    content: int | None = None      # CONTENT SIZE (containerd store)


def split_ref(ref: str) -> tuple[str, str]:
    """'repo:tag' → (repo, tag), minding registry ports ('host:5000/x:1')."""
    name, sep, tag = ref.rpartition(":")
    if not sep or "/" in tag:
        return ref, "<none>"
    return name, tag


def _t(text: str) -> str:
    return QCoreApplication.translate("ImagesModel", text)


# The humanised times (model.core.humantime.TEMPLATES), registered for translation.
SINCE_TEXTS = (QT_TRANSLATE_NOOP("ImagesModel", "Less than a second ago"),
               QT_TRANSLATE_NOOP("ImagesModel", "1 second ago"), QT_TRANSLATE_NOOP("ImagesModel", "{n} seconds ago"),
               QT_TRANSLATE_NOOP("ImagesModel", "About a minute ago"),
               QT_TRANSLATE_NOOP("ImagesModel", "{n} minutes ago"),
               QT_TRANSLATE_NOOP("ImagesModel", "About an hour ago"),
               QT_TRANSLATE_NOOP("ImagesModel", "{n} hours ago"), QT_TRANSLATE_NOOP("ImagesModel", "{n} days ago"),
               QT_TRANSLATE_NOOP("ImagesModel", "{n} weeks ago"), QT_TRANSLATE_NOOP("ImagesModel", "{n} months ago"),
               QT_TRANSLATE_NOOP("ImagesModel", "{n} years ago"), QT_TRANSLATE_NOOP("ImagesModel", "N/A"))


def since_text(since: Since) -> str:
    """A humanised time in the current language."""
    return _t(since.template).format(n=since.n)


def ago(seconds: float | None, now: float | None = None) -> str:
    """An image's CREATED (or any moment) as the docker CLI prints it, in the current language."""
    return since_text(image_created_since(seconds, now))


def with_wasted(columns: tuple[str, ...]) -> tuple[str, ...]:
    """``columns`` with WASTED after UNIQUE SIZE."""
    at = columns.index(UNIQUE) + 1
    return columns[:at] + (WASTED,) + columns[at:]


def image_rows(analysis: Analysis, before: Analysis | None = None,
               rows_before: dict[str, list[ImageRow]] | None = None) -> list[ImageRow]:
    """One row per tag, and one <none> row per untagged image, in snapshot order.  An image whose rows
    ``before`` (an earlier analysis, its rows by image ID in ``rows_before``) made from the same figures keeps
    them (the same objects)."""
    rows: list[ImageRow] = []
    old = before.snapshot.by_id if before is not None and rows_before else {}
    for img in analysis.snapshot.images:
        sz = analysis.image_sizes[img.id]
        st = analysis.status[img.id]
        if old.get(img.id) is img and before.image_sizes[img.id] == sz and before.status[img.id].status == st.status:
            rows += rows_before[img.id]
            continue
        created = parse_created(img.created)
        created = ZERO_TIME if created is None else created
        refs = [split_ref(t) for t in img.repo_tags] or [("<none>", "<none>")]
        for repo, tag in refs:
            rows.append(ImageRow(img.id, repo, tag, created, sz.size, sz.shared_size, sz.unique_size,
                                 sz.containers, st.status, platforms_text(img), img.content_size))
    return rows


# Sorting.  The table sorts its own rows, in Python, one key per row (the
# proxy above it only filters): a QSortFilterProxyModel compares pairs of rows
# through data(), some 300,000 calls into Python for 10,000 rows, each time the
# rows are replaced.  Rows are always sorted from snapshot order with a stable
# sort, as the proxy's stable sort did, so equal keys keep snapshot order.
class ImagesModel(QAbstractTableModel):
    """Rows of ImageRow; display text like the docker CLI, SORT_ROLE with the real numbers."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ImageRow] = []        # in the order shown (sorted)
        self.columns: tuple[str, ...] = CLASSIC_COLUMNS
        self.analysis: Analysis | None = None
        # image ID → wasted bytes once its files are known (kept: an ID names its content)
        self.wasted: dict[str, int] = {}
        self.sort_by: tuple[str, Qt.SortOrder] | None = None     # column key and order, None: snapshot order
        self._in_snapshot_order: list[ImageRow] = []
        self._rows_of: dict[str, list[ImageRow]] = {}     # image ID → its rows
        self.intermediates = False                         # some row is an intermediate image's

    def set_analysis(self, analysis: Analysis | None) -> None:
        """Replace the rows (and the columns: the containerd store's when the images carry manifests)."""
        with paused_gc():
            self.beginResetModel()
            before, self.analysis = self.analysis, analysis
            self._in_snapshot_order = image_rows(analysis, before, self._rows_of) if analysis is not None else []
            self._rows_of = {}
            for row in self._in_snapshot_order:
                self._rows_of.setdefault(row.image_id, []).append(row)
            self.intermediates = any(row.status == INTERMEDIATE for row in self._in_snapshot_order)
            base = CONTAINERD_COLUMNS if analysis is not None and has_manifests(analysis.snapshot) else CLASSIC_COLUMNS
            self.columns = with_wasted(base) if self._any_wasted() else base
            self.rows = self._sorted()
            self.endResetModel()

    def _any_wasted(self) -> bool:
        return any(r.image_id in self.wasted for r in self._in_snapshot_order)

    def _sorted(self) -> list[ImageRow]:
        """The rows in snapshot order, sorted by ``sort_by`` (stably)."""
        rows = self._in_snapshot_order
        if self.sort_by is None or self.sort_by[0] not in self.columns:
            return list(rows)
        key, order = self.sort_by
        return sorted(rows, key=lambda row: self.cell_value(row, key), reverse=order == Qt.SortOrder.DescendingOrder)

    def _resort(self) -> None:
        """Put the rows in ``sort_by``'s order, keeping persistent indexes (the selection) on their rows."""
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        rows = [self.rows[i.row()] for i in kept]
        self.rows = self._sorted()
        where = {id(row): n for n, row in enumerate(self.rows)}
        self.changePersistentIndexList(kept, [self.index(where[id(row)], i.column()) for row, i in zip(rows, kept)])
        self.layoutChanged.emit()

    def set_wasted(self, wasted: dict[str, int]) -> None:
        """The wasted bytes known so far: the WASTED column comes (after UNIQUE SIZE) with the first figure of a
        shown image, and its cells fill in; the rest of the table (and its selection) is kept."""
        self.wasted = dict(wasted)
        if not self._any_wasted():
            return
        if WASTED not in self.columns:
            at = with_wasted(self.columns).index(WASTED)
            self.beginInsertColumns(QModelIndex(), at, at)
            self.columns = with_wasted(self.columns)
            self.endInsertColumns()
        elif self.rows:
            column = self.columns.index(WASTED)
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column))
        if self.sort_by is not None and self.sort_by[0] == WASTED:
            self._resort()

    def column(self, key: str) -> int:
        """The position of column ``key``, or -1 when this snapshot's table has no such column."""
        return self.columns.index(key) if key in self.columns else -1

    def cell_value(self, row: ImageRow, key: str) -> Any:
        """The real value behind a cell (bytes, seconds, text): what sorting compares (-1 when not known)."""
        value = self.wasted.get(row.image_id) if key == WASTED else getattr(row, FIELDS[key])
        return -1 if value is None else value

    def cell_text(self, row: ImageRow, key: str) -> str:
        """A cell's text, as the docker CLI prints it."""
        if key == WASTED:
            return human(self.wasted[row.image_id]) if row.image_id in self.wasted else ""
        if key in (SIZE, DISK_USAGE, SHARED, UNIQUE):
            return human(self.cell_value(row, key))
        if key == CONTENT:
            return "" if row.content is None else human(row.content)
        if key == ID:
            return short_id(row.image_id)
        if key == CREATED:
            return ago(row.created)
        if key == CONTAINERS:
            return str(row.containers)
        if key == STATUS:
            return QCoreApplication.translate("GraphView", row.status)
        return self.cell_value(row, key)

    # The sort indicator is drawn in the header's text: styles disagree on which
    # way Qt's own arrow points (Fusion draws ▲ for a descending sort), so the
    # header shows ▲ for ascending (smallest, oldest or A first) and ▼ for
    # descending, as file managers do, and the view hides Qt's arrow.
    def sort_mark(self, key: str) -> str:
        """' ▲' or ' ▼' after the title of the column the rows are sorted by (else '')."""
        if self.sort_by is None or self.sort_by[0] != key:
            return ""
        return " ▲" if self.sort_by[1] == Qt.SortOrder.AscendingOrder else " ▼"

    # Qt overrides
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column (-1: snapshot order), keeping the selection."""
        self.sort_by = (self.columns[column], order) if 0 <= column < len(self.columns) else None
        self._resort()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self.columns) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        key = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(TITLES[key]) + self.sort_mark(key)
        if role == Qt.ItemDataRole.InitialSortOrderRole:       # a first click on a time or a size: largest first
            return Qt.SortOrder.DescendingOrder if key in NUMERIC or key == CREATED else Qt.SortOrder.AscendingOrder
        if role == Qt.ItemDataRole.ToolTipRole and key in HEADER_TIPS:
            return self.tr(HEADER_TIPS[key])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell: its text like the docker CLI, its real number (SORT_ROLE), its image, ref and filter text."""
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(row, key)
        if role == SORT_ROLE:
            return self.cell_value(row, key)
        if role == IMAGE_ID_ROLE:
            return row.image_id
        if role == REF_ROLE:
            return f"{row.repository}:{row.tag}" if row.tag != "<none>" else row.image_id
        if role == FILTER_ROLE:
            return f"{row.repository}:{row.tag} {row.image_id}"
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            pal = theme.palette()
            if key == STATUS:
                return QBrush(pal.image_fills.get(row.status, pal.text))
            if row.status in (INTERMEDIATE, DANGLING):
                return QBrush(pal.text_dim)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == ID:
                return row.image_id
            if key == CREATED:
                return exact_time(row.created)
            if key == PLATFORMS and self.analysis is not None:
                img = self.analysis.snapshot.by_id[row.image_id]
                return "\n".join(manifest_line(img, m) for m in img.manifests) or None
        return None


class ImagesProxy(QSortFilterProxyModel):
    """Filters on tag and image ID (case-insensitive substring); sorting is the table model's own (by the real
    numbers), asked for here as of any proxy."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.show_intermediates = False

    def set_show_intermediates(self, show: bool) -> None:
        """Show intermediate images too (`docker images -a`) or hide them (`docker images`)."""
        if hasattr(self, "beginFilterChange"):          # Qt >= 6.9
            self.beginFilterChange()
            self.show_intermediates = show
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.show_intermediates = show
            self.invalidateFilter()

    # The sort indicator is drawn in the header's text: styles disagree on which
    # way Qt's own arrow points (Fusion draws ▲ for a descending sort), so the
    # header shows ▲ for ascending (smallest, oldest or A first) and ▼ for
    # descending, as file managers do, and the view hides Qt's arrow.
    def sort_mark(self, key: str) -> str:
        """' ▲' or ' ▼' after the title of the column the rows are sorted by (else '')."""
        if self.sort_by is None or self.sort_by[0] != key:
            return ""
        return " ▲" if self.sort_by[1] == Qt.SortOrder.AscendingOrder else " ▼"

    # Qt overrides
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column: the table model sorts its rows (this proxy keeps their order)."""
        self.sourceModel().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not self.show_intermediates and model.intermediates and source_row < len(model.rows) and \
                model.rows[source_row].status == INTERMEDIATE:
            return False
        if not self.filterRegularExpression().pattern():      # no filter text: no call back into data()
            return True
        return super().filterAcceptsRow(source_row, source_parent)

    def set_filter_text(self, text: str) -> None:
        """Show only rows whose 'repo:tag' or image ID contains ``text``."""
        self.setFilterFixedString(text.strip())
