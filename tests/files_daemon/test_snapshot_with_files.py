"""Snapshot files carry the file index of their images' layers (schema 3 on, ``"layer_files"``): it reads back the
same, a hostile index is refused in one line naming its JSON path, and schema 1 and 2 files still open."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.core import snapshotfile
from model.core.layerfiles import (DIR, FILE, HARDLINK, OPAQUE, SYMLINK, WHITEOUT, Entry, LayerFiles,
                                   layer_files_to_json)
from model.core.snapshot import SCHEMA_VERSION, Snapshot, SnapshotError
from resources import DEMO_SNAPSHOT, ENGINE29_SNAPSHOT

ROOT = Path(__file__).resolve().parents[2]
# schema 2 and 1, as recorded: the bundled Engine 29 demo, and the lesson snapshot as it was first recorded (the
# bundled one is now schema 3, re-recorded with ubuntu:18.04 pulled through a registry mirror)
OLDER = [ENGINE29_SNAPSHOT, Path(__file__).with_name("schema1-lesson.json")]


def index_of(snap: Snapshot) -> tuple[LayerFiles, ...]:
    """A made-up index for every layer of ``snap``: every entry type, crc or none, distinct per layer."""
    out = []
    for n, diff_id in enumerate(dict.fromkeys(d for img in snap.images for d in img.diff_ids)):
        out.append(LayerFiles(diff_id, (
            Entry("etc", DIR, 0, 0o755),
            Entry(f"etc/layer{n}.conf", FILE, 100 + n, 0o644, "", 0xDEADBEEF - n),
            Entry("etc/empty", FILE, 0, 0o600),
            Entry(f"etc/hard{n}", HARDLINK, 0, 0o644, f"etc/layer{n}.conf"),
            Entry("bin/sh", SYMLINK, 0, 0o777, "busybox"),
            Entry("tmp/gone", WHITEOUT),
            Entry("var/cache", OPAQUE),
            Entry("bin/été ünïcode", FILE, 7, 0o4755, "", 1),
        )))
    return tuple(out)


@pytest.fixture
def carried(tmp_path) -> tuple[Snapshot, Path]:
    """The demo snapshot with a file index of all its layers, saved."""
    snap = Snapshot.load(DEMO_SNAPSHOT)
    snap = snap.replace(layer_files=index_of(snap))
    path = tmp_path / "with-files.json"
    snap.save(path)
    return snap, path


def test_file_index_round_trips(carried):
    snap, path = carried
    doc = json.loads(path.read_text())
    assert doc["schema"] == SCHEMA_VERSION == 4
    assert doc["layer_files"] == [layer_files_to_json(lf) for lf in snap.layer_files]
    assert doc["layer_files"][0]["entries"][1] == ["etc/layer0.conf", "file", 100, 0o644, "", 0xDEADBEEF]
    again = Snapshot.load(path)
    assert again.warnings == ()
    assert again.layer_files == snap.layer_files
    assert again.images == snap.images
    assert set(again.files_by_diff_id) == {d for img in snap.images for d in img.diff_ids}
    lf = again.files_by_diff_id[snap.images[0].diff_ids[-1]]
    assert lf in snap.layer_files and lf.entries[-1].mode == 0o4755


@pytest.mark.parametrize("path", OLDER, ids=lambda p: Path(p).name)
def test_files_without_an_index_write_no_key_and_old_schemas_open(path, tmp_path):
    doc = json.loads(Path(path).read_text())
    assert doc["schema"] in (1, 2)          # the bundled files are older schemas: they must keep opening
    snap = Snapshot.load(path)
    assert snap.layer_files == () and snap.files_by_diff_id == {} and snap.warnings == ()
    out = snap.to_json()
    assert "layer_files" not in out and out["schema"] == SCHEMA_VERSION


def test_the_demo_carries_the_tutorials_node_modules_where_npm_install_put_them():
    """The bundled demo, recorded with --with-files from the tutorial's two builds: node_modules is in the
    `npm install` layer of simple-express:latest and not in its `COPY . .` layer (its .dockerignore), while
    simple-express:alpine (built before the .dockerignore) copies it again and wastes those bytes."""
    from model.core.analysis import Analysis
    from model.files.stack import image_files
    snap = Snapshot.load(DEMO_SNAPSHOT)
    assert json.loads(Path(DEMO_SNAPSHOT).read_text())["schema"] == 3
    by_tag = {t: img for img in snap.images for t in img.repo_tags}
    sizes = Analysis(snap).layer_sizes

    def layer_paths(tag: str, created_by: str) -> set[str]:
        image = by_tag[tag]
        files = image_files(image, {d: snap.files_by_diff_id[d] for d in image.diff_ids}, sizes)
        mapping = Analysis(snap).history_mapping(image.id)
        row = next(i for i, r in enumerate(image.history) if created_by in r.created_by)
        layer = files.layers[mapping.row_layer[row]]
        return {c.path for c in layer.changes}

    modules = "usr/src/app/node_modules"
    assert modules in layer_paths("simple-express:latest", "npm install")
    assert not any(p.startswith(modules) for p in layer_paths("simple-express:latest", "COPY dir:"))
    assert "usr/src/app/app.js" in layer_paths("simple-express:latest", "COPY dir:")
    assert any(p.startswith(modules + "/") for p in layer_paths("simple-express:alpine", "COPY dir:"))
    alpine = by_tag["simple-express:alpine"]
    wasted = image_files(alpine, {d: snap.files_by_diff_id[d] for d in alpine.diff_ids}, sizes).wasted_bytes
    assert wasted >= 48 * 39_900      # every node_modules file npm install wrote is copied over again


def test_a_schema_1_file_with_an_index_opens(carried, tmp_path):
    snap, path = carried
    doc = json.loads(path.read_text())
    doc["schema"] = 1
    older = tmp_path / "old.json"
    older.write_text(json.dumps(doc))
    assert Snapshot.load(older).layer_files == snap.layer_files


def test_a_newer_schema_is_refused(carried, tmp_path):
    _, path = carried
    doc = json.loads(path.read_text())
    doc["schema"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError, match=f"schema {SCHEMA_VERSION + 1} is newer than this Layerscope understands"):
        Snapshot.load(path)


def _entry(doc: dict, layer: int = 0, row: int = 1) -> list:
    return doc["layer_files"][layer]["entries"][row]


# Each hostile kind and the JSON path plus words its one line must carry.
HOSTILE = {
    "not a list": (lambda d: d.update(layer_files={"a": 1}), "layer_files: expected a list, got an object"),
    "layer not an object": (lambda d: d["layer_files"].__setitem__(0, "x"), "layer_files[0]: expected an object"),
    "no diff_id": (lambda d: d["layer_files"][0].pop("diff_id"), "layer_files[0].diff_id: missing"),
    "bad diff_id": (lambda d: d["layer_files"][0].__setitem__("diff_id", "sha256:xyz"), "layer_files[0].diff_id"),
    "entries not a list": (lambda d: d["layer_files"][1].__setitem__("entries", "none"),
                           "layer_files[1].entries: expected a list"),
    "row too short": (lambda d: d["layer_files"][0]["entries"].__setitem__(2, ["a", "file", 1]),
                      "layer_files[0].entries[2]: expected [path, type, size, mode, link, crc]"),
    "size a string": (lambda d: _entry(d).__setitem__(2, "100"), "layer_files[0].entries[1][2]: not a size"),
    "negative size": (lambda d: _entry(d).__setitem__(2, -1), "layer_files[0].entries[1][2]: not a size"),
    "huge size": (lambda d: _entry(d).__setitem__(2, 2**64), "layer_files[0].entries[1][2]: not a size"),
    "float size": (lambda d: _entry(d).__setitem__(2, 1.5), "layer_files[0].entries[1][2]: not a size"),
    "sized directory": (lambda d: _entry(d, row=0).__setitem__(2, 5), "layer_files[0].entries[0][2]: not a size"),
    "absolute path": (lambda d: _entry(d).__setitem__(0, "/etc/passwd"), "layer_files[0].entries[1][0]"),
    "dot-dot path": (lambda d: _entry(d).__setitem__(0, "etc/../../root"), "layer_files[0].entries[1][0]"),
    "leading ./": (lambda d: _entry(d).__setitem__(0, "./etc/x"), "layer_files[0].entries[1][0]"),
    "NUL in path": (lambda d: _entry(d).__setitem__(0, "etc/a\x00b"), "layer_files[0].entries[1][0]"),
    "path not a string": (lambda d: _entry(d).__setitem__(0, 7), "layer_files[0].entries[1][0]: expected a path"),
    "unknown type": (lambda d: _entry(d).__setitem__(1, "fifo"), "layer_files[0].entries[1][1]: not an entry type"),
    "mode out of range": (lambda d: _entry(d).__setitem__(3, 0o170000), "layer_files[0].entries[1][3]: not a mode"),
    "crc on a dir": (lambda d: _entry(d, row=0).__setitem__(5, 3), "layer_files[0].entries[0][5]"),
    "crc too big": (lambda d: _entry(d).__setitem__(5, 2**32), "layer_files[0].entries[1][5]"),
    "link on a file": (lambda d: _entry(d).__setitem__(4, "elsewhere"), "layer_files[0].entries[1][4]"),
    "duplicate diff ID": (lambda d: d["layer_files"].append(json.loads(json.dumps(d["layer_files"][0]))),
                          "diff_id: duplicate of layer_files[0].diff_id"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_index_is_refused_in_one_line(kind, carried):
    _, path = carried
    doc = json.loads(path.read_text())
    mutate, words = HOSTILE[kind]
    mutate(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotError) as err:
        Snapshot.load(path)
    line = str(err.value)
    assert "\n" not in line and line.startswith(f"{path}: malformed snapshot at ")
    assert words in line


def test_too_many_entries_in_all_are_refused_before_parsing_them(carried, monkeypatch):
    snap, path = carried
    per_layer = len(snap.layer_files[0].entries)
    monkeypatch.setattr(snapshotfile, "MAX_FILE_ENTRIES", 2 * per_layer)
    parsed: list[str] = []
    real = snapshotfile.layer_files_from_json
    monkeypatch.setattr(snapshotfile, "layer_files_from_json", lambda d, p: parsed.append(p) or real(d, p))
    with pytest.raises(SnapshotError, match=r"layer_files\[2\]\.entries: more than 16 entries in all layers"):
        Snapshot.load(path)
    assert parsed == ["layer_files[0]", "layer_files[1]"]     # the third layer was refused unread


def test_too_many_layers_are_refused(carried, monkeypatch):
    snap, path = carried
    monkeypatch.setattr(snapshotfile, "MAX_FILE_LAYERS", len(snap.layer_files) - 1)
    with pytest.raises(SnapshotError, match=f"layer_files: more than {len(snap.layer_files) - 1} layers"):
        Snapshot.load(path)


def test_a_null_index_opens_with_a_repair_told(carried):
    _, path = carried
    doc = json.loads(path.read_text())
    doc["layer_files"] = None
    path.write_text(json.dumps(doc))
    snap = Snapshot.load(path)
    assert snap.layer_files == ()
    assert snap.warnings == ("repaired while opening: layer_files: null; taken as empty",)


def test_an_index_of_a_layer_no_image_holds_is_kept(carried, tmp_path):
    # a what-if snapshot saved after an rmi still carries the index of the layers it removed
    snap, _ = carried
    fewer = snap.replace(images=snap.images[:1])
    fewer.save(tmp_path / "fewer.json")
    assert Snapshot.load(tmp_path / "fewer.json").layer_files == snap.layer_files


def _main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_snapshot_save_with_files_offline_keeps_the_index_or_names_what_is_missing(carried, tmp_path):
    snap, path = carried
    out = tmp_path / "copy.json"
    done = _main("snapshot", "--snapshot", str(path), "--save", str(out), "--with-files")
    assert done.returncode == 0, done.stderr
    assert Snapshot.load(out).layer_files == snap.layer_files
    bare = tmp_path / "bare.json"
    snap.replace(layer_files=()).save(bare)
    done = _main("snapshot", "--snapshot", str(bare), "--save", str(out), "--with-files")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    first = snap.images[0]
    name = first.repo_tags[0] if first.repo_tags else first.short_id
    assert done.stderr == (f"layerscope: this snapshot carries no file index for {name} "
                           f"(save it with snapshot --save FILE --with-files)\n")
    done = _main("snapshot", "--snapshot", str(bare), "--with-files")
    assert (done.returncode, done.stderr) == (2, "layerscope: --with-files needs --save FILE\n")
