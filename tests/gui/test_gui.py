"""The desktop window driven for real (pytest-qt, offscreen) against the tutorial on a private dockerd."""
from __future__ import annotations

import dataclasses
import json
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

import builders
from gui.app import install_excepthook, make_window
from gui.graphview import MARK_DELETED, MARK_UNTAGGED, ImageItem
from gui.mainwindow import MainWindow, WindowOptions
from gui.tablemodel import IMAGE_ID_ROLE, SORT_ROLE
from model.engine.simulate import rmi
from model.core.snapshot import Snapshot
from windows import LOAD_TIMEOUT, open_window



@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Every test here runs with the shared temp_settings (tests/conftest.py)."""
    return temp_settings


@pytest.fixture(scope="module")
def tutorial_daemon(private_daemon):
    """The private daemon holding the replayed tutorial (built once for this module)."""
    if private_daemon.proc is None or private_daemon.proc.poll() is not None:
        private_daemon.start()
    private_daemon.wipe()
    ids = builders.tutorial(private_daemon.client())
    yield private_daemon, ids
    if private_daemon.proc is None or private_daemon.proc.poll() is not None:
        private_daemon.start()


def _window(qtbot, **options) -> MainWindow:
    return open_window(qtbot, start=False, **options)


def _start(qtbot, window: MainWindow, signal: str = "loaded") -> None:
    with qtbot.waitSignal(getattr(window, signal), timeout=LOAD_TIMEOUT):
        window.start()


def test_gui_reads_daemon_and_shows_tutorial(qtbot, tutorial_daemon):
    """Loading from the daemon in a worker fills graph, table, status bar (counts and naive vs actual)."""
    daemon, ids = tutorial_daemon
    window = _window(qtbot, host=daemon.url)
    _start(qtbot, window)
    assert window.origin == "daemon" and not window.banner.isVisible()
    assert set(window.graph_view.image_items) == set(ids.values())
    snap = window.current.snapshot
    assert len(window.graph_view.node_of) == len({c for i in snap.images for c in i.chain_ids}) + len(snap.images)
    assert window.images_model.rowCount() == 3
    assert "3 images · 3 tagged · 0 dangling" in window.counts_label.text()
    totals = window.current.analysis.totals
    assert totals.naive_bytes > totals.actual_bytes      # "207 + 207 + 86.7 MB yet only 207 MB on disk"
    assert "on disk" in window.totals_label.text()
    assert daemon.url in window.windowTitle()


def test_gui_table_and_graph_selection_follow_each_other(qtbot, tutorial_ids, tutorial_file):
    """Selecting a table row selects the badge in the graph; clicking a badge selects the row and details."""
    ids = tutorial_ids
    window = _window(qtbot, snapshot=str(tutorial_file))
    _start(qtbot, window)
    proxy = window.images_proxy
    apache = ids["ubuntu_apache:latest"]
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(IMAGE_ID_ROLE) == apache)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.table.visualRect(proxy.index(row, 1)).center())
    assert window.graph_view.selected_ids() == [apache]
    assert window.current_ref == "ubuntu_apache:latest"
    assert window.details.image_id == apache
    assert window.details.history.rowCount() == len(window.current.snapshot.by_id[apache].history)

    # now the other way: a real mouse click on the ubuntu:18.04 badge
    ubuntu = ids["ubuntu:18.04"]
    view = window.graph_view
    item = view.image_items[ubuntu]
    view.ensureVisible(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(item.rect.center()))
    assert view.selected_ids() == [ubuntu]
    assert window.selected_table_images() == [ubuntu]
    assert window.details.image_id == ubuntu

    # a history row that made a layer selects that layer in the graph and shows who holds it
    hist = window.details.history
    mapping = window.current.analysis.history_mapping(ubuntu)
    r = next(i for i, layer in enumerate(mapping.row_layer) if layer == 0)     # the base layer's row
    hist.selectRow(r)
    base = window.current.snapshot.by_id[ubuntu].chain_ids[0]
    assert view.selected_ids() == [base]
    assert window.details.chain_id == base
    assert window.details.holders.count() == 3                # all three images hold the base layer
    assert base in window.details.layer_header.text()


def _expected(snapshot: Snapshot, ref: str) -> tuple[set[str], set[str], set[str], list]:
    outcomes, _ = rmi(snapshot, [ref])
    deleted = {v for o in outcomes for item in o.response for k, v in item.items() if k == "Deleted"}
    untagged = [v for o in outcomes for item in o.response for k, v in item.items() if k == "Untagged"]
    return ({d for d in deleted if d in snapshot.by_id}, {d for d in deleted if d not in snapshot.by_id},
            set(untagged), outcomes)


@pytest.mark.parametrize("ref", ["ubuntu_apache", "ubuntu:18.04", "iscreamedu_apache"])
def test_gui_rmi_preview_marks_exactly_the_simulators_sets(qtbot, tutorial_file, ref):
    """The graph and the list mark what model.engine.simulate.rmi answers — no more, no less; Esc clears."""
    window = _window(qtbot, snapshot=str(tutorial_file))
    _start(qtbot, window)
    snap = window.current.snapshot
    images, layers, untagged, outcomes = _expected(snap, ref)
    with qtbot.waitSignal(window.preview_changed):
        result = window.preview_rmi(ref)
    view = window.graph_view
    assert view.marked(MARK_DELETED) == images | layers
    untagged_images = {i.id for i in snap.images if any(t in untagged for t in i.repo_tags)} - images
    assert view.marked(MARK_UNTAGGED) == untagged_images
    assert result.lines == [(k, v) for o in outcomes for item in o.response for k, v in item.items()]
    texts = [window.preview_tree.topLevelItem(i).text(0) for i in range(window.preview_tree.topLevelItemCount())]
    for kind, value in result.lines:
        assert any(t.startswith(f"{kind}: {value}") for t in texts)
    assert result.freed_bytes == sum(window.current.analysis.layer_sizes[c] for c in layers)
    if ref == "iscreamedu_apache":          # top image: its own layer goes, the shared ones stay
        assert len(images) == 1 and len(layers) == 1 and result.freed_bytes > 0
    else:                                   # a parent of another image: only untagged
        assert not images and not layers and untagged
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.preview is None
    assert not view.marked(MARK_DELETED) and not view.marked(MARK_UNTAGGED)


def test_gui_preview_shows_blocking_container_conflict(qtbot, daemon):
    """A container on the image: the preview shows the simulator's 409 and names the container."""
    client = daemon.client()
    builders.tutorial(client)
    builders.run_container(client, "iscreamedu_apache:latest", name="web", running=False)
    window = _window(qtbot, host=daemon.url)
    _start(qtbot, window)
    img = window.current.snapshot.by_id[client.images.get("iscreamedu_apache").id]
    item = window.graph_view.image_items[img.id]
    assert item.in_use
    result = window.preview_rmi("iscreamedu_apache")
    outcomes, _ = rmi(window.current.snapshot, ["iscreamedu_apache"])
    assert not result.ok and result.errors == [outcomes[0].message]
    assert [c.name for c in result.blocking_containers] == ["web"]
    assert not window.graph_view.marked(MARK_DELETED)
    assert "web" in window.preview_label.text() and "Would fail" in window.preview_label.text()
    # what the daemon really answers agrees with what was shown
    with pytest.raises(Exception) as err:
        client.api.remove_image("iscreamedu_apache")
    assert outcomes[0].message in str(err.value)


def test_gui_preview_then_real_rmi_agrees(qtbot, daemon):
    """After the preview, the real `docker rmi` answers exactly the listed lines (tutorial order)."""
    client = daemon.client()
    builders.tutorial(client)
    window = _window(qtbot, host=daemon.url)
    _start(qtbot, window)
    result = window.preview_rmi("iscreamedu_apache")
    real = client.api.remove_image("iscreamedu_apache")
    assert [(k, v) for item in real for k, v in item.items()] == result.lines
    # Reload: the forest now has one image fewer and ubuntu_apache's preview deletes the rest of its stack
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.act_reload.trigger()
    assert len(window.current.snapshot.images) == 2
    result = window.preview_rmi("ubuntu_apache")
    assert result.deleted_images and result.freed_bytes > 0
    real = client.api.remove_image("ubuntu_apache")
    assert [(k, v) for item in real for k, v in item.items()] == result.lines


def test_gui_filter_narrows_table(qtbot, tutorial_file):
    """The filter box (Ctrl+F) matches tags and IDs; sorting uses the real byte counts."""
    window = _window(qtbot, snapshot=str(tutorial_file))
    _start(qtbot, window)
    proxy = window.images_proxy
    assert proxy.rowCount() == 3
    window.activateWindow()
    window.act_filter.trigger()
    assert window.filter_edit.hasFocus() or QApplication.focusWidget() is window.filter_edit
    qtbot.keyClicks(window.filter_edit, "apache")
    assert proxy.rowCount() == 2
    window.filter_edit.clear()
    ubuntu = next(i for i in window.current.snapshot.images if "ubuntu:18.04" in i.repo_tags)
    qtbot.keyClicks(window.filter_edit, ubuntu.id[7:17])
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data(IMAGE_ID_ROLE) == ubuntu.id
    window.filter_edit.clear()
    window.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)        # SIZE
    sizes = [proxy.index(r, 4).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert sizes == sorted(sizes, reverse=True) and all(isinstance(s, int) for s in sizes)
    assert QKeySequence(QKeySequence.StandardKey.Find) in window.act_filter.shortcuts()


def test_gui_daemon_stopped_mid_session_shows_banner(qtbot, daemon):
    """daemon.stop() then Reload: a banner with Retry, the last snapshot stays; Retry after start recovers."""
    ids = builders.tutorial(daemon.client())
    window = _window(qtbot, host=daemon.url)
    _start(qtbot, window)
    daemon.stop()
    try:
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT) as blocker:
            qtbot.keyClick(window, Qt.Key.Key_F5)
        assert window.banner.isVisible() and window.banner.kind == "error"
        assert window.banner.retry.isVisible()
        assert "Traceback" not in window.banner.label.text()
        assert "daemon" in blocker.args[0].lower()
        assert set(window.graph_view.image_items) == set(ids.values())     # still showing the last snapshot
        assert window.act_reload.isEnabled()
    finally:
        daemon.start()
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(window.banner.retry, Qt.MouseButton.LeftButton)
    assert not window.banner.isVisible() and window.origin == "daemon"


@pytest.mark.parametrize("content,expect", [
    ("{not json", "not valid JSON"),
    (json.dumps({"kind": "layerscope-snapshot", "schema": 99}), "newer than this Layerscope"),
    (json.dumps({"kind": "something-else"}), "not a Layerscope snapshot"),
])
def test_gui_bad_snapshot_file_gives_message(qtbot, tmp_path, content, expect):
    """--snapshot with a broken file: a clear message in the banner, no traceback, no crash."""
    path = tmp_path / "bad.json"
    path.write_text(content)
    window = _window(qtbot, snapshot=str(path))
    with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT) as blocker:
        window.start()
    assert expect in blocker.args[0]
    assert window.banner.isVisible() and "Cannot open snapshot" in window.banner.label.text()
    assert expect in window.banner.label.text() and "Traceback" not in window.banner.label.text()
    assert window.current is None


def test_gui_no_daemon_opens_demo_marked_demo(qtbot, tutorial_file, tmp_path, monkeypatch):
    """No daemon reachable: the bundled demo opens, marked DEMO in title, banner and status bar."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing-here.sock")
    window = make_window(None)
    window.demo_path = tutorial_file
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.start()
    assert window.origin == "demo"
    assert "DEMO" in window.windowTitle()
    assert window.banner.isVisible() and window.banner.kind == "demo" and "DEMO" in window.banner.label.text()
    assert "no docker daemon" in window.banner.label.text().lower()
    assert window.mode_label.text() == "DEMO"
    assert len(window.graph_view.image_items) == 3


def test_gui_demo_flag_and_save_snapshot_roundtrip(qtbot, tutorial_file, tmp_path):
    """--demo opens the demo directly (no Retry); File → Save writes a snapshot that loads back equal."""
    window = make_window(None)
    window.options = WindowOptions(demo=True)
    window.demo_path = tutorial_file
    qtbot.addWidget(window)
    _start(qtbot, window)
    assert window.origin == "demo" and not window.banner.retry.isVisible()
    out = tmp_path / "saved.json"
    assert window.save_snapshot(str(out))
    assert Snapshot.load(out).images == window.current.snapshot.images


def test_gui_zoom_fit_focus_and_lineage(qtbot, tutorial_file):
    """Zoom shortcuts change the scale, fit shows the whole scene, focus dims all but one lineage."""
    window = _window(qtbot, snapshot=str(tutorial_file))
    _start(qtbot, window)
    view = window.graph_view
    view.zoom_to(1.0)
    window.act_zoom_in.trigger()
    assert view.current_scale() == pytest.approx(1.25)
    window.act_zoom_out.trigger()
    assert view.current_scale() == pytest.approx(1.0)
    window.act_fit.trigger()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.adjusted(-2, -2, 2, 2).contains(view.scene().sceneRect())
    edu = next(i for i in window.current.snapshot.images if "iscreamedu_apache:latest" in i.repo_tags)
    ubuntu = next(i for i in window.current.snapshot.images if "ubuntu:18.04" in i.repo_tags)
    view.focus_requested.emit(edu.id)
    assert view.focused_image == edu.id
    assert view.image_items[edu.id].opacity() == 1.0 and view.image_items[ubuntu.id].opacity() < 0.5
    assert all(view.layer_items[view.node_of[c]].opacity() == 1.0 for c in edu.chain_ids)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert view.focused_image is None and view.image_items[ubuntu.id].opacity() == 1.0
    # edges are cheap, under the nodes and ignore the mouse
    edges = [i for i in view.scene().items() if not isinstance(i, ImageItem) and i.zValue() < 0]
    assert edges and all(e.acceptedMouseButtons() == Qt.MouseButton.NoButton for e in edges)


def test_gui_settings_remembered_in_temp_location(qtbot, tutorial_file, temp_settings):
    """Legend choice and splitter state survive a restart, stored under the test's own QSettings path."""
    window = _window(qtbot, snapshot=str(tutorial_file))
    window.act_legend.trigger()                        # hide the legend
    window.main_splitter.setSizes([700, 600])
    sizes = window.main_splitter.sizes()
    window.close()
    assert any(temp_settings.joinpath("settings").rglob("*.ini"))
    again = _window(qtbot, snapshot=str(tutorial_file))
    assert not again.act_legend.isChecked() and not again.legend.isVisible()
    assert again.main_splitter.sizes() == sizes


def test_gui_excepthook_shows_banner_not_crash(qtbot):
    """An exception escaping a slot becomes a banner message."""
    window = _window(qtbot)
    old = sys.excepthook
    try:
        install_excepthook(window)
        try:
            raise ValueError("boom in a slot")
        except ValueError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = old
    assert window.banner.isVisible() and "boom in a slot" in window.banner.label.text()
    assert "Traceback" not in window.banner.label.text()


def test_gui_demo_opens_fitted_intermediates_hidden_legend_outside(qtbot, temp_settings):
    """The demo opens fitted (whole forest visible, labels readable), intermediates hidden until -a (remembered)."""
    window = _window(qtbot, demo=True)
    _start(qtbot, window)
    qtbot.wait(50)
    view = window.graph_view
    snap = window.current_snapshot()
    status = window.current.analysis.status
    listed = {i for i, st in status.items() if st.status != "intermediate"}
    assert set(view.image_items) == listed and len(listed) < len(snap.images)
    assert window.images_proxy.rowCount() == sum(max(1, len(snap.by_id[i].repo_tags)) for i in listed)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.adjusted(-2, -2, 2, 2).contains(view.scene().sceneRect())
    assert view.current_scale() >= 0.42                   # LOD_TEXT: the labels are drawn
    assert not window.legend.geometry().intersects(view.geometry())
    # the tutorial's stack is one tower: iscreamedu's layers share one column, its image right above them
    edu = next(i for i in snap.images if "iscreamedu_apache:latest" in i.repo_tags)
    lay = window.current.layout
    assert len({lay.nodes[lay.node_of[c]].col for c in edu.chain_ids}) == 1
    assert lay.nodes[edu.id].col == lay.nodes[lay.node_of[edu.top_layer]].col
    window.act_intermediates.trigger()
    assert set(view.image_items) == set(snap.by_id)
    assert window.images_proxy.rowCount() == window.images_model.rowCount()
    window.close()
    again = _window(qtbot, demo=True)
    assert again.act_intermediates.isChecked() and again.images_proxy.show_intermediates


def test_gui_public_hooks(qtbot, tutorial_file):
    """current_snapshot, apply_snapshot (keeps zoom and selection, lights up changes), scene, figure, menus."""
    window = _window(qtbot, snapshot=str(tutorial_file))
    _start(qtbot, window)
    snap = window.current_snapshot()
    assert window.graph_scene() is window.graph_view.scene()
    assert window.chart_figure() is window.chart.figure
    for name in ("File", "View", "Image", "Settings", "Help"):
        assert window.menu(name).actions()
    with pytest.raises(KeyError):
        window.menu("Nope")
    ubuntu = next(i for i in snap.images if "ubuntu:18.04" in i.repo_tags)
    edu = next(i for i in snap.images if "iscreamedu_apache:latest" in i.repo_tags)
    window.selection.select_image(ubuntu.id, "table", ref="ubuntu:18.04")
    window.graph_view.zoom_to(0.9)
    # a newer state: iscreamedu_apache gone, ubuntu re-tagged
    retagged = dataclasses.replace(ubuntu, repo_tags=("ubuntu:18.04", "ubuntu:bionic"))
    newer = snap.replace(images=tuple(retagged if i.id == ubuntu.id else i for i in snap.images if i.id != edu.id))
    window.apply_snapshot(newer, {ubuntu.id})
    assert window.current_snapshot() is newer
    assert window.graph_view.current_scale() == pytest.approx(0.9)
    assert window.current_image == ubuntu.id and window.graph_view.selected_ids() == [ubuntu.id]
    assert window.graph_view.flashing() == {ubuntu.id}
    assert edu.id not in window.graph_view.image_items
    window.retranslate()
    assert window.menu("Image").title() == "&Image" and window.act_remove.text().startswith("&Remove")
