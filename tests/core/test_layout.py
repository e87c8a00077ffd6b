"""model.layout: bases at the bottom, images above their top layer, linear runs collapsed, fast."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from model.core.analysis import Analysis
from model.core.graph import lineage
from model.core.layout import COLLAPSED, IMAGE, LAYER, layout_forest
from model.core.snapshot import DaemonInfo, HistoryRow, Image, Snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def _image(name: str, diffs: list[str], tags: tuple[str, ...] = ()) -> Image:
    history = tuple(HistoryRow(id="<missing>", created=i, created_by=f"RUN step {d}", size=10 + i)
                    for i, d in enumerate(diffs))[::-1]
    return Image(id=f"sha256:{name:0<64}", repo_tags=tags, repo_digests=(), parent="", created="2024-01-01T00:00:00Z",
                 size=sum(h.size for h in history), diff_ids=tuple(f"sha256:{d:0<64}" for d in diffs), history=history)


def _snapshot(*images: Image) -> Snapshot:
    return Snapshot(info=DaemonInfo(version="20.10.24"), images=images)


def _overlaps(nodes) -> list[tuple[str, str]]:
    cells: dict[tuple[int, int], str] = {}
    clashes = []
    for n in nodes:
        key = (round(n.x), round(n.y))
        if key in cells:
            clashes.append((cells[key], n.id))
        cells[key] = n.id
    return clashes


def test_layout_tutorial_shape_bases_bottom_images_above():
    """The tutorial: one stack of 6 layers; each image sits one row above its top layer."""
    ubuntu = _image("a1", ["1", "2", "3", "4"], ("ubuntu:18.04",))
    apache = _image("a2", ["1", "2", "3", "4", "5"], ("ubuntu_apache:latest",))
    edu = _image("a3", ["1", "2", "3", "4", "5", "6"], ("iscreamedu_apache:latest",))
    analysis = Analysis(_snapshot(ubuntu, apache, edu))
    lay = layout_forest(analysis.graph)
    layers = [n for n in lay.nodes.values() if n.kind == LAYER]
    assert len(layers) == 6                     # run of 3 plain layers is below the collapse threshold
    assert {n.kind for n in lay.nodes.values()} == {LAYER, IMAGE}
    chain = lineage(analysis.graph, edu.id)
    ys = [lay.nodes[lay.node_of[c]].y for c in chain]
    assert ys == sorted(ys, reverse=True)       # bottom first → largest y first: the stack grows upward
    assert [lay.nodes[lay.node_of[c]].row for c in chain] == list(range(6))
    assert len({lay.nodes[lay.node_of[c]].col for c in chain}) == 1   # the main stack is straight
    for img in (ubuntu, apache, edu):
        node = lay.nodes[img.id]
        top = lay.nodes[lay.node_of[img.top_layer]]
        assert node.row == top.row + 1 and node.parent == top.id and node.y < top.y
    assert not _overlaps(lay.nodes.values())
    assert {(e.source, e.target) for e in lay.edges} >= {(lay.node_of[edu.top_layer], edu.id)}
    assert lay.width > 0 and lay.height == lay.rows * 64.0 and lay.bands == 1


def test_layout_collapses_long_plain_runs_only():
    """A run of plain layers (one child, no image) becomes one node; forks and image layers stay."""
    base = _image("b1", ["1", "2", "3", "4", "5", "6", "7"], ("tall:1",))
    branch = _image("b2", ["1", "2", "3", "4", "5", "6", "7", "8"], ("tall:2",))
    fork = _image("b3", ["1", "2", "x"], ("fork:1",))
    analysis = Analysis(_snapshot(base, branch, fork))
    lay = layout_forest(analysis.graph, collapse_min=3)
    runs = [n for n in lay.nodes.values() if n.kind == COLLAPSED]
    assert len(runs) == 1
    run = runs[0]
    assert run.members == base.chain_ids[2:6]   # layers 3..6: above the fork at 2, below the image at 7
    for member in run.members:
        assert lay.node_of[member] == run.id
    assert lay.node_of[base.chain_ids[1]] == base.chain_ids[1]     # the fork stays visible
    assert lay.node_of[base.chain_ids[6]] == base.chain_ids[6]     # the image's top layer stays visible
    every_chain = {c for img in (base, branch, fork) for c in img.chain_ids}
    assert every_chain <= set(lay.node_of)
    assert not _overlaps(lay.nodes.values())
    # nothing collapses with a threshold above the longest run
    assert not [n for n in layout_forest(analysis.graph, collapse_min=5).nodes.values() if n.kind == COLLAPSED]


def test_layout_separate_trees_and_layerless_image_do_not_overlap():
    """Two unrelated bases get their own columns; an image without layers still gets a place."""
    a = _image("c1", ["p", "q"], ("a:1",))
    b = _image("c2", ["r"], ("b:1",))
    empty = Image(id="sha256:" + "e" * 64, repo_tags=("scratch:1",), repo_digests=(), parent="",
                  created="2024-01-01T00:00:00Z", size=0, diff_ids=())
    lay = layout_forest(Analysis(_snapshot(a, b, empty)).graph)
    assert lay.nodes[empty.id].row == 0
    assert not _overlaps(lay.nodes.values())
    boxes = [(n.x, n.y, n.x + n.w, n.y + n.h) for n in lay.nodes.values()]
    for i, p in enumerate(boxes):
        for q in boxes[i + 1:]:
            assert p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1]


def test_layout_large_host_under_a_second():
    """1,000 images / 2,600 layers lay out in well under a second, with every node placed once."""
    from bench_gui import synthetic_snapshot

    snap = synthetic_snapshot(1000, 2600)
    analysis = Analysis(snap)
    graph = analysis.graph
    t = time.process_time()                     # (CPU time: what the layout costs, not what else the machine runs)
    lay = layout_forest(graph)
    elapsed = time.process_time() - t
    assert elapsed < 0.5, elapsed
    assert sum(1 for n in lay.nodes.values() if n.kind == IMAGE) == 1000
    assert len(analysis.layer_use) == 2600
    assert set(analysis.layer_use) <= set(lay.node_of)
    assert not _overlaps(lay.nodes.values())


def test_layout_packs_many_trees_into_bands():
    """Many separate small trees are packed into several bands instead of one endless strip."""
    images = [_image(f"d{n:03d}", [f"a{n:03d}", f"b{n:03d}"], (f"tree{n}:1",)) for n in range(60)]
    lay = layout_forest(Analysis(_snapshot(*images)).graph)
    assert lay.bands > 1
    assert 0.5 < lay.width / lay.height < 4
    assert not _overlaps(lay.nodes.values())
    for img in images:                      # each tree stays in one band, image above its stack
        top = lay.nodes[lay.node_of[img.top_layer]]
        base = lay.nodes[lay.node_of[img.chain_ids[0]]]
        node = lay.nodes[img.id]
        assert node.band == top.band == base.band
        assert node.y < top.y < base.y and node.x == top.x == base.x


def test_layout_hidden_images_and_tower_with_most_tagged_images():
    """Hidden images get no node; the straight tower follows the branch holding the most tagged images."""
    base = _image("e1", ["1", "2"], ("base:1",))
    deep = _image("e2", ["1", "2", "d1", "d2", "d3", "d4", "d5"])          # untagged, deeper branch
    mid = _image("e3", ["1", "2", "t1"], ("mid:1",))
    top = _image("e4", ["1", "2", "t1", "t2"], ("top:1",))
    analysis = Analysis(_snapshot(deep, base, mid, top))
    lay = layout_forest(analysis.graph, hidden_images={deep.id})
    assert deep.id not in lay.nodes and set(deep.chain_ids) <= set(lay.node_of)
    tower = {lay.nodes[lay.node_of[c]].col for c in top.chain_ids}
    assert len(tower) == 1 and lay.nodes[top.id].col in tower          # top:1 sits straight on its tower
    for img in (base, mid):                                           # images step just right of their layer
        assert lay.nodes[img.id].col > lay.nodes[lay.node_of[img.top_layer]].col
    assert lay.nodes[lay.node_of[deep.chain_ids[2]]].col > lay.nodes[base.id].col   # the other branch further right
    assert not _overlaps(lay.nodes.values())


def test_layout_packs_bands_to_the_viewport_shape():
    """The same trees pack wide for a wide viewport and tall for a tall one."""
    images = [_image(f"f{n:03d}", [f"a{n:03d}", f"b{n:03d}"], (f"tree{n}:1",)) for n in range(12)]
    graph = Analysis(_snapshot(*images)).graph
    wide, tall = layout_forest(graph, aspect=3.0), layout_forest(graph, aspect=0.5)
    assert wide.width / wide.height > tall.width / tall.height
    assert not _overlaps(wide.nodes.values()) and not _overlaps(tall.nodes.values())


def test_the_nodes_name_the_edges_the_layout_reads():
    """layout_forest reads the "layer" and "top" edges from the nodes (a layer's parent, an image's top layer):
    on built forests and on forests after a retag (graph_after), the nodes name exactly those edges, each node
    after the one it names."""
    import dataclasses

    from make_archive import archive_snapshot
    from model.core.graph import EDGE_LAYER, EDGE_TOP
    from resources import ENGINE29_SNAPSHOT

    snap = archive_snapshot(300)
    retagged = snap.replace(images=tuple(dataclasses.replace(i, repo_tags=i.repo_tags + ("x:1",)) if n % 7 == 0
                                         else i for n, i in enumerate(snap.images)))
    before = Analysis(snap)
    after = before.following(retagged)
    for graph in (before.graph, after.graph, Analysis(Snapshot.load(ENGINE29_SNAPSHOT)).graph):
        order = {n: k for k, n in enumerate(graph.nodes)}
        named = set()
        for node, data in graph.nodes(data=True):
            below = data["parent"] if data["kind"] == LAYER else data["top"]
            if below is not None:
                named.add((below, node, EDGE_LAYER if data["kind"] == LAYER else EDGE_TOP))
                assert order[below] < order[node]
        assert named == {e for e in graph.edges(data="kind") if e[2] in (EDGE_LAYER, EDGE_TOP)}
        assert any(k == EDGE_TOP for *_, k in named) and any(k == EDGE_LAYER for *_, k in named)
