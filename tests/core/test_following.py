"""Analysis.following: the next state's analysis, built from the previous one, equals a fresh analysis of it."""
from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path

import pytest

from handmade import img, layer, snap
from model.core.analysis import Analysis
from model.core.classify import same_images
from model.core.snapshot import Container, DaemonInfo, Snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from make_archive import archive_snapshot  # noqa: E402


def _views(a: Analysis) -> dict:
    """Everything an analysis derives, in its order (graph nodes and edges with their data)."""
    g = a.graph
    return {"status": list(a.status.items()), "use": list(a.layer_use.items()), "sizes": list(a.image_sizes.items()),
            "totals": a.totals, "layer_sizes": list(a.layer_sizes.items()), "mappings": list(a.mappings.items()),
            "nodes": [(n, dict(d)) for n, d in g.nodes(data=True)], "edges": list(g.edges(data=True))}


def _retag(s: Snapshot, changes: dict[str, tuple[str, ...]], containers=None) -> Snapshot:
    images = tuple(dataclasses.replace(i, repo_tags=changes[i.id]) if i.id in changes else i for i in s.images)
    return s.replace(images=images, containers=s.containers if containers is None else containers)


def _tree(version: str = "20.10.24", store: str = "graphdriver") -> Snapshot:
    """A base, two children on it (one a classic-build child with Parent), an intermediate, a grandchild."""
    base = img(1, (layer(1), layer(2)), tags=("base:1",))
    mid = img(2, (layer(1), layer(2), layer(3)), parent=base.id)              # untagged, has a child: intermediate
    top = img(3, (layer(1), layer(2), layer(3), layer(4)), tags=("app:1",), parent=mid.id)
    side = img(4, (layer(1), layer(2), layer(5)), tags=("side:1", "side:2"))
    alone = img(5, (layer(6),))                                                # dangling
    return snap(base, mid, top, side, alone, version=version, store=store,
                containers=(Container("c" * 64, ("/c",), "app:1", top.id, "exited"),))


def _cases(s: Snapshot) -> list[Snapshot]:
    """Later states with the same images: tags added, moved, removed (an image left dangling, an
    intermediate tagged), containers added and removed."""
    ids = [i.id for i in s.images]
    by_id = s.by_id
    out = [_retag(s, {ids[0]: by_id[ids[0]].repo_tags + ("base:extra",)}),
           _retag(s, {ids[0]: ()}),
           _retag(s, {ids[1]: ("mid:now",)}),
           _retag(s, {ids[-1]: ("alone:1",), ids[0]: ()}),
           _retag(s, {}, containers=()),
           _retag(s, {}, containers=s.containers + (Container("d" * 64, ("/d",), ids[0], ids[0], "running"),))]
    return out


@pytest.mark.parametrize("version", ["20.10.24", "24.0.7"])
def test_following_a_retag_equals_a_fresh_analysis(version):
    """Tags and containers changed: the carried-over analysis equals a fresh one, view by view and in order."""
    before = _tree(version)
    previous = Analysis(before)
    for after in _cases(before):
        assert same_images(before, after)
        assert _views(previous.following(after)) == _views(Analysis(after))


def test_following_a_large_host_carries_over_what_did_not_change():
    """On the bench host a retag re-derives nothing but statuses and the images it touches."""
    before = archive_snapshot(300)
    previous = Analysis(before)
    _views(previous)
    rng = random.Random(3)
    tagged = [i for i in before.images if i.repo_tags]
    for target in rng.sample(tagged, 5):
        after = _retag(before, {target.id: target.repo_tags + ("bench/more:1",)})
        derived = previous.following(after)
        assert _views(derived) == _views(Analysis(after))
        assert derived.mappings is previous.mappings and derived.layer_sizes is previous.layer_sizes
        untagged = _retag(before, {target.id: ()})
        assert _views(previous.following(untagged)) == _views(Analysis(untagged))


def test_following_other_changes_equals_a_fresh_analysis():
    """Images added, removed or reordered: a fresh analysis, the history mappings of the images kept carried over."""
    before = _tree()
    previous = Analysis(before)
    _views(previous)
    added = before.replace(images=before.images + (img(6, (layer(1), layer(7)), tags=("new:1",)),))
    removed = before.replace(images=before.images[:-1])
    reordered = before.replace(images=before.images[::-1])
    moved_info = before.replace(info=DaemonInfo(version="24.0.7"))
    for after in (added, removed, reordered, moved_info):
        assert not same_images(before, after)
        derived = previous.following(after)
        assert _views(derived) == _views(Analysis(after))
        kept = set(before.by_id) & set(after.by_id)
        assert all(derived.mappings[i] is previous.mappings[i] for i in kept)
