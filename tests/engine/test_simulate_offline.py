"""Simulator rules on hand-made snapshots: digest refs (no registry here), what-if chaining, filters,
unpredictable cases, and the containerd / Podman paths taken from the engines' source."""
from __future__ import annotations

import dataclasses

from handmade import D, img, layer, snap
from model.engine import simulate
from model.core.chain import chain_ids
from model.core.snapshot import STORE_CONTAINERD, STORE_PODMAN, Container

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
    assert out.unpredictable and "may keep layers of this image alive" in out.unpredictable
    b = img(2, (layer(1),), tags=["b:1"])                 # an untag releases no layer: still exact
    [out], _ = simulate.rmi(snap(a, b, containers=[ghost]), ["a:1"])
    assert out.response == ({"Untagged": "a:1"}, {"Deleted": a.id})


def test_orphaned_container_pins_exactly_its_recorded_chain():
    """A container of a force-removed image pins the chain the snapshot recorded (Container.layer_chain)."""
    base = img(1, (layer(1),), tags=["base:1"])
    leaf = img(2, (layer(1), layer(2)), tags=["leaf:1"])
    other = img(3, (layer(3),), tags=["other:1"])
    chain = chain_ids((layer(1), layer(2)))
    pinned = Container(id="9" * 64, names=("/g",), image="gone", image_id="sha256:" + "e" * 64, state="exited",
                       layer_chain=chain)
    s = snap(base, leaf, other, containers=[pinned])
    [out], _ = simulate.rmi(s, ["other:1"])                              # unrelated: exact
    assert out.response == ({"Untagged": "other:1"}, {"Deleted": other.id}, {"Deleted": layer(3)})
    [out], _ = simulate.rmi(s, ["leaf:1"])                               # its layers stay: pinned
    assert out.response == ({"Untagged": "leaf:1"}, {"Deleted": leaf.id})
    nothing = dataclasses.replace(pinned, layer_chain=())                # pins no layer the snapshot knows
    [out], _ = simulate.rmi(snap(base, leaf, other, containers=[nothing]), ["leaf:1"])
    assert out.response == ({"Untagged": "leaf:1"}, {"Deleted": leaf.id}, {"Deleted": chain[1]})


def test_force_removed_image_records_the_chain_its_container_pins():
    """What-if `rmi -f` of an image a stopped container uses: the next step knows which layers stay."""
    leaf = img(2, (layer(1), layer(2)), tags=["leaf:1"])
    user = Container(id="8" * 64, names=("/u",), image="leaf:1", image_id=leaf.id, state="exited")
    [out], after = simulate.rmi(snap(leaf, containers=[user]), ["leaf:1"], force=True)
    assert out.response == ({"Untagged": "leaf:1"}, {"Deleted": leaf.id})
    assert after.images == () and after.containers[0].layer_chain == leaf.chain_ids


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
