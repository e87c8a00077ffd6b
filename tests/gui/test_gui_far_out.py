"""The layer map zoomed far out (the overview draws the boxes; their tiles are transparent): clicks, tooltips,
previews and exports still meet every item, and a retag relabels only what changed."""
from __future__ import annotations

import dataclasses
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui.graphitems import MARK_DELETED, MARK_KEPT, ImageItem
from gui import theme
from gui.overview import OVERVIEW_SCALE, shade
from gui.workers import prepare_incremental
from resources import DEMO_SNAPSHOT, ENGINE29_SNAPSHOT
from windows import open_window

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from make_archive import archive_snapshot  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Every test here runs with the shared temp_settings (tests/conftest.py)."""
    return temp_settings


def _far_out(view, scale: float = OVERVIEW_SCALE * 0.8) -> None:
    view.zoom_to(scale)
    view.viewport().repaint()
    assert view.overview.isVisible() and all(tile.opacity() == 0.0 for tile in view.scene().tiles)


def test_far_out_a_click_selects_the_badge_under_it(qtbot):
    """Below OVERVIEW_SCALE the node items are not painted, yet the badge under the mouse is found and a click
    selects it everywhere (the tiles under the mouse are opaque while it is looked for)."""
    window = open_window(qtbot, snapshot=str(DEMO_SNAPSHOT))
    view = window.graph_view
    image_id, item = next(iter(view.image_items.items()))
    _far_out(view, 0.05)
    view.centerOn(item.rect.center())
    pos = view.mapFromScene(item.rect.center())
    assert view.node_at(pos) is item
    assert all(tile.opacity() == 0.0 for tile in view.scene().tiles)         # transparent again at once
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert item.isSelected() and window.session.current_image == image_id
    assert item in view.lit_items()


def test_far_out_a_preview_marks_what_it_deletes_and_keeps_the_rest(qtbot):
    """Only the deleted and untagged items carry a mark of their own; every other one reads as kept while the
    preview is shown, and as unmarked once it is cleared."""
    window = open_window(qtbot, snapshot=str(DEMO_SNAPSHOT))
    view = window.graph_view
    _far_out(view)
    plan = window.preview_rmi("iscreamedu_apache:latest")
    deleted = set(plan.deleted_images) | set(plan.deleted_layers)
    assert deleted and view.marked(MARK_DELETED) >= deleted
    kept = [item for i, item in view.image_items.items() if i not in plan.deleted_images]
    assert kept and all(item.mark == MARK_KEPT for item in kept)
    view.viewport().repaint()                                                  # the overview draws the marks
    window.clear_preview()
    assert all(item.mark is None for item in view.nodes())


def test_far_out_the_scene_export_draws_every_box(qtbot, tmp_path):
    """A whole-scene export made while the view is far out still draws each box with its texts."""
    window = open_window(qtbot, snapshot=str(DEMO_SNAPSHOT))
    view = window.graph_view
    _far_out(view)
    window.exporter.export("scene-svg", tmp_path / "scene.svg")
    texts = "\n".join("".join(t.itertext()) for t in ET.parse(tmp_path / "scene.svg").getroot().iter(f"{SVG}text"))
    snap = window.current.snapshot
    assert all(img.short_id in texts for img in snap.images if img.id in view.image_items)
    assert all(tile.opacity() == 0.0 for tile in view.scene().tiles)


def test_a_retag_relabels_in_place(qtbot):
    """A live retag on a large host (prepared as the live path prepares it) keeps every item; the retagged
    badge says its new tag, and only the boxes of the layers it holds are said again; the result reads as a
    fresh window's."""
    snap = archive_snapshot(120)
    window = open_window(qtbot, start=False)
    window.show_snapshot(snap, origin="daemon")
    view = window.graph_view
    items, layers = dict(view.image_items), dict(view.layer_items)
    said = {node_id: item.texts() for node_id, item in layers.items()}
    target = next(i for i in snap.images if not i.repo_tags and i.id in items)      # an untagged image gets a tag
    held = set(target.chain_ids)
    after = snap.replace(images=tuple(dataclasses.replace(i, repo_tags=("bench/now:1",)) if i.id == target.id
                                      else i for i in snap.images))
    prepared = prepare_incremental(window.session.current, after)
    assert prepared.layout is window.session.current.layout                      # the same forest, not laid out
    window.apply_snapshot(after, {target.id}, prepared)
    assert view.image_items == items and view.layer_items == layers              # the same items
    assert items[target.id].tags == ("bench/now:1",) and items[target.id].status == "tagged"
    assert "tagged" in items[target.id].detail
    untouched = [n for n, item in layers.items() if not held & set(item.members)]
    assert untouched and all(layers[n]._said is said[n] for n in untouched)    # not said again
    fresh = open_window(qtbot, start=False)
    fresh.show_snapshot(after, origin="daemon")
    for node_id, item in fresh.graph_view.layer_items.items():
        assert (item.title, item.detail, item.holders) == (layers[node_id].title, layers[node_id].detail,
                                                           layers[node_id].holders)
    for image_id, item in fresh.graph_view.image_items.items():
        assert isinstance(item, ImageItem)
        assert (item.tags, item.status, item.detail) == (items[image_id].tags, items[image_id].status,
                                                         items[image_id].detail)


@pytest.mark.parametrize("snapshot", [DEMO_SNAPSHOT, ENGINE29_SNAPSHOT], ids=["demo", "engine29"])
def test_each_tile_is_as_large_as_its_items(qtbot, snapshot):
    """A tile's rect, computed from the layout while the scene is built, is the union of its items' bounding
    rects (the rings' margin, and a multi-platform badge's chip, included): the view looks items up by tile."""
    view = open_window(qtbot, snapshot=str(snapshot)).graph_view
    tiles = view.scene().tiles
    assert tiles and sum(len(tile.childItems()) for tile in tiles) == len(view.image_items) + len(view.layer_items)
    assert any(item.platform_chip for item in view.image_items.values()) == (snapshot == ENGINE29_SNAPSHOT)
    for tile in tiles:
        assert tile.rect() == tile.childrenBoundingRect()


def _drawn(view) -> dict[tuple[float, float], int]:
    """Box position → the colour the overview draws it in (the last block drawn there wins)."""
    return {(r.x(), r.y()): color.rgba() for color, rects in view.overview.batches() for r in rects}


def _own_blocks(view) -> dict[tuple[float, float], int]:
    """Box position → the colour each node item gives its block: its mark's (kept under a preview), paler when
    dimmed, the selection's when selected or lit up."""
    pal = theme.palette()
    lit = set(view.lit_items())
    return {(item.rect.x(), item.rect.y()): shade(pal.selected if item in lit else item.rest_color(pal, item.mark),
                                                  item.opacity() < 1.0).rgba()
            for item in view.nodes()}


def test_far_out_the_overview_draws_each_box_as_its_item_would(qtbot):
    """The overview's blocks (grouped once, then re-marked per preview) have each item's own colour: at rest,
    under a preview, with one image's lineage focused, with a selection, and once the preview is cleared."""
    window = open_window(qtbot, snapshot=str(DEMO_SNAPSHOT))
    view = window.graph_view
    _far_out(view)
    assert _drawn(view) == _own_blocks(view)
    plan = window.preview_rmi("iscreamedu_apache:latest")
    assert plan.deleted_images and plan.untagged_refs
    marked = _drawn(view)
    assert marked == _own_blocks(view)
    image_id = next(i for i in view.image_items if i not in plan.deleted_images)
    view.focus_lineage(image_id)
    _far_out(view)
    assert _drawn(view) == _own_blocks(view)
    window.selection.select_image(image_id, "test")
    assert _drawn(view) == _own_blocks(view)
    window.clear_preview()
    view.clear_focus()
    rest = _drawn(view)
    assert rest == _own_blocks(view) and rest != marked
