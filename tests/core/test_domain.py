"""The pure domain without a daemon: chain IDs, history mapping, sizes, snapshot files, the bundled demos."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.core.chain import EMPTY_LAYER_DIFF_ID, chain_ids
from model.core.history import map_history
from model.core.sizes import human
from model.core.snapshot import SCHEMA_VERSION, DaemonInfo, HistoryRow, Image, Snapshot, SnapshotError

ROOT = Path(__file__).resolve().parents[2]


def test_chain_ids_follow_the_image_spec():
    d1, d2, d3 = (f"sha256:{c * 64}" for c in "abc")
    c2 = "sha256:" + hashlib.sha256(f"{d1} {d2}".encode()).hexdigest()
    c3 = "sha256:" + hashlib.sha256(f"{c2} {d3}".encode()).hexdigest()
    assert chain_ids([d1, d2, d3]) == (d1, c2, c3)
    assert chain_ids([]) == ()
    # same diff at another position is another layer
    assert chain_ids([d2, d1])[1] != chain_ids([d1, d2])[1]


def _img(sizes_and_cmds, diff_ids, size=None):
    rows = tuple(HistoryRow(id="<missing>", created=0, created_by=c, size=s) for s, c in reversed(sizes_and_cmds))
    return Image(id="sha256:" + "f" * 64, repo_tags=(), repo_digests=(), parent="", created="",
                 size=sum(s for s, _ in sizes_and_cmds) if size is None else size,
                 diff_ids=tuple(diff_ids), history=rows)


def test_history_mapping_tutorial_base_is_exact():
    """ubuntu:18.04 of the tutorial: ADD, set -xe, rm -rf (0-byte layer), mkdir, CMD (no layer)."""
    rows = [(86_700_000, "/bin/sh -c #(nop) ADD file:c0f17c71 in / "), (745, "/bin/sh -c set -xe && echo"),
            (0, "/bin/sh -c rm -rf /var/lib/apt/lists/*"), (7, "/bin/sh -c mkdir -p /run/systemd"),
            (0, '/bin/sh -c #(nop)  CMD ["/bin/bash"]')]
    m = map_history(_img(rows, [f"sha256:{i}" * 1 for i in "1234"]))
    assert m.exact and m.sizes_exact
    assert m.layer_sizes == (86_700_000, 745, 0, 7)
    assert m.row_layer == (None, 3, 2, 1, 0)        # newest row first


def test_history_mapping_records_uncertainty_instead_of_guessing():
    """Two 0-byte non-#(nop) rows but one missing layer: which one made it cannot be decided."""
    rows = [(100, "import"), (0, "sh -c true"), (0, "sh -c rm /x"), (5, "sh -c echo")]
    m = map_history(_img(rows, ["sha256:a", "sha256:b", "sha256:c"]))
    assert not m.exact
    assert m.sizes_exact                    # both candidates give sizes (100, 0, 5)
    assert m.layer_sizes == (100, 0, 5)
    rows = [(100, "import"), (0, "sh -c true"), (3, "sh -c x"), (0, "sh -c rm /x"), (5, "sh -c echo")]
    m = map_history(_img(rows, ["sha256:a", "sha256:b", "sha256:c", "sha256:d"]))
    assert not m.exact and not m.sizes_exact   # (100,0,3,5) or (100,3,0,5)


def test_history_mapping_uses_the_empty_layer_digest():
    rows = [(100, "import"), (0, "sh -c true"), (3, "sh -c x"), (0, "sh -c rm /x"), (5, "sh -c echo")]
    m = map_history(_img(rows, ["sha256:a", EMPTY_LAYER_DIFF_ID, "sha256:c", "sha256:d"]))
    # layer 2 cannot carry the 3 bytes (its diff is the empty tar): only (100,0,3,5) is left
    assert m.exact and m.layer_sizes == (100, 0, 3, 5)


def test_history_that_does_not_fit_the_layers_gives_no_sizes():
    m = map_history(_img([(100, "import"), (5, "x")], ["sha256:a"]))
    assert m.layer_sizes is None and not m.exact


def test_human_sizes_match_the_docker_cli():
    assert [human(n) for n in (0, 7, 745, 200_000, 86_700_000, 207_000_000, 2_483_359)] == \
        ["0B", "7B", "745B", "200kB", "86.7MB", "207MB", "2.48MB"]


def _snapshot() -> Snapshot:
    img = _img([(10, "import")], ["sha256:" + "a" * 64])
    return Snapshot(info=DaemonInfo(version="20.10.24"), images=(img,), taken_at="now")


def test_snapshot_round_trips_through_json(tmp_path):
    snap = _snapshot()
    path = tmp_path / "s.json"
    snap.save(path)
    again = Snapshot.load(path)
    assert again.images == snap.images and again.info == snap.info
    assert again.source == "file"
    assert json.loads(path.read_text())["schema"] == SCHEMA_VERSION


def test_containerd_fields_round_trip_and_schema_1_files_still_open(tmp_path):
    """Schema 2 keeps Engine 29's manifests, descriptor and sizes; a schema-1 file opens with none of them."""
    from dataclasses import replace
    from model.core.snapshot import Manifest, STORE_CONTAINERD
    base = _snapshot()
    amd = Manifest("sha256:" + "1" * 64, "application/vnd.oci.image.manifest.v1+json", 668, "image", "linux/amd64",
                   True, 1_083_885, 2_027_520, containers=("c" * 64,))
    arm = Manifest("sha256:" + "2" * 64, "application/vnd.oci.image.manifest.v1+json", 668, "image", "linux/arm64/v8",
                   False, 900, 0)
    att = Manifest("sha256:" + "3" * 64, "application/vnd.oci.image.manifest.v1+json", 836, "attestation",
                   content_size=1_500, attestation_for=amd.id)
    img = replace(base.images[0], manifests=(amd, arm, att), media_type="application/vnd.oci.image.index.v1+json",
                  target_size=855, disk_usage=3_113_446, shared_size=3_085_394)
    snap = Snapshot(info=DaemonInfo(version="29.7.2", image_store=STORE_CONTAINERD), images=(img,), layers_size=42)
    path = tmp_path / "s.json"
    snap.save(path)
    again = Snapshot.load(path)
    assert again.images == snap.images and again.layers_size == 42
    assert again.images[0].platforms == ("linux/amd64", "linux/arm64/v8") and again.images[0].is_index
    assert again.images[0].content_size == 1_083_885 + 900 + 1_500
    # a schema-1 file (no such keys) opens, and its images say nothing of manifests
    data = json.loads(path.read_text())
    data["schema"] = 1
    del data["layers_size"]
    for key in ("manifests", "media_type", "target_size", "disk_usage", "shared_size"):
        del data["images"][0][key]
    old = Snapshot.from_json(data)
    assert old.images[0].manifests == () and old.images[0].disk_usage is None and old.layers_size is None
    # a classic-store image writes none of the new keys
    assert "manifests" not in _snapshot().to_json()["images"][0]


def test_unlabelled_names_round_trip_and_older_files_open(tmp_path):
    """Schema 4 keeps which names' records carry no parent label (containerd store) and Podman's own digest
    of an image; a schema-3 file has neither, and a name that is not one of the image's RepoTags is refused
    naming its path."""
    from dataclasses import replace
    from model.core.snapshot import STORE_CONTAINERD
    img = replace(_snapshot().images[0], repo_tags=("a:1", "127.0.0.1:5000/a:1"), parent="sha256:" + "b" * 64,
                  parent_unlabelled=("127.0.0.1:5000/a:1",), digest="sha256:" + "c" * 64)
    snap = Snapshot(info=DaemonInfo(version="29.7.2", image_store=STORE_CONTAINERD), images=(img,))
    path = tmp_path / "s.json"
    snap.save(path)
    data = json.loads(path.read_text())
    assert data["schema"] == SCHEMA_VERSION == 4
    assert Snapshot.load(path).images == snap.images
    data["schema"] = 3
    del data["images"][0]["parent_unlabelled"], data["images"][0]["digest"]
    old = Snapshot.from_json(data).images[0]
    assert old.parent_unlabelled == () and old.digest == "" and old.repo_tags == img.repo_tags
    assert not {"parent_unlabelled", "digest"} & set(_snapshot().to_json()["images"][0])
    data["images"][0]["parent_unlabelled"] = ["b:1"]
    with pytest.raises(SnapshotError, match=r"images\[0\]\.parent_unlabelled\[0\]: 'b:1' is not one of its"):
        Snapshot.from_json(data)


@pytest.mark.parametrize("field, value", [("disk_usage", -1), ("shared_size", 2**63), ("disk_usage", "big"),
                                          ("manifests", [{"id": 1}])])
def test_bad_containerd_fields_are_refused(field, value):
    data = _snapshot().to_json()
    data["images"][0][field] = value
    with pytest.raises(SnapshotError, match="malformed snapshot"):
        Snapshot.from_json(data)


def test_api_version_is_negotiated_within_what_the_reader_knows():
    from model.daemon.source import negotiate
    assert negotiate("1.41") == "1.41"          # dockerd 20.10, Podman 4
    assert negotiate("1.55") == "1.55"          # Engine 29
    assert negotiate("1.60") == "1.55"          # a newer engine is spoken to in the newest API known
    assert negotiate("garbage") == "1.55"


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"kind": "something-else"}', "not a Layerscope snapshot"),
    ('{"kind": "layerscope-snapshot", "schema": 999}', "newer than this Layerscope"),
    ('{"kind": "layerscope-snapshot", "schema": 1, "info": {}, "images": [{"id": 5}]}', "malformed snapshot"),
    ('{"kind": "layerscope-snapshot"}', "malformed snapshot at schema: missing"),
])
def test_bad_snapshot_files_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SnapshotError, match=message):
        Snapshot.load(path)
    res = subprocess.run([sys.executable, "main.py", "snapshot", "--json", "--snapshot", str(path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 1
    assert res.stdout == ""
    assert res.stderr.count("\n") == 1 and message in res.stderr and "Traceback" not in res.stderr


def test_missing_snapshot_file_is_a_clear_error(tmp_path):
    with pytest.raises(SnapshotError, match="cannot read snapshot"):
        Snapshot.load(tmp_path / "nope.json")


def test_unreachable_daemon_exits_1_with_one_line(tmp_path):
    res = subprocess.run([sys.executable, "main.py", "snapshot", "--json", "--host", f"unix://{tmp_path}/none.sock"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert res.stderr.strip().startswith("layerscope: no Docker daemon at unix://")
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_bundled_demo_is_a_consistent_recording():
    """The demo snapshot: every history maps exactly and layer sizes add up to each image's SIZE."""
    from model.core.analysis import Analysis
    snap = Snapshot.load(ROOT / "resources" / "demo" / "tutorial.json")
    assert snap.source == "demo"
    an = Analysis(snap)
    tags = {t for img in snap.images for t in img.repo_tags}
    assert {"ubuntu:18.04", "ubuntu_apache:latest", "iscreamedu_apache:latest", "apache-ubuntu:1"} <= tags
    for img in snap.images:
        mapping = an.history_mapping(img.id)
        assert mapping.exact and mapping.sizes_exact, img.repo_tags
        assert sum(an.layer_sizes[c] for c in img.chain_ids) == img.size
        assert an.image_sizes[img.id].unique_size >= 0
    by_tag = {t: img for img in snap.images for t in img.repo_tags}
    assert human(by_tag["ubuntu:18.04"].size) == "86.7MB"
    assert human(by_tag["ubuntu_apache:latest"].size) == "207MB"
    assert by_tag["iscreamedu_apache:latest"].chain_ids[:5] == by_tag["ubuntu_apache:latest"].chain_ids


def test_commit_lesson_demo_replays_the_tutorials_three_rmi_answers():
    """resources/demo/tutorial-commit.json gives the tutorial's printed rmi answers, line for line in shape."""
    from model.engine.simulate import rmi
    snap = Snapshot.load(ROOT / "resources" / "demo" / "tutorial-commit.json")
    by_tag = {t: img for img in snap.images for t in img.repo_tags}
    base, apache, edu = by_tag["ubuntu:18.04"], by_tag["ubuntu_apache:latest"], by_tag["iscreamedu_apache:latest"]
    outcomes, after = rmi(snap, ["ubuntu:18.04", "iscreamedu_apache", "ubuntu_apache"])
    first, second, third = (o.response for o in outcomes)
    # only untags, children still use it: its tag, then the digest reference of the pull (as Docker Hub leaves it)
    assert base.repo_digests[0].startswith("ubuntu@sha256:")
    assert first == ({"Untagged": "ubuntu:18.04"}, {"Untagged": base.repo_digests[0]})
    assert second == ({"Untagged": "iscreamedu_apache:latest"}, {"Deleted": edu.id},
                      {"Deleted": edu.chain_ids[-1]})                # its image and its one layer
    assert third == ({"Untagged": "ubuntu_apache:latest"}, {"Deleted": apache.id},
                     {"Deleted": apache.chain_ids[-1]}, {"Deleted": base.id},
                     *({"Deleted": c} for c in reversed(base.chain_ids)))   # 7 Deleted lines, as printed
    assert after.images == ()


@pytest.mark.parametrize("name", ["tutorial.json", "tutorial-commit.json", "engine29.json", "archive"])
def test_layer_use_is_each_layers_holders(name):
    """layer_use (which lets a layer share the LayerUse of the one under it when both have as many holders) gives
    each chain ID exactly the images holding it, in snapshot order, and those of them tagged, counted and listed."""
    from model.core.classify import counted_ids, held_layers, layer_use, listed_ids
    if name == "archive":
        sys.path.insert(0, str(ROOT / "bench"))
        from make_archive import archive_snapshot
        snap = archive_snapshot(300)
    else:
        snap = Snapshot.load(ROOT / "resources" / "demo" / name)
    counted, listed = counted_ids(snap), listed_ids(snap)
    use = layer_use(snap)
    layers = {c for img in snap.images for c in held_layers(img)}
    assert set(use) == layers
    shared = 0
    for chain_id in layers:
        holders = tuple(img.id for img in snap.images if chain_id in held_layers(img))
        u = use[chain_id]
        assert u.images == holders
        assert u.tagged_images == tuple(i for i in holders if snap.by_id[i].repo_tags)
        assert u.listed_images == tuple(i for i in holders if i in listed)
        assert u.counted == sum(1 for i in holders if i in counted)
        shared += len(holders) > 1
    assert shared
