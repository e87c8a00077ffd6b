"""What-if mode in the window: the tutorial's three deletions simulated, checked in graph and table, undone."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import builders
from gui.mainwindow import MainWindow
from gui.tablemodel import IMAGE_ID_ROLE, REF_ROLE
from model.engine.plan import RMI, Request
from model.core.snapshot import Snapshot
from windows import LOAD_TIMEOUT, open_window

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "tutorial.json"


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Every test here runs with the shared temp_settings (tests/conftest.py)."""
    return temp_settings


def daemon_images(client) -> set[tuple[str, tuple[str, ...]]]:
    """Every image with its tags, as the daemon lists them."""
    return {(i["Id"], tuple(sorted(t for t in (i["RepoTags"] or ()) if t != "<none>:<none>")))
            for i in client.api.images(all=True)}


def _open(qtbot, **options) -> MainWindow:
    return open_window(qtbot, **options)


def _table(window: MainWindow) -> set[tuple[str, str]]:
    proxy = window.images_proxy
    return {(proxy.index(r, 0).data(IMAGE_ID_ROLE), proxy.index(r, 0).data(REF_ROLE)) for r in range(proxy.rowCount())}


def _check_views(window: MainWindow) -> None:
    """Graph, table and chart show exactly the sandbox's current state."""
    snap = window.whatif.current
    assert window.current_snapshot() is snap
    listed = {i.id for i in snap.images if window.current.analysis.status[i.id].status != "intermediate"}
    assert set(window.graph_view.image_items) == listed
    chains = {c for i in snap.images for c in i.chain_ids}
    assert {c for c in window.graph_view.node_of if c not in snap.by_id} == chains
    rows = {(i.id, t) for i in snap.images if i.id in listed for t in (i.repo_tags or (i.id,))}
    assert _table(window) == rows
    assert set(window.chart.plotted_images) <= listed


def _tutorial_steps(qtbot, window: MainWindow, ids: dict[str, str]) -> None:
    original = window.current_snapshot()
    window.act_whatif.trigger()
    assert window.whatif is not None and window.banner.kind == "whatif"
    assert "nothing is deleted" in window.banner.label.text()
    assert window.mode_label.text() == "WHAT-IF"
    # 1. rmi ubuntu:18.04 only untags
    window.request_action(Request(RMI, ("ubuntu:18.04",)))
    _check_views(window)
    ubuntu = window.whatif.current.by_id[ids["ubuntu:18.04"]]
    assert ubuntu.repo_tags == () and len(window.whatif.current.images) == len(original.images)
    assert not window.preview.deleted_images
    # 2. rmi iscreamedu_apache deletes one image and one layer (through the table's Delete key)
    proxy = window.images_proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(REF_ROLE) == "iscreamedu_apache:latest")
    window.table.selectRow(row)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    _check_views(window)
    assert ids["iscreamedu_apache:latest"] not in window.graph_view.image_items
    assert len(window.preview.deleted_images) == 1 and len(window.preview.deleted_layers) == 1
    # 3. rmi ubuntu_apache deletes the rest of its stack
    window.request_action(Request(RMI, ("ubuntu_apache",)))
    _check_views(window)
    assert ids["ubuntu_apache:latest"] not in window.graph_view.image_items
    assert window.preview.deleted_images and window.preview.freed_bytes > 0
    steps = [window.whatif_panel.steps.item(i).text() for i in range(window.whatif_panel.steps.count())]
    assert steps[1:] == ["1. docker rmi ubuntu:18.04", "2. docker rmi iscreamedu_apache:latest",
                         "3. docker rmi ubuntu_apache"]
    # undo all three with Ctrl+Z: back to the original, exactly
    for n in range(3):
        assert window.act_undo.isEnabled()
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        _check_views(window)
    assert window.whatif.current is original and not window.act_undo.isEnabled()
    assert window.act_redo.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.whatif.current.by_id[ids["ubuntu:18.04"]].repo_tags == ()
    window.act_undo.trigger()
    # leave: the real state again
    window.act_whatif.trigger()
    assert window.whatif is None and window.current_snapshot() is original
    assert window.banner.kind != "whatif"


def test_whatif_tutorial_on_daemon_snapshot_touches_nothing(qtbot, daemon):
    """On a snapshot of the private daemon: three simulated deletions, undone; the daemon's images untouched."""
    client = daemon.client()
    ids = builders.tutorial(client)
    before = daemon_images(client)
    window = _open(qtbot, host=daemon.url, read_only=True)       # what-if works even read-only
    assert not window.act_remove.isEnabled()
    _tutorial_steps(qtbot, window, ids)
    assert daemon_images(client) == before
    assert window.origin == "daemon"


def test_whatif_tutorial_on_demo(qtbot):
    """The bundled demo: a teacher steps through the three deletions and goes back."""
    window = _open(qtbot, demo=True)
    snap = window.current_snapshot()
    ids = {t: i.id for i in snap.images for t in i.repo_tags}
    assert not any(a.isEnabled() for a in window.destructive_actions)
    _tutorial_steps(qtbot, window, ids)
    assert Snapshot.load(DEMO).images == window.current_snapshot().images


def test_presentation_steps_images_and_whatif(qtbot):
    """F11: full screen, high contrast; Right/Left step through images, in what-if through redo/undo; Esc leaves."""
    from gui import theme
    window = _open(qtbot, demo=True)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.presenting and theme.is_high_contrast() and not window.tabs.isVisible()
    assert window.act_next.isEnabled()
    order = window.presentation_order()
    qtbot.keyClick(window.graph_view, Qt.Key.Key_Right)
    assert window.current_image == order[0] and window.graph_view.focused_image == order[0]
    qtbot.keyClick(window.graph_view, Qt.Key.Key_PageDown)
    assert window.current_image == order[1]
    qtbot.keyClick(window.graph_view, Qt.Key.Key_Left)
    assert window.current_image == order[0]
    assert "ubuntu" in window.caption.text()
    # what-if: prepare two steps, undo them, then step forward with Right
    window.enter_whatif()
    window.request_action(Request(RMI, ("ubuntu:18.04",)))
    window.request_action(Request(RMI, ("iscreamedu_apache",)))
    window.whatif.undo()
    window.whatif.undo()
    qtbot.keyClick(window.graph_view, Qt.Key.Key_Right)
    assert len(window.whatif.labels) == 1 and "step 1" in window.caption.text()
    qtbot.keyClick(window.graph_view, Qt.Key.Key_Right)
    assert len(window.whatif.labels) == 2
    qtbot.keyClick(window.graph_view, Qt.Key.Key_Left)
    assert len(window.whatif.labels) == 1
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presenting and not theme.is_high_contrast() and window.tabs.isVisible()
    assert not window.act_next.isEnabled()


def test_lesson_menu_replays_the_tutorials_rmi_answers_in_whatif(qtbot):
    """File → Open the tutorial's rmi lesson; in what-if the third rmi deletes every image and layer."""
    from gui.mainwindow import LESSON_SNAPSHOT
    window = _open(qtbot, demo=True)
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.act_lesson.trigger()
    snap = window.current_snapshot()
    assert window.origin == "demo" and window.demo_path == LESSON_SNAPSHOT
    ids = {t: i.id for i in snap.images for t in i.repo_tags}
    assert set(ids) == {"ubuntu:18.04", "ubuntu_apache:latest", "iscreamedu_apache:latest"}
    window.act_whatif.trigger()
    for ref in ("ubuntu:18.04", "iscreamedu_apache", "ubuntu_apache"):
        window.request_action(Request(RMI, (ref,)))
        _check_views(window)
    assert window.whatif.current.images == () and not window.graph_view.image_items
    assert len(window.preview.deleted_images) == 2            # ubuntu_apache and the untagged base
    assert len(window.preview.deleted_layers) == 5            # its own layer and the base's four
