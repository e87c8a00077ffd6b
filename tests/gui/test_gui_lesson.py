"""The lesson in the real window, offline: Help → Lesson from step 1 to the end, each rmi guessed then revealed in
the What-if sandbox with the tutorial's answer shapes, Back as undo, the keys of a presenter remote, large text
when presenting, and the steps' words in Korean when the UI is Korean."""
from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

import builders
from commands import image_state

from gui import i18n, theme
from gui.session import Origin
from model.core.sizes import human
from model.core.snapshot import Snapshot
from model.lesson.script import STEPS
from resources import DEMO_SNAPSHOT, LESSON_SNAPSHOT
from windows import LOAD_TIMEOUT, open_window

HANGUL = "\uac00", "\ud7a3"


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    yield temp_settings
    if QApplication.instance() is not None:
        i18n.Translations.of(QApplication.instance()).apply(i18n.ENGLISH)


def start_lesson(qtbot, **options):
    window = open_window(qtbot, start=False, **options)
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.act_lesson_panel.trigger()
    return window


def press(qtbot, window, key) -> None:
    """A presenter remote's key, on whatever has focus; waits for a scene load when the step needs one."""
    target = QApplication.focusWidget() or window.graph_view
    qtbot.keyClick(target, key)
    if window.lesson._waiting:
        qtbot.waitUntil(lambda: not window.lesson._waiting, timeout=LOAD_TIMEOUT)


def test_lesson_offline_start_to_end(qtbot):
    """Every step in order; each rmi: guess, then Next reveals the exact answer (what-if step), Back undoes it."""
    window = start_lesson(qtbot)
    lesson, panel = window.lesson, window.lesson.panel
    lesson_snap = Snapshot.load(LESSON_SNAPSHOT)
    ids = {t: i.id for i in lesson_snap.images for t in i.repo_tags}
    ubuntu, apache, web = (lesson_snap.by_id[ids[t]] for t in
                           ("ubuntu:18.04", "ubuntu_apache:latest", "iscreamedu_apache:latest"))
    assert lesson.active and window.lesson.dock.isVisible() and window.demo_path == LESSON_SNAPSHOT
    assert panel.counter.text() == f"Step 1 / {len(STEPS)}"
    assert window.current_image == apache.id                          # the step's row is selected everywhere
    assert window.storage_map.view.selected_image == apache.id
    assert apache.top_layer in window.graph_view.flashing()            # and its new layer lit on the map
    answers = []
    seen = [lesson.current.command]
    while lesson.index < len(STEPS) - 1 or (lesson.current.answer and lesson.index not in lesson.revealed):
        step = lesson.current
        if step.answer is not None and lesson.index not in lesson.revealed:
            assert panel.guess_box.isVisible() and panel.reveal.isEnabled() and not panel.answer.isVisible()
            done = list(window.whatif.labels)
            panel.guess_untag.setChecked(step.script.rmi == "ubuntu:18.04")
            press(qtbot, window, Qt.Key.Key_PageDown)                 # Next on a guess: reveal
            assert panel.answer.isVisible() and window.whatif.labels == done + [step.command]
            answers.append(panel.answer.toPlainText().splitlines())
            assert window.preview is not None and [f"{k}: {v}" for k, v in window.preview.lines] == answers[-1]
            press(qtbot, window, Qt.Key.Key_Left)                      # Back: an undo
            assert window.whatif.labels == done and not panel.answer.isVisible()
            press(qtbot, window, Qt.Key.Key_Right)
            assert window.whatif.labels == done + [step.command]
            assert "✔" in panel.verdict.text()
        press(qtbot, window, Qt.Key.Key_Right)
        seen.append(lesson.current.command)
    assert list(dict.fromkeys(seen)) == [s.command for s in STEPS]
    first, second, third = answers
    assert first == [f"Untagged: {r}" for r in ubuntu.repo_tags + ubuntu.repo_digests]
    assert second == ["Untagged: iscreamedu_apache:latest", f"Deleted: {web.id}", f"Deleted: {web.top_layer}"]
    assert third[0] == "Untagged: ubuntu_apache:latest"
    assert {x.removeprefix("Deleted: ") for x in third[1:]} == {apache.id, ubuntu.id} | set(apache.chain_ids)
    # the Dockerfile part plays on the whole tutorial's snapshot, outside the sandbox
    assert window.demo_path == DEMO_SNAPSHOT and window.whatif is None
    tagged = {t: i.id for i in window.current_snapshot().images for t in i.repo_tags}
    assert window.current_image == tagged["simple-express:alpine"]
    # back into the commit part from the step list: the lesson snapshot again, the sandbox holding the three
    # revealed rmi steps; Back takes the last one back
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        panel.steps.setCurrentRow(6)
    assert window.demo_path == LESSON_SNAPSHOT and len(window.whatif.labels) == 3
    assert window.whatif.current.images == () and panel.answer.isVisible()
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert len(window.whatif.labels) == 2 and {i.id for i in window.whatif.current.images} == {apache.id, ubuntu.id}


def test_lesson_presenting_is_large_and_korean(qtbot):
    """F11 with the lesson open: the panel's text is at least 24 px; in Korean the steps' words are Korean."""
    window = start_lesson(qtbot)
    window.language.set_language("ko")
    panel = window.lesson.panel
    assert any(HANGUL[0] <= ch <= HANGUL[1] for ch in panel.explanation.text())
    assert any(HANGUL[0] <= ch <= HANGUL[1] for ch in panel.counter.text() + panel.next.text())
    window.act_presentation.trigger()
    assert window.presenting and window.lesson.dock.isVisible()
    for label in (panel.explanation, panel.command, panel.counter):
        assert label.fontInfo().pixelSize() >= 24
    press(qtbot, window, Qt.Key.Key_Right)
    assert window.lesson.index == 1
    window.act_presentation.trigger()
    assert panel.explanation.fontInfo().pixelSize() < 24


def pdf_pages(path) -> list[str]:
    """The text of each page of a PDF, read back with poppler's pdftotext (tests/run_all.sh installs it)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_handout_one_page_per_step_in_the_ui_language(qtbot, tmp_path, lang):
    """File → Export lesson handout: one page per step with its command; in Korean the words are Korean."""
    window = open_window(qtbot, start=False)
    window.language.set_language(lang)
    out = tmp_path / "handout.pdf"
    with qtbot.waitSignal(window.lesson.handout_done, timeout=LOAD_TIMEOUT) as done:
        window.lesson.export_handout(str(out))
    assert done.args == [str(out)]
    pages = pdf_pages(out)
    assert len(pages) == len(STEPS)
    for page, step in zip(pages, STEPS):
        squeezed = page.replace(" ", "")
        assert step.command.replace(" ", "") in squeezed
        hangul = any(HANGUL[0] <= ch <= HANGUL[1] for ch in page)
        assert hangul == (lang == "ko")
    assert "Untagged:ubuntu:18.04" in pages[4].replace(" ", "")


def test_handout_failure_is_said(qtbot, tmp_path):
    """A handout that cannot be written says so in the banner, no traceback."""
    window = open_window(qtbot, start=False)
    with qtbot.waitSignal(window.lesson.handout_done, timeout=LOAD_TIMEOUT) as done:
        window.lesson.export_handout(str(tmp_path / "missing-dir" / "handout.pdf"))
    assert done.args == [""] and window.banner.isVisible()
    assert "handout could not be written" in window.banner.findChild(QLabel).text()


def test_live_lesson_in_the_window_then_reset(qtbot, daemon):
    """Help → Lesson live on the private dockerd: Next performs each step's command (the rmi ones through
    DeleteCommand, with the tutorial's answer shapes shown; the Express app built on a stand-in node:lts-alpine
    without and with its .dockerignore, then tagged), then Reset — after saying what it will remove, in a real
    message box clicked Yes — leaves the daemon's image set exactly as before."""
    client = daemon.client()
    builders.import_image(client, "ubuntu:18.04")
    builders.import_image(client, "other:1", {"etc/other": b"x"})
    builders.node_lts_alpine(client, node_kb=2_000, musl_bytes=300_000)
    before = image_state(client)
    window = open_window(qtbot, start=False)
    lesson, panel = window.lesson, window.lesson.panel
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        lesson.start_live(daemon.url)
    assert lesson.live.active and window.options.host == daemon.url and panel.counter.text().startswith("Step 1")
    assert lesson.live.live.missing == [] and "is not on" not in window.banner.findChild(QLabel).text()
    answers, shown = [], {}
    for n in range(len(STEPS)):              # every step is performed: commits, reads, rmi, builds, the tag
        with qtbot.waitSignal(lesson.live.performed, timeout=LOAD_TIMEOUT):
            press(qtbot, window, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda: window.loading.job is None, timeout=LOAD_TIMEOUT)
        assert lesson.live.results[lesson.index].performed, lesson.live.results[lesson.index].note
        shown[lesson.current.script.key] = panel.answer.toPlainText().splitlines()
        if lesson.current.answer is not None:
            answers.append(shown[lesson.current.script.key])
        press(qtbot, window, Qt.Key.Key_Right)
    assert answers[0] == ["Untagged: ubuntu:18.04"]
    assert answers[1][0] == "Untagged: iscreamedu_apache:latest" and len(answers[1]) == 3
    assert answers[2][0] == "Untagged: ubuntu_apache:latest" and all(x.startswith("Deleted: ") for x in answers[2][1:])
    assert "Successfully tagged apache-ubuntu:1" in shown["build-apache"]
    results = {lesson.steps[i].script.key: r for i, r in lesson.live.results.items()}
    plain, ignored = results["build-express"].context_bytes, results["build-dockerignore"].context_bytes
    assert plain > 1_900_000 and ignored < 10_000            # the tutorial's drop: node_modules left out
    assert f"Sending build context to Docker daemon  {human(plain, 4)}" in shown["build-express"]
    assert f"Sending build context to Docker daemon  {human(ignored, 4)}" in shown["build-dockerignore"]
    ids = {t: i for i, ts in image_state(client) for t in ts}
    assert ids["voyagerwoo/simple-express:alpine"] == ids["simple-express:alpine"] != ids["simple-express:latest"]
    tags = set(ids) - {"<none>:<none>"}                     # the builds' intermediates
    assert tags == {"other:1", "ubuntu:18.04", "apache-ubuntu:1", "node:lts-alpine", "simple-express:alpine",
                    "simple-express:latest", "voyagerwoo/simple-express:alpine"}   # FROM brought ubuntu back
    assert window.current_image == ids["simple-express:alpine"]          # the tag step's row is selected

    def click_yes() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        assert "docker rmi voyagerwoo/simple-express:alpine\ndocker rmi simple-express:latest\n" \
               "docker rmi simple-express:alpine\ndocker rmi apache-ubuntu:1" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()
    QTimer.singleShot(300, click_yes)
    with qtbot.waitSignal(lesson.live.reset_done, timeout=LOAD_TIMEOUT) as done:
        panel.reset.click()
    assert done.args == [True] and image_state(client) == before
    window.close()                  # its live updates follow the practice daemon: stopped before the daemon is


def test_live_lesson_says_first_what_the_daemon_lacks(qtbot, daemon):
    """A practice daemon without node:lts-alpine: before step 1 the window says so (the Express steps then play on
    the demo snapshot) and nothing is pulled."""
    client = daemon.client()
    builders.import_image(client, "ubuntu:18.04")
    before = image_state(client)
    window = open_window(qtbot, start=False)
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.lesson.start_live(daemon.url)
    qtbot.waitUntil(lambda: window.loading.job is None, timeout=LOAD_TIMEOUT)
    assert window.lesson.live.live.missing == ["node:lts-alpine"]
    text = window.banner.findChild(QLabel).text()
    assert window.banner.isVisible() and "node:lts-alpine is not on" in text and "demo snapshot" in text
    # the Express steps: the demo snapshot shown, its simple-express:alpine selected; nothing sent to the daemon
    express = next(n for n, s in enumerate(STEPS) if s.key == "build-express")
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.lesson.panel.steps.setCurrentRow(express)
    demo = {t: i.id for i in Snapshot.load(DEMO_SNAPSHOT).images for t in i.repo_tags}
    assert window.session.origin == Origin.DEMO and window.demo_path == DEMO_SNAPSHOT
    assert window.current_image == demo["simple-express:alpine"] and demo["simple-express:alpine"] in \
        window.storage_map.view.lit
    press(qtbot, window, Qt.Key.Key_Right)                 # Next: nothing performed, the next step shown
    assert window.lesson.index == express + 1 and express not in window.lesson.live.results
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):     # back to a step the daemon performs
        window.lesson.panel.steps.setCurrentRow(0)
    assert window.session.origin == Origin.DAEMON and window.options.host == daemon.url
    assert image_state(client) == before
    window.close()


def flash_pixels(view) -> int:
    """How many pixels of the storage map's picture are the highlight colour (every pixel read)."""
    image = view.grab().toImage()
    flash = theme.palette().flash.rgb()
    return sum(1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) == flash)


def test_lesson_lights_the_steps_layers_on_the_storage_map(qtbot):
    """Each step's "what to look at" is lit on the storage map as on the layer map: step 1 rings
    ubuntu_apache's new layer's slice, the history step every layer of iscreamedu_apache; the picture really shows
    the highlight colour, and closing the lesson puts it out."""
    window = start_lesson(qtbot)
    lesson, view = window.lesson, window.storage_map.view
    snap = Snapshot.load(LESSON_SNAPSHOT)
    ids = {t: i for i in snap.images for t in i.repo_tags}
    apache, web = ids["ubuntu_apache:latest"], ids["iscreamedu_apache:latest"]
    window.act_storage_map.trigger()
    qtbot.waitExposed(view)
    qtbot.waitUntil(view.settled, timeout=LOAD_TIMEOUT)
    assert view.lit_layers() == {apache.top_layer} and apache.top_layer in window.graph_view.flashing()
    lit_pixels = flash_pixels(view)
    assert lit_pixels > 0
    while lesson.current.script.key != "history":
        press(qtbot, window, Qt.Key.Key_Right)
    assert view.lit_layers() == set(web.chain_ids) and view.selected_image == web.id
    qtbot.waitUntil(view.settled, timeout=LOAD_TIMEOUT)
    assert flash_pixels(view) > lit_pixels                 # four slices rung instead of one
    lesson.stop()
    assert view.lit_layers() == set() and flash_pixels(view) == 0
