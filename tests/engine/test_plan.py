"""model.plan: the preview/confirmation summary of the simulator's answer, on the bundled demo (Qt-free)."""
from __future__ import annotations

from pathlib import Path

from model.core.analysis import Analysis
from model.engine.plan import PRUNE, RMI, Request, make_plan, plan_prune, plan_rmi, snapshot_diff, without_containers
from model.engine.simulate import prune, rmi
from model.core.snapshot import Container, Snapshot

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "tutorial.json"


def _demo() -> Snapshot:
    return Snapshot.load(DEMO)


def _tag(snap: Snapshot, tag: str) -> str:
    return next(i.id for i in snap.images if tag in i.repo_tags)


def test_plan_tutorial_three_deletions():
    """rmi ubuntu:18.04 only untags; iscreamedu deletes one image and one layer; the plan sorts exactly that."""
    snap = _demo()
    sizes = Analysis(snap).layer_sizes
    p1 = plan_rmi(snap, ["ubuntu:18.04"])
    assert p1.can_perform and p1.untagged_refs == ["ubuntu:18.04"]
    assert not p1.deleted_images and not p1.deleted_layers and p1.freed_bytes == 0
    assert p1.untagged_images == {_tag(snap, "ubuntu:18.04")}
    p2 = plan_rmi(p1.after, ["iscreamedu_apache"])
    edu = _tag(snap, "iscreamedu_apache:latest")
    assert p2.deleted_images == [edu] and len(p2.deleted_layers) == 1
    assert p2.deleted_layers == [snap.by_id[edu].top_layer]
    assert p2.freed_bytes == sizes[snap.by_id[edu].top_layer] > 0
    outcomes, _ = rmi(p1.after, ["iscreamedu_apache"])
    assert p2.lines == [(k, v) for item in outcomes[0].response for k, v in item.items()]
    p3 = plan_rmi(p2.after, ["ubuntu_apache"])
    assert _tag(snap, "ubuntu_apache:latest") in p3.deleted_images and p3.freed_bytes > 0
    assert p3.request.command == "docker rmi ubuntu_apache"


def test_plan_running_container_conflict_is_never_removable():
    """A running container blocks: error, running blocker listed, cannot perform even with remove_containers."""
    snap = _demo()
    plan = make_plan(snap, Request(RMI, ("apache-ubuntu:1",), remove_containers=True))
    assert not plan.ok and not plan.can_perform and plan.errors
    assert [c.name for c in plan.running_blockers] == ["apache-ubuntu"]
    assert not plan.removable_blockers and not plan.containers_to_remove


def test_plan_stopped_blocker_removed_first_then_recomputed():
    """A stopped container: listed as removable; with remove_containers the plan runs on the state without it."""
    snap = _demo()
    edu = _tag(snap, "iscreamedu_apache:latest")
    ctr = Container(id="c" * 64, names=("/web",), image="iscreamedu_apache", image_id=edu, state="exited")
    snap = snap.replace(containers=snap.containers + (ctr,))
    blocked = plan_rmi(snap, ["iscreamedu_apache"])
    assert not blocked.can_perform and blocked.removable_blockers == [ctr]
    plan = make_plan(snap, Request(RMI, ("iscreamedu_apache",), remove_containers=True))
    assert plan.containers_to_remove == [ctr] and plan.can_perform
    assert plan.before is snap
    alone = plan_rmi(without_containers(snap, {ctr.id}), ["iscreamedu_apache"])
    assert plan.lines == alone.lines and plan.deleted_images == [edu]


def test_plan_prune_and_compare_as_multiset():
    """Prune dangling deletes the dangling image; compare() accepts any order, flags a difference."""
    snap = _demo()
    plan = plan_prune(snap)
    result, after = prune(snap, filters=plan.request.prune_filters)
    dangling = [i.id for i in snap.images if not i.repo_tags and i.id not in snap.children]
    assert set(dangling) <= set(plan.deleted_images) and plan.request.action == PRUNE
    assert plan.after.by_id.keys() == after.by_id.keys()
    answer = {"ImagesDeleted": list(reversed(result.images_deleted)), "SpaceReclaimed": result.space_reclaimed}
    assert plan.compare(answer) == []
    assert plan.compare({"ImagesDeleted": result.images_deleted[1:], "SpaceReclaimed": 0})
    assert plan_prune(snap, all=True).request.command == "docker image prune -a -f"


def test_plan_compare_rmi_and_snapshot_diff():
    """compare() reads the daemon's per-ref answers; snapshot_diff names what changed."""
    snap = _demo()
    plan = plan_rmi(snap, ["iscreamedu_apache"])
    good = [o.to_json() for o in plan.outcomes]
    assert plan.compare(good) == []
    assert plan.compare([{"ref": "iscreamedu_apache", "response": []}])
    diff = snapshot_diff(snap, plan.after)
    assert set(plan.deleted_images) | set(plan.deleted_layers) <= diff
    assert snapshot_diff(snap, snap) == set()


def test_plan_unpredictable_is_refused():
    """A step the simulator cannot predict makes the plan refuse (no perform)."""
    snap = _demo()
    odd = snap.replace(info=snap.info.__class__(**{**snap.info.__dict__, "image_store": "unknown-store"}))
    refused = plan_rmi(odd, ["iscreamedu_apache"])
    assert refused.unpredictable and not refused.can_perform and not refused.ok
