"""The storage map in the real window (pytest-qt, offscreen): one selection with the layer map, table and details;
tooltips, zoom and breadcrumb, rmi-preview and what-if colours; and readability on the 1,000-image host,
with the label fit measured in Qt's own font metrics."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from gui import theme
from gui.mainwindow import MainWindow
from gui.storagemap import MARGIN, StorageMapView
from gui.tablemodel import IMAGE_ID_ROLE, REF_ROLE
from model.core.analysis import Analysis
from model.core.history import short_created_by
from model.core.sizes import human
from model.engine.plan import RMI, Request
from model.render.storagemap import ROOT
from windows import open_window

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_gui import synthetic_snapshot  # noqa: E402
from make_archive import archive_snapshot  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
from test_storagemap import readable, unexplained  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Every test here runs with the shared temp_settings (tests/conftest.py)."""
    return temp_settings


def _demo(qtbot) -> tuple[MainWindow, StorageMapView]:
    window = open_window(qtbot, demo=True)
    qtbot.keyClick(window, Qt.Key.Key_M)                    # View → Storage map
    assert window.map_tabs.currentWidget() is window.storage_map and window.act_storage_map.isChecked()
    view = window.storage_map.view
    qtbot.waitExposed(view)
    view.repaint()
    return window, view


def _point(view: StorageMapView, want) -> QPoint:
    """The first point (scanning the view) whose click target satisfies ``want(target, point)``."""
    for y in range(4, view.height() - 4, 5):
        for x in range(4, view.width() - 4, 5):
            target = view.target_at(QPointF(x, y))
            if target is not None and want(target, QPointF(x - MARGIN, y - MARGIN)):
                return QPoint(x, y)
    raise AssertionError("no such point on the map")


def _colours(view: StorageMapView) -> set[int]:
    image = view.grab().toImage()
    return {image.pixel(x, y) for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)}


def _row(window: MainWindow, ref: str) -> int:
    proxy = window.images_proxy
    return next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(REF_ROLE) == ref)


@pytest.mark.parametrize("which", ["synthetic", "archive"])
def test_readable_on_the_large_host(qtbot, which):
    """Fitted in a 1200×700 view of the 1,000-image host, the 20 largest base layers and the 20 images holding
    the most unique bytes each have a box whose whole name is drawn (Qt's metrics: every line narrower than
    the label, the lines within its height, the label inside the box, and text pixels there)."""
    analysis = Analysis(synthetic_snapshot(1000, 2600) if which == "synthetic" else archive_snapshot())
    view = StorageMapView()
    qtbot.addWidget(view)
    view.resize(1200 + 2 * int(MARGIN), 700 + 2 * int(MARGIN))
    view.show()
    qtbot.waitExposed(view)
    view.set_analysis(analysis)
    view.repaint()
    smap, tree = view.storage_map, view.tree
    assert (smap.width, smap.height) == (1200, 700) and view.zoom_root == ROOT
    labels = {lab.box: lab for lab in view.labels if lab.layer is None}
    missed_bases, missed_images = readable(analysis, labels, tree)
    if which == "synthetic":
        assert (missed_bases, missed_images) == ([], [])
    else:           # make_archive's host: only what its geometry forces (see tests/render/test_storagemap.py)
        bases, images = unexplained(analysis, labels, smap, view.metrics)
        assert bases == [] and len(images) <= 1 and len(missed_images) <= 2 and len(missed_bases) <= 11
    bases = sorted(tree.boxes[ROOT].children, key=lambda c: -tree.layer_bytes[tree.boxes[c].layers[0]])[:20]
    images = sorted(analysis.image_sizes, key=lambda i: -analysis.image_sizes[i].unique_size)[:20]
    picture = view.grab().toImage()
    for index in bases + [tree.box_of_image[i] for i in images]:
        if index not in labels or not labels[index].full:
            continue
        lab = labels[index]
        title = "".join(lab.lines[:lab.title_lines]).replace(" ", "")
        assert title == tree.boxes[index].title.replace(" ", "")
        fm = QFontMetricsF(theme.font(lab.size))
        assert all(fm.horizontalAdvance(t) <= lab.w for t in lab.lines[:lab.title_lines])
        assert lab.title_lines * fm.lineSpacing() <= lab.h
        x, y, w, h = smap.rects[index]
        assert x <= lab.x and y <= lab.y and lab.x + lab.w <= x + w and lab.y + lab.h <= y + h
        inside = {picture.pixel(int(lab.x + MARGIN + dx), int(lab.y + MARGIN + dy))
                  for dx in range(2, int(lab.w) - 1, 2) for dy in range(2, int(lab.h) - 1, 2)}
        assert len(inside) >= 3, f"nothing drawn where {tree.boxes[index].title} is named"


def test_click_selects_in_every_view(qtbot):
    """A layer clicked on the map is selected in the layer map and shown in details; an image's name clicked
    selects its badge, its table row and its details."""
    window, view = _demo(qtbot)
    pos = _point(view, lambda t, p: t[0] == "layer" and not any(lab.contains(p.x(), p.y()) for lab in view.labels))
    chain_id = view.target_at(QPointF(pos))[1]
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=pos)
    graph = window.graph_view
    item = graph.layer_items[graph.node_of[chain_id]]
    assert item.isSelected() and chain_id in item.members
    assert window.details.chain_id == chain_id and window.tabs.currentWidget() is window.details
    assert view.selected_layer == chain_id
    pos = _point(view, lambda t, p: t[0] == "image")
    image_id = view.target_at(QPointF(pos))[1]
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=pos)
    assert graph.selected_ids() == [image_id]
    assert window.images.selected_images() == [image_id] and window.current_image == image_id
    assert window.details.image_id == image_id and view.selected_image == image_id


def test_table_selection_highlights_the_image(qtbot):
    """Selecting a table row rings that image's box on the map (in the selection colour)."""
    window, view = _demo(qtbot)
    selected = QColor(theme.palette().selected).rgb()
    assert selected not in _colours(view)
    row = _row(window, "ubuntu_apache:latest")
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.table.visualRect(window.images_proxy.index(row, 1)).center())
    image_id = window.images_proxy.index(row, 0).data(IMAGE_ID_ROLE)
    assert view.selected_image == image_id
    assert view.tree.box_of_image[image_id] in view.storage_map.rects
    assert selected in _colours(view)


def test_hover_tooltip_names_the_layer(qtbot):
    """The tooltip over a layer says what made it (short CREATED BY), its size and the images holding it."""
    window, view = _demo(qtbot)
    tree = view.tree
    chain_id = max(tree.layer_bytes, key=lambda c: tree.layer_bytes[c])
    x, y, w, h = view.storage_map.slices[chain_id]
    pos = QPoint(int(x + w / 2 + MARGIN), int(y + h / 2 + MARGIN))
    qtbot.mouseMove(view, pos)
    assert view.hovered == tree.box_of_layer[chain_id] and view.hovered_layer == chain_id
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, pos, view.mapToGlobal(pos)))
    text = QToolTip.text()
    analysis = window.current.analysis
    made_by = short_created_by(analysis.graph.nodes[chain_id]["created_by"])
    assert made_by and made_by[:60].replace("<", "&lt;") in text
    assert human(tree.layer_bytes[chain_id]) in text
    holders = analysis.layer_use[chain_id].images
    assert f"held by {len(holders)} image(s)" in text
    assert all((analysis.snapshot.by_id[i].repo_tags or ("<none>",))[0].replace("<", "&lt;") in text
               for i in holders)
    # a layer no history row names (the imported base): the tooltip says why, from the history mappings
    blank = next(c for c in sorted(tree.layer_bytes, key=lambda c: -tree.layer_bytes[c])
                 if not analysis.graph.nodes[c]["created_by"])
    x, y, w, h = view.storage_map.slices[blank]
    pos = QPoint(int(x + w / 2 + MARGIN), int(y + h / 2 + MARGIN))
    text = view.tooltip_at(QPointF(pos))
    exact = all(analysis.mappings[i].exact for i in analysis.layer_use[blank].images)
    assert ("has no CREATED BY" in text) == exact and ("CREATED BY unknown" in text) == (not exact)
    assert human(tree.layer_bytes[blank]) in text


def test_double_click_zooms_and_breadcrumb_zooms_out(qtbot):
    """Double-click zooms one level into the box under the pointer; the breadcrumb (and Backspace) go back."""
    window, view = _demo(qtbot)
    tree = view.tree
    base = max(tree.boxes[ROOT].children, key=lambda c: tree.boxes[c].bytes)
    x, y, w, h = view.storage_map.own[base]
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(int(x + w / 2), int(y + h / 2)))
    assert view.zoom_root == base
    qtbot.waitUntil(view.settled)                   # (the zoomed picture is made on the worker)
    assert view.storage_map.rects[base] == (0.0, 0.0, view.storage_map.width, view.storage_map.height)
    child = tree.boxes[base].children[0]
    cx, cy, cw, ch = view.storage_map.rects[child]
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(int(cx + cw / 2), int(cy + ch - 3)))
    assert view.zoom_root == child
    crumbs = window.storage_map.breadcrumb.buttons
    assert len(crumbs) == 3 and not crumbs[-1].isEnabled()
    qtbot.mouseClick(crumbs[1], Qt.MouseButton.LeftButton)          # one step out
    assert view.zoom_root == base
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert view.zoom_root == ROOT and len(window.storage_map.breadcrumb.buttons) == 1
    view.zoom_to(child)
    window.act_fit.trigger()                                        # View → Fit on the storage map
    assert view.zoom_root == ROOT


def test_rmi_preview_colours_what_would_be_freed(qtbot):
    """Ctrl+R on a selected image marks the layers `docker rmi` would free; Esc clears them."""
    window, view = _demo(qtbot)
    freed_fill = QColor(theme.palette().deleted_fill).rgb()
    assert freed_fill not in _colours(view)
    row = _row(window, "simple-express:latest")
    window.table.selectRow(row)
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    plan = window.preview
    assert plan is not None and plan.deleted_layers
    assert view.marked_layers() == set(plan.deleted_layers)
    assert view.freed_bytes() == sum(view.tree.layer_bytes[c] for c in plan.deleted_layers) > 1_000_000
    assert freed_fill in _colours(view) or QColor(theme.palette().deleted).rgb() in _colours(view)
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert window.preview is None and not view.marked_layers()
    assert freed_fill not in _colours(view)


def test_whatif_step_previewed_then_done(qtbot):
    """In what-if mode the preview of a step colours the map the same way; doing it shows the state after
    (its layers gone from the map), and undo brings them back."""
    window, view = _demo(qtbot)
    window.act_whatif.trigger()
    image_id = window.images_proxy.index(_row(window, "simple-express:latest"), 0).data(IMAGE_ID_ROLE)
    window.table.selectRow(_row(window, "simple-express:latest"))
    window.act_preview.trigger()
    deleted = set(window.preview.deleted_layers)
    assert deleted and view.marked_layers() == deleted
    window.request_action(Request(RMI, ("simple-express:latest",)))
    assert not view.marked_layers()
    assert not deleted & set(view.tree.box_of_layer) and image_id not in view.tree.box_of_image
    window.act_undo.trigger()
    assert deleted <= set(view.tree.box_of_layer) and image_id in view.tree.box_of_image
    window.leave_whatif()
    assert not view.marked_layers()


def test_accessible_and_exported_from_the_menu(qtbot, tmp_path):
    """The widgets have accessible names; File → Export writes the storage map (from the model's layout)."""
    window, view = _demo(qtbot)
    assert view.accessibleName() == "Storage map" and view.accessibleDescription()
    assert all(b.accessibleName() for b in window.storage_map.breadcrumb.buttons)
    assert window.exporter.export_actions["storagemap-svg"].text() == "Storage map as SVG…"
    out = window.exporter.export("storagemap-svg", tmp_path / "map.svg")
    assert out.read_text(encoding="utf-8").count("<text") > 5
    png = window.exporter.export("storagemap-png", tmp_path / "map.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resize_shows_the_old_picture_then_lays_out_again(qtbot):
    """While the view is resized the picture shown is the last one, stretched (no layout on the UI thread);
    once resizing pauses the worker lays the map out for the new size and it replaces it."""
    window, view = _demo(qtbot)
    before, size = view.storage_map, view.size()
    window.resize(window.width() - 120, window.height() - 40)
    qtbot.waitUntil(lambda: view.size() != size)
    view.repaint()
    assert view.storage_map is before and not view.settled()
    qtbot.waitUntil(view.settled, timeout=5000)
    smap = view.storage_map
    assert smap is not before
    assert (smap.width, smap.height) == (view.width() - 2 * MARGIN, view.height() - 2 * MARGIN)
    assert {lab.box for lab in view.labels}          # named again, at the new size
