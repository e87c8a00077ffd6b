"""model/core/bulk.py: what a bulk build makes is frozen out of the cyclic collector, so it must be freed by
reference counting alone; these checks drop each structure with the collector off and see it gone."""
from __future__ import annotations

import dataclasses
import gc
import sys
import weakref
from pathlib import Path

import pytest

from model.core.analysis import Analysis
from model.core.bulk import paused_gc
from model.core.graph import LayerForest
from model.core.layout import layout_forest
from model.engine.plan import RMI, Request, make_plan
from model.engine.whatif import WhatIf

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from make_archive import archive_snapshot  # noqa: E402


@pytest.fixture
def collector_on():
    """The cyclic collector enabled with nothing frozen for the test (a headless command run in this process
    may have turned it off); restored after."""
    was = gc.isenabled()
    gc.unfreeze()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.fixture
def collector_off(collector_on):
    """The cyclic collector disabled (and nothing frozen) for the test; restored after."""
    gc.disable()


def test_paused_gc_freezes_what_was_built_when_the_outermost_pause_ends(collector_on):
    """Inside: no collections; at the end of the outermost pause everything alive is frozen and the collector
    runs again; a pause inside another (or with the collector off) leaves the state as it found it."""
    assert gc.get_freeze_count() == 0
    with paused_gc():
        built = [[n] for n in range(1000)]
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    assert gc.isenabled() and gc.get_freeze_count() >= len(built)
    gc.unfreeze()
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_cyclic_garbage_made_between_pauses_is_collected_not_frozen(collector_on):
    """The outermost pause starts with a full collection (of what is not frozen yet), so a cycle dropped since the
    last pause is freed then, not frozen for good with what the pause builds."""
    class Node:
        """One object in a cycle with itself."""

    node = Node()
    node.me = node
    ref = weakref.ref(node)
    del node
    assert ref() is not None                        # a cycle: reference counting alone does not free it
    with paused_gc():
        built = [[n] for n in range(100)]
    assert ref() is None and gc.get_freeze_count() >= len(built)


def test_an_analysis_and_its_layout_are_freed_without_the_collector(collector_off):
    """Every structure an analysis builds (mappings, layer forest, layer use, sizes, totals), the layout, the
    forest after a retag (graph_after) and an rmi prediction's working copy go with their last reference."""
    snap = archive_snapshot(300)
    a = Analysis(snap)
    a.status, a.image_sizes, a.totals  # noqa: B018 (built)
    layout = layout_forest(a.graph)
    assert isinstance(a.graph, LayerForest) and a.graph.nodes and a.graph.succ and a.graph.pred  # views used
    target = next(i for i in snap.images if i.repo_tags)
    after = snap.replace(images=tuple(dataclasses.replace(i, repo_tags=i.repo_tags + ("more:1",))
                                      if i is target else i for i in snap.images))
    b = a.following(after)
    assert isinstance(b.graph, LayerForest) and b.graph is not a.graph
    plan = make_plan(snap, Request(RMI, (target.repo_tags[0],)))
    sandbox = WhatIf(snap)
    sandbox.do(Request(RMI, (target.repo_tags[0],)))
    sandbox.undo()
    refs = [weakref.ref(x) for x in (a, a.graph, layout, b, b.graph, plan, sandbox)]
    del a, b, layout, plan, sandbox
    assert [r() for r in refs] == [None] * len(refs)
