"""Help → About: the version, the engine the window reads and its API version, and where the delete log is kept,
in the UI language."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from gui import i18n
from resources.version import version
from windows import open_window


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Own settings and image cache, English UI."""
    return temp_settings


def about_text(qtbot, window) -> str:
    """Help → About triggered for real; the box's text, read while it is open, then the box closed."""
    seen: list[str] = []

    def read_and_close() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(20, read_and_close)
            return
        seen.append(boxes[0].windowTitle() + "\n" + boxes[0].text())
        boxes[0].accept()
    QTimer.singleShot(0, read_and_close)
    window.act_about.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    return seen[0]


def test_about_names_version_demo_and_delete_log(qtbot, private_state):
    window = open_window(qtbot, demo=True)
    text = about_text(qtbot, window)
    assert text.startswith("About Layerscope\n")
    assert f"<b>Version</b>&nbsp;&nbsp;</td><td>{version()}</td>" in text and version()[0].isdigit()
    assert "not connected: the bundled demo snapshot is shown" in text
    assert f"<td>{private_state / 'deletes.jsonl'}</td>" in text      # LAYERSCOPE_STATE, as the delete log uses


def test_about_in_korean(qtbot, private_state):
    window = open_window(qtbot, demo=True)
    window.language.language_actions["ko"].trigger()
    try:
        text = about_text(qtbot, window)
    finally:
        i18n.Translations.of(QApplication.instance()).apply(i18n.ENGLISH)
    assert "Layerscope 정보" in text and "버전" in text and "삭제 기록" in text, text
    assert "Version" not in text and "Delete log" not in text
    assert f"<td>{private_state / 'deletes.jsonl'}</td>" in text


def test_about_names_the_connected_engine_and_its_api_version(qtbot, daemon):
    api = daemon.client().version()
    window = open_window(qtbot, host=daemon.url)
    text = about_text(qtbot, window)
    assert f"Docker Engine {api['Version']} at {daemon.url}, API version {api['ApiVersion']}" in text, text
