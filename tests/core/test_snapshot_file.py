"""Snapshot files are checked once, where they enter: each hostile kind is refused with its JSON path,
repairable ones open with a warning, and what is written reads back the same."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import resource
import time
from pathlib import Path

import pytest

from model.core.chain import chain_ids
from model.core.snapshot import Snapshot, SnapshotError
from model.core.snapshotfile import share_chain_ids
from resources import DEMO_SNAPSHOT, ENGINE29_SNAPSHOT

DEMOS = [DEMO_SNAPSHOT, ENGINE29_SNAPSHOT, Path(DEMO_SNAPSHOT).with_name("tutorial-commit.json")]


def demo_doc() -> dict:
    return json.loads(Path(DEMO_SNAPSHOT).read_text())


def write(tmp_path: Path, doc: dict | str | bytes) -> Path:
    path = tmp_path / "snap.json"
    if isinstance(doc, dict):
        doc = json.dumps(doc)
    path.write_bytes(doc if isinstance(doc, bytes) else doc.encode())
    return path


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: Path(p).name)
def test_recorded_snapshots_open_clean_and_round_trip(path, tmp_path):
    snap = Snapshot.load(path)
    assert snap.warnings == ()
    again = Snapshot.from_json(json.loads(json.dumps(snap.to_json())))
    assert again.images == snap.images and again.containers == snap.containers and again.info == snap.info
    snap.save(tmp_path / "copy.json")
    assert Snapshot.load(tmp_path / "copy.json").images == snap.images


def _image_index(doc: dict, tag: str) -> int:
    return next(n for n, img in enumerate(doc["images"]) if tag in img["repo_tags"])


def _mutate(kind: str, doc: dict) -> None:
    imgs = doc["images"]
    apache = _image_index(doc, "ubuntu_apache:latest")
    ubuntu = _image_index(doc, "ubuntu:18.04")
    if kind == "self parent":
        imgs[ubuntu]["parent"] = imgs[ubuntu]["id"]
    elif kind == "three-image cycle":
        a, b, c = imgs[0], imgs[1], imgs[2]
        a["parent"], b["parent"], c["parent"] = b["id"], c["id"], a["id"]
    elif kind == "duplicate id":
        imgs.append(dict(imgs[apache]))
    elif kind == "duplicate tag":
        imgs[apache]["repo_tags"] = imgs[apache]["repo_tags"] + ["ubuntu:18.04"]
    elif kind == "parent chain":
        imgs[apache]["parent"] = imgs[ubuntu]["id"]
        imgs[apache]["diff_ids"] = imgs[apache]["diff_ids"][1:]
    elif kind == "negative size":
        imgs[apache]["size"] = -7
    elif kind == "beyond int64":
        imgs[apache]["size"] = 2**63
    elif kind == "sum beyond int64":
        for img in imgs:
            img["size"] = 2**62
    elif kind == "uppercase tag":
        imgs[apache]["repo_tags"] = ["Ubuntu_Apache:latest"]
    elif kind == "long tag":
        imgs[apache]["repo_tags"] = ["a" * 300 + ":1"]
    elif kind == "control character":
        imgs[apache]["repo_tags"] = ["ubuntu\x1b[31m:1"]
    elif kind == "bad diff id":
        imgs[apache]["diff_ids"][0] = "sha256:xyz"
    elif kind == "history id":
        imgs[apache]["history"][0]["id"] = None
    elif kind == "image id is a layer":
        imgs[apache]["id"] = imgs[ubuntu]["diff_ids"][0]      # the bottom layer's chain ID is its diff ID
    elif kind == "unknown store":
        doc["info"]["image_store"] = "zfs-magic"


@pytest.mark.parametrize("kind, where", [
    ("self parent", "parent: parent cycle"),
    ("three-image cycle", "parent: parent cycle"),
    ("duplicate id", "].id: duplicate of images["),
    ("duplicate tag", "'ubuntu:18.04' also tags images["),
    ("parent chain", "].parent: its layers are not the bottom of this image's layers"),
    ("negative size", "].size: out of range 0 … 2^63-1: -7"),
    ("beyond int64", "].size: out of range 0 … 2^63-1"),
    ("sum beyond int64", "images: sizes add up to more than 2^63-1 bytes"),
    ("uppercase tag", "].repo_tags[0]: not a valid reference 'Ubuntu_Apache:latest': invalid reference format: repository name must be lowercase"),
    ("long tag", "].repo_tags[0]: not a valid reference"),
    ("control character", "].repo_tags[0]: not a valid reference"),
    ("bad diff id", "].diff_ids[0]: not a valid value"),
    ("history id", "].history[0].id: expected a sha256 digest or <missing>, got null"),
    ("image id is a layer", "].id: is also the chain ID of a layer"),
    ("unknown store", "info.image_store: unknown image store 'zfs-magic'"),
])
def test_inconsistent_files_are_refused_naming_the_path(tmp_path, kind, where):
    doc = demo_doc()
    _mutate(kind, doc)
    path = write(tmp_path, doc)
    with pytest.raises(SnapshotError) as err:
        Snapshot.load(path)
    text = str(err.value)
    assert text.startswith(f"{path}: malformed snapshot at ") and "\n" not in text
    assert where in text


@pytest.mark.parametrize("text, message", [
    ('{"kind": "layerscope-snapshot", "schema": 2, "size": Infinity}', "Infinity is not a number JSON allows"),
    ('{"kind": "layerscope-snapshot", "schema": 2, "size": NaN}', "NaN is not a number JSON allows"),
    ('{"kind": "layerscope-snapshot", "schema": 2, "size": ' + "9" * 5000 + "}", "not valid JSON: Exceeds the limit"),
    ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply"),
    ('{"kind": "layerscope-snapshot", "schema": 2, "info": {}, "images": [', "not valid JSON (line 1"),
])
def test_unreadable_json_is_refused_in_one_line(tmp_path, text, message):
    with pytest.raises(SnapshotError, match="^.*" + message.replace("(", r"\(")):
        Snapshot.load(write(tmp_path, text))


def test_non_utf8_bytes_are_refused_with_their_offset(tmp_path):
    raw = Path(DEMO_SNAPSHOT).read_bytes()
    with pytest.raises(SnapshotError, match=r"not UTF-8 text \(byte 100\)"):
        Snapshot.load(write(tmp_path, raw[:100] + b"\xff" + raw[100:]))


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.write(Path(DEMO_SNAPSHOT).read_bytes())
        f.truncate(2 * 2**30)              # 2 GiB, sparse
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(SnapshotError, match=r"too large for a snapshot \(2,147,483,648 bytes"):
        Snapshot.load(path)
    assert time.perf_counter() - start < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000     # KiB: nothing was read


def test_a_directory_a_pipe_and_a_missing_file_are_named(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")       # opening it must not wait for a writer
    with pytest.raises(SnapshotError, match="pipe.json: not a regular file"):
        Snapshot.load(tmp_path / "pipe.json")
    with pytest.raises(SnapshotError, match="is a directory, not a snapshot file"):
        Snapshot.load(tmp_path)
    with pytest.raises(SnapshotError, match="cannot read snapshot .*nope.json: No such file or directory"):
        Snapshot.load(tmp_path / "nope.json")


def test_repairable_problems_open_with_a_warning(tmp_path):
    doc = demo_doc()
    doc["images"][3]["future_field"] = {"deep": [1, 2]}
    doc["images"][4]["future_field"] = 1
    del doc["images"][5]["history"]
    del doc["containers"]
    doc["images"][6]["comment"] = None
    snap = Snapshot.load(write(tmp_path, doc))
    assert len(snap.images) == len(doc["images"]) and snap.containers == ()
    assert snap.images[5].history == ()
    assert set(snap.warnings) == {
        "repaired while opening: images[3].future_field: unknown field ignored (and 1 more alike)",
        "repaired while opening: images[5].history: missing; taken as empty",
        "repaired while opening: images[6].comment: null; taken as empty",
        "repaired while opening: containers: missing; taken as empty"}


def test_save_writes_through_a_temporary_file_and_leaves_nothing_behind(tmp_path):
    snap = Snapshot.load(DEMO_SNAPSHOT)
    target = tmp_path / "out.json"
    target.write_text("old")
    snap.save(target)
    assert Snapshot.load(target).images == snap.images
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    with pytest.raises(SnapshotError, match=f"cannot write snapshot {tmp_path}: it is a directory"):
        snap.save(tmp_path)
    with pytest.raises(SnapshotError, match="cannot write snapshot .*/missing/f.json: No such file or directory"):
        snap.save(tmp_path / "missing" / "f.json")
    if os.geteuid() != 0:           # root writes anywhere; the read-only case is then the CLI test's
        (tmp_path / "ro").mkdir(mode=0o555)
        with pytest.raises(SnapshotError, match="Permission denied"):
            snap.save(tmp_path / "ro" / "f.json")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["out.json"]


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: Path(p).name)
def test_an_opened_snapshot_holds_one_string_per_layer(path):
    """Chain IDs are computed once per layer where a snapshot is checked: every image and platform holding a
    layer holds the same string, and each stack's chain IDs are those of its own diff IDs."""
    snap = Snapshot.load(path)
    first: dict[str, str] = {}
    held = 0
    for img in snap.images:
        for stack in (img, *img.manifests):
            assert stack.chain_ids == chain_ids(stack.diff_ids)
            for chain_id in stack.chain_ids:
                assert first.setdefault(chain_id, chain_id) is chain_id
            held += len(stack.chain_ids)
    assert held > len(first)                    # (these hosts share layers: some strings were handed out twice)
    top = snap.images[0]
    if len(top.diff_ids) > 1:                   # the spec's formula, by hand, for one layer
        expected = "sha256:" + hashlib.sha256(f"{top.chain_ids[0]} {top.diff_ids[1]}".encode()).hexdigest()
        assert top.chain_ids[1] == expected


def test_an_image_carried_over_keeps_its_chain_ids_and_lends_them():
    """An image object from an earlier snapshot keeps its chain IDs; the new images take its strings."""
    snap = Snapshot.load(DEMO_SNAPSHOT)
    carried = max(snap.images, key=lambda img: len(img.diff_ids))
    before = carried.chain_ids
    new = [dataclasses.replace(img) for img in snap.images if img is not carried]
    assert all("chain_ids" not in img.__dict__ for img in new)
    share_chain_ids(snap.replace(images=(*new, carried)))
    assert carried.chain_ids is before
    lent = {c: c for c in before}
    shared = [c for img in new for c in img.chain_ids if c in lent]
    assert shared and all(c is lent[c] for c in shared)
