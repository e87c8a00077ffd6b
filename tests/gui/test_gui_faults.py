"""The window meeting hostile snapshot files and daemons that are absent, answer garbage or never answer.

Every failure is named for what it is, in the banner: a bad file is the file's problem (never "no
daemon", never the demo), only a daemon that cannot be reached opens the demo, a daemon that answered
badly or not at all is an error of that daemon with Retry.  Nothing reaches the excepthook, and the
window stays responsive while a read hangs."""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from windows import LOAD_TIMEOUT, Ticks, open_window

ROOT = Path(__file__).resolve().parents[2]
READ_TIMEOUT = 10           # s: the bound for the interactive read (list / inspect)
GRACE = 5                   # s: on top of it, for the worker, the signals and a loaded test machine
UI_STALL = 2.0              # s: the longest a 50 ms UI timer may wait on a busy machine (a blocked UI: the read)


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Every test here runs with the shared temp_settings (tests/conftest.py)."""
    return temp_settings


@contextlib.contextmanager
def recorded_excepthook() -> Iterator[list[tuple]]:
    """Every exception that reaches sys.excepthook meanwhile (installed inside the test, after pytest-qt's)."""
    calls: list[tuple] = []
    old = sys.excepthook
    sys.excepthook = lambda *exc: calls.append(exc)
    try:
        yield calls
    finally:
        sys.excepthook = old


def banner_text(window) -> str:
    return window.banner.label.text()


def assert_file_blamed(window, name: str) -> None:
    """An error banner naming the file; not the daemon, not the demo; nothing shown instead."""
    text = banner_text(window)
    assert window.banner.isVisible() and window.banner.kind == "error", text
    assert name in text, text
    assert "daemon" not in text.lower() and "demo" not in text.lower(), text
    assert "Traceback" not in text


# -- hostile files -------------------------------------------------------------------------------
def _lesson(tutorial_file: Path) -> dict:
    return json.loads(tutorial_file.read_text(encoding="utf-8"))


def _cycle(data: dict) -> dict:
    """ubuntu:18.04 ← ubuntu_apache ← iscreamedu_apache, and the base's parent made the top: a three-image cycle."""
    by_tag = {img["repo_tags"][0]: img for img in data["images"]}
    by_tag["ubuntu:18.04"]["parent"] = by_tag["iscreamedu_apache:latest"]["id"]
    return data


def _sized(data: dict, size: Any) -> dict:
    data["images"][0]["size"] = size
    return data


HOSTILE = {
    # name: (what to write, a word of the problem the banner must name)
    "truncated.json": (lambda d: json.dumps(d)[:2500].encode(), "JSON"),
    "nested.json": (lambda d: b"[" * 100_000 + b"]" * 100_000, "nest"),
    "infinity.json": (lambda d: json.dumps(_sized(d, float("inf"))).encode(), "Infinity"),
    "negative.json": (lambda d: json.dumps(_sized(d, -7)).encode(), "-7"),
    "cycle.json": (lambda d: json.dumps(_cycle(d)).encode(), "cycle"),
    "latin1.json": (lambda d: json.dumps(d).replace("ubuntu:18.04", "ubuntu:18.04\u00e9").encode("latin-1"),
                    "UTF-8"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_named_in_the_banner(qtbot, tmp_path, tutorial_file, name):
    """--snapshot with a hostile file: the banner names the file and its problem; the window stays empty."""
    write, problem = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(write(_lesson(tutorial_file)))
    window = open_window(qtbot, start=False, snapshot=str(path))
    with recorded_excepthook() as hooked:
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
            window.start()
        qtbot.wait(50)                                   # let any late signal arrive
    assert_file_blamed(window, name)
    assert problem in banner_text(window)
    assert window.banner.retry.isVisible()
    assert window.current is None and window.origin != "demo" and not window.graph_view.image_items
    assert "DEMO" not in window.windowTitle()
    assert hooked == []


def test_huge_sparse_file_is_refused_without_reading_it(qtbot, tmp_path):
    """A 2 GB file (sparse: nothing on disk) is refused by its size, quickly, not read into memory."""
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.write(b'{"kind": "layerscope-snapshot", "schema": 2, "images": [')
    os.truncate(path, 2 * 2**30)
    window = open_window(qtbot, start=False, snapshot=str(path))
    with recorded_excepthook() as hooked:
        started = time.monotonic()
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
            window.start()
        elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"took {elapsed:.1f} s: the file was read"
    assert_file_blamed(window, "huge.json")
    assert "large" in banner_text(window)
    assert window.current is None and hooked == []


def test_repaired_file_opens_with_a_warning(qtbot, tmp_path, tutorial_file):
    """A file with an unknown field and a missing optional one opens, and the banner says what was repaired."""
    data = _lesson(tutorial_file)
    data["images"][0]["future_field"] = [1, 2]
    del data["containers"]
    path = tmp_path / "repaired.json"
    path.write_text(json.dumps(data))
    with recorded_excepthook() as hooked:
        window = open_window(qtbot, snapshot=str(path))
    text = banner_text(window)
    assert window.current is not None and len(window.current.snapshot.images) == len(data["images"])
    assert window.banner.isVisible() and window.banner.kind == "info", text
    assert "repaired.json" in text and "images[0].future_field: unknown field ignored" in text, text
    assert "and 1 more" in text and hooked == []


@pytest.mark.parametrize("kind", ["directory", "missing"])
def test_directory_or_missing_file(qtbot, tmp_path, kind):
    """--snapshot naming a directory, or nothing at all: the banner says so, naming it."""
    path = tmp_path / "snapshot.json"
    if kind == "directory":
        path.mkdir()
    window = open_window(qtbot, start=False, snapshot=str(path))
    with recorded_excepthook() as hooked:
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
            window.start()
    assert_file_blamed(window, "snapshot.json")
    assert ("directory" if kind == "directory" else "No such file") in banner_text(window)
    assert window.current is None and window.origin != "demo" and hooked == []


def test_open_of_a_bad_file_keeps_the_good_one(qtbot, tmp_path, tutorial_file, monkeypatch):
    """File → Open of a hostile file while a good snapshot is shown: the error names the bad file, the good
    snapshot stays on screen and stays the window's file (Reload reads it again); Retry re-reads the bad one."""
    window = open_window(qtbot, snapshot=str(tutorial_file))
    shown, items = window.current, set(window.graph_view.image_items)
    title = window.windowTitle()
    bad = tmp_path / "broken.json"
    bad.write_bytes(json.dumps(_sized(_lesson(tutorial_file), -7)).encode())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), "")))
    with recorded_excepthook() as hooked:
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
            window.act_open.trigger()
        assert_file_blamed(window, "broken.json")
        assert window.current is shown and set(window.graph_view.image_items) == items
        assert window.origin == "file" and window.windowTitle() == title
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
            qtbot.mouseClick(window.banner.retry, Qt.MouseButton.LeftButton)
        assert_file_blamed(window, "broken.json")
        with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
            qtbot.keyClick(window, Qt.Key.Key_F5)
    assert not window.banner.isVisible()
    assert window.current.snapshot.images == shown.snapshot.images and window.windowTitle() == title
    assert hooked == []


@pytest.mark.parametrize("where", ["directory", "missing directory"])
def test_save_that_cannot_be_written_says_so(qtbot, tmp_path, tutorial_file, where):
    """File → Save onto a directory or into a missing one: one line in the banner, nothing left behind."""
    window = open_window(qtbot, snapshot=str(tutorial_file))
    target = tmp_path / "saved.json"
    if where == "directory":
        target.mkdir()
    else:
        target = tmp_path / "gone" / "saved.json"
    before = sorted(tmp_path.rglob("*"))
    with recorded_excepthook() as hooked:
        assert window.save_snapshot(str(target)) is False
    text = banner_text(window)
    assert window.banner.kind == "error" and "Cannot save snapshot" in text and str(target) in text, text
    assert ("directory" if where == "directory" else "No such file") in text
    assert sorted(tmp_path.rglob("*")) == before and hooked == []
    assert window.current is not None and window.origin == "file"


# -- daemons -------------------------------------------------------------------------------------
class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every request the way its server says: ``not json``, or never."""

    protocol_version = "HTTP/1.1"
    server: "_Daemon"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass                                                 # (and a unix socket has no client address)

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self.server.requests.append(self.path)
        if self.server.silent:
            self.server.release.wait()
            return
        body = b"not json"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_POST = do_GET


class _Daemon(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """A daemon on a unix socket that answers garbage (or, ``silent``, accepts and never answers)."""

    daemon_threads = True

    def __init__(self, path: str, silent: bool) -> None:
        super().__init__(path, _Handler)
        self.silent, self.requests, self.release = silent, [], threading.Event()


@contextlib.contextmanager
def serving(silent: bool) -> Iterator[tuple[str, _Daemon]]:
    """A _Daemon on a fresh short socket path (unix paths are limited to 108 bytes): its URL and itself."""
    folder = tempfile.mkdtemp(prefix="ls-")
    path = os.path.join(folder, "docker.sock")
    server = _Daemon(path, silent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"unix://{path}", server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
        os.unlink(path)
        os.rmdir(folder)


def test_no_daemon_opens_the_demo_saying_why(qtbot, tmp_path):
    """--host naming a socket that does not exist: the demo, with the reason and Retry; a Retry that still
    finds no daemon keeps the demo and its notice."""
    sock = tmp_path / "nonexistent.sock"
    with recorded_excepthook() as hooked:
        window = open_window(qtbot, host=f"unix://{sock}")
        text = banner_text(window)
        assert window.origin == "demo" and window.banner.kind == "demo", text
        assert "No Docker daemon reachable" in text and str(sock) in text
        assert window.banner.retry.isVisible()
        demo = window.current
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT) as failed:
            qtbot.mouseClick(window.banner.retry, Qt.MouseButton.LeftButton)
        assert str(sock) in failed.args[0]
        assert window.current is demo and window.banner.kind == "demo" and window.banner.retry.isVisible()
        assert "No Docker daemon reachable" in banner_text(window)
    assert hooked == []


def test_daemon_answering_garbage_is_an_error_not_the_demo(qtbot):
    """A daemon that answers every request 200 ``not json``: an error banner naming the request, with Retry
    (which asks the daemon again); the demo does not stand in for it."""
    with serving(silent=False) as (url, server), recorded_excepthook() as hooked:
        window = open_window(qtbot, start=False, host=url)
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
            window.start()
        text = banner_text(window)
        assert window.banner.kind == "error" and window.banner.retry.isVisible(), text
        assert "DEMO" not in text and "No Docker daemon reachable" not in text and "Traceback" not in text
        assert "GET /" in text, text                      # the answer is named by its request
        assert window.current is None and window.origin != "demo"
        asked = len(server.requests)
        assert asked >= 1
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
            qtbot.mouseClick(window.banner.retry, Qt.MouseButton.LeftButton)
        assert len(server.requests) > asked and window.banner.kind == "error"
    assert hooked == []


@pytest.mark.slow
def test_daemon_that_never_answers_is_reported_in_time_and_the_ui_lives(qtbot):
    """A daemon that accepts and then says nothing: reported within the read timeout (and a little), as not
    answering in time, with Retry; meanwhile the UI keeps running (a 50 ms timer never stalls)."""
    with serving(silent=True) as (url, server), recorded_excepthook() as hooked:
        window = open_window(qtbot, start=False, host=url)
        ticks = Ticks()
        started = time.monotonic()
        with qtbot.waitSignal(window.load_failed, timeout=(READ_TIMEOUT + GRACE) * 1000):
            window.start()
        elapsed, gap = time.monotonic() - started, ticks.stop()
        text = banner_text(window)
        assert server.requests and elapsed <= READ_TIMEOUT + GRACE
        assert "did not answer" in text and window.banner.kind == "error" and window.banner.retry.isVisible()
        assert "DEMO" not in text and window.origin != "demo"
        assert gap < UI_STALL, f"the UI stalled for {gap:.2f} s"
    assert hooked == []


@pytest.mark.slow
def test_a_newer_load_supersedes_a_hung_read(qtbot, tutorial_file, monkeypatch):
    """While a read of a silent daemon hangs, File → Open of a good file: the file is shown (once the hung
    read gives up) and the superseded read's failure is dropped, never shown."""
    with serving(silent=True) as (url, server), recorded_excepthook() as hooked:
        window = open_window(qtbot, start=False, host=url)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(tutorial_file), "")))
        window.start()
        qtbot.waitUntil(lambda: bool(server.requests), timeout=5000)
        ticks = Ticks()
        with qtbot.waitSignal(window.loaded, timeout=(READ_TIMEOUT + GRACE) * 1000):
            window.act_open.trigger()
        qtbot.wait(100)
        assert ticks.stop() < UI_STALL
        assert window.origin == "file" and window.current is not None
        assert not (window.banner.isVisible() and window.banner.kind == "error"), banner_text(window)
    assert hooked == []


DRIVER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    def close():
        print("closing", time.monotonic(), flush=True)
        for window in QApplication.topLevelWidgets():
            window.close()
    QTimer.singleShot(1500, close)
    import main
    code = main.main(["--host", sys.argv[1]])
    print("returned", code, time.monotonic(), flush=True)
""")


@pytest.mark.slow
def test_closing_the_window_while_a_read_hangs_ends_the_process(tmp_path):
    """The real app on a silent daemon, its window closed mid-read: the process ends within the read
    timeout, without a traceback (the worker's late outcome still has somewhere to go)."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               LAYERSCOPE_CACHE=str(tmp_path / "cache"), LAYERSCOPE_STATE=str(tmp_path / "state"))
    env.pop("LAYERSCOPE_DEBUG", None)
    with serving(silent=True) as (url, server):
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(driver), url, str(ROOT)], capture_output=True, text=True,
                              env=env, timeout=READ_TIMEOUT + 60)
        ended = time.monotonic()
    assert done.returncode == 0, done.stderr
    closing = float(next(line.split()[1] for line in done.stdout.splitlines() if line.startswith("closing")))
    assert server.requests and "returned 0" in done.stdout
    assert ended - closing <= READ_TIMEOUT + GRACE, f"exit took {ended - closing:.1f} s after the close"
    assert "Traceback" not in done.stderr and "Error calling Python override" not in done.stderr, done.stderr
    assert ended - started < READ_TIMEOUT + 30
