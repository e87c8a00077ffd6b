"""The storage map's layout (model/render/storagemap.py) and its headless export.

Tolerance: areas are exact up to floating point — every rectangle's area equals its bytes' share of the
picture within 1e-6 of the picture's area (nothing is padded); nesting is checked within 1e-6 px.
Zero-byte layers (and boxes) are folded: they are listed in their box, take no area and are never hit."""
from __future__ import annotations

import dataclasses
import math
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from model.core.analysis import Analysis
from model.core.graph import LAYER, lineage
from model.core.snapshot import Snapshot
from model.render import export as model_export
from model.render import storagelabels as sl
from model.render import storagemap as sm
from model.render import textfit as tf
from resources import DEMO_SNAPSHOT

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from bench_gui import synthetic_snapshot  # noqa: E402
from make_archive import archive_snapshot  # noqa: E402

EPS = 1e-6
SIZES = ((1200.0, 700.0), (640.0, 900.0), (300.0, 80.0))


@pytest.fixture(scope="module")
def demo() -> Analysis:
    """The bundled tutorial (zero-byte layers, intermediates, a container)."""
    return Analysis(Snapshot.load(DEMO_SNAPSHOT))


@pytest.fixture(scope="module")
def host() -> Analysis:
    """bench/bench_gui.py's synthetic 1,000-image host."""
    return Analysis(synthetic_snapshot(1000, 2600))


@pytest.fixture(scope="module")
def archive() -> Analysis:
    """bench/make_archive.py's 1,000-image host (the one bench/bench_load.py loads into dockerd): 85 bases,
    2,647 layers of 16 B–4 kB."""
    return Analysis(archive_snapshot())


def _inside(inner: sm.Rect, outer: sm.Rect) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return x >= ox - EPS and y >= oy - EPS and x + w <= ox + ow + EPS and y + h <= oy + oh + EPS


def _overlap(a: sm.Rect, b: sm.Rect) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


@pytest.mark.parametrize("which", ["demo", "host"])
def test_every_layer_once_and_totals(which, request):
    """Each chain ID is in exactly one box; the map's bytes are Σ stored bytes (each layer once)."""
    a: Analysis = request.getfixturevalue(which)
    tree = sm.storage_tree(a)
    layers = [n for n, k in a.graph.nodes(data="kind") if k == LAYER]
    listed = [c for box in tree.boxes for c in box.layers]
    assert sorted(listed) == sorted(layers) and len(set(listed)) == len(listed)
    assert set(tree.box_of_layer) == set(layers)
    assert all(c in tree.boxes[tree.box_of_layer[c]].layers for c in layers)
    assert tree.total_bytes == sum(a.layer_sizes.get(c, 0) for c in layers) == a.totals.actual_bytes
    for box in tree.boxes[1:]:
        assert box.own_bytes == sum(tree.layer_bytes[c] for c in box.layers)
        assert box.bytes == box.own_bytes + sum(tree.boxes[c].bytes for c in box.children)
        # a run: every layer but its top has exactly one layer on it and no image
        for below, above in zip(box.layers, box.layers[1:]):
            assert a.graph.nodes[above]["parent"] == below
    assert tree.boxes[sm.ROOT].bytes == sum(tree.boxes[c].bytes for c in tree.boxes[sm.ROOT].children)


@pytest.mark.parametrize("which", ["demo", "host"])
@pytest.mark.parametrize("size", SIZES)
def test_area_is_bytes_and_boxes_nest(which, size, request):
    """Every rectangle's area is its bytes' share (boxes, own strips, layer slices), children lie inside their
    parent below its own strip without overlapping, and the top level fills the picture."""
    a: Analysis = request.getfixturevalue(which)
    tree = sm.storage_tree(a)
    w, h = size
    smap = sm.arrange(tree, w, h)
    scale = w * h / tree.total_bytes
    assert smap.px_per_byte == pytest.approx(scale)
    assert set(smap.rects) == set(range(len(tree.boxes)))
    for box in tree.boxes:
        x, y, bw, bh = smap.rects[box.index]
        assert bw >= 0 and bh >= 0
        assert abs(bw * bh - box.bytes * scale) <= EPS * w * h
        ox, oy, ow, oh = smap.own[box.index]
        assert abs(ow * oh - box.own_bytes * scale) <= EPS * w * h
        assert _inside(smap.own[box.index], smap.rects[box.index])
        for c in box.layers:
            sx, sy, sw, sh = smap.slices[c]
            assert abs(sw * sh - tree.layer_bytes[c] * scale) <= EPS * w * h
            assert _inside(smap.slices[c], smap.own[box.index])
        region = (x, oy + oh, bw, bh - oh) if box.children else None
        kids = [smap.rects[c] for c in box.children]
        for k, r in enumerate(kids):
            assert _inside(r, smap.rects[box.index]) and _inside(r, region)
            assert _overlap(r, smap.own[box.index]) <= EPS * w * h
            for other in kids[k + 1:k + 40]:          # squarified neighbours (the closest in the order)
                assert _overlap(r, other) <= EPS * w * h
    assert sum(smap.rects[c][2] * smap.rects[c][3] for c in tree.boxes[sm.ROOT].children) == pytest.approx(w * h)


def test_zero_byte_layers_are_folded(demo):
    """The demo's empty layers (`rm -rf /var/lib/apt/lists/*`, WORKDIR) stay in their box's list but take no
    area and are never what a point hits."""
    tree = sm.storage_tree(demo)
    smap = sm.arrange(tree, 1200, 700)
    empty = [c for c, b in tree.layer_bytes.items() if b == 0]
    assert empty, "the demo has empty layers"
    for c in empty:
        sx, sy, sw, sh = smap.slices[c]
        assert sw * sh == 0
        assert c in tree.boxes[tree.box_of_layer[c]].layers
    rng = random.Random(3)
    for _ in range(3000):
        x, y = rng.uniform(0, 1200), rng.uniform(0, 700)
        index = smap.hit(x, y)
        assert index is not None and smap.visible(index)
        layer = smap.slice_at(index, x, y)
        assert layer not in empty
    # a box too small to draw is folded into the nearest box that is drawn
    tiny = [b.index for b in tree.boxes[1:] if not smap.visible(b.index)]
    assert tiny, "the demo has sub-pixel boxes (iscreamedu_apache's 904 B)"
    for index in tiny:
        shown = smap.shown_box(index)
        assert shown is not None and smap.visible(shown) and tree.contains(shown, index) and shown != index


@pytest.mark.parametrize("which", ["demo", "host"])
def test_images_at_the_leaves(which, request):
    """Bases are the root's children, every leaf box carries the image(s) on its top layer, each image is in the
    box of its top layer, and a leaf held by one image is that image's own stack (its status colour)."""
    a: Analysis = request.getfixturevalue(which)
    tree = sm.storage_tree(a)
    bases = {n for n, d in a.graph.nodes(data=True) if d["kind"] == LAYER and d["parent"] is None}
    assert {tree.boxes[c].layers[0] for c in tree.boxes[sm.ROOT].children} == bases
    for box in tree.boxes[1:]:
        if not box.children:
            assert box.images or a.graph.nodes[box.layers[-1]].get("platform_of")
    for img in a.snapshot.images:
        if img.chain_ids:
            box = tree.boxes[tree.box_of_image[img.id]]
            assert box.layers[-1] == img.chain_ids[-1] and img.id in box.images
            assert [tree.box_of_layer[c] for c in lineage(a.graph, img.id)][-1] == box.index
    leaves = [b for b in tree.boxes[1:] if not b.children and len(a.layer_use[b.layers[-1]].images) == 1]
    assert leaves
    for box in leaves:
        assert box.image == box.images[0] and box.style == a.status[box.image].status
    for img_id, sizes in a.image_sizes.items():         # an image's own box is bytes no other image holds
        box = tree.boxes[tree.box_of_image[img_id]]
        if box.image == img_id:
            assert box.own_bytes <= sizes.unique_size


def test_deterministic(host):
    """The same snapshot, its images in another order, gives the same boxes and rectangles."""
    a = host
    shuffled = list(a.snapshot.images)
    random.Random(5).shuffle(shuffled)
    b = Analysis(dataclasses.replace(a.snapshot, images=tuple(shuffled)))
    ta, tb = sm.storage_tree(a), sm.storage_tree(b)
    ma, mb = sm.arrange(ta, 1200, 700), sm.arrange(tb, 1200, 700)
    by_run_a = {box.layers: ma.rects[box.index] for box in ta.boxes[1:]}
    by_run_b = {box.layers: mb.rects[box.index] for box in tb.boxes[1:]}
    assert by_run_a == by_run_b
    assert ma.slices == mb.slices
    metrics = tf.ApproxMetrics()
    la = [(lab.lines, lab.x, lab.y) for lab in sl.place_labels(ma, metrics)]
    assert la == [(lab.lines, lab.x, lab.y) for lab in sl.place_labels(sm.arrange(ta, 1200, 700), metrics)]


def test_hit_is_the_deepest_drawn_box(host):
    """The grid's answer is the brute-force one: the deepest visible box containing the point."""
    tree = sm.storage_tree(host)
    smap = sm.arrange(tree, 1200, 700)
    rng = random.Random(11)
    visible = [i for i in smap.order if smap.visible(i)]
    for _ in range(400):
        x, y = rng.uniform(0, 1200), rng.uniform(0, 700)
        inside = [i for i in visible if _inside((x, y, 0, 0), smap.rects[i])
                  and x < smap.rects[i][0] + smap.rects[i][2] and y < smap.rects[i][1] + smap.rects[i][3]]
        assert smap.hit(x, y) == max(inside, key=lambda i: tree.boxes[i].depth)
    assert smap.hit(-5, 10) is None and smap.hit(10, 900) is None


def test_zoom_lays_out_the_subtree(host):
    """Zoomed into a box, the box fills the picture and only its subtree is laid out, areas ∝ bytes."""
    tree = sm.storage_tree(host)
    group = next(b for b in tree.boxes[1:] if b.depth == 2 and len(b.children) > 3)
    smap = sm.arrange(tree, 800, 600, root=group.index)
    assert smap.rects[group.index] == (0.0, 0.0, 800.0, 600.0)
    assert all(tree.contains(group.index, i) for i in smap.rects)
    assert len(smap.rects) == sum(1 for b in tree.boxes if tree.contains(group.index, b.index))
    for i, (x, y, w, h) in smap.rects.items():
        assert abs(w * h - tree.boxes[i].bytes * 800 * 600 / group.bytes) <= EPS * 800 * 600
    assert tree.path(group.index)[0] == sm.ROOT and tree.path(group.index)[-1] == group.index


def test_labels_inside_their_boxes_never_overlap(host):
    """Every name lies inside its box (a layer's inside its slice), fits its lines, and no two names overlap."""
    tree = sm.storage_tree(host)
    smap = sm.arrange(tree, 1200, 700)
    metrics = model_export.FontMetrics(dpi=96)
    labels = sl.place_labels(smap, metrics, layer_text=lambda c: sm.layer_title(host, c))
    assert len(labels) > 100
    for k, lab in enumerate(labels):
        area = smap.slices[lab.layer] if lab.layer else smap.rects[lab.box]
        assert _inside((lab.x, lab.y, lab.w, lab.h), area)
        assert all(metrics.width(t, lab.size) <= lab.w for t in lab.lines)
        assert len(lab.lines) * metrics.line(lab.size) <= lab.h
        if lab.full and lab.layer is None:
            assert "".join(lab.lines[:lab.title_lines]).replace(" ", "") == tree.boxes[lab.box].title.replace(" ", "")
    rects = [(lab.x, lab.y, lab.w, lab.h) for lab in labels]
    for k, r in enumerate(rects):
        assert all(_overlap(r, o) < EPS for o in rects[k + 1:])


def readable(analysis: Analysis, labels_of: dict[int, sl.Label], tree: sm.StorageTree) -> tuple[list, list]:
    """The readability criterion's misses: of the 20 largest base layers and the 20 images holding the most
    unique bytes, those whose box has no fully drawn name."""
    bases = sorted((c for c in tree.boxes[sm.ROOT].children),
                   key=lambda c: -tree.layer_bytes[tree.boxes[c].layers[0]])[:20]
    images = sorted(analysis.image_sizes, key=lambda i: -analysis.image_sizes[i].unique_size)[:20]
    missed_bases = [tree.boxes[b].title for b in bases if not (b in labels_of and labels_of[b].full)]
    missed_images = [i for i in images
                     if not (tree.box_of_image[i] in labels_of and labels_of[tree.box_of_image[i]].full)]
    return missed_bases, missed_images


def least_area(title: str, metrics: tf.TextMetrics) -> float:
    """The smallest box (px²) that can hold ``title`` in full at the smallest name size, whatever its shape:
    over every way to wrap it, (widest line + padding) × (lines + padding)."""
    size, (px, py) = min(tf.FONT_SIZES), tf.LABEL_PAD
    cuts = [i + 1 for i, ch in enumerate(title) if ch in tf._BREAKS] + [len(title)]
    starts = [0] + cuts[:-1]
    widths = {metrics.width(title[a:b].strip(), size) for a in starts for b in cuts if b > a}
    best = math.inf
    for w in widths:
        lines = tf.wrap(title, w + 1e-6, metrics, size, tf.MAX_LINES)
        if lines:
            best = min(best, (w + 2 * px) * (len(lines) * metrics.line(size) + 2 * py))
    return best


def holds(title: str, rect: sm.Rect, metrics: tf.TextMetrics) -> bool:
    """Whether a box of this rectangle could show ``title`` in full (some size, some wrap), ignoring other names."""
    px, py = tf.LABEL_PAD
    return bool(sl._candidates(title, "", rect[2] - 2 * px, rect[3] - 2 * py, metrics, tf.FONT_SIZES))


def unexplained(analysis: Analysis, labels_of: dict[int, sl.Label], smap: sm.StorageMap,
                metrics: tf.TextMetrics) -> tuple[list, list]:
    """Misses of the readability criterion that geometry does not force: a base whose box is at least as big as
    its name needs in some shape, an image whose box could hold its name as it was laid out."""
    tree = smap.tree
    missed_bases, missed_images = readable(analysis, labels_of, tree)
    by_title = {tree.boxes[c].title: c for c in tree.boxes[sm.ROOT].children}
    area = {i: smap.rects[i][2] * smap.rects[i][3] for i in smap.rects}
    bases = [t for t in missed_bases if area[by_title[t]] >= least_area(t, metrics)]
    images = [i for i in missed_images
              if holds(tree.boxes[tree.box_of_image[i]].title, smap.rects[tree.box_of_image[i]], metrics)]
    return bases, images


@pytest.mark.parametrize("which", ["host", "archive"])
def test_readable_with_the_exports_font(which, request):
    """The export's metrics (FreeType) at 1200×700: the 20 largest base layers and the 20 images with the most
    unique bytes are named in full (the window's test does the same with Qt's metrics) — on bench_gui's host
    every one; on make_archive's host every one whose box can hold its name.  There a base layer is 16 B–4 kB,
    a ~0.15 px²/B picture gives the largest leaf bases 420–770 px², and "bench/img0928:latest" needs at least
    ~1,000 px² at 6 pt in any shape (85×12 px); and the image that is the 4 % third child of a 279×159 px box gets
    a strip no treemap could widen."""
    a: Analysis = request.getfixturevalue(which)
    tree = sm.storage_tree(a)
    smap = sm.arrange(tree, 1200, 700)
    metrics = model_export.FontMetrics(dpi=96)
    labels = {lab.box: lab for lab in sl.place_labels(smap, metrics) if lab.layer is None}
    missed_bases, missed_images = readable(a, labels, tree)
    if which == "host":
        assert (missed_bases, missed_images) == ([], [])
    else:           # what is missed is forced (but one image, whose box only a base's name fits in too)
        bases, images = unexplained(a, labels, smap, metrics)
        assert bases == [] and len(images) <= 1
        by_title = {tree.boxes[c].title: c for c in tree.boxes[sm.ROOT].children}
        for t in missed_bases:
            x, y, w, h = smap.rects[by_title[t]]
            assert w * h < least_area(t, metrics)
        assert len(missed_images) <= 2 and len(missed_bases) <= 11


def test_wrap_and_elide():
    """Names break only at separators; a cut name ends with "…" and fits."""
    m = tf.ApproxMetrics()
    one = m.width("x", 8)
    assert tf.wrap("team12/curl:932", 8 * one, m, 8, 3) == ["team12/", "curl:932"]
    assert tf.wrap("team12/curl:932", 20 * one, m, 8, 3) == ["team12/curl:932"]
    assert tf.wrap("averyveryverylongword", 8 * one, m, 8, 3) is None
    assert tf.wrap("a/b/c/d/e", 2 * one, m, 8, 3) is None
    cut = tf.elide("RUN apt-get install -y curl", 10 * one, m, 8)
    assert cut.endswith("…") and m.width(cut, 8) <= 10 * one


# -- export ----------------------------------------------------------------------------------------
def _export(fmt: str, out: Path) -> None:
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--format", fmt, str(out), "--demo"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert out.exists() and out.stat().st_size > 0


def test_export_svg_names_the_largest_layers(tmp_path, demo):
    """`main.py export --format storagemap-svg OUT --demo`: an SVG whose texts name the boxes of the largest
    layers, each with its size."""
    out = tmp_path / "map.svg"
    _export("storagemap-svg", out)
    root = ET.parse(out).getroot()
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    joined = " ".join(texts).replace(" ", "")
    tree = sm.storage_tree(demo)
    largest = sorted(tree.layer_bytes, key=lambda c: -tree.layer_bytes[c])[:3]
    for chain_id in largest:
        box = tree.boxes[tree.box_of_layer[chain_id]]
        shown = box.title if len(box.layers) == 1 and not box.images else sm.layer_title(demo, chain_id)
        assert shown.replace(" ", "") in joined, (shown, texts)
    assert any(t.startswith("Layerscope") for t in texts)


def test_export_png_is_a_picture(tmp_path):
    """`main.py export --format storagemap-png OUT --demo`: a PNG with real size and more than one colour."""
    from PIL import Image as PILImage

    out = tmp_path / "map.png"
    _export("storagemap-png", out)
    with PILImage.open(out) as png:
        assert png.format == "PNG" and png.width > 0 and png.height > 0
        colours = png.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 5
    background = tuple(int(model_export.C.background[k:k + 2], 16) for k in (1, 3, 5))
    assert sum(n for n, c in colours if c != background) > 0.5 * sum(n for n, _ in colours)   # the map, drawn


def test_export_unknown_map_format(tmp_path, demo):
    """Only svg and png."""
    with pytest.raises(model_export.ExportError):
        model_export.write_storage_map(demo, tmp_path / "x.pdf", "pdf")
