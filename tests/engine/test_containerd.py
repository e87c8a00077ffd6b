"""Engine 29's containerd image store, one surprising behaviour per test, on the real engine.

Each test builds its state on the private Engine 29, predicts the operation from a fresh
snapshot, performs it, and asserts prediction == answer and predicted state == re-read state
(random_states.check_rmi / check_prune); then it pins the behaviour itself on the engine's real
answer, so a later engine that changes it fails here by name.  (/work/shared/engines/README.md lists the
behaviours as they were first seen; model/engine/containerd.py ports them.)
"""
from __future__ import annotations

import datetime as _dt
import time

import builders
from model.engine import simulate
from model.engine.outcome import multiset
from random_states import check_prune, check_rmi, prune_answer, read

def _ids(client, all_: bool = True, **filters) -> set[str]:
    return {i["Id"] for i in client.api.images(all=all_, filters=filters or None)}


def _base(client, ref: str = "base:1", seed: int = 1) -> str:
    return builders.import_image(client, ref, {"etc/base": builders.noise(3000, seed)})


def _legacy_app(client, tag: str = "app:1") -> tuple[str, str, str]:
    """base:1 → RUN a (intermediate) → RUN b (intermediate) → CMD (tag): (base, first, second intermediate) IDs."""
    base = _base(client)
    app = builders.build(client, "FROM base:1\nRUN echo a > /tmp/a\nRUN echo b > /tmp/b\nCMD [\"true\"]\n", tag=tag)
    second = client.api.inspect_image(app)["Parent"]
    first = client.api.inspect_image(second)["Parent"]
    return base, first, second


# ---------------------------------------------------------------------------
# names and digests

def test_repo_digests_are_made_from_the_last_name(engine29):
    """Without any registry, an image lists RepoDigests ``<repo>@<its ID>`` — one, for its last name in
    the store's byte order; removing that name moves it to the next one."""
    client = engine29.client()
    base = _base(client)
    client.api.tag(base, "quay.io/team/app", "t1")
    client.api.tag(base, "zz", "latest")
    assert client.api.inspect_image(base)["Id"] == base
    [listed] = client.api.images()
    assert listed["RepoDigests"] == [f"quay.io/team/app@{base}"]
    check_rmi(client, ["quay.io/team/app:t1"])
    [listed] = client.api.images()
    assert listed["RepoDigests"] == [f"zz@{base}"]


def test_repo_at_digest_untags_every_tag_of_that_repository(engine29):
    """``rmi repo@<ID>`` (the synthesized RepoDigest) untags every tag of that repository at once;
    the image goes with the last repository's digest."""
    client = engine29.client()
    base = _base(client)
    client.api.tag(base, "base", "2")
    client.api.tag(base, "other", "1")
    [answer] = check_rmi(client, [f"base@{base}"])
    assert answer["response"] == [{"Untagged": "base:1"}, {"Untagged": "base:2"}]
    [answer] = check_rmi(client, [f"other@{base}"])
    assert answer["response"] == [{"Untagged": "other:1"}, {"Deleted": base}]


def test_a_short_id_that_is_also_a_name_is_ambiguous(engine29):
    """A 4-hex argument that is both another image's name and this image's ID prefix answers 404
    "ambiguous reference" (the classic store takes the name)."""
    client = engine29.client()
    base = _base(client)
    other = _base(client, "other:1", seed=2)
    prefix = base[7:11]
    client.api.tag(other, prefix, "latest")
    [answer] = check_rmi(client, [prefix])
    assert answer["error"] == {"status": 404, "message": "ambiguous reference"}


def test_the_moby_dangling_name_of_an_untagged_image(engine29):
    """An untagged image's record is ``moby-dangling@<ID>``; it can be deleted by that name."""
    client = engine29.client()
    _base(client)
    untagged = builders.build(client, "FROM base:1\nRUN echo u > /tmp/u\n")
    [answer] = check_rmi(client, [f"moby-dangling@{untagged}"])
    assert untagged not in _ids(client)
    assert answer["response"][0] == {"Deleted": untagged}


# ---------------------------------------------------------------------------
# parents: the classic builder's label

def test_an_intermediate_with_a_tagged_child_is_deleted(engine29):
    """No "image has dependent child images" conflict: deleting the intermediate parent of a tagged
    image answers 200 and takes its untagged parents along; the child still names it as parent."""
    client = engine29.client()
    base, first, second = _legacy_app(client)
    [answer] = check_rmi(client, [second])
    assert answer["response"] == [{"Deleted": second}, {"Deleted": first}]
    assert client.api.inspect_image("app:1")["Parent"] == second
    assert base in _ids(client)                              # tagged: the walk stops there


def test_untagging_the_parent_of_a_commit_keeps_it_as_moby_dangling(engine29):
    """``rmi base:1`` while a commit names it as parent answers Untagged + Deleted, yet the image stays,
    listed with all=1 but not under dangling=true; a second delete by ID removes it."""
    client = engine29.client()
    base = _base(client)
    builders.commit(client, "base:1", "echo c > /tmp/c", "commit0:latest")
    [answer] = check_rmi(client, ["base:1"])
    assert answer["response"] == [{"Untagged": "base:1"}, {"Deleted": base}]
    assert base in _ids(client) and base not in _ids(client, all_=False, dangling=True)
    [answer] = check_rmi(client, [base])
    assert answer["response"] == [{"Deleted": base}] and base not in _ids(client)


def test_forced_delete_by_id_of_a_parent_keeps_nothing(engine29):
    """With -f the parent of a commit goes for good: no moby-dangling@ record is kept for the child."""
    client = engine29.client()
    base = _base(client)
    builders.commit(client, "base:1", "echo c > /tmp/c", "commit0:latest")
    [answer] = check_rmi(client, [base], force=True)
    assert answer["response"] == [{"Untagged": "base:1"}, {"Deleted": base}] and base not in _ids(client)


def test_parents_stay_when_the_deleted_image_had_two_names(engine29):
    """Parent pruning checks each parent against the *deleted* image's record count: an image with two
    names deleted by ID (-f) leaves its untagged intermediate parents behind."""
    client = engine29.client()
    _, first, second = _legacy_app(client)
    client.api.tag("app:1", "app", "2")
    app = client.api.inspect_image("app:1")["Id"]
    [answer] = check_rmi(client, [app], force=True)
    assert answer["response"] == [{"Untagged": "app:1"}, {"Untagged": "app:2"}, {"Deleted": app}]
    assert {first, second} <= _ids(client)


def test_no_prune_keeps_the_untagged_parents(engine29):
    """``rmi --no-prune`` deletes the image only; a plain rmi of the next child takes the chain."""
    client = engine29.client()
    _, first, second = _legacy_app(client)
    app = client.api.inspect_image("app:1")["Id"]
    [answer] = check_rmi(client, ["app:1"], noprune=True)
    assert answer["response"] == [{"Untagged": "app:1"}, {"Deleted": app}]
    [answer] = check_rmi(client, [second])
    assert answer["response"] == [{"Deleted": second}, {"Deleted": first}]


# ---------------------------------------------------------------------------
# containers

def test_a_stopped_container_refuses_untagging_and_force_keeps_the_image(engine29):
    """A stopped container on the image: ``rmi base:1`` answers 409 "container … is using its referenced
    image"; ``rmi -f base:1`` only untags and the image stays as moby-dangling@, which prune keeps."""
    client = engine29.client()
    base = _base(client)
    builders.run_container(client, "base:1", running=False)
    [answer] = check_rmi(client, ["base:1"])
    assert answer["error"]["status"] == 409 and "is using its referenced image" in answer["error"]["message"]
    [answer] = check_rmi(client, ["base:1"], force=True)
    assert answer["response"] == [{"Untagged": "base:1"}]
    assert base in _ids(client, dangling=True)
    real = check_prune(client)
    assert real["ImagesDeleted"] is None


def test_a_running_container_refuses_a_forced_delete_by_id_but_not_by_name(engine29):
    """A running container: ``rmi -f <ID>`` answers 409 "(cannot be forced)", yet ``rmi -f base:1``
    untags it (the image stays, dangling)."""
    client = engine29.client()
    base = _base(client)
    builders.run_container(client, "base:1", running=True)
    [answer] = check_rmi(client, [base], force=True)
    assert answer["error"]["status"] == 409 and "(cannot be forced)" in answer["error"]["message"]
    [answer] = check_rmi(client, ["base:1"], force=True)
    assert answer["response"] == [{"Untagged": "base:1"}] and base in _ids(client)


# ---------------------------------------------------------------------------
# prune

def test_dangling_prune_takes_the_intermediate_parent_of_tagged_images(engine29):
    """Every moby-dangling@ record is a candidate, parents of tagged images too: a dangling prune
    removes the legacy builder's intermediate under app:1 and app:2, while both stay.  Its layers
    stay with them, and /system/df's SHARED SIZE of app:1 fixes their sum: SpaceReclaimed is exact."""
    client = engine29.client()
    _base(client)
    app1 = builders.build(client, "FROM base:1\nRUN echo a > /tmp/a\nCMD [\"true\"]\n", tag="app:1")
    app2 = builders.build(client, "FROM base:1\nRUN echo a > /tmp/a\nLABEL x=y\n", tag="app:2")
    intermediate = client.api.inspect_image(app1)["Parent"]
    assert client.api.inspect_image(app2)["Parent"] == intermediate
    real = check_prune(client)
    assert real["ImagesDeleted"] == [{"Untagged": intermediate}, {"Deleted": intermediate}]
    assert {app1, app2} <= _ids(client) and intermediate not in _ids(client)


def test_prune_space_of_an_intermediate_whose_layers_stay_is_not_guessed(engine29):
    """An intermediate whose layers a tagged image keeps frees its manifest and config only, and no
    API reports a config's size: SpaceReclaimed is said to be unknown, the rest is predicted."""
    client = engine29.client()
    _, first, second = _legacy_app(client)
    kept_layer = min(h["Size"] for h in client.api.history("app:1") if h["Size"] > 0)
    real = check_prune(client, space_known=False)
    assert {i["Deleted"] for i in real["ImagesDeleted"] if "Deleted" in i} == {first, second}
    assert 0 < real["SpaceReclaimed"] < kept_layer              # blobs only: every snapshot stays with app:1


def test_prune_a_buildkit_index_deletes_every_manifest(engine29):
    """A BuildKit image is an index: prune lists Deleted for the index, its image manifest and its
    attestation manifest; SpaceReclaimed (blobs + snapshots) is exact, the base layer staying."""
    client = engine29.client()
    _base(client)
    bk = builders.buildkit_build(engine29.cli_env(), "FROM base:1\nRUN echo bk > /tmp/bk\nLABEL tier=b\n", "bk:1")
    snap = read(client)
    index = snap.by_id[bk]
    assert index.is_index and [m.kind for m in index.manifests] == ["image", "attestation"]
    real = check_prune(client, all_=True, filters={"label": ["tier=b"]})
    assert multiset(real["ImagesDeleted"]) == multiset(
        [{"Untagged": "bk:1"}, {"Deleted": bk}] + [{"Deleted": m.id} for m in index.manifests])


def test_label_not_filter_ignores_the_attestation_config(engine29):
    """``prune -a --filter label!=tier=b`` keeps a BuildKit image labelled tier=b: the attestation
    manifest's config (no labels) is skipped, not counted as a non-matching platform."""
    client = engine29.client()
    base = _base(client)
    bk = builders.buildkit_build(engine29.cli_env(), "FROM base:1\nRUN echo bk > /tmp/bk\nLABEL tier=b\n", "bk:1")
    real = check_prune(client, all_=True, filters={"label!": ["tier=b"]})
    assert bk in _ids(client) and base not in _ids(client)
    assert {"Untagged": "base:1"} in real["ImagesDeleted"]


def test_multi_platform_index(engine29):
    """A multi-platform index loaded from an OCI layout: rmi answers Deleted for the index only;
    prune -a answers Deleted for the index and both platform manifests, and frees both platforms'
    blobs (the arm64 one never unpacked)."""
    client = engine29.client()
    one = builders.load_oci_index(client, "multi:1", seed=1)
    two = builders.load_oci_index(client, "multi:2", seed=2)
    snap = read(client)
    assert snap.by_id[one].platforms == ("linux/amd64", "linux/arm64")
    [answer] = check_rmi(client, ["multi:1"])
    assert answer["response"] == [{"Untagged": "multi:1"}, {"Deleted": one}]
    real = check_prune(client, all_=True)
    assert multiset(real["ImagesDeleted"]) == multiset(
        [{"Untagged": "multi:2"}, {"Deleted": two}] + [{"Deleted": m.id} for m in snap.by_id[two].manifests])


def test_prune_a_takes_the_untagged_parents_of_an_image_a_container_uses(engine29):
    """prune -a keeps the image a container was made from, but not the intermediates it names as parents."""
    client = engine29.client()
    _, first, second = _legacy_app(client)
    builders.run_container(client, "app:1", running=True)
    check_prune(client, all_=True, space_known=False)
    assert not {first, second} & _ids(client) and client.api.inspect_image("app:1")


def test_until_compares_when_each_name_was_made(engine29):
    """``until`` compares when each *name* was made (containerd's record), not the image's Created: with a
    cut-off between two tags of one image, prune -a untags the older only and the image stays.  The
    snapshot holds no record times, so that is said to be unknown, never guessed; a cut-off after the
    snapshot was read is predicted (every record passes)."""
    client = engine29.client()
    base = _base(client)
    time.sleep(0.5)
    cut = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    time.sleep(1.5)
    client.api.tag(base, "late", "1")
    result, _ = simulate.prune(read(client), all=True, filters={"until": [cut]})
    assert "until compares the record's CreatedAt" in result.unpredictable
    real = prune_answer(client, True, {"until": [cut]})
    assert real["ImagesDeleted"] == [{"Untagged": "base:1"}] and base in _ids(client)
    check_prune(client, all_=True, filters={"until": ["-1h"]})
    assert base not in _ids(client)


def test_a_container_keeps_the_name_it_was_created_with_after_that_name_moved(engine29):
    """The container list shows the image ID once the name a container was made from moved to another
    image; prune -a still keeps that name's record for the container (Config.Image), so the reader
    takes the name from the container's inspect."""
    client = engine29.client()
    base = _base(client)
    other = _base(client, "other:1", seed=2)
    builders.run_container(client, "base:1", running=False)
    client.api.tag(other, "base", "1")                  # base:1 now names the other image
    [listed] = client.api.containers(all=True)
    assert listed["Image"] == base                      # the list no longer names base:1
    assert {c.image for c in read(client).containers} == {"base:1"}
    real = check_prune(client, all_=True)
    assert real["ImagesDeleted"] == [{"Untagged": "other:1"}] and base in _ids(client)
