"""The window on the suite's fake daemon (tests/fakedaemon.py) answering one endpoint badly: garbage, slowly
or hugely.  Each is an error banner naming the endpoint, with Retry — not the demo — while the UI keeps
running, and nothing reaches sys.excepthook."""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

import fakedaemon
from fakedaemon import ENDLESS, HUGE, IMAGES, INSPECT, NOT_JSON, NULL, SLOW, STALL, Fault
from model.daemon.answers import READ_TIMEOUT
from model.daemon.source import EARLY_LISTED
from windows import LOAD_TIMEOUT, Ticks, open_window

UI_STALL = 2.0       # s: the longest a 50 ms UI timer may wait on a busy test machine (a blocked UI: the whole read)
GRACE = 8.0         # s: beyond the read timeout, for the worker, the signals and a loaded machine

FAULTS = [
    Fault(IMAGES, NOT_JSON),                                             # (a) garbage on /images/json …
    Fault(IMAGES, NULL),
    next(f for f in fakedaemon.faults((IMAGES,)) if f.name == "size-infinite"),
    Fault(INSPECT, SLOW),                                                # (b) a slow inspect …
    Fault(IMAGES, STALL),                                                # … a daemon that stalls on the list
    Fault(IMAGES, HUGE),                                                 # (c) a huge list, announced …
    Fault(IMAGES, ENDLESS),                                              # … or endless
]


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Own settings and image cache (tests/conftest.py)."""
    return temp_settings


@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_window_names_the_endpoint_and_stays_responsive(qtbot, fake, fault):
    """The first read meets the fault: an error banner naming the request, Retry, no demo, a live UI."""
    fake.fault = fault
    window = open_window(qtbot, start=False, host=fake.url)
    with qtbot.captureExceptions() as hooked:
        ticks = Ticks()
        started = time.monotonic()
        with qtbot.waitSignal(window.load_failed, timeout=int((READ_TIMEOUT + GRACE) * 1000)) as failed:
            window.start()
        elapsed, gap = time.monotonic() - started, ticks.stop()
        qtbot.wait(50)                                   # any late signal or exception
    text = window.banner.label.text()
    assert window.banner.isVisible() and window.banner.kind == "error" and window.banner.retry.isVisible(), text
    assert fault.request in text and fault.tail in text.split(fault.request, 1)[1], text
    assert fault.request in failed.args[0]
    assert "DEMO" not in text and "No Docker daemon" not in text and "Traceback" not in text, text
    assert window.origin != "demo" and "DEMO" not in window.windowTitle()
    if fault.endpoint == IMAGES:            # nothing was read: nothing is shown
        assert window.current is None
    else:                                   # the listing painted first stays, marked stale (issue 14)
        assert window.current.provisional == EARLY_LISTED and "[stale]" in window.windowTitle()
        assert "still showing what was read so far" in text, text
    if fault.name in (SLOW, STALL):
        words = "did not answer" if fault.name == SLOW else "stopped answering"
        assert words in text and READ_TIMEOUT - 0.5 <= elapsed <= READ_TIMEOUT + GRACE, (elapsed, text)
    else:
        assert elapsed < GRACE, elapsed
    assert gap < UI_STALL, f"the UI stalled for {gap:.2f} s"
    assert hooked == []


def test_retry_after_the_daemon_answers_well_again(qtbot, fake):
    """Garbage on the list, then the daemon recovers: Retry reads it and shows its images."""
    fake.fault = Fault(IMAGES, NOT_JSON)
    window = open_window(qtbot, start=False, host=fake.url)
    with qtbot.captureExceptions() as hooked:
        with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT):
            window.start()
        fake.fault = None
        with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
            qtbot.mouseClick(window.banner.retry, Qt.MouseButton.LeftButton)
    assert window.origin == "daemon" and not (window.banner.isVisible() and window.banner.kind == "error")
    listed = {s["Id"] for s in fake.recording.answers[IMAGES]}
    assert {img.id for img in window.current.snapshot.images} == listed
    assert hooked == []
