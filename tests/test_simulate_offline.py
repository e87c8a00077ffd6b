"""Simulator rules on hand-made snapshots: digest refs (no registry here), what-if chaining, filters,
unpredictable cases, and the containerd / Podman paths taken from the engines' source."""
from __future__ import annotations

from model import simulate
from model.chain import chain_ids
from model.snapshot import (STORE_CONTAINERD, STORE_PODMAN, Container, DaemonInfo, HistoryRow, Image,
                            Snapshot)

D = "sha256:" + "d" * 64


def img(n: int, diffs: tuple[str, ...], tags=(), digests=(), parent="", labels=(), created="2024-01-01T00:00:00Z"):
    rows = tuple(HistoryRow(id="<missing>", created=0, created_by=f"step {k}", size=100 * (k + 1))
                 for k in range(len(diffs)))[::-1]
    return Image(id="sha256:" + f"{n:x}" * 64 if n < 16 else "sha256:" + f"{n:064x}", repo_tags=tuple(tags),
                 repo_digests=tuple(digests), parent=parent, created=created, size=sum(r.size for r in rows),
                 diff_ids=diffs, history=rows, labels=tuple(labels))


def layer(n: int) -> str:
    return "sha256:" + f"{n:064x}"


def snap(*images, containers=(), store="graphdriver", version="20.10.24"):
    return Snapshot(info=DaemonInfo(version=version, image_store=store), images=tuple(images),
                    containers=tuple(containers))


def test_digest_refs_follow_last_tag_of_repo():
    a = img(1, (layer(1), layer(2)), tags=["r:1"], digests=[f"r@{D}"])
    [out], after = simulate.rmi(snap(a), ["r:1"])
    c = chain_ids(a.diff_ids)
    assert out.response == ({"Untagged": "r:1"}, {"Untagged": f"r@{D}"}, {"Deleted": a.id},
                            {"Deleted": c[1]}, {"Deleted": c[0]})
    assert after.images == () and after.source == "what-if"


def test_digest_in_other_repo_keeps_image():
    a = img(1, (layer(1),), tags=["a:1"], digests=[f"b@{D}"])
    [out], after = simulate.rmi(snap(a), ["a:1"])
    assert out.response == ({"Untagged": "a:1"},)
    assert after.images[0].repo_tags == () and after.images[0].repo_digests == (f"b@{D}",)
    # by ID: a tag and a digest of another repository are not a single reference → must force
    [out], _ = simulate.rmi(snap(a), [a.id])
    assert out.status == 409 and "referenced in multiple repositories" in out.message


def test_what_if_chaining_and_sequential_refs():
    base = img(1, (layer(1),), tags=["base:1"])
    child = img(2, (layer(1), layer(2)), tags=["child:1"], parent=base.id)
    outs, after = simulate.rmi(snap(base, child), ["base:1", "child:1", "child:1"])
    assert outs[0].response == ({"Untagged": "base:1"},)          # parent with a child: untag only
    assert outs[1].response[-2:] == ({"Deleted": base.id}, {"Deleted": layer(1)})
    assert outs[2].status == 404 and outs[2].message == "No such image: child:1"
    assert after.images == ()


def test_running_container_message_alternatives():
    a = img(1, (layer(1),), tags=["a:1"])
    ctrs = [Container(id=f"{k}" * 64, names=(f"/c{k}",), image="a:1", image_id=a.id, state="running")
            for k in (1, 2)]
    [out], _ = simulate.rmi(snap(a, containers=ctrs), ["a:1"])
    assert out.status == 409 and len(out.alternatives) == 2
    assert out.matches({"error": {"status": 409, "message": out.alternatives[1]}})


def test_unknown_container_image_makes_layer_release_unpredictable():
    a = img(1, (layer(1),), tags=["a:1"])
    ghost = Container(id="9" * 64, names=("/g",), image="gone", image_id="sha256:" + "e" * 64, state="exited")
    [out], _ = simulate.rmi(snap(a, containers=[ghost]), ["a:1"])
    assert out.unpredictable and "may keep layers alive" in out.unpredictable


def test_prune_filters():
    old = img(1, (layer(1),), created="2020-01-01T00:00:00Z", labels=[("k", "v")])
    new = img(2, (layer(2),), created="2024-01-01T00:00:00.5Z")
    s = snap(old, new)
    res, _ = simulate.prune(s, filters={"until": ["2021-01-01T00:00:00Z"]})
    assert res.images_deleted == [{"Deleted": old.id}, {"Deleted": layer(1)}] and res.space_reclaimed == 100
    res, _ = simulate.prune(s, filters={"label": ["k=v"]})
    assert {"Deleted": old.id} in res.images_deleted and {"Deleted": new.id} not in res.images_deleted
    res, _ = simulate.prune(s, filters={"label!": ["k"]})
    assert {"Deleted": new.id} in res.images_deleted and {"Deleted": old.id} not in res.images_deleted
    res, _ = simulate.prune(s, filters={"bogus": ["1"]})
    assert (res.status, res.message) == (400, "Invalid filter 'bogus'")
    res, _ = simulate.prune(s, filters={"until": ["1h"]}, now=1704067200.5 + 3600)
    assert res.unpredictable and "cut-off" in res.unpredictable
    res, _ = simulate.prune(s, filters={"until": ["2021-01-01"]})
    assert res.unpredictable and "time zone" in res.unpredictable


def test_prune_matches_is_a_multiset():
    a, b = img(1, (layer(1),)), img(2, (layer(2),))
    res, _ = simulate.prune(snap(a, b))
    actual = {"ImagesDeleted": list(reversed(res.images_deleted)), "SpaceReclaimed": 200}
    assert res.matches(actual)
    assert not res.matches({"ImagesDeleted": res.images_deleted[:-1], "SpaceReclaimed": 200})


def test_containerd_store_from_source():
    a = img(1, (layer(1),), tags=["a:1", "b:1"])
    s = snap(a, store=STORE_CONTAINERD, version="29.0.0")
    [out], after = simulate.rmi(s, ["a:1"])
    assert out.response == ({"Untagged": "a:1"},)                  # other names left: untag only
    [out], after = simulate.rmi(after, ["b:1"])
    assert out.response == ({"Untagged": "b:1"}, {"Deleted": a.id})  # no chain-ID lines in this store
    [out], _ = simulate.rmi(snap(a, store=STORE_CONTAINERD, version="24.0.0"), ["a:1"])
    assert out.unpredictable


def test_podman_4_3_answers_and_other_versions_are_refused():
    """Podman 4.3 is predicted (tested live in test_podman.py); an unknown Podman version is not guessed."""
    a = img(1, (layer(1),), tags=["a:1"])
    [out], after = simulate.rmi(snap(a, store=STORE_PODMAN, version="4.3.1"), ["a:1"])
    assert out.response == ({"Deleted": a.id[7:]}, {"Untagged": "docker.io/library/a:1"})
    assert after.images == ()
    res, _ = simulate.prune(snap(a, store=STORE_PODMAN, version="4.3.1"))
    assert not res.unpredictable and res.images_deleted == []      # a tagged image is not dangling
    res, _ = simulate.prune(snap(a, store=STORE_PODMAN, version="5.0.0"))
    assert res.unpredictable
    [out], _ = simulate.rmi(snap(a, store=STORE_PODMAN), ["a:1"])
    assert out.unpredictable
