"""The file index of one layer (its tar members as stored, keyed by diff ID) and how an entry changes the layers below."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Mapping, NamedTuple, Sequence

from .schema import Digest, Field, Invalid, Obj, Spec, check, describe, join

# Entry types: the five a user sees, plus the two overlay markers a layer tar carries.
FILE, DIR, SYMLINK, HARDLINK, OTHER = "file", "dir", "symlink", "hardlink", "other"
WHITEOUT = "whiteout"       # `.wh.NAME`: NAME (and everything under it) is deleted from the layers below
OPAQUE = "opaque"           # `DIR/.wh..wh..opq`: everything below in DIR is hidden; the entry's path is DIR
SHOWN_TYPES = (FILE, DIR, SYMLINK, HARDLINK, OTHER)
ENTRY_TYPES = SHOWN_TYPES + (WHITEOUT, OPAQUE)

# How an entry changes the filesystem of the layers below it.
ADDED, MODIFIED, DELETED = "added", "modified", "deleted"
CHANGES = (ADDED, MODIFIED, DELETED)

# What one layer may hold (a hostile or broken archive stops here, with a one-line reason).
MAX_ENTRIES = 2_000_000
MAX_PATH = 4096


class Entry(NamedTuple):
    """One member of a layer tar: ``path`` relative (no leading ``./`` or ``/``); a whiteout names the
    path it deletes, an opaque marker the directory it empties.

    (A named tuple: a layer may hold a million of them, so each is one small immutable tuple, made in
    a fraction of a microsecond when an index is read back.)"""

    path: str
    type: str           # one of ENTRY_TYPES
    size: int = 0       # bytes of a regular file; 0 for everything else
    mode: int = 0       # permission bits (and setuid/setgid/sticky), as the tar stores them
    link: str = ""      # target of a symlink or hard link
    crc: int | None = None  # CRC-32 of a regular file's content (tells two versions apart); None otherwise


@dataclass(frozen=True, slots=True)
class LayerFiles:
    """Every entry of one layer, in archive order; the same for every image holding that diff ID."""

    diff_id: str
    entries: tuple[Entry, ...]

    @property
    def file_bytes(self) -> int:
        """Bytes of the layer's regular files."""
        return sum(e.size for e in self.entries if e.type == FILE)


class FilesError(Exception):
    """A layer archive that cannot be indexed (malformed, truncated, over a limit); one line."""


def carried_files(diff_ids: Sequence[str], carried: Mapping[str, LayerFiles]) -> dict[str, LayerFiles] | None:
    """Diff ID → LayerFiles of these layers from an index a snapshot carries, or None when it lacks any of them."""
    if any(d not in carried for d in diff_ids):
        return None
    return {d: carried[d] for d in diff_ids}


class NoFileIndex(Exception):
    """A snapshot read offline carries no file index for an image's layers (one line)."""


class Cancelled(Exception):
    """Indexing was cancelled by the user."""


# --- The one serialised form of a layer's index (the on-disk cache and snapshot files) ---
#
#   {"diff_id": "sha256:…", "entries": [[path, type, size, mode, link, crc], …]}   (crc null when None)
#
# Rows rather than objects keep a 100,000-entry layer small and quick to read back.  Reading checks every
# row the way the tar reader made it (a relative, normalised path; a known type; sizes and modes in range),
# so a damaged or hand-edited file is refused with the JSON path of its first problem, never trusted.
MAX_SIZE = 2**63 - 1
MAX_MODE = 0o7777
MAX_CRC = 2**32 - 1
_ENTRY_TYPE_SET = frozenset(ENTRY_TYPES)
_new_entry = tuple.__new__      # (an Entry straight from a checked row of six)
_LINKS = frozenset((SYMLINK, HARDLINK))


class _Rows(Spec):
    """A list of at most MAX_ENTRIES rows (each row is checked by layer_files_from_json's own loop)."""

    def check(self, value: object, path: str, notes: object) -> list:
        """The list as it is, or Invalid."""
        if type(value) is not list:
            raise Invalid(path, f"expected a list, got {describe(value)}")
        if len(value) > MAX_ENTRIES:
            raise Invalid(path, f"more than {MAX_ENTRIES:,} entries")
        return value


LAYER_FILES_SPEC = Obj({"diff_id": Field(Digest(), required=True), "entries": Field(_Rows(), required=True)})


def layer_files_to_json(lf: LayerFiles) -> dict:
    """One layer's index as JSON: ``{"diff_id", "entries": [[path, type, size, mode, link, crc], …]}``."""
    return {"diff_id": lf.diff_id,
            "entries": [[e.path, e.type, e.size, e.mode, e.link, e.crc] for e in lf.entries]}


def path_problem(path: str) -> str:
    """Why ``path`` is not a normalised layer path ("" when it is): relative, no ``.``/``..``/empty parts, no NUL."""
    if len(path) > MAX_PATH:
        return f"longer than {MAX_PATH} characters"
    if "\x00" in path:
        return "holds a NUL character"
    if path and any(part in ("", ".", "..") for part in path.split("/")):
        return f"not a normalised relative path: {describe(path)}"
    return ""


def layer_files_from_json(data: object, path: str = "") -> LayerFiles:
    """A layer's index read back from JSON, checked row by row; raises schema.Invalid naming the JSON path."""
    head = check(LAYER_FILES_SPEC, data, path)
    rows = head["entries"]
    if not _rows_valid(rows):
        _first_problem(rows, join(path, "entries"))
    return LayerFiles(head["diff_id"], tuple(map(_new_entry, repeat(Entry), rows)))


# Reading back checks every row in one lean loop (type tests and chained comparisons, no call per row)
# and every path at once: joined by NUL (which no valid path holds, so a count finds one inside a path),
# then by "/", an empty, "." or ".." part shows as "//", "/./" or "/../".  Only when a check fails are
# the rows walked again, slowly, to name the first bad one.
def _rows_valid(rows: list) -> bool:
    """True when every row is a valid ``[path, type, size, mode, link, crc]``."""
    if {type(r) for r in rows} - {list}:
        return False
    kinds, links = _ENTRY_TYPE_SET, _LINKS
    try:
        for p, kind, size, mode, link, crc in rows:
            if (type(p) is not str or type(size) is not int or type(mode) is not int or type(link) is not str
                    or kind not in kinds or not 0 <= size <= MAX_SIZE or not 0 <= mode <= MAX_MODE
                    or len(p) > MAX_PATH):
                return False
            if size and kind != FILE or link and (kind not in links or len(link) > MAX_PATH) \
                    or not p and kind != OPAQUE:
                return False
            if crc is not None and (type(crc) is not int or kind != FILE or not 0 <= crc <= MAX_CRC):
                return False
    except ValueError:          # (a row of another length)
        return False
    named = [r[0] for r in rows if r[0]]
    joined = "\x00".join(named)
    if joined.count("\x00") != max(len(named) - 1, 0):
        return False
    joined = f"/{joined}/".replace("\x00", "/")
    return not named or ("//" not in joined and "/./" not in joined and "/../" not in joined)


def _first_problem(rows: list, base: str) -> None:
    """Raise Invalid naming the first bad row of ``rows`` (the slow walk, only once a check failed)."""
    for n, row in enumerate(rows):
        if type(row) is not list or len(row) != 6:
            raise Invalid(f"{base}[{n}]", "expected [path, type, size, mode, link, crc]")
        p, kind, size, mode, link, crc = row
        if type(p) is not str:
            raise Invalid(f"{base}[{n}][0]", f"expected a path, got {describe(p)}")
        if not p:
            if kind != OPAQUE:      # (only an opaque marker at the top names the root directory)
                raise Invalid(f"{base}[{n}][0]", "an empty path")
        elif why := path_problem(p):
            raise Invalid(f"{base}[{n}][0]", why)
        if kind not in _ENTRY_TYPE_SET:
            raise Invalid(f"{base}[{n}][1]", f"not an entry type: {describe(kind)}")
        if type(size) is not int or not 0 <= size <= MAX_SIZE or (size and kind != FILE):
            raise Invalid(f"{base}[{n}][2]", f"not a size for a {kind}: {describe(size)}")
        if type(mode) is not int or not 0 <= mode <= MAX_MODE:
            raise Invalid(f"{base}[{n}][3]", f"not a mode: {describe(mode)}")
        if type(link) is not str or len(link) > MAX_PATH or (link and kind not in _LINKS):
            raise Invalid(f"{base}[{n}][4]", f"not a link target for a {kind}: {describe(link)}")
        if crc is not None and (type(crc) is not int or not 0 <= crc <= MAX_CRC or kind != FILE):
            raise Invalid(f"{base}[{n}][5]", f"not a CRC-32 for a {kind}: {describe(crc)}")
    raise Invalid(base, "a row that does not check")   # pragma: no cover - the two checks agree
