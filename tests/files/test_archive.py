"""index_archive on `docker save` streams in each engine's layout: every entry, the known layers, the errors."""
from __future__ import annotations

import gzip
import io
import json
import tarfile
import tracemalloc
import zlib

import pytest

from archives import (D, F, H, M, Opq, P, S, W, chunks, containerd_archive, expected_entries,
                      layer_tar, legacy_archive, legacy_parts, moby25_archive, part_bytes, parts_size, tar_of,
                      zero_layer)
from model.core.errors import first_line
from model.core.layerfiles import OPAQUE, WHITEOUT, Cancelled, Entry, FilesError
from model.files import archive
from model.files.archive import index_archive, layer_entries
from model.files.tarstream import ChunkSource

BASE = [D("etc"), F("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"), F("etc/hosts", b"127.0.0.1 localhost\n"),
        D("usr"), D("usr/bin"), F("usr/bin/tool", bytes(range(256)) * 80, 0o755),
        H("usr/bin/tool2", "usr/bin/tool"), S("usr/bin/sh", "/bin/busybox"),
        D("app"), F("app/a.js", b"a" * 300), D("app/node_modules"), F("app/node_modules/x.js", b"x" * 5000)]
TOP = [D("etc"), F("etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n"), W("etc/hosts"),
       D("app", 0o700), Opq("app"), F("app/b.js", b"b" * 10), P("run/fifo"), M("chardev", "dev/null", mode=0o666),
       D("usr/local/bin"), F("usr/local/bin/setuid", b"#!", 0o4755)]
LAYERS = [BASE, TOP]
LAYOUTS = {
    "dockerd 20.10": legacy_archive,
    "dockerd 25 classic store": moby25_archive,
    "engine 29 gzip": containerd_archive,
    "engine 29 plain": lambda layers: containerd_archive(layers, compression="plain"),
    "engine 29 OCI only, written unsorted": lambda layers: containerd_archive(layers, sort=False,
                                                                              legacy_manifest=False),
    "engine 29 manifests first": lambda layers: containerd_archive(layers, metadata_first=True),
    "engine 29 single manifest": lambda layers: containerd_archive(layers, nested=False),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("chunk", [1 << 20, 777])
def test_every_layout_gives_every_entry(layout, chunk):
    data, diff_ids = LAYOUTS[layout]([layer_tar(m) for m in LAYERS])
    got = index_archive(chunks(data, chunk), diff_ids)
    assert list(got) == diff_ids
    for diff_id, spec in zip(diff_ids, LAYERS):
        assert got[diff_id].diff_id == diff_id
        assert list(got[diff_id].entries) == expected_entries(spec)


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT])
def test_layer_tar_formats(fmt):
    data, diff_ids = legacy_archive([layer_tar(BASE, fmt=fmt)])
    assert list(index_archive(chunks(data), diff_ids)[diff_ids[0]].entries) == expected_entries(BASE)


def test_a_repeated_layer_is_a_symlink_in_the_legacy_layout():
    data, diff_ids = legacy_archive([layer_tar(BASE), layer_tar(TOP), layer_tar(BASE)])
    assert diff_ids[0] == diff_ids[2]
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert sum(m.issym() for m in tar.getmembers()) == 1
    got = index_archive(chunks(data), diff_ids)
    assert list(got) == diff_ids[:2]
    assert list(got[diff_ids[0]].entries) == expected_entries(BASE)


def test_overlay_markers_and_aufs_metadata():
    tar = tar_of([(".wh..wh.plnk/", None), (".wh..wh.plnk/123.456", b"x"), (".wh..wh.aufs", b""),
                  ("a/.wh.gone", b""), (".wh.top", b""), ("a/b/.wh..wh..opq", b""), (".wh..wh..opq", b""),
                  ("./x/h", "target")])
    entries = layer_entries(ChunkSource([tar]), "t")
    assert entries[:4] == [Entry("a/gone", WHITEOUT), Entry("top", WHITEOUT), Entry("a/b", OPAQUE),
                           Entry("", OPAQUE)]
    assert entries[4].path == "x/h"


def test_hard_link_targets_are_normalised():
    data = layer_tar([F("usr/bin/tool", b"t"), M("hardlink", "usr/bin/t2", link="./usr/bin/tool")])
    entries = layer_entries(ChunkSource([data]), "t")
    assert entries[1].link == "usr/bin/tool"


def counting_layer_entries(monkeypatch) -> list[str]:
    """Replace layer_entries with one that records which layer it parses."""
    seen: list[str] = []

    def spy(src, what, budget=archive.MAX_ENTRIES):
        seen.append(what)
        return layer_entries(src, what, budget)

    monkeypatch.setattr(archive, "layer_entries", spy)
    return seen


@pytest.mark.parametrize("layout", ["dockerd 25 classic store", "engine 29 manifests first", "engine 29 plain"])
def test_known_layers_are_not_parsed_where_the_blob_name_tells(monkeypatch, layout):
    seen = counting_layer_entries(monkeypatch)
    data, diff_ids = LAYOUTS[layout]([layer_tar(m) for m in LAYERS])
    got = index_archive(chunks(data), diff_ids, known={diff_ids[0]})
    assert list(got) == [diff_ids[1]]
    assert len(seen) == 1


def test_legacy_layers_are_all_parsed_and_the_known_dropped(monkeypatch):
    seen = counting_layer_entries(monkeypatch)
    data, diff_ids = legacy_archive([layer_tar(m) for m in LAYERS])
    got = index_archive(chunks(data), diff_ids, known={diff_ids[0]})
    assert list(got) == [diff_ids[1]] and len(seen) == 2


def test_nothing_is_read_when_every_layer_is_known():
    def untouchable():
        raise AssertionError("the stream was read")
        yield b""

    assert index_archive(untouchable(), ["sha256:" + "a" * 64], known={"sha256:" + "a" * 64}) == {}


def test_only_the_asked_layers_are_returned():
    data, diff_ids = containerd_archive([layer_tar(m) for m in LAYERS])
    assert list(index_archive(chunks(data), diff_ids[1:])) == diff_ids[1:]


@pytest.mark.parametrize("layout", ["dockerd 20.10", "engine 29 gzip"])
def test_progress_counts_every_byte(layout):
    data, diff_ids = LAYOUTS[layout]([layer_tar(m) for m in LAYERS])
    seen: list[int] = []
    index_archive(chunks(data, 1000), diff_ids, on_progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == len(data) and len(seen) == -(-len(data) // 1000)


def test_cancel_stops_at_the_next_chunk():
    data, diff_ids = legacy_archive([layer_tar(m) for m in LAYERS])
    fed = []

    def feed():
        for c in chunks(data, 1000):
            fed.append(len(c))
            yield c

    with pytest.raises(Cancelled):
        index_archive(feed(), diff_ids, cancelled=lambda: len(fed) >= 3)
    assert len(fed) == 3


def test_zstd_layers_are_named():
    data, diff_ids = containerd_archive([layer_tar(m) for m in LAYERS], compression="zstd")
    with pytest.raises(FilesError, match=r"compressed with zstd"):
        index_archive(chunks(data), diff_ids)


def test_an_xz_layer_tar_is_named():
    xz_layer = b"\xfd7zXZ\x00" + bytes(600)
    data, diff_ids = legacy_archive([xz_layer])
    with pytest.raises(FilesError, match="compressed with xz"):
        index_archive(chunks(data), diff_ids)


def test_an_early_oci_manifest_listing_no_layers_still_maps_through_manifest_json():
    """dockerd 25.0 betas wrote OCI manifests listing only foreign layers; manifest.json still maps them."""
    data, diff_ids = moby25_archive([layer_tar(m) for m in LAYERS])
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        files = [(m.name, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()]
    fixed = []
    for name, content in files:
        if content and content.startswith(b"{") and b'"layers"' in content:
            manifest = json.loads(content)
            manifest["layers"] = []
            content = json.dumps(manifest).encode()
        fixed.append((name, content))
    got = index_archive(chunks(tar_of(fixed)), diff_ids)
    assert list(got[diff_ids[1]].entries) == expected_entries(TOP)


def replace_member(data: bytes, name: str, content: bytes | None) -> bytes:
    """``data`` with member ``name`` given new content (None: removed)."""
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        files = [(m.name + ("/" if m.isdir() else ""),
                  tar.extractfile(m).read() if m.isfile() else (m.linkname if m.issym() else None))
                 for m in tar.getmembers()]
    out = []
    for n, c in files:
        if n == name:
            if content is not None:
                out.append((n, content))
        else:
            out.append((n, c))
    return tar_of(out)


def one_line_error(data: bytes, diff_ids: list[str]) -> str:
    with pytest.raises(FilesError) as err:
        index_archive(chunks(data), diff_ids)
    text = str(err.value)
    assert "\n" not in text and first_line(err.value) == text
    return text


def test_malformed_archives_are_one_line():
    data, diff_ids = legacy_archive([layer_tar(m) for m in LAYERS])
    assert "cut short" in one_line_error(data[:len(data) // 2], diff_ids)
    assert "cut short" in one_line_error(data[:-1024], diff_ids)      # no end-of-archive marker
    assert "neither manifest.json nor index.json" in one_line_error(
        replace_member(data, "manifest.json", None), diff_ids)
    assert "not JSON" in one_line_error(replace_member(data, "manifest.json", b"[not json"), diff_ids)
    assert "manifest.json" in one_line_error(replace_member(data, "manifest.json", b'[{"Config": 5}]'), diff_ids)
    assert "holds no layer" in one_line_error(data, diff_ids + ["sha256:" + "c" * 64])
    manifest = json.loads(json.dumps([{"Config": "x.json", "Layers": ["a/layer.tar"]}]))
    assert "has no x.json" in one_line_error(replace_member(data, "manifest.json", json.dumps(manifest).encode()),
                                             diff_ids)


def test_a_manifest_and_config_that_disagree_are_one_line():
    data, diff_ids = legacy_archive([layer_tar(m) for m in LAYERS])
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    manifest[0]["Layers"] = manifest[0]["Layers"][:1]
    assert "1 layers for 2 diff IDs" in one_line_error(
        replace_member(data, "manifest.json", json.dumps(manifest).encode()), diff_ids)


def test_a_corrupt_gzip_layer_is_one_line():
    data, diff_ids = containerd_archive([layer_tar(m) for m in LAYERS])
    blob = gzip.compress(layer_tar(BASE), mtime=0)
    broken = data.replace(blob[100:300], bytes(200))
    assert "not valid gzip" in one_line_error(broken, diff_ids)


def test_json_members_are_capped(monkeypatch):
    monkeypatch.setattr(archive, "MAX_JSON", 100)
    data, diff_ids = legacy_archive([layer_tar(m) for m in LAYERS])
    assert "too large" in one_line_error(data, diff_ids)


def test_memory_stays_bounded_whatever_the_archive_size():
    """A 300 MiB archive (never built in memory) is indexed with a few MiB of Python memory."""
    big = zero_layer([("data/big.bin", 200 << 20)] + [(f"data/small/{n}", 100) for n in range(2000)])
    parts, diff_ids = legacy_parts([big, zero_layer([("data/big.bin", 100 << 20)])])
    assert parts_size(parts) > 300 << 20
    tracemalloc.start()
    try:
        got = index_archive(part_bytes(parts), diff_ids)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [len(lf.entries) for lf in got.values()] == [2001, 1]
    assert got[diff_ids[1]].entries[0].crc == zlib.crc32(bytes(100 << 20))
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB"
