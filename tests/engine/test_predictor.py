"""plan.Predictor: rmi predictions on forks of one kept working copy equal those on a working copy made afresh,
request after request, and a fork shares nothing a step changes (Qt-free)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from handmade import D, img, layer, snap
from model.core.analysis import Analysis
from model.core.chain import short_id
from model.core.snapshot import Container, Snapshot
from model.engine.graphdriver import GraphdriverStore
from model.engine.plan import RMI, Plan, Predictor, Request, make_plan
from resources import DEMO_SNAPSHOT

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from make_archive import archive_snapshot  # noqa: E402

TUTORIAL_COMMIT = Path(DEMO_SNAPSHOT).with_name("tutorial-commit.json")


def _family() -> Snapshot:
    """Parents with and without tags, digests beside tags (listed unsorted, as no daemon prints them), a tag
    shared by two repositories, and a running and a stopped container."""
    base = img(1, (layer(1), layer(2)), tags=["base:1", "alias:1"])
    mid = img(2, (layer(1), layer(2), layer(3)), parent=base.id)
    top = img(3, (layer(1), layer(2), layer(3), layer(4)), tags=["zeta:2", "app:1"], digests=[f"app@{D}"],
              parent=mid.id)
    other = img(4, (layer(1), layer(2), layer(5)), tags=["other:1"], parent=base.id)
    used = img(5, (layer(6),), tags=["used:1"])
    loose = img(6, (layer(7),), digests=[f"loose@{D}"])
    ctrs = (Container(id="c" * 64, names=("web",), image_id=top.id, image="app:1", state="running"),
            Container(id="e" * 64, names=("job",), image_id=used.id, image="used:1", state="exited"))
    return snap(base, mid, top, other, used, loose, containers=ctrs)


def _requests(s: Snapshot) -> list[Request]:
    """rmi of every tag and digest, every image by full and short ID, with and without -f and --no-prune,
    and pairs of references in one command (the second meets the state the first left)."""
    refs = [r for i in s.images for r in (*i.repo_tags, *i.repo_digests, i.id, short_id(i.id))]
    out = [Request(RMI, (r,), force=f, noprune=n) for r in refs for f, n in ((False, False), (True, False),
                                                                             (False, True))]
    return out + [Request(RMI, (a, b)) for a, b in zip(refs, refs[1:])]


def _same(a: Plan, b: Plan) -> bool:
    return (a.outcomes, a.after.images, a.after.containers, a.deleted_images, a.deleted_layers, a.untagged_refs,
            a.freed_bytes, a.errors, a.unpredictable, a.blocking_containers) == \
        (b.outcomes, b.after.images, b.after.containers, b.deleted_images, b.deleted_layers, b.untagged_refs,
         b.freed_bytes, b.errors, b.unpredictable, b.blocking_containers)


@pytest.mark.parametrize("make", [_family, lambda: Snapshot.load(DEMO_SNAPSHOT),
                                  lambda: Snapshot.load(TUTORIAL_COMMIT), lambda: archive_snapshot(120)],
                         ids=["family", "tutorial", "tutorial-commit", "archive-120"])
def test_predictor_answers_as_a_fresh_working_copy(make):
    """Each request on the one Predictor gives the plan make_plan gives on a working copy made for it; the
    first request asked again at the end still does (no fork changed the kept copy)."""
    s = make()
    sizes = Analysis(s).layer_sizes
    predictor = Predictor(s)
    requests = _requests(s)
    changed = 0
    for request in requests + requests[:3]:
        mine = predictor.plan(request, sizes)
        assert _same(mine, make_plan(s, request, sizes)), request
        changed += mine.after is not s and mine.after.images != s.images
    assert changed > len(requests) // 4               # (most requests change something: a real comparison)


def test_a_fork_copies_every_table_and_shares_nothing_a_step_changes():
    """A fork has every attribute a working copy has; steps on one fork leave the kept copy and the next fork as
    a fresh working copy (references, parents, children, layers)."""
    s = _family()
    kept = GraphdriverStore(s)
    first = kept.fork()
    assert set(vars(first)) == set(vars(GraphdriverStore(s)))
    first.delete("app:1", force=True, prune_parents=True)
    first.delete("base:1", force=False, prune_parents=True)
    first.delete("alias:1", force=True, prune_parents=True)
    assert first.to_snapshot().images != s.images
    fresh = GraphdriverStore(s)
    for g in (kept, kept.fork()):
        assert g.to_snapshot().images == fresh.to_snapshot().images
        assert (g.images, g.refs, g.refstore, g.tag_names, g.digest_refs, g.parent, g.children, g.layer_parent,
                g.layer_kids, g.layer_tops, g.layer_pins) == \
            (fresh.images, fresh.refs, fresh.refstore, fresh.tag_names, fresh.digest_refs, fresh.parent,
             fresh.children, fresh.layer_parent, fresh.layer_kids, fresh.layer_tops, fresh.layer_pins)


def test_untouched_images_come_back_as_the_daemon_prints_them():
    """The state after an rmi lists an image no step touched with its references sorted as the daemon prints
    them (by full name), on a fork as on a fresh working copy; the images left as they were are the same objects."""
    s = _family()
    top = next(i for i in s.images if "zeta:2" in i.repo_tags)
    for plan in (make_plan(s, Request(RMI, ("other:1",))), Predictor(s).plan(Request(RMI, ("other:1",)))):
        after = plan.after.by_id[top.id]
        assert after.repo_tags == ("app:1", "zeta:2") and after.repo_digests == top.repo_digests
        assert plan.after.by_id[s.images[-1].id] is s.images[-1]
