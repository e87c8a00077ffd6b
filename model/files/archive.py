"""Index one `docker save` stream (legacy or OCI layout, plain or gzip layers) into the files of each layer."""
from __future__ import annotations

import json
import posixpath
from typing import Any, Callable, Container, Iterable, Sequence

from ..core.errors import first_line
from ..core.layerfiles import (FILE, HARDLINK, MAX_ENTRIES, OPAQUE, SYMLINK, WHITEOUT, Cancelled, Entry, FilesError,
                               LayerFiles)
from ..core.schema import Digest, Field, Invalid, List, Obj, Spec, Str, check
from . import tarstream
from .tarstream import (BLOCK, GZIP_MAGIC, OTHER_COMPRESSIONS, ChunkSource, GzipSource, MemberSource, Source,
                        looks_like_tar, short)

MAX_JSON = 16 << 20             # bytes of one JSON member (manifest.json, index.json, a config, a manifest)
MAX_JSON_TOTAL = 64 << 20       # bytes of JSON members kept from one archive
MAX_JSON_MEMBERS = 100_000      # JSON members kept from one archive
MAX_SYMLINKS = 100_000          # symlinks among the archive's own members (docker links repeated layer.tar)
TRAILER = 64 << 10              # bytes read after the end-of-archive marker (a writer's padding)
MAX_INDEX_DEPTH = 4             # nested image indexes followed from index.json
MAX_MANIFESTS = 10_000          # manifests read from index.json and manifest.json together
WH, OPQ, AUFS_META = ".wh.", ".wh..wh..opq", ".wh..wh."
new_entry = tuple.__new__       # (an Entry from its six fields, without the named tuple's Python-level __new__)

# The JSON members, checked where they enter (only what the mapping reads; other keys are left aside).
_DESCRIPTOR = Obj({"digest": Field(Digest(), required=True), "mediaType": Field(Str(max_len=256), default="")})
INDEX_SPEC = Obj({"manifests": Field(List(_DESCRIPTOR, max_items=MAX_MANIFESTS), default=[])})
MANIFEST_SPEC = Obj({"config": Field(_DESCRIPTOR, required=True),
                     "layers": Field(List(_DESCRIPTOR, max_items=1_000), required=True)})
CONFIG_SPEC = Obj({"rootfs": Field(Obj({"diff_ids": Field(List(Digest(), max_items=1_000), required=True)}),
                                   required=True)})
LEGACY_SPEC = List(Obj({"Config": Field(Str(), required=True),
                        "Layers": Field(List(Str(), max_items=1_000), required=True)}), max_items=MAX_MANIFESTS)


def index_archive(chunks: Iterable[bytes], diff_ids: Sequence[str], known: Container[str] = (), *,
                  on_progress: Callable[[int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> dict[str, LayerFiles]:
    """LayerFiles of every diff ID in ``diff_ids`` not in ``known``, streamed from one `docker save` archive.

    ``on_progress`` gets the bytes read so far as each chunk arrives; ``cancelled()`` is asked per chunk
    (Cancelled is raised).  Nothing is read when every layer is known."""
    wanted = [d for d in dict.fromkeys(diff_ids) if d not in known]
    if not wanted:
        return {}
    total = 0

    def on_chunk(n: int) -> None:
        nonlocal total
        if cancelled is not None and cancelled():
            raise Cancelled()
        total += n
        if on_progress is not None:
            on_progress(total)

    reader = _ArchiveReader(tuple(diff_ids), wanted)
    src = ChunkSource(chunks, on_chunk)
    for member in tarstream.members(src, "the archive", require_end=True, max_members=10 * MAX_ENTRIES):
        reader.member(member, src)
    src.skip(TRAILER)       # (the second zero block and any padding: the stream is read to its end)
    return reader.finish()


# --- One layer tar --------------------------------------------------------------------------------------
#
# Each member becomes one Entry; the overlay markers become what they mean: `DIR/.wh.NAME` a WHITEOUT
# entry for DIR/NAME, `DIR/.wh..wh..opq` an OPAQUE entry for DIR; AUFS's own `.wh..wh.*` bookkeeping
# (and anything under it) is not part of the image.  A regular file's data is CRC-32'd (it tells two
# versions of a file apart); every other member's data is skipped.
def layer_entries(src: Source, what: str, budget: int = MAX_ENTRIES) -> list[Entry]:
    """The entries of one layer tar read from ``src``; at most ``budget`` of them."""
    out: list[Entry] = []
    append = out.append
    for m in tarstream.members(src, what, max_members=budget):
        path, kind = m.path, m.type
        if WH in path:
            parent, _, base = path.rpartition("/")
            if base == OPQ:
                append(Entry(parent, OPAQUE))
                continue
            if any(part.startswith(AUFS_META) for part in path.split("/")):
                continue
            if base.startswith(WH):
                name = base[len(WH):]
                if name not in ("", ".", ".."):
                    append(Entry(f"{parent}/{name}" if parent else name, WHITEOUT))
                continue
        if not path:
            continue            # (the archive's own `./`: the root directory is no layer's change)
        if kind == FILE:
            size = m.size
            crc, got = src.crc(size) if size else (0, 0)
            if got < size:
                raise FilesError(f"{what} is cut short inside {short(path)!r}")
            append(new_entry(Entry, (path, FILE, size, m.mode, "", crc)))
        elif kind == HARDLINK:
            append(Entry(path, HARDLINK, 0, m.mode, tarstream.normal_path(m.link, what)))
        elif kind == SYMLINK:
            append(Entry(path, SYMLINK, 0, m.mode, m.link))
        else:
            append(Entry(path, kind, 0, m.mode))
    return out


# --- The archive ----------------------------------------------------------------------------------------
#
# Both layouts are read in one pass over the stream, in whatever order the engine wrote its members:
#   legacy (dockerd before 25): `<v1 id>/layer.tar` (or a symlink to another one), `<config>.json`,
#     `manifest.json` — which comes LAST (members are written in name order), so which layer.tar
#     holds which diff ID is only known at the end;
#   OCI (Engine 25+, the containerd store): `blobs/sha256/<hex>` (layers, plain tar or gzip; configs;
#     manifests; indexes), `index.json`, `oci-layout` (and a legacy `manifest.json` beside them).
# Every member that can be a layer is indexed as it streams (its small index kept, keyed by archive
# path) and JSON members up to MAX_JSON are kept; at the end the paths are mapped to diff IDs through
# the manifests (each config's rootfs.diff_ids, by position).  Layers that cannot be needed are not
# parsed, their bytes skipped fast: a plain-tar blob is named by its own digest, which is its diff ID,
# and a gzip blob's diff ID is known once its manifest and config have streamed by (they often come
# first).  A legacy layer.tar's diff ID is only known at the end, so every one is parsed and the
# unneeded indexes dropped.  Memory holds the indexes and the JSON, never a layer's bytes.
class _ArchiveReader:
    """What one pass over a `docker save` stream keeps (see the comment above)."""

    def __init__(self, diff_ids: tuple[str, ...], wanted: list[str]) -> None:
        self.diff_ids, self.wanted = diff_ids, wanted
        self.wanted_set = frozenset(wanted)
        self.layers: dict[str, list[Entry]] = {}        # archive path → entries
        self.compressed: dict[str, str] = {}            # archive path → a compression we do not read
        self.json: dict[str, Any] = {}                  # archive path → parsed JSON (or a FilesError)
        self.symlinks: dict[str, str] = {}              # archive path → the archive path it points at
        self.blob_diff: dict[str, str] = {}             # blob digest → diff ID, learnt from manifests so far
        self.waiting: dict[str, list[str]] = {}         # config blob path → manifests streamed before it
        self.problems: list[FilesError] = []            # OCI manifests that could not be read
        self.json_bytes = 0
        self.entries = 0

    def member(self, m: tarstream.Member, src: Source) -> None:
        """Read (or leave for the reader to skip) one member of the archive."""
        path = m.path
        if m.type == SYMLINK:
            if len(self.symlinks) < MAX_SYMLINKS:
                self.symlinks[path] = posixpath.normpath(posixpath.join(posixpath.dirname(path), m.link))
            return
        if m.type != FILE:
            return
        blob = path.startswith("blobs/")
        top = "/" not in path
        if not (blob or path.endswith("/layer.tar") or (top and path.endswith((".json", ".tar")))):
            return          # (VERSION, the v1 `json` files, repositories, oci-layout)
        data = MemberSource(src, m.size, f"the archive member {short(path)}")
        head = data.peek(BLOCK)
        gzipped = head.startswith(GZIP_MAGIC)
        if not gzipped and not looks_like_tar(head):
            compression = next((name for magic, name in OTHER_COMPRESSIONS if head.startswith(magic)), None)
            if compression is not None:
                self.compressed[path] = compression
            elif head.lstrip()[:1] in (b"{", b"["):
                self._keep_json(path, data, m.size)
            return          # (else neither a layer nor JSON: nothing of ours)
        if blob and self._skippable(path, gzipped):
            return
        what = f"layer {short(path)}"
        layer = GzipSource(data, what) if gzipped else data
        entries = layer_entries(layer, what, MAX_ENTRIES - self.entries)
        self.entries += len(entries)
        self.layers[path] = entries

    def _skippable(self, path: str, gzipped: bool) -> bool:
        """True when the blob at ``path`` is a layer this archive read does not need."""
        digest = "sha256:" + path.rpartition("/")[2]
        diff_id = self.blob_diff.get(digest) or (None if gzipped else digest)
        return diff_id is not None and diff_id not in self.wanted_set

    def _keep_json(self, path: str, data: MemberSource, size: int) -> None:
        """Keep a JSON member (parsed), within MAX_JSON each and MAX_JSON_TOTAL in all."""
        if len(self.json) >= MAX_JSON_MEMBERS:
            return
        if size > MAX_JSON or self.json_bytes + size > MAX_JSON_TOTAL:
            self.json[path] = FilesError(f"the archive member {short(path)} is too large "
                                         f"({size:,} bytes; JSON members may hold {MAX_JSON:,})")
            return
        self.json_bytes += size
        raw = data.read(size)
        try:
            self.json[path] = json.loads(raw)
        except ValueError as exc:
            self.json[path] = FilesError(f"the archive member {short(path)} is not JSON: {first_line(exc)}")
            return
        if path.startswith("blobs/"):
            self._learn(path)

    def _learn(self, path: str) -> None:
        """Map layer blobs to diff IDs as soon as a manifest and its config have both streamed by."""
        value = self.json[path]
        if not isinstance(value, dict):
            return
        manifests = [path] if "layers" in value else self.waiting.pop(path, [])
        for manifest_path in manifests:
            try:
                stack = self._oci_stack(manifest_path, self.json[manifest_path])
            except FilesError:
                continue        # (told at the end, if a layer it would map is wanted)
            if stack is None:
                config = self.json[manifest_path].get("config")
                if isinstance(config, dict) and isinstance(config.get("digest"), str):
                    self.waiting.setdefault(_blob_path(config["digest"]), []).append(manifest_path)
                continue
            for diff_id, layer_path in zip(*stack):
                self.blob_diff.setdefault("sha256:" + layer_path.rpartition("/")[2], diff_id)

    # --- the end: archive paths → diff IDs ---

    def finish(self) -> dict[str, LayerFiles]:
        """LayerFiles of each wanted diff ID; a layer the archive lacks or cannot give → FilesError."""
        stacks = self._stacks()
        # The stack that is the image's own comes first (its config lists exactly the image's diff IDs),
        # then one that starts with them, then any other.
        stacks.sort(key=lambda s: 0 if s[0] == self.diff_ids else 1 if s[0][:len(self.diff_ids)] == self.diff_ids
                    else 2)
        out: dict[str, LayerFiles] = {}
        for diff_id in self.wanted:
            missing = None
            for ids, paths in stacks:
                for n, d in enumerate(ids):
                    if d != diff_id:
                        continue
                    path = self._resolve(paths[n])
                    if path in self.layers:
                        out[diff_id] = LayerFiles(diff_id, tuple(self.layers[path]))
                        break
                    if path in self.compressed:
                        missing = (f"layer {diff_id[:19]}… is compressed with {self.compressed[path]}, "
                                   "which Layerscope cannot read")
                if diff_id in out:
                    break
            if diff_id not in out:
                if missing is None and self.problems:
                    raise self.problems[0]
                raise FilesError(missing or f"the archive holds no layer {diff_id[:19]}…")
        return out

    def _stacks(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Every (diff IDs, layer archive paths) the archive's manifests give: legacy and OCI."""
        if "manifest.json" not in self.json and "index.json" not in self.json:
            raise FilesError("not a `docker save` archive: it has neither manifest.json nor index.json")
        stacks = []
        if "manifest.json" in self.json:
            for n, item in enumerate(self._checked("manifest.json", LEGACY_SPEC)):
                config = self._checked(self._resolve(_member_path(item["Config"])), CONFIG_SPEC)
                ids = tuple(config["rootfs"]["diff_ids"])
                if len(ids) != len(item["Layers"]):
                    raise FilesError(f"manifest.json[{n}]: {len(item['Layers'])} layers for {len(ids)} diff IDs")
                stacks.append((ids, tuple(_member_path(p) for p in item["Layers"])))
        if "index.json" in self.json:
            for manifest_path, manifest in self._oci_manifests("index.json", 0, set()):
                try:
                    stack = self._oci_stack(manifest_path, manifest)
                except FilesError as exc:
                    self.problems.append(exc)   # (an artifact or a damaged manifest: other layers still read)
                    continue
                if stack is not None:
                    stacks.append(stack)
        return stacks

    def _oci_manifests(self, path: str, depth: int, seen: set[str]) -> Iterable[tuple[str, dict]]:
        """The image manifests an index leads to (nested indexes followed; blobs the archive lacks skipped)."""
        if depth > MAX_INDEX_DEPTH:
            raise FilesError(f"{short(path)}: image indexes nested more than {MAX_INDEX_DEPTH} deep")
        for desc in self._checked(path, INDEX_SPEC)["manifests"]:
            blob = _blob_path(desc["digest"])
            if blob in seen or blob not in self.json:
                continue        # (another platform's manifest, not exported)
            seen.add(blob)
            if len(seen) > MAX_MANIFESTS:
                raise FilesError(f"the archive has more than {MAX_MANIFESTS:,} manifests")
            value = self.json[blob]
            if isinstance(value, dict) and "manifests" in value:
                yield from self._oci_manifests(blob, depth + 1, seen)
            elif isinstance(value, dict) and "layers" in value:
                yield blob, value

    def _oci_stack(self, path: str, manifest: dict) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """(diff IDs, layer blob paths) of one OCI manifest; None when its config is not in the archive."""
        checked = _check(path, manifest, MANIFEST_SPEC)
        config_path = _blob_path(checked["config"]["digest"])
        if config_path not in self.json:
            return None
        ids = tuple(self._checked(config_path, CONFIG_SPEC)["rootfs"]["diff_ids"])
        layers = checked["layers"]
        if len(ids) != len(layers):
            raise FilesError(f"{short(path)}: {len(layers)} layers for {len(ids)} diff IDs in its config")
        for desc in layers:
            kind = desc["mediaType"]
            for _, name in OTHER_COMPRESSIONS:
                if kind.endswith("+" + name):
                    self.compressed.setdefault(_blob_path(desc["digest"]), name)
        return ids, tuple(_blob_path(d["digest"]) for d in layers)

    def _checked(self, path: str, spec: Spec) -> Any:
        """The JSON member at ``path`` checked with ``spec``; absent, unreadable or invalid → FilesError."""
        if path not in self.json:
            raise FilesError(f"the archive has no {short(path)}")
        value = self.json[path]
        if isinstance(value, FilesError):
            raise value
        return _check(path, value, spec)

    def _resolve(self, path: str) -> str:
        """``path`` with the archive's own symlinks followed (a few hops at most)."""
        for _ in range(8):
            if path not in self.symlinks:
                break
            path = self.symlinks[path]
        return path


def _check(path: str, value: Any, spec: Spec) -> Any:
    """``value`` checked with ``spec``; Invalid → FilesError naming the member."""
    try:
        return check(spec, value)
    except Invalid as exc:
        raise FilesError(f"the archive member {short(path)}: {exc}") from None


def _member_path(name: str) -> str:
    """A path as manifest.json writes it, in the form the reader keys members by."""
    return posixpath.normpath("/" + name).lstrip("/")


def _blob_path(digest: str) -> str:
    """Where an OCI layout keeps the blob ``digest``."""
    algorithm, _, hexa = digest.partition(":")
    return f"blobs/{algorithm}/{hexa}"
