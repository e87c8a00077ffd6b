"""The on-disk file index: one file per diff ID, checked on every read, written atomically; the JSON form."""
from __future__ import annotations

import json
import multiprocessing
import os

import pytest

from model.core import paths
from model.core.layerfiles import (DIR, FILE, HARDLINK, OPAQUE, SYMLINK, WHITEOUT, Entry, LayerFiles,
                                   layer_files_from_json, layer_files_to_json)
from model.core.schema import Invalid
from model.daemon import imagecache
from model.files.cache import FilesCache

DIFF = "sha256:" + "ab" * 32
LAYER = LayerFiles(DIFF, (Entry("etc", DIR, 0, 0o755), Entry("etc/passwd", FILE, 12, 0o644, "", 0xDEADBEEF),
                          Entry("bin/sh", SYMLINK, 0, 0o777, "/bin/busybox"),
                          Entry("bin/ls", HARDLINK, 0, 0o755, "bin/sh"),
                          Entry("etc/hosts", WHITEOUT), Entry("app", OPAQUE), Entry("", OPAQUE),
                          Entry("empty", FILE, 0, 0o600, "", 0), Entry("café/ü", FILE, 1, 0o4755, "", 7),
                          Entry(".hidden/.x", FILE, 2, 0o644, "", 8), Entry("a/.../..b/c..", DIR, 0, 0o755),
                          Entry("new\nline", FILE, 3, 0o644, "", 9)))


def test_json_round_trip():
    data = layer_files_to_json(LAYER)
    assert data["diff_id"] == DIFF and data["entries"][1] == ["etc/passwd", FILE, 12, 0o644, "", 0xDEADBEEF]
    assert data["entries"][0][5] is None
    assert layer_files_from_json(json.loads(json.dumps(data)), "layer") == LAYER


@pytest.mark.parametrize("row, where", [
    (["/abs", FILE, 1, 0, "", 1], "[0][0]"), (["a/../b", FILE, 1, 0, "", 1], "[0][0]"),
    (["a//b", FILE, 1, 0, "", 1], "[0][0]"), (["a/", DIR, 0, 0, "", None], "[0][0]"),
    (["", FILE, 1, 0, "", 1], "[0][0]"), (["a\x00b", FILE, 1, 0, "", 1], "[0][0]"),
    (["x" * 5000, FILE, 1, 0, "", 1], "[0][0]"), ([5, FILE, 1, 0, "", 1], "[0][0]"),
    (["a", "socket", 0, 0, "", None], "[0][1]"), (["a", FILE, "12", 0, "", 1], "[0][2]"),
    (["a", FILE, -1, 0, "", 1], "[0][2]"), (["a", FILE, True, 0, "", 1], "[0][2]"),
    (["a", DIR, 5, 0, "", None], "[0][2]"), (["a", FILE, 1, 0o10000, "", 1], "[0][3]"),
    (["a", FILE, 1, 0, "x", 1], "[0][4]"), (["a", SYMLINK, 0, 0, 7, None], "[0][4]"),
    (["a", FILE, 1, 0, "", 2**32], "[0][5]"), (["a", DIR, 0, 0, "", 3], "[0][5]"),
    (["a", FILE, 1, 0, ""], "[0]"), ("a", "[0]"),
])
def test_every_damaged_row_is_refused_with_its_path(row, where):
    with pytest.raises(Invalid) as err:
        layer_files_from_json({"diff_id": DIFF, "entries": [row]}, "layer")
    assert err.value.path == f"layer.entries{where}"


@pytest.mark.parametrize("data, where", [({"entries": []}, "layer.diff_id"), ({"diff_id": "x", "entries": []},
                                         "layer.diff_id"), ({"diff_id": DIFF, "entries": {}}, "layer.entries"),
                                         ([], "layer")])
def test_a_damaged_layer_is_refused(data, where):
    with pytest.raises(Invalid) as err:
        layer_files_from_json(data, "layer")
    assert err.value.path == where


def test_put_and_get(tmp_path):
    cache = FilesCache(tmp_path)
    assert cache.get(DIFF) is None
    cache.put(LAYER)
    assert (tmp_path / "layers" / f"{'ab' * 32}.json").exists()
    assert FilesCache(tmp_path).get(DIFF) == LAYER
    assert cache.warnings == [] and os.listdir(tmp_path / "layers") == [f"{'ab' * 32}.json"]


def test_a_cache_of_none_keeps_nothing(tmp_path):
    cache = FilesCache(None)
    cache.put(LAYER)
    assert cache.get(DIFF) is None and cache.warnings == []


def test_default_is_beside_the_image_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERSCOPE_CACHE", str(tmp_path))
    monkeypatch.delenv("LAYERSCOPE_NO_CACHE", raising=False)
    assert imagecache.cache_dir is paths.cache_dir
    assert FilesCache.default().directory == tmp_path / "layers"
    monkeypatch.setenv("LAYERSCOPE_NO_CACHE", "1")
    assert FilesCache.default().directory is None


@pytest.mark.parametrize("content, words", [
    (b"\x00\xffgarbage", "not JSON"),
    (json.dumps({"version": 1, "layer": layer_files_to_json(LayerFiles("sha256:" + "cd" * 32, LAYER.entries))}),
     "not the diff ID it is filed under"),
    (json.dumps({"version": 1, "layer": {"diff_id": DIFF, "entries": [["a", FILE, "big", 0, "", 1]]}}),
     "layer.entries[0][2]"),
    (json.dumps({"version": 99, "layer": layer_files_to_json(LAYER)}), "version"),
    (json.dumps([1, 2]), "version"),
])
def test_a_damaged_file_is_dropped_with_a_warning(tmp_path, content, words):
    cache = FilesCache(tmp_path)
    path = tmp_path / "layers" / f"{'ab' * 32}.json"
    path.parent.mkdir()
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    assert cache.get(DIFF) is None
    assert len(cache.warnings) == 1 and words in cache.warnings[0] and "\n" not in cache.warnings[0]
    assert not path.exists()
    cache.put(LAYER)
    assert cache.get(DIFF) == LAYER


def test_names_that_are_not_digests_are_never_paths(tmp_path):
    cache = FilesCache(tmp_path)
    assert cache.get("../../etc/passwd") is None and cache.path("sha256:../x") is None


def test_a_read_only_directory_only_means_no_cache(tmp_path):
    (tmp_path / "layers").write_text("a file where the directory should be")
    cache = FilesCache(tmp_path)
    cache.put(LAYER)
    assert cache.get(DIFF) is None


def _writer(directory: str, marker: int, rounds: int) -> None:
    """Write the same diff ID over and over, with entries that say which writer wrote them."""
    cache = FilesCache(directory)
    entries = tuple(Entry(f"w{marker}/f{n}", FILE, n, 0o644, "", marker) for n in range(5000))
    for _ in range(rounds):
        cache.put(LayerFiles(DIFF, entries))


def test_two_writers_never_leave_half_a_file(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), m, 40)) for m in (1, 2)]
    for p in procs:
        p.start()
    reader, seen = FilesCache(tmp_path), set()
    while any(p.is_alive() for p in procs):
        lf = reader.get(DIFF)
        if lf is not None:
            markers = {e.crc for e in lf.entries}
            assert len(markers) == 1 and len(lf.entries) == 5000     # one writer's whole file
            seen |= markers
    for p in procs:
        p.join()
        assert p.exitcode == 0
    assert reader.warnings == []
    assert FilesCache(tmp_path).get(DIFF) is not None
    assert os.listdir(tmp_path / "layers") == [f"{'ab' * 32}.json"]       # no temporary file left behind
    assert seen
