"""The window paints first and reconciles after (issue 14): the last snapshot of this daemon on its first paint,
marked as refreshing, replaced in place by the fresh read — never an empty map in between; a first start with no
cache paints the listing (images without layers) and then fills the layers in.  Against the private dockerd (a
stale view that then fails against the suite's fake daemon), in the real window (pytest-qt, offscreen); and
``main.py --exit-after-first-paint`` as the benchmark runs it, in a subprocess."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import builders
from fakedaemon import IMAGES, STATUS_500, Fault
from gui.mainwindow import MainWindow
from model.core.snapshot import Snapshot
from model.daemon.source import EARLY_LAST, EARLY_LISTED
from resources import DEMO_SNAPSHOT
from windows import LOAD_TIMEOUT, open_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Own settings and image cache (LAYERSCOPE_CACHE) per test (tests/conftest.py)."""
    return temp_settings


@dataclass
class Paint:
    """One paint of the graph view's viewport: what it showed."""

    items: int                     # layer boxes and image badges in the scene
    layers: int                    # layer boxes
    snapshot: Snapshot | None      # the snapshot drawn (None before the first)
    provisional: str               # "" for a complete read, else EARLY_LAST / EARLY_LISTED


class Watch:
    """Every paint of a window's layer map, and how the window looked each time a provisional snapshot went up."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.paints: list[Paint] = []
        self.marks: list[dict[str, object]] = []
        window.graph_view.painted.connect(self._on_painted)
        window.loading.refreshing.connect(self._on_refreshing)

    def _on_painted(self, items: int) -> None:
        view, current = self.window.graph_view, self.window.current
        self.paints.append(Paint(items, len(view.layer_items), view.analysis.snapshot if view.analysis else None,
                                 current.provisional if current is not None else ""))

    def _on_refreshing(self, kind: str) -> None:
        w = self.window
        self.marks.append({"kind": kind, "banner": w.banner.label.text() if w.banner.isVisible() else "",
                           "mode": w.mode_label.text(), "title": w.windowTitle(),
                           "progress": w.progress.isVisible(), "prune": w.act_prune.isEnabled()})

    def shown(self) -> list[Paint]:
        """The paints from the first one with a snapshot on: none of them may be of an empty map."""
        first = next(i for i, p in enumerate(self.paints) if p.snapshot is not None)
        return self.paints[first:]


def start(qtbot, host: str) -> tuple[MainWindow, Watch]:
    """A shown window on ``host``, watched from before its first load, started and waited for."""
    window = open_window(qtbot, start=False, host=host)
    watch = Watch(window)
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.start()
    qtbot.wait(50)                                  # the paints after the final swap
    return window, watch


def tags(snapshot: Snapshot) -> set[str]:
    """Every tag in a snapshot."""
    return {t for image in snapshot.images for t in image.repo_tags}


def content(snapshot: Snapshot) -> set[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Each image's ID, tags and layers: what the map draws (live updates may since have swapped in an equal
    snapshot of their own)."""
    return {(i.id, i.repo_tags, i.diff_ids) for i in snapshot.images}


def assert_refreshed(window: MainWindow) -> None:
    """The final snapshot is on screen and the refreshing mark is gone."""
    assert window.current.provisional == ""
    assert not (window.banner.isVisible() and window.banner.kind == "info"), window.banner.label.text()
    assert not window.progress.isVisible()
    assert window.mode_label.text() == "LIVE" and "[stale]" not in window.windowTitle()
    assert window.act_prune.isEnabled()


@pytest.mark.parametrize("change", ["tag", "rmi"])
def test_warm_start_paints_the_stale_snapshot_then_replaces_it_in_place(qtbot, daemon, change):
    """A first window fills the per-daemon cache; the daemon then changes (a tag, or an rmi of the top image);
    a second window paints the stale snapshot first, marked as refreshing, then the fresh one in its place."""
    client = daemon.client()
    ids = builders.tutorial(client)
    first = open_window(qtbot, host=daemon.url)
    before = first.current_snapshot()
    assert first.current.provisional == "" and len(before.images) == 3
    first.close()
    top = ids["iscreamedu_apache:latest"]
    if change == "tag":
        client.api.tag(ids["ubuntu:18.04"], "class/ubuntu", "lesson1")
    else:
        client.api.remove_image(top)

    window, watch = start(qtbot, daemon.url)
    shown = watch.shown()
    stale, final = shown[0], shown[-1]
    assert stale.provisional == EARLY_LAST and stale.snapshot.taken_at == before.taken_at
    assert {i.id for i in stale.snapshot.images} == {i.id for i in before.images}
    assert tags(stale.snapshot) == tags(before) and stale.items > 0 and stale.layers > 0
    assert content(final.snapshot) == content(window.current_snapshot()) and final.provisional == ""
    if change == "tag":
        assert tags(final.snapshot) == tags(before) | {"class/ubuntu:lesson1"}
    else:
        assert top not in final.snapshot.by_id and top in stale.snapshot.by_id
    # stale, then fresh: every paint in between has a map (no flicker of an empty one), none goes back
    assert all(p.items > 0 for p in shown), [p.items for p in shown]
    kinds = [p.provisional for p in shown]
    assert kinds == sorted(kinds, key=lambda k: (k == "", k == EARLY_LISTED)), kinds
    # marked as refreshing while the stale one was up
    mark = watch.marks[0]
    assert mark["kind"] == EARLY_LAST and "Showing the snapshot taken" in mark["banner"], mark
    assert mark["mode"] == "STALE" and "[stale]" in mark["title"] and mark["progress"] and not mark["prune"]
    assert_refreshed(window)
    if change == "tag":
        # the same forest: its items were relabelled in place, and what changed lights up
        assert "class/ubuntu:lesson1" in window.graph_view.image_items[ids["ubuntu:18.04"]].tags
        assert ids["ubuntu:18.04"] in window.graph_view.flashing()


def test_warm_start_keeps_the_items_of_an_unchanged_forest(qtbot, daemon):
    """Stale → fresh on the same forest (a tag moved): the very same scene items stay, and a zoom chosen on the
    stale view stays too."""
    client = daemon.client()
    ids = builders.tutorial(client)
    open_window(qtbot, host=daemon.url).close()
    client.api.tag(ids["ubuntu_apache:latest"], "web", "v2")
    window = open_window(qtbot, start=False, host=daemon.url)
    items: dict[str, object] = {}
    scale: list[float] = []

    def keep(kind: str) -> None:
        # (the read goes on once this returns: the view settles, then the user zooms in on the stale map)
        items.update(window.graph_view.image_items)
        qtbot.wait(20)
        window.graph_view.zoom_by(1.5)
        scale.append(window.graph_view.current_scale())
    window.loading.refreshing.connect(keep)
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.start()
    assert set(items) == set(ids.values())
    assert all(window.graph_view.image_items[i] is item for i, item in items.items())
    assert window.graph_view.current_scale() == pytest.approx(scale[0])
    assert "web:v2" in window.graph_view.image_items[ids["ubuntu_apache:latest"]].tags


def test_cold_start_paints_the_listing_then_fills_in_the_layers(qtbot, daemon):
    """No cache: the first map painted is the fresh listing (every image, tags from the list, no layers yet),
    marked as being read; then the final snapshot with every layer, in its place."""
    client = daemon.client()
    ids = builders.tutorial(client)
    window, watch = start(qtbot, daemon.url)
    shown = watch.shown()
    listing, final = shown[0], shown[-1]
    assert listing.provisional == EARLY_LISTED and listing.layers == 0
    assert {i.id for i in listing.snapshot.images} == set(ids.values())
    assert all(i.diff_ids == () for i in listing.snapshot.images)
    assert tags(listing.snapshot) == set(ids)
    assert final.provisional == "" and content(final.snapshot) == content(window.current_snapshot())
    assert final.layers > 0 and all(i.diff_ids for i in final.snapshot.images)
    assert all(p.items > 0 for p in shown), [p.items for p in shown]
    mark = watch.marks[0]
    assert mark["kind"] == EARLY_LISTED and "Showing the images listed so far" in mark["banner"], mark
    assert mark["mode"] == "STALE" and not mark["prune"]
    assert_refreshed(window)


def test_a_failed_refresh_keeps_the_stale_view_marked_stale(qtbot, fake):
    """The fake daemon read once (the cache filled), then its image list fails: the stale snapshot stays on
    screen, the banner says the refresh failed and that what is shown may be out of date; no clean-up acts on it."""
    first = open_window(qtbot, host=fake.url)
    before = first.current_snapshot()
    first.close()
    fake.fault = Fault(IMAGES, STATUS_500)
    window = open_window(qtbot, start=False, host=fake.url)
    watch = Watch(window)
    with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
        window.start()
    qtbot.wait(50)
    assert [m["kind"] for m in watch.marks] == [EARLY_LAST]
    assert window.current.provisional == EARLY_LAST and window.current_snapshot().taken_at == before.taken_at
    assert all(p.items > 0 for p in watch.shown())
    text = window.banner.label.text()
    assert window.banner.isVisible() and window.banner.kind == "error" and window.banner.retry.isVisible()
    assert "GET /images/json" in text and "may be out of date" in text, text
    assert window.mode_label.text() == "STALE" and "[stale]" in window.windowTitle()
    assert not window.act_prune.isEnabled() and not window.act_remove.isEnabled()
    assert not window.progress.isVisible() and window.origin == "daemon"


# -- main.py --exit-after-first-paint, as bench/bench_startup.py runs it ------------------------------------------
def first_paint(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    """``python main.py --exit-after-first-paint ARGS`` offscreen, with its own settings and cache; and its wall
    time in ms."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               LAYERSCOPE_CACHE=str(tmp_path / "cache"), LAYERSCOPE_STATE=str(tmp_path / "state"))
    env.pop("LAYERSCOPE_NO_CACHE", None)
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--exit-after-first-paint", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    return done, (time.monotonic() - started) * 1000


def test_exit_after_first_paint_prints_the_milliseconds_of_the_demo(tmp_path):
    """A snapshot file: one line, an integer of milliseconds (within the process's own lifetime), exit 0."""
    done, wall = first_paint(tmp_path, "--snapshot", str(DEMO_SNAPSHOT))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert len(lines) == 1 and lines[0].isdigit(), done.stdout
    assert 0 < int(lines[0]) <= wall + 20          # since the process began: never more than its whole life
    assert "Traceback" not in done.stderr


def test_exit_after_first_paint_of_a_daemon(tmp_path, daemon):
    """The private dockerd, cold: the milliseconds to its painted listing, exit 0."""
    builders.tutorial(daemon.client())
    done, wall = first_paint(tmp_path, "--host", daemon.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().isdigit() and 0 < int(done.stdout) <= wall + 20, done.stdout


def test_exit_after_first_paint_without_a_daemon_is_no_map(tmp_path):
    """No daemon at --host: the demo that stands in is not the map asked for — the reason on stderr, exit 1."""
    done, _ = first_paint(tmp_path, "--host", f"unix://{tmp_path}/none.sock")
    assert done.returncode == 1 and done.stdout == "", (done.stdout, done.stderr)
    assert "no Docker daemon reachable" in done.stderr and "none.sock" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_window_starts_without_the_sdk_or_the_drawing_stack():
    """Opening the window imports neither the docker SDK (a local socket is read over raw HTTP; the SDK loads
    when a feature needs it: TLS, ssh, deletes, events, a live lesson) nor matplotlib (the chart draws on first
    show): each would add ~0.1 s before the first paint."""
    code = ("import sys; import gui.app, gui.mainwindow, gui.lesson; "
            "print(sorted(m for m in ('docker', 'requests', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
