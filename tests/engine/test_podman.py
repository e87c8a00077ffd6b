"""The Podman path against a real Podman 4.3 (``podman system service`` on a private socket).

* reading: model.source turns Podman's compat answers into a Snapshot the rest of the
  app can use (IDs, parents, history IDs, full names, containers);
* classification: the app's dangling set is the service's ``dangling=true`` list;
* differential: seeded random states, one random rmi/prune, the simulator's prediction
  == Podman's answer and the state after == a fresh read.  20 seeds by default,
  LAYERSCOPE_LONG=1 runs 300.  Prune's ImagesDeleted is compared as a multiset.

Skips (with the reason) when Podman cannot run here; under CI=true that is a failure.
"""
from __future__ import annotations

import os

import pytest

import builders
from model.engine import simulate
from model.engine.plan import RMI, Request, make_plan
from model.core.analysis import Analysis
from model.core.classify import dangling_ids, listed_ids
from model.core.snapshot import STORE_PODMAN
from model.daemon.source import connect
from podman_service import PodmanService
from random_states import check_prune, check_rmi, prune_answer, read, rmi_answer, state_view
from random_states_podman import import_image, make_state, random_operation

SEEDS = range(300 if os.environ.get("LAYERSCOPE_LONG") == "1" else 20)


def _read(service: PodmanService):
    return read(connect(service.url))


# ---------------------------------------------------------------------------
# Reading
def test_read_snapshot_shapes(podman):
    """IDs, parents and history IDs come back as sha256:<hex>; names are Podman's full names."""
    client = podman.client()
    base = import_image(client, "base:1", {"etc/a": b"a" * 100})
    builders.build(client, "FROM base:1\nRUN echo c > /tmp/c\nLABEL role=web\n", tag="app:1")
    builders.commit(client, "base:1", "echo q > /tmp/q")                      # untagged commit
    builders.run_container(client, "app:1", running=False)
    snap = _read(podman)
    assert snap.info.engine == "podman" and snap.info.image_store == STORE_PODMAN
    assert snap.info.version.startswith("4.")
    by_id = snap.by_id
    assert base in by_id
    for img in snap.images:
        assert img.id.startswith("sha256:") and len(img.id) == 71
        assert img.parent == "" or img.parent in by_id, img
        for row in img.history:
            assert row.id == "<missing>" or (row.id.startswith("sha256:") and len(row.id) == 71), row
    app = next(i for i in snap.images if "docker.io/library/app:1" in i.repo_tags)
    assert app.repo_digests and all(d.startswith("docker.io/library/app@sha256:") for d in app.repo_digests)
    chain = []
    cur = app
    while cur.parent:
        cur = by_id[cur.parent]
        chain.append(cur.id)
    assert chain[-1] == base and len(chain) == 2           # LABEL step → RUN step → base
    ctr = snap.containers[0]
    assert ctr.image_id == app.id and ctr.state == "exited"
    assert by_id[base].repo_tags == ("docker.io/library/base:1",)


@pytest.mark.parametrize("seed", (3, 11, 20))
def test_dangling_intermediates_containers_match_service(podman, seed):
    """dangling_ids == the service's dangling=true list; listed_ids == its list without -a;
    containers per image == its Containers column."""
    client = podman.client()
    make_state(client, seed)
    snap = _read(podman)
    real = {i["Id"] for i in client.api.images(filters={"dangling": True})}
    assert dangling_ids(snap) == real, seed
    assert listed_ids(snap) == {i["Id"] for i in client.api.images()}, seed
    per_image = snap.containers_by_image
    for row in client.api.images(all=True):
        assert len(per_image.get(row["Id"], ())) == row["Containers"], (seed, row["Id"])


def test_graph_sharing_by_chain_id(podman):
    """Images built on one base share its layer by chain ID; Podman's Size is the whole chain."""
    client = podman.client()
    import_image(client, "base:1", {"etc/a": builders.noise(5000, 1)})
    builders.build(client, "FROM base:1\nRUN echo x > /tmp/x\n", tag="a:1")
    builders.build(client, "FROM base:1\nRUN echo y > /tmp/y\n", tag="b:1")
    snap = _read(podman)
    a = next(i for i in snap.images if "docker.io/library/a:1" in i.repo_tags)
    b = next(i for i in snap.images if "docker.io/library/b:1" in i.repo_tags)
    base = next(i for i in snap.images if "docker.io/library/base:1" in i.repo_tags)
    assert a.chain_ids[0] == b.chain_ids[0] == base.chain_ids[0]
    assert a.chain_ids[1] != b.chain_ids[1]
    assert a.size > base.size and b.size > base.size


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_sizes_match_podman_system_df(podman, seed):
    """SIZE / SHARED SIZE / UNIQUE SIZE / CONTAINERS equal Podman's own `/system/df`, never negative."""
    client = podman.client()
    make_state(client, seed)
    an = Analysis(_read(podman))
    df = client.api.df()
    assert df["Images"], "df listed nothing"
    for row in df["Images"]:
        ours = an.image_sizes["sha256:" + row["Id"].removeprefix("sha256:")]     # Podman's df IDs are bare hex
        assert (ours.size, ours.shared_size, ours.unique_size, ours.containers) == \
            (row["Size"], row["SharedSize"], row["Size"] - row["SharedSize"], row["Containers"]), (seed, row)
    assert all(sz.unique_size >= 0 and sz.shared_size >= 0 for sz in an.image_sizes.values())


def test_rmi_plan_names_the_images_and_layers_podman_frees(podman):
    """Podman's answer names deleted images in bare hex and no layers: the plan still counts the images it
    deletes, and the layers it frees are exactly those gone from the engine afterwards."""
    client = podman.client()
    import_image(client, "keep:1", {"etc/k": builders.noise(3000, 1)})
    builders.build(client, "FROM keep:1\nRUN head -c 5000 /dev/zero > /z\n", tag="app:1")
    builders.build(client, "FROM app:1\nRUN head -c 7000 /dev/zero > /y\n", tag="top:1")
    before = _read(podman)
    plan = make_plan(before, Request(RMI, ("top:1", "app:1")))
    answer = [rmi_answer(client, ref, False, False) for ref in ("top:1", "app:1")]
    deleted = ["sha256:" + item["Deleted"].removeprefix("sha256:") for a in answer for item in a.get("response", []) if "Deleted" in item]
    assert deleted and plan.deleted_images == deleted
    after = _read(podman)
    gone = {c for img in before.images for c in img.chain_ids} - {c for img in after.images for c in img.chain_ids}
    assert gone and set(plan.layer_bytes) == gone
    sizes = Analysis(before).layer_sizes
    assert plan.freed_bytes == sum(sizes[c] for c in gone) > 12_000


# ---------------------------------------------------------------------------
# Differential
@pytest.mark.parametrize("seed", SEEDS)
def test_prediction_equals_podman(podman, seed):
    client = podman.client()
    st = make_state(client, seed)
    op = random_operation(client, st, seed)
    before = _read(podman)
    if op.kind == "rmi":
        outcomes, after = simulate.rmi(before, op.refs, force=op.force, noprune=op.noprune)
        actual = [rmi_answer(client, r, op.force, op.noprune) for r in op.refs]
        for predicted, real in zip(outcomes, actual):
            assert not predicted.unpredictable, (seed, str(op), predicted.unpredictable, real)
            assert predicted.matches(real), (seed, str(op), predicted.to_json(), real)
    else:
        result, after = simulate.prune(before, all=op.all, filters=op.filters)
        real = prune_answer(client, op.all, op.filters)
        assert not result.unpredictable, (seed, str(op), result.unpredictable, real)
        assert result.matches(real), (seed, str(op), result.to_json(), real)
    assert state_view(after) == state_view(_read(podman)), (seed, str(op))


# ---------------------------------------------------------------------------
# Scenarios: each behaviour found on Podman 4.3.1, checked one by one
def test_rmi_names_ids_and_errors(podman):
    """Untag of one of several names; by ID with several names (500); bad references; 404 texts."""
    client = podman.client()
    base = import_image(client, "base:1", {"a": b"1"})
    client.api.tag(base, "quay.io/x/y", "t")
    real = check_rmi(podman.client(), ["nosuch", "nosuch:tag", "UPPER", "a:b:c", "sha256:zz", "0" * 64,
                               "sha256:" + "0" * 64, "user/nosuch@sha256:" + "0" * 64, base[7:8],
                               base[7:19], "sha256:" + base[7:19], base, base[7:]])
    assert real[0]["error"]["status"] == 404 and real[8]["error"]["status"] == 500
    real = check_rmi(podman.client(), ["quay.io/x/y:t", "base:1"])
    assert real[0]["response"] == [{"Untagged": "quay.io/x/y:t"}]
    assert real[1]["response"] == [{"Deleted": base[7:]}, {"Untagged": "docker.io/library/base:1"}]


def test_rmi_containers(podman):
    """A container blocks the last name (409); force removes running and stopped containers."""
    client = podman.client()
    base = import_image(client, "base:1", {"a": b"1"})
    client.api.tag(base, "zz", "latest")
    builders.run_container(client, "base:1", running=False)
    builders.run_container(client, "base:1", running=True)
    check_rmi(podman.client(), ["base:1", "zz", base[7:]])
    real = check_rmi(podman.client(), [base[7:19]], force=True)
    assert real[0]["response"][0] == {"Deleted": base[7:]}
    assert client.api.containers(all=True) == []


def test_rmi_dangling_parents_and_in_use_parent(podman):
    """Dangling build parents go with the image; a container on one of them → 409 after deleting the rest."""
    client = podman.client()
    import_image(client, "base:1", {"a": b"1"})
    builders.build(client, "FROM base:1\nRUN echo common > /tmp/c\nLABEL role=web\nRUN echo x > /tmp/x\n",
                   tag="app0:v1")
    builders.build(client, "FROM base:1\nRUN echo common > /tmp/c\nRUN echo y > /tmp/y\n", tag="app1:v1")
    snap = _read(podman)
    common = next(i for i in snap.images if i.parent and snap.by_id[i.parent].repo_tags
                  and not i.repo_tags)
    builders.run_container(client, common.id, running=False)
    real = check_rmi(podman.client(), ["app0:v1", "app1:v1"])
    assert real[0]["response"][-1] == {"Untagged": "docker.io/library/app0:v1"}
    assert real[1]["error"]["status"] == 409
    check_rmi(podman.client(), ["base:1", common.id[7:]], force=True)


def test_rmi_digest_searches_the_digests_of_images_without_names(podman):
    """Seed 92's case: ``rmi repo@digest`` that no name holds, while an image without names exists.
    Podman then searches every image's manifest digests; the compat API shows an image's digests only
    with its names, so the snapshot reads Podman's own Digest of each image (/libpod/images/json) and
    the answers are predicted: 404 for a digest no image holds, 500 "tag not known" for the digest of
    the image without names (found, but the name it was found by is not one of its names)."""
    client = podman.client()
    import_image(client, "base:1", {"a": b"1"})
    loose = "sha256:" + import_image(client, None, {"b": b"2"}).removeprefix("sha256:")
    snap = _read(podman)
    own = snap.by_id[loose].digest
    assert own.startswith("sha256:") and not snap.by_id[loose].repo_tags and not snap.by_id[loose].repo_digests
    assert all(img.digest for img in snap.images)
    real = check_rmi(client, ["user/nosuch@sha256:" + "0" * 64, "user/nosuch@" + own, "quay.io/x/y:t@" + own])
    assert real[0]["error"]["status"] == 404
    assert real[1]["error"] == {"status": 500, "message": f"docker.io/user/nosuch@{own}: tag not known"}, real[1]
    assert real[2]["error"]["status"] == 500


def test_rmi_image_with_children(podman):
    """Removing a tagged base under other images: its record goes, it is only Untagged."""
    client = podman.client()
    import_image(client, "base:1", {"a": b"1"})
    builders.commit(client, "base:1", "echo 1 > /tmp/q", "c1:latest")
    real = check_rmi(podman.client(), ["base:1", "c1:latest"])
    assert real[0]["response"] == [{"Untagged": "docker.io/library/base:1"}]


def test_prune_rounds_filters_and_errors(podman):
    """Dangling chains, label/label! filters, containers skipped, -a refused, in-use parent → 500."""
    client = podman.client()
    base = import_image(client, "base:1", {"a": b"1"})
    import_image(client, "other/base:2", {"o": b"2"}, changes=('CMD ["/bin/sh"]', "LABEL tier=a"))
    builders.build(client, "FROM base:1\nRUN echo common > /tmp/c\nLABEL role=web\nRUN echo x > /tmp/x\n")
    x = builders.commit(client, "base:1", "echo 1 > /tmp/q")
    builders.commit(client, "other/base:2", "echo 2 > /tmp/q")
    builders.run_container(client, x, running=False)
    check_prune(podman.client(), all_=True)
    check_prune(podman.client(), filters={"dangling": ["true", "1"]})
    check_prune(podman.client(), filters={"label": ["tier"]})
    check_prune(podman.client(), filters={"label": ["nosuch"]})
    check_prune(podman.client())
    builders.build(client, "FROM base:1\nRUN echo k > /tmp/k\nRUN echo z > /tmp/z\n")
    snap = _read(podman)
    mid = next(i for i in snap.images if not i.repo_tags and i.parent == base
               and any(j.parent == i.id for j in snap.images))
    builders.run_container(client, mid.id, running=False)
    real = check_prune(podman.client(), filters={"label!": ["tier"]})
    assert real["error"]["status"] == 500


# ---------------------------------------------------------------------------
# Offline (no Podman needed): the simulator's own guards
def _offline_snapshot(wrong_parent: bool = False):
    from model.core.snapshot import DaemonInfo, HistoryRow, Image, Snapshot
    d1, d2 = "sha256:" + "1" * 64, "sha256:" + "2" * 64
    h1 = HistoryRow(id="", created=100, created_by="ADD rootfs", size=10, comment="imported from tarball")
    h2 = HistoryRow(id="", created=200, created_by="/bin/sh -c echo x", size=5)
    base = Image(id="sha256:" + "a" * 64, repo_tags=("docker.io/library/base:1",), repo_digests=(), parent="",
                 created="2026-01-01T00:00:00Z", size=10, diff_ids=(d1,), history=(h1,))
    child = Image(id="sha256:" + "b" * 64, repo_tags=(), repo_digests=(),
                  parent="" if wrong_parent else base.id, created="2026-01-01T00:01:00Z", size=15,
                  diff_ids=(d1, d2), history=(h2, h1))
    info = DaemonInfo(engine="podman", version="4.3.1", image_store=STORE_PODMAN)
    return Snapshot(info=info, images=(base, child))


def test_offline_parent_derivation_and_doubt():
    snap = _offline_snapshot()
    outcomes, after = simulate.rmi(snap, ["b" * 12])
    assert outcomes[0].response == ({"Deleted": "b" * 64},)
    assert [i.id for i in after.images] == ["sha256:" + "a" * 64]
    result, after = simulate.prune(snap)
    assert result.images_deleted == [{"Deleted": "b" * 64}] and result.space_reclaimed == 15
    outcomes, _ = simulate.rmi(snap, ["base:1"])          # base has a child: its record goes, only Untagged
    assert outcomes[0].response == ({"Untagged": "docker.io/library/base:1"},)
    # a snapshot whose reported parents the history rows cannot reproduce: no guessing
    bad = _offline_snapshot(wrong_parent=True)
    outcomes, _ = simulate.rmi(bad, ["base:1"])
    assert outcomes[0].unpredictable and "parent" in outcomes[0].unpredictable
    assert simulate.prune(bad)[0].unpredictable


def test_offline_prune_all_is_refused():
    result, _ = simulate.prune(_offline_snapshot(), all=True)
    assert result.status == 500 and "more than once with different values" in result.message


def test_cli_after_force_removing_an_in_use_image(podman, private_state):
    """`rmi -f` of an image a stopped container uses (Podman removes the container too); then the
    command line predicts unrelated deletes exactly and performs them, and refuses what it cannot predict."""
    import json

    from commands import cli, image_state
    client = podman.client()
    import_image(client, "leaf5:1", {"a": b"1"})
    import_image(client, "other:1", {"b": b"2"})
    import_image(client, "unrelated:1", {"c": b"3"})
    builders.run_container(client, "leaf5:1", running=False)
    res = cli("rmi", "-f", "--json", "--host", podman.url, "leaf5:1")
    assert res.returncode == 0 and json.loads(res.stdout)["agreed"] is True, res.stderr
    assert client.api.containers(all=True) == []
    before = image_state(client)
    for refs, code in ((["--", ""], 4), (["--", "x/../other:1"], 4), (["nosuch"], 1)):
        res = cli("rmi", "--host", podman.url, *refs)
        assert res.returncode == code and "refused, nothing was sent" in res.stderr, res.stderr
        assert image_state(client) == before
    for args in (("rmi", "unrelated:1"), ("prune", "-f"), ("rmi", "other:1")):
        res = cli(*args, "--json", "--host", podman.url)
        assert res.returncode == 0 and json.loads(res.stdout)["agreed"] is True, (args, res.stderr)
    assert image_state(client) == set()
