"""Snapshot files in and out: the bounded read, the file's schema and its consistency checks, the atomic write.

Every snapshot file is checked here, once, before a Snapshot exists: the rest of the model trusts a
Snapshot.  A refused file gets one line naming the first problem and its JSON path; repairs (unknown
fields, missing optional ones) become the snapshot's warnings."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from .bulk import bulk
from .chain import ChainIDs
from .layerfiles import LayerFiles, layer_files_from_json
from .paths import atomic_write
from .schema import (INT64_MAX, Bool, Digest, Field, Int, Invalid, List, Map, Notes, Nullable,
                     Obj, OneOf, Reference, Spec, Str, check, describe)
from .snapshot import (MAX_HISTORY, MAX_LAYERS, SCHEMA_VERSION, SNAPSHOT_KIND, Container, DaemonInfo, HistoryRow, Image, Manifest, Snapshot,
                       SnapshotError)

MAX_FILE_BYTES = 512 * 2**20    # ~50 times the largest host we have seen (10,000 images ≈ 10 MB)
MAX_IMAGES = 1_000_000
MAX_TEXT = 1 << 20              # a CREATED BY line (a long RUN) or a label value
MAX_FILE_LAYERS = 100_000       # layers whose file index one snapshot file carries
MAX_FILE_ENTRIES = 5_000_000    # their entries, all layers together (~50 times a large host's images)


def _required(spec: Any) -> Field:
    return Field(spec, required=True)


def _optional(spec: Any, default: Any, warn: bool = False) -> Field:
    return Field(spec, default=default, warn_missing=warn)


_TEXT = Str(max_len=MAX_TEXT)
_NAME = Str(max_len=1024)
_STRINGS = List(_TEXT, max_items=100_000)
_DIGESTS = List(Digest(), max_items=MAX_LAYERS)
_DIGEST_OR_EMPTY = OneOf((Digest(), Str(max_len=0)), "a sha256 digest or \"\"")
_TIMESTAMP = Int(lo=-(2**63), hi=INT64_MAX)

HISTORY_ROW = Obj({
    "id": _required(OneOf((Digest(), Str(max_len=9, pattern="<missing>")), "a sha256 digest or <missing>")),
    "created": _required(_TIMESTAMP),
    "created_by": _required(_TEXT),
    "size": _required(Int()),
    "comment": _optional(_TEXT, ""),
    "tags": _optional(List(_NAME, max_items=100_000), []),
}, extra="warn")

MANIFEST = Obj({
    "id": _required(Digest()),
    "media_type": _required(_NAME),
    "size": _required(Int()),
    "kind": _required(_NAME),
    "platform": _optional(_NAME, ""),
    "available": _optional(Bool(), True),
    "content_size": _optional(Int(), 0),
    "unpacked_size": _optional(Int(), 0),
    "attestation_for": _optional(_DIGEST_OR_EMPTY, ""),
    "containers": _optional(_STRINGS, []),
    "diff_ids": _optional(_DIGESTS, []),
}, extra="warn")

IMAGE = Obj({
    "id": _required(Digest()),
    "repo_tags": _required(List(Reference(tagged=True), max_items=100_000)),
    "repo_digests": _required(List(Reference(tagged=False), max_items=100_000)),
    "parent": _optional(_DIGEST_OR_EMPTY, ""),
    "created": _required(Str(max_len=64)),
    "size": _required(Int()),
    "diff_ids": _required(_DIGESTS),
    "history": _optional(List(HISTORY_ROW, max_items=MAX_HISTORY), [], warn=True),
    "author": _optional(_TEXT, ""),
    "comment": _optional(_TEXT, ""),
    "cmd": _optional(Nullable(_STRINGS), None),
    "entrypoint": _optional(Nullable(_STRINGS), None),
    "labels": _optional(Nullable(Map(_TEXT)), {}),
    # containerd image store fields: written only when set
    "manifests": _optional(List(MANIFEST, max_items=10_000), []),
    "media_type": _optional(_NAME, ""),
    "target_size": _optional(Int(), 0),
    "disk_usage": _optional(Nullable(Int()), None),
    "shared_size": _optional(Nullable(Int()), None),
    "parent_unlabelled": _optional(List(Reference(tagged=True), max_items=100_000), []),
    "digest": _optional(_DIGEST_OR_EMPTY, ""),
}, extra="warn")

CONTAINER = Obj({
    "id": _required(Str(max_len=64, pattern="[0-9a-f]{12,64}")),
    "names": _required(List(_NAME, max_items=1000)),
    "image": _required(_NAME),
    "image_id": _required(_DIGEST_OR_EMPTY),
    "state": _required(Str(max_len=32)),
    "layer_chain": _optional(Nullable(_DIGESTS), None),
}, extra="warn")


class LayerFilesSpec(Spec):
    """The top-level ``"layer_files"``: each layer checked by ``layer_files_from_json`` (the one serialisation,
    shared with the file-index cache), diff IDs unique, entries bounded in total."""

    def check(self, value: Any, path: str, notes: Notes) -> list[LayerFiles]:
        """The layers' LayerFiles, or Invalid naming the first problem."""
        if not isinstance(value, list):
            raise Invalid(path, f"expected a list, got {describe(value)}")
        if len(value) > MAX_FILE_LAYERS:
            raise Invalid(path, f"more than {MAX_FILE_LAYERS:,} layers")
        out: list[LayerFiles] = []
        where: dict[str, int] = {}
        total = 0
        for n, item in enumerate(value):
            at = f"{path}[{n}]"
            entries = item.get("entries") if isinstance(item, dict) else None
            total += len(entries) if isinstance(entries, list) else 0
            if total > MAX_FILE_ENTRIES:        # counted before the layer is parsed: the bound holds the work
                raise Invalid(f"{at}.entries", f"more than {MAX_FILE_ENTRIES:,} entries in all layers together")
            lf = layer_files_from_json(item, at)
            if lf.diff_id in where:
                raise Invalid(f"{at}.diff_id", f"duplicate of {path}[{where[lf.diff_id]}].diff_id")
            where[lf.diff_id] = n
            out.append(lf)
        return out


INFO = Obj({key: _optional(_NAME, default, warn=True) for key, default in (
    ("engine", "docker"), ("version", ""), ("api_version", ""), ("storage_driver", ""), ("image_store", "graphdriver"),
    ("host", ""), ("daemon_id", ""), ("os", ""))}, extra="warn")

SNAPSHOT = Obj({
    "kind": _required(Str(max_len=64)),
    "schema": _required(Int(lo=1, hi=1000)),
    "taken_at": _optional(Str(max_len=64), "", warn=True),
    "source": _optional(Str(max_len=16, pattern="daemon|file|demo|what-if"), "file"),
    "warnings": _optional(List(_TEXT, max_items=100_000), []),
    "info": _required(INFO),
    "images": _required(List(IMAGE, max_items=MAX_IMAGES)),
    "containers": _optional(List(CONTAINER, max_items=MAX_IMAGES), [], warn=True),
    "layers_size": _optional(Nullable(Int()), None),
    "layer_files": _optional(LayerFilesSpec(), []),
}, extra="warn")

_STORES = ("graphdriver", "containerd", "podman")


class _Unreadable(SnapshotError):
    """The file could not be read at all (missing, unreadable)."""


# -- reading -------------------------------------------------------------------------------
def load(path: str | Path) -> Snapshot:
    """Read and check a snapshot file; raises SnapshotError with one line naming the file and the problem."""
    path = Path(path)
    try:
        return parse_file(path)
    except _Unreadable as exc:
        raise SnapshotError(f"cannot read snapshot {path}: {exc}") from None
    except SnapshotError as exc:
        raise SnapshotError(f"{path}: {exc}") from None


@bulk
def parse_file(path: Path) -> Snapshot:
    """The snapshot in ``path`` (SnapshotError without the file name on failure)."""
    try:
        # O_NONBLOCK: opening a FIFO would otherwise wait for a writer; it is then refused as not a file
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError()
            if not stat.S_ISREG(st.st_mode):
                raise SnapshotError("not a regular file")
            if st.st_size > MAX_FILE_BYTES:
                raise SnapshotError(f"too large for a snapshot ({st.st_size:,} bytes; the limit is "
                                    f"{MAX_FILE_BYTES:,})")
            raw = f.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise SnapshotError("is a directory, not a snapshot file") from None
    except OSError as exc:
        raise _Unreadable(exc.strerror or str(exc)) from None
    if len(raw) > MAX_FILE_BYTES:       # it grew while read (a pipe, a file being written)
        raise SnapshotError(f"too large for a snapshot (over {MAX_FILE_BYTES:,} bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"not UTF-8 text (byte {exc.start})") from None
    snap = from_json(parse_json(text))
    return snap.replace(source="file") if snap.source == "daemon" else snap


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(text: str) -> Any:
    """Parsed JSON; NaN/Infinity, over-deep nesting and over-long numbers are refused as SnapshotError."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise SnapshotError("not a snapshot: JSON nested too deeply") from None
    except ValueError as exc:       # NaN/Infinity, or an integer of over 4,300 digits
        raise SnapshotError(f"not valid JSON: {str(exc).splitlines()[0][:120]}") from None


def from_json(data: Any) -> Snapshot:
    """A Snapshot from parsed JSON: schema, then consistency; SnapshotError naming the first problem's path."""
    if not isinstance(data, dict) or data.get("kind") != SNAPSHOT_KIND:
        raise SnapshotError(f"not a Layerscope snapshot (no \"kind\": \"{SNAPSHOT_KIND}\")")
    schema = data.get("schema")
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA_VERSION:
        raise SnapshotError(f"snapshot schema {schema} is newer than this Layerscope understands "
                            f"({SCHEMA_VERSION}); upgrade Layerscope")
    notes = Notes()
    try:
        clean = check(SNAPSHOT, data, "", notes)
        snap = _build(clean)
        check_consistency(snap)
    except Invalid as exc:
        raise SnapshotError(f"malformed snapshot at {exc}") from None
    repairs = notes.lines()
    if repairs:
        snap = snap.replace(warnings=snap.warnings + tuple(f"repaired while opening: {r}" for r in repairs))
    return snap


def _build(d: dict[str, Any]) -> Snapshot:
    info = d["info"]
    if info["image_store"] not in _STORES:
        raise Invalid("info.image_store", f"unknown image store {info['image_store']!r}")
    images = tuple(_image(img) for img in d["images"])
    containers = tuple(Container(id=c["id"], names=tuple(c["names"]), image=c["image"], image_id=c["image_id"],
                                 state=c["state"],
                                 layer_chain=None if c["layer_chain"] is None else tuple(c["layer_chain"]))
                       for c in d["containers"])
    return Snapshot(info=DaemonInfo(**info), images=images, containers=containers, taken_at=d["taken_at"],
                    source=d["source"], warnings=tuple(d["warnings"]), layers_size=d["layers_size"],
                    layer_files=tuple(d["layer_files"]))


def _image(d: dict[str, Any]) -> Image:
    return Image(
        id=d["id"], repo_tags=tuple(d["repo_tags"]), repo_digests=tuple(d["repo_digests"]), parent=d["parent"],
        created=d["created"], size=d["size"], diff_ids=tuple(d["diff_ids"]),
        history=tuple(HistoryRow(id=h["id"], created=h["created"], created_by=h["created_by"], size=h["size"],
                                 comment=h["comment"], tags=tuple(h["tags"])) for h in d["history"]),
        author=d["author"], comment=d["comment"],
        cmd=None if d["cmd"] is None else tuple(d["cmd"]),
        entrypoint=None if d["entrypoint"] is None else tuple(d["entrypoint"]),
        labels=tuple(sorted((d["labels"] or {}).items())),
        manifests=tuple(Manifest(**dict(m, containers=tuple(m["containers"]), diff_ids=tuple(m["diff_ids"])))
                        for m in d["manifests"]),
        media_type=d["media_type"], target_size=d["target_size"], disk_usage=d["disk_usage"],
        shared_size=d["shared_size"], parent_unlabelled=tuple(d["parent_unlabelled"]),
        digest=d["digest"])


# Consistency of a whole snapshot, each check linear in images + layers + tags:
#   * image IDs, tags and container IDs are unique, and no image ID is a layer's chain ID;
#   * parent links are acyclic (each chain walked once, colouring images done);
#   * a parent's layers are the bottom of its child's (the engine only records a parent
#     it built or committed on, and refuses to load one that is not);
#   * the byte totals any view adds up stay within an engine's int64.
def check_consistency(snap: Snapshot) -> None:
    """Raise Invalid at the first inconsistency of a built snapshot (its chain IDs computed on the way)."""
    share_chain_ids(snap)
    where: dict[str, int] = {}
    for n, img in enumerate(snap.images):
        if img.id in where:
            raise Invalid(f"images[{n}].id", f"duplicate of images[{where[img.id]}].id")
        where[img.id] = n
    owner: dict[str, int] = {}
    for n, img in enumerate(snap.images):
        for k, tag in enumerate(img.repo_tags):
            if owner.setdefault(tag, n) != n:
                raise Invalid(f"images[{n}].repo_tags[{k}]", f"{tag!r} also tags images[{owner[tag]}]")
        for k, name in enumerate(img.parent_unlabelled):
            if name not in img.repo_tags:
                raise Invalid(f"images[{n}].parent_unlabelled[{k}]", f"{name!r} is not one of its repo_tags")
    layers = {c for img in snap.images for c in img.all_chain_ids}
    for n, img in enumerate(snap.images):
        if img.id in layers:
            raise Invalid(f"images[{n}].id", "is also the chain ID of a layer")
    seen_ctr: set[str] = set()
    for n, ctr in enumerate(snap.containers):
        if ctr.id in seen_ctr:
            raise Invalid(f"containers[{n}].id", "duplicate container ID")
        seen_ctr.add(ctr.id)
    _check_parents(snap, where)
    total = sum(img.size for img in snap.images) + sum(r.size for img in snap.images for r in img.history)
    if total > INT64_MAX:
        raise Invalid("images", "sizes add up to more than 2^63-1 bytes")


# Chain IDs are computed where a snapshot is checked (every reader checks it), for
# all its stacks at once (chain.ChainIDs): each image's and each platform's
# cached chain_ids is filled in, with one string per layer.  A stack whose chain
# IDs are already known (an image carried over from an earlier snapshot) keeps
# them and lends its strings to the others.
def share_chain_ids(snap: Snapshot) -> None:
    """Fill in the chain IDs of every image and platform of ``snap``, each layer's string shared."""
    ids = ChainIDs()
    stacks = [stack for img in snap.images for stack in (img, *img.manifests)]
    missing = []
    for stack in stacks:
        known = stack.__dict__.get("chain_ids")         # (cached_property's own slot)
        if known is None:
            missing.append(stack)
        else:
            ids.learn(stack.diff_ids, known)
    for stack in missing:
        stack.__dict__["chain_ids"] = ids.of(stack.diff_ids)


def _check_parents(snap: Snapshot, where: dict[str, int]) -> None:
    done: set[str] = set()
    for img in snap.images:
        trail: list[str] = []
        on_trail: set[str] = set()
        current: str = img.id
        while current in where and current not in done:
            if current in on_trail:
                cycle = trail[trail.index(current):] + [current]
                raise Invalid(f"images[{where[current]}].parent",
                              "parent cycle: " + " → ".join(c[7:19] for c in cycle))
            trail.append(current)
            on_trail.add(current)
            current = snap.images[where[current]].parent
        done.update(trail)
    for n, img in enumerate(snap.images):
        parent = snap.by_id.get(img.parent) if img.parent else None
        if parent is not None and img.diff_ids[:len(parent.diff_ids)] != parent.diff_ids:
            raise Invalid(f"images[{n}].parent", "its layers are not the bottom of this image's layers")


# -- writing -------------------------------------------------------------------------------
def save(snap: Snapshot, path: str | Path) -> None:
    """Write ``snap`` to ``path`` through a temporary file beside it; SnapshotError (one line) on failure."""
    path = Path(path)
    if path.is_dir():
        raise SnapshotError(f"cannot write snapshot {path}: it is a directory")
    try:
        atomic_write(path, lambda f: json.dump(snap.to_json(), f, indent=1, ensure_ascii=False))
    except OSError as exc:
        raise SnapshotError(f"cannot write snapshot {path}: {exc.strerror or exc}") from None
