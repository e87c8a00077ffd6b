"""Real `docker save` archives built with the stdlib tarfile and gzip, in the layouts the engines write.

* dockerd 20.10 (legacy): ``<v1 id>/VERSION``, ``<v1 id>/json``, ``<v1 id>/layer.tar`` (a symlink to the
  first copy when a diff ID repeats), ``<config hex>.json``, ``manifest.json``, ``repositories`` — every
  member in name order (``archive.Tar`` of a directory), so manifest.json comes after every layer.
* dockerd 25+ on its classic store: ``blobs/sha256/<hex>`` (layers uncompressed, named by their diff ID;
  the config; an OCI manifest), ``index.json``, ``manifest.json`` (Layers ``blobs/sha256/<diff hex>``),
  ``oci-layout``, ``repositories``, in name order.
* Engine 29 on the containerd store: ``blobs/sha256/<hex>`` with gzip layers named by their compressed
  digest, the config, the platform manifest, an image index (with BuildKit's attestation manifest and a
  platform whose blobs are absent), then ``index.json``, ``manifest.json``, ``oci-layout`` — sorted by name
  as containerd's exporter writes them.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from typing import Iterable

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
LAYER_PLAIN = "application/vnd.oci.image.layer.v1.tar"
LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
ZSTD_FRAME = b"\x28\xb5\x2f\xfd" + bytes(60)      # a zstd magic number and nothing a reader could inflate


# --- Members of a layer tar ---

@dataclass(frozen=True)
class M:
    """One member to write into a layer tar: ``kind`` file/dir/symlink/hardlink/whiteout/opaque/fifo/chardev."""

    kind: str
    path: str
    data: bytes = b""
    mode: int = 0o644
    link: str = ""


def F(path: str, data: bytes = b"", mode: int = 0o644) -> M:  # noqa: N802 - reads as a table
    """A regular file."""
    return M("file", path, data, mode)


def D(path: str, mode: int = 0o755) -> M:  # noqa: N802
    """A directory."""
    return M("dir", path, mode=mode)


def S(path: str, target: str) -> M:  # noqa: N802
    """A symlink."""
    return M("symlink", path, mode=0o777, link=target)


def H(path: str, target: str) -> M:  # noqa: N802
    """A hard link to ``target`` (an earlier member of the same layer)."""
    return M("hardlink", path, link=target)


def W(path: str) -> M:  # noqa: N802
    """A whiteout: ``dir/.wh.name`` deletes ``dir/name``."""
    return M("whiteout", path)


def Opq(directory: str) -> M:  # noqa: N802
    """An opaque marker: ``dir/.wh..wh..opq`` hides everything below in ``dir``."""
    return M("opaque", directory)


def P(path: str) -> M:  # noqa: N802
    """A fifo."""
    return M("fifo", path)


def tar_info(m: M) -> tuple[tarfile.TarInfo, bytes | None]:
    """The header (and data) of one member, as docker's archive package writes it."""
    path, data = m.path, None
    if m.kind == "whiteout":
        head, _, base = path.rpartition("/")
        path = f"{head}/.wh.{base}" if head else f".wh.{base}"
    elif m.kind == "opaque":
        path = f"{path}/.wh..wh..opq" if path else ".wh..wh..opq"
    info = tarfile.TarInfo(path + ("/" if m.kind == "dir" else ""))
    info.mode, info.mtime, info.uname, info.gname = m.mode, 1_700_000_000, "root", "root"
    if m.kind == "file":
        info.size, data = len(m.data), m.data
    elif m.kind in ("whiteout", "opaque"):
        info.size, data = 0, b""
    elif m.kind == "dir":
        info.type = tarfile.DIRTYPE
    elif m.kind == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, m.link
    elif m.kind == "hardlink":
        info.type, info.linkname = tarfile.LNKTYPE, m.link
    elif m.kind == "fifo":
        info.type = tarfile.FIFOTYPE
    elif m.kind == "chardev":
        info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
    return info, data


def layer_tar(members: Iterable[M], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    """A layer tar holding ``members`` in order (docker writes pax; GNU and ustar for the reader's sake)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for m in members:
            info, data = tar_info(m)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def sha256(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config_json(diff_ids: list[str], arch: str = "amd64") -> bytes:
    """An image config whose rootfs lists ``diff_ids``."""
    return json.dumps({"architecture": arch, "os": "linux", "created": "2024-01-01T00:00:00Z",
                       "config": {"Cmd": ["/bin/sh"]},
                       "rootfs": {"type": "layers", "diff_ids": diff_ids},
                       "history": [{"created_by": f"layer {n}"} for n in range(len(diff_ids))]},
                      separators=(",", ":")).encode()


# --- Whole archives ---

def tar_of(files: list[tuple[str, bytes | str | None]]) -> bytes:
    """An archive of ``(name, data)`` members in the given order: bytes a file, a str a symlink's target,
    None a directory (Go's archive/tar writes ustar headers, pax only where a name needs it)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            elif isinstance(data, str):
                info.type, info.linkname = tarfile.SYMTYPE, data
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def diff_ids_of(layers: list[bytes]) -> list[str]:
    """The diff IDs of plain layer tars."""
    return [sha256(t) for t in layers]


def legacy_archive(layers: list[bytes], tag: str = "test:latest") -> tuple[bytes, list[str]]:
    """A dockerd 20.10 `docker save` of an image made of the plain tars ``layers``; (archive, diff IDs)."""
    diff_ids = diff_ids_of(layers)
    config = config_json(diff_ids)
    config_name = sha256(config).split(":")[1] + ".json"
    files: dict[str, bytes | str | None] = {}
    layer_paths, first_path, parent = [], {}, ""
    for n, (tar, diff_id) in enumerate(zip(layers, diff_ids)):
        v1 = hashlib.sha256(f"{parent}{diff_id}{n}".encode()).hexdigest()
        files[f"{v1}/"] = None
        files[f"{v1}/VERSION"] = b"1.0"
        files[f"{v1}/json"] = json.dumps({"id": v1, "parent": parent} if parent else {"id": v1}).encode()
        if diff_id in first_path:       # (dockerd links a repeated layer to its first copy)
            files[f"{v1}/layer.tar"] = f"../{first_path[diff_id]}"
        else:
            files[f"{v1}/layer.tar"] = tar
            first_path[diff_id] = f"{v1}/layer.tar"
        layer_paths.append(f"{v1}/layer.tar")
        parent = v1
    files[config_name] = config
    files["manifest.json"] = json.dumps([{"Config": config_name, "RepoTags": [tag],
                                          "Layers": layer_paths}]).encode()
    files["repositories"] = json.dumps({tag.split(":")[0]: {tag.split(":")[1]: parent}}).encode()
    return tar_of(sorted(files.items())), diff_ids


def _blobs(files: dict, data: bytes) -> str:
    """Store a blob under blobs/sha256/; its digest."""
    digest = sha256(data)
    files[f"blobs/sha256/{digest.split(':')[1]}"] = data
    return digest


def moby25_archive(layers: list[bytes], tag: str = "test:latest") -> tuple[bytes, list[str]]:
    """A dockerd 25+ (classic store) `docker save`: OCI layout with plain layer blobs, plus manifest.json."""
    diff_ids = diff_ids_of(layers)
    files: dict[str, bytes | str | None] = {"blobs/": None, "blobs/sha256/": None}
    for tar in layers:
        _blobs(files, tar)
    config = config_json(diff_ids)
    config_digest = _blobs(files, config)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                           "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config)},
                           "layers": [{"mediaType": LAYER_PLAIN, "digest": d, "size": len(t)}
                                      for d, t in zip(diff_ids, layers)]}).encode()
    manifest_digest = _blobs(files, manifest)
    files["index.json"] = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": manifest_digest, "size": len(manifest),
         "annotations": {"io.containerd.image.name": f"docker.io/library/{tag}",
                         "org.opencontainers.image.ref.name": tag.split(":")[1]}}]}).encode()
    files["manifest.json"] = json.dumps([{"Config": f"blobs/sha256/{config_digest.split(':')[1]}",
                                          "RepoTags": [tag],
                                          "Layers": [f"blobs/sha256/{d.split(':')[1]}" for d in diff_ids]}]).encode()
    files["oci-layout"] = b'{"imageLayoutVersion":"1.0.0"}'
    files["repositories"] = b"{}"
    return tar_of(sorted(files.items())), diff_ids


def containerd_archive(layers: list[bytes], tag: str = "test:latest", compression: str = "gzip",
                       nested: bool = True, sort: bool = True, legacy_manifest: bool = True,
                       metadata_first: bool = False) -> tuple[bytes, list[str]]:
    """An Engine 29 (containerd store) `docker save`: layer blobs ``gzip``, ``plain`` or ``zstd``; with
    ``nested`` an image index holding the manifest, an attestation manifest and an absent arm64 platform.
    ``sort=False`` keeps the order blobs were made in (layers first), ``metadata_first`` puts every JSON
    member before the layer blobs (so a reader knows each blob's diff ID when it meets it)."""
    diff_ids = diff_ids_of(layers)
    files: dict[str, bytes | str | None] = {}
    descriptors = []
    for tar in layers:
        blob = {"gzip": lambda t: gzip.compress(t, mtime=0), "plain": lambda t: t,
                "zstd": lambda t: ZSTD_FRAME}[compression](tar)
        media = {"gzip": LAYER_GZIP, "plain": LAYER_PLAIN, "zstd": LAYER_ZSTD}[compression]
        descriptors.append({"mediaType": media, "digest": _blobs(files, blob), "size": len(blob)})
    config = config_json(diff_ids)
    config_digest = _blobs(files, config)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                           "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": len(config)},
                           "layers": descriptors}).encode()
    manifest_desc = {"mediaType": OCI_MANIFEST, "digest": _blobs(files, manifest), "size": len(manifest),
                     "platform": {"architecture": "amd64", "os": "linux"}}
    top = manifest_desc
    if nested:
        statement = b'{"_type":"https://in-toto.io/Statement/v0.1"}'
        att_config = config_json([sha256(statement)], arch="unknown")
        att_manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                                   "config": {"mediaType": OCI_CONFIG, "digest": _blobs(files, att_config),
                                              "size": len(att_config)},
                                   "layers": [{"mediaType": "application/vnd.in-toto+json",
                                               "digest": _blobs(files, statement), "size": len(statement)}]
                                   }).encode()
        absent = "sha256:" + "ab" * 32      # the arm64 manifest this engine never pulled
        index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
            manifest_desc,
            {"mediaType": OCI_MANIFEST, "digest": absent, "size": 500,
             "platform": {"architecture": "arm64", "os": "linux"}},
            {"mediaType": OCI_MANIFEST, "digest": _blobs(files, att_manifest), "size": len(att_manifest),
             "platform": {"architecture": "unknown", "os": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}]}).encode()
        top = {"mediaType": OCI_INDEX, "digest": _blobs(files, index), "size": len(index)}
    files["index.json"] = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {**top, "annotations": {"io.containerd.image.name": f"docker.io/library/{tag}"}}]}).encode()
    if legacy_manifest:
        files["manifest.json"] = json.dumps([{"Config": f"blobs/sha256/{config_digest.split(':')[1]}",
                                              "RepoTags": [tag],
                                              "Layers": [f"blobs/sha256/{d['digest'].split(':')[1]}"
                                                         for d in descriptors]}]).encode()
    files["oci-layout"] = b'{"imageLayoutVersion":"1.0.0"}'
    items = sorted(files.items()) if sort else list(files.items())
    if metadata_first:
        items.sort(key=lambda item: not (isinstance(item[1], bytes) and item[1][:1] in (b"{", b"[")))
    return tar_of(items), diff_ids


def chunks(data: bytes, size: int = 1 << 20) -> Iterable[bytes]:
    """``data`` in chunks of ``size`` bytes, as the daemon's stream delivers it."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


# --- Big archives without big memory: zero-filled files as runs (an int) the writer can leave as holes ---

ZERO_CHUNK = bytes(1 << 20)
Part = bytes | int          # bytes as they are, or a run of that many zero bytes


def _header(name: str, size: int = 0, kind: bytes = tarfile.REGTYPE, mode: int = 0o644) -> bytes:
    """One member's header blocks (pax where the name or size needs it), as tarfile writes them."""
    info = tarfile.TarInfo(name)
    info.size, info.type, info.mode, info.mtime = size, kind, mode, 1_700_000_000
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def zero_layer(files: list[tuple[str, int]]) -> list[Part]:
    """A layer tar of zero-filled regular files ``(path, size)``, as parts."""
    parts: list[Part] = []
    for path, size in files:
        parts += [_header(path, size), size, bytes(-size % 512)]
    return parts + [bytes(1024)]


def part_bytes(parts: list[Part]) -> Iterable[bytes]:
    """The bytes of ``parts``, zero runs in 1 MiB chunks."""
    for part in parts:
        if isinstance(part, int):
            while part > 0:
                yield ZERO_CHUNK[:min(part, len(ZERO_CHUNK))]
                part -= len(ZERO_CHUNK)
        else:
            yield part


def parts_size(parts: list[Part]) -> int:
    """Bytes in ``parts``."""
    return sum(p if isinstance(p, int) else len(p) for p in parts)


def legacy_parts(layers: list[list[Part]], tag: str = "big:latest") -> tuple[list[Part], list[str]]:
    """A dockerd 20.10 `docker save` of layer tars given as parts; (parts, diff IDs) — the diff IDs are
    hashed from the parts, nothing is held but headers."""
    diff_ids = []
    for layer in layers:
        h = hashlib.sha256()
        for chunk in part_bytes(layer):
            h.update(chunk)
        diff_ids.append("sha256:" + h.hexdigest())
    config = config_json(diff_ids)
    config_name = sha256(config).split(":")[1] + ".json"
    out: list[Part] = []
    paths = []
    for n, layer in enumerate(layers):
        v1 = hashlib.sha256(f"{diff_ids[n]}{n}".encode()).hexdigest()
        size = parts_size(layer)
        out += [_header(f"{v1}/", kind=tarfile.DIRTYPE, mode=0o755), _header(f"{v1}/VERSION", 3), b"1.0" + bytes(509),
                _header(f"{v1}/layer.tar", size), *layer, bytes(-size % 512)]
        paths.append(f"{v1}/layer.tar")
    manifest = json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": paths}]).encode()
    for name, data in ((config_name, config), ("manifest.json", manifest)):
        out += [_header(name, len(data)), data, bytes(-len(data) % 512)]
    return out + [bytes(1024)], diff_ids


def write_parts(path: str, parts: list[Part]) -> None:
    """Write ``parts`` to a file, zero runs as holes (a sparse file: cheap to make, quick to read)."""
    with open(path, "wb") as f:
        for part in parts:
            if isinstance(part, int):
                f.seek(part, 1)
            else:
                f.write(part)
        f.truncate()


def expected_entries(members: Iterable[M]) -> list:
    """What the index of a layer made of ``members`` must hold, entry by entry (the tests' oracle)."""
    import zlib

    from model.core.layerfiles import DIR, FILE, HARDLINK, OPAQUE, OTHER, SYMLINK, WHITEOUT, Entry
    out = []
    for m in members:
        if m.kind == "file":
            out.append(Entry(m.path, FILE, len(m.data), m.mode, "", zlib.crc32(m.data)))
        elif m.kind == "dir":
            out.append(Entry(m.path, DIR, 0, m.mode))
        elif m.kind == "symlink":
            out.append(Entry(m.path, SYMLINK, 0, m.mode, m.link))
        elif m.kind == "hardlink":
            out.append(Entry(m.path, HARDLINK, 0, m.mode, m.link))
        elif m.kind == "whiteout":
            out.append(Entry(m.path, WHITEOUT))
        elif m.kind == "opaque":
            out.append(Entry(m.path, OPAQUE))
        else:
            out.append(Entry(m.path, OTHER, 0, m.mode))
    return out
