"""Lesson mode: the seed tutorial step by step in a dock beside the maps, played offline on the bundled lesson
snapshots.  The commit part runs in the What-if sandbox: each revealed ``docker rmi`` is a what-if step, Back
undoes it.  Right / Left / PageDown / PageUp step (presenter remotes); nothing on a daemon is touched."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDockWidget, QFileDialog, QInputDialog, QMainWindow, QMessageBox

from model.core.snapshot import Snapshot
from model.engine.plan import RMI, Request
from model.commands.lessonlive import performable
from model.lesson.play import LessonStep, answer_of, find, highlighted_layers, play, scenes_of
from model.lesson.script import COMMIT, TUTORIAL
from resources import DEMO_SNAPSHOT, LESSON_SNAPSHOT

from . import i18n
from .graphview import GraphView
from .lessonhandout import write_handout
from .lessonlive import LiveRunner
from .lessonpanel import LessonPanel
from .loading import LoadingController
from .selection import SelectionController
from .session import Origin, Session
from .storagemap import StorageMapView
from .tasks import TaskRunner
from .whatifmode import WhatIfController

SCENE_FILES = {COMMIT: LESSON_SNAPSHOT, TUTORIAL: DEMO_SNAPSHOT}
HOLD_MS = 24 * 3600 * 1000          # what a step looks at stays lit until the next step


class LessonController(QObject):
    """Plays the lesson: which step is shown, which rmi answers are revealed, the scene and sandbox under them."""

    changed = Signal()              # a step was shown, revealed or taken back; the lesson started or ended
    handout_done = Signal(str)      # the handout's path, or "" when it could not be written

    def __init__(self, window: QMainWindow, session: Session, loading: LoadingController,
                 whatif: WhatIfController, selection: SelectionController, graph_view: GraphView,
                 storage_map: StorageMapView) -> None:
        super().__init__(window)
        self.window, self.session, self.loading, self.whatif = window, session, loading, whatif
        self.selection, self.graph_view, self.storage_map = selection, graph_view, storage_map
        self.panel = LessonPanel()
        self.dock = QDockWidget(window)
        self.dock.setObjectName("lessonDock")
        self.dock.setWidget(self.panel)
        self.dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.steps: list[LessonStep] = []
        self.index = 0
        self.revealed: set[int] = set()      # indexes of the rmi steps whose answer is shown
        self.active = False
        self._waiting = False                # a scene is loading; the step is applied when it is on screen
        self._notice = ""                    # live: what the daemon lacks, said once it is shown
        self._scenes: dict[str, Snapshot] = {}
        self.runner = TaskRunner(self)       # the handout is drawn off the UI thread, beside any load
        self.live = LiveRunner(session, loading, self)
        self.live.started.connect(self._on_live_started)
        self.live.performed.connect(self._on_performed)
        self.live.reset_planned.connect(self._ask_reset)
        self.live.reset_done.connect(self._on_reset_done)
        self.live.failed.connect(self._on_live_failed)
        self.panel.back_clicked.connect(lambda: self.step(-1))
        self.panel.next_clicked.connect(lambda: self.step(+1))
        self.panel.reveal_clicked.connect(self.reveal)
        self.panel.reset_clicked.connect(self.reset)
        self.panel.step_chosen.connect(self.go)
        self.dock.visibilityChanged.connect(self._on_dock_visible)
        loading.loaded.connect(self._on_loaded)
        self.retranslate()

    # -- the lesson ------------------------------------------------------------------------
    def start(self) -> None:
        """Help → Lesson: open the dock at step 1 (loading the lesson snapshot when another one is shown)."""
        self.active = True
        self.revealed.clear()
        self.steps = self._play()
        self.panel.set_steps(self.steps)
        self.dock.show()
        self.dock.raise_()
        self.go(0)

    def start_live(self, host: str | None = None) -> None:
        """Lesson → Live on a practice daemon: ask for its URL (the default daemon is never used), then play
        each step's real command there."""
        if self.session.read_only:
            self.window.statusBar().showMessage(self.tr("Read-only: a live lesson would change the daemon"), 8000)
            return
        if host is None:
            host, ok = QInputDialog.getText(self.window, self.tr("Live lesson"), self.tr(
                "The practice daemon's URL (e.g. unix:///run/practice/docker.sock or tcp://HOST:2376); your "
                "default daemon is never used. It must hold ubuntu:18.04, and node:lts-alpine for the Express steps."))
            if not ok:
                return
        host = host.strip()
        if not host:
            return
        self.active = True
        self.revealed.clear()
        self.steps = self._play()
        self.panel.set_steps(self.steps)
        self.dock.show()
        self.window.statusBar().showMessage(self.tr("Connecting to {host}…").format(host=host), 8000)
        self.live.begin(host)

    def reset(self) -> None:
        """The panel's Reset: live, say what will be removed, then remove it; offline, back to step 1."""
        if self.live.active:
            self.live.plan_reset()
        else:
            self.start()

    def stop(self) -> None:
        """Close the lesson (the sandbox stays, as any what-if does)."""
        self.live.stop()
        self.active = False
        self.dock.hide()
        self.graph_view.unflash()
        self.storage_map.light(frozenset())
        self.changed.emit()
        self.session.notify()

    def step(self, delta: int) -> None:
        """Next: reveal an rmi step's answer first, then go on; Back: hide a revealed answer, else go back."""
        if not self.steps:
            return
        current = self.steps[self.index]
        if self.live.active:
            self._step_live(delta, current)
        elif delta > 0 and current.answer is not None and self.index not in self.revealed:
            self.reveal()
        elif delta < 0 and self.index in self.revealed:
            self.revealed.discard(self.index)
            self._apply()
        else:
            self.go(self.index + delta)

    def reveal(self) -> None:
        """Show the rmi step's exact answer: its what-if step is done in the sandbox."""
        if self.live.active:
            self._step_live(+1, self.steps[self.index])
        elif self.steps and self.steps[self.index].answer is not None:
            self.revealed.add(self.index)
            self._apply()

    def go(self, index: int) -> None:
        """Show step ``index`` (0-based), loading its scene first when another one is shown."""
        if not self.steps or not 0 <= index < len(self.steps):
            return
        self.index = index
        if self.live.active:
            if self._live_scene(self.steps[index]):
                self._light(self.steps[index])
            self._show_panel()
            return
        path = SCENE_FILES[self.steps[index].scene]
        s = self.session
        if s.current is None or s.origin != Origin.DEMO or Path(s.demo_path) != path or s.fallback_reason:
            self._waiting = True
            self._show_panel()
            self.loading.load_demo(path=path)
            return
        self._apply()

    def export_handout(self, path: str | None = None) -> None:
        """File → Export lesson handout: a PDF, one page per step, in the UI language (asks where, unless
        ``path``); drawn off the UI thread, then said in the status bar (a failure in the banner)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export lesson handout"),
                                                  "lesson-handout.pdf", self.tr("PDF (*.pdf)"))
            if not path:
                return
        steps = self._play()
        self.runner.run(lambda job: write_handout(steps, path), lambda pages: self._handout_written(path),
                        self._handout_failed)

    def _handout_written(self, path: str) -> None:
        self.window.statusBar().showMessage(self.tr("Lesson handout written: {path}").format(path=path), 10000)
        self.handout_done.emit(path)

    def _handout_failed(self, exc: BaseException) -> None:
        text = self.tr("The handout could not be written: {error}").format(error=str(exc) or type(exc).__name__)
        self.window.banner.show_message("error", html.escape(text), retry=False)
        self.window.statusBar().showMessage(text, 10000)
        self.handout_done.emit("")

    @property
    def current(self) -> LessonStep | None:
        """The step shown (None before the lesson starts)."""
        return self.steps[self.index] if self.active and self.steps else None

    def retranslate(self) -> None:
        """The dock's title, and the steps' words in the UI language."""
        self.dock.setWindowTitle(self.tr("Lesson: build a Docker image"))
        self.panel.retranslate()
        if self.active:
            self.steps = self._play()
            self.panel.set_steps(self.steps)
            self._show_panel()

    def set_presenting(self, on: bool) -> None:
        """Presentation mode: the panel's text large."""
        self.panel.set_presenting(on)

    # -- playing a step ---------------------------------------------------------------------
    def _play(self) -> list[LessonStep]:
        if not self._scenes:
            self._scenes = {scene: Snapshot.load(path) for scene, path in SCENE_FILES.items()}
        lang = i18n.Translations.of(QApplication.instance()).language
        return play(scenes_of(self._scenes[COMMIT], self._scenes[TUTORIAL]), lang)

    def _on_loaded(self) -> None:
        if self.live.active and self.active and self.steps:
            if self._notice:
                self.window.banner.show_message("info", html.escape(self._notice), retry=False)
                self._notice = ""
            self._light(self.steps[self.index])
        elif self._waiting and self.active:
            self._waiting = False
            self._apply()

    def _apply(self) -> None:
        """Put the shown state where the step is (the sandbox's rmi steps), then light and select what it
        looks at."""
        step = self.steps[self.index]
        if step.scene == COMMIT:
            self._sync_sandbox()
        elif self.session.whatif is not None:
            self.whatif.leave()
        self._light(step)
        self._show_panel()

    # The sandbox follows the lesson.  Every rmi step before the one shown is done
    # (those jumped over too: the later steps' state needs them), and the one shown
    # when its answer is revealed; the steps the sandbox holds past the common
    # prefix are undone, the missing ones done, so Back is an undo.
    def _sync_sandbox(self) -> None:
        refs = [s.script.rmi for n, s in enumerate(self.steps[:self.index + 1])
                if s.answer is not None and s.scene == COMMIT and (n < self.index or n in self.revealed)]
        wanted = [Request(RMI, (ref,)) for ref in refs]
        sandbox = self.session.whatif or self.whatif.enter()
        if sandbox is None:
            return
        labels = sandbox.labels
        keep = 0
        while keep < min(len(labels), len(wanted)) and labels[keep] == wanted[keep].label:
            keep += 1
        for _ in range(len(labels) - keep):
            self.whatif.undo()
        for request in wanted[keep:]:
            self.whatif.do(request)

    def _light(self, step: LessonStep) -> None:
        if self.session.current is None:
            return
        snap = self.session.current.snapshot
        images, layers, select = step.images, step.layers, step.select
        if self.live.active and self.session.origin != Origin.DEMO:     # the practice daemon's own IDs
            images = tuple(img.id for ref in step.script.look_at if (img := find(snap, ref)) is not None)
            layers = highlighted_layers(snap, images, step.script.layers)
            chosen = find(snap, step.script.select) if step.script.select else None
            select = chosen.id if chosen else ""
        if select in snap.by_id:
            self.selection.select_image(select, "lesson")
        lit = {i for i in images if i in snap.by_id} | set(layers)
        self.graph_view.unflash()
        self.graph_view.flash(lit, HOLD_MS)
        self.storage_map.light(lit)                 # the same on the storage map

    # -- live -------------------------------------------------------------------------------
    def _step_live(self, delta: int, current: LessonStep) -> None:
        """Next: perform the step's command once (an rmi: its Reveal), then go on; Back only moves (a real
        daemon is not undone: Reset removes what the lesson made)."""
        if self.live.busy:
            return
        offline = self.live.live is not None and self.live.live.plays_offline(current.script)
        runs = self.index not in self.live.results and performable(current.script) and not offline
        if delta > 0 and runs:
            self.live.perform(self.index, current)
            self.window.statusBar().showMessage(self.tr("Running {command}…").format(command=current.command))
            return
        if delta < 0:
            self.window.statusBar().showMessage(self.tr(
                "Back shows the step again; the daemon is not undone (Reset lesson removes what it made)"), 6000)
        self.go(self.index + delta)

    def _on_live_started(self) -> None:
        """Step 1; first, what the daemon lacks (those steps then play on the demo snapshot; nothing is pulled)."""
        missing = self.live.live.missing if self.live.live is not None else []
        if missing:
            text = self.tr("{images} is not on {host}: the Express app's builds and its docker tag are shown on the "
                           "demo snapshot instead. To perform them live, pull it there first (docker pull {images})."
                           ).format(images=", ".join(missing), host=self.live.host)
            self._notice = text                 # in the banner once the daemon is shown (its load clears the banner)
            self.window.statusBar().showMessage(text, 10000)
        self.go(0)

    def _live_scene(self, step: LessonStep) -> bool:
        """Live: the daemon shown, or the demo snapshot for a step that needs what the daemon lacks; True when it is
        on screen already (else its load is started and the step is lit when it ends)."""
        offline = self.live.live is not None and self.live.live.plays_offline(step.script)
        s = self.session
        if s.current is not None and (s.origin == Origin.DEMO) == offline and \
                (not offline or Path(s.demo_path) == DEMO_SNAPSHOT):
            return True
        if offline:
            self.loading.load_demo(path=DEMO_SNAPSHOT)
        else:
            self.live.show_daemon()
        return False

    def _on_performed(self, index: int) -> None:
        done = self.live.results[index]
        if done.note and not done.performed:
            self.window.statusBar().showMessage(done.note, 8000)
        if index == self.index:
            self._show_panel()

    def _ask_reset(self, plan: list[str]) -> None:
        if not plan:
            self.window.statusBar().showMessage(self.tr("Reset lesson: nothing to remove"), 6000)
            return
        text = self.tr("Reset lesson will, on {host}:").format(host=self.live.host) + "\n\n" + "\n".join(plan)
        if QMessageBox.question(self.window, self.tr("Reset lesson"), text) == QMessageBox.StandardButton.Yes:
            self.live.reset()

    def _on_reset_done(self, same: bool) -> None:
        self.window.statusBar().showMessage(
            self.tr("Lesson reset: the daemon's images are as before the lesson") if same else
            self.tr("Lesson reset, but the daemon's images differ from before the lesson"), 10000)
        self.go(0)

    def _on_live_failed(self, message: str) -> None:
        text = self.tr("Live lesson: {error}").format(error=message)
        self.window.banner.show_message("error", html.escape(text), retry=False)
        self.window.statusBar().showMessage(text, 10000)
        if self.live.live is None:
            self.active = False
            self.dock.hide()

    def _show_panel(self) -> None:
        step = self.current
        if step is not None and self.live.active:
            done = self.live.results.get(self.index)
            lines = None if done is None else done.lines + ([f"({done.note})"] if done.note else [])
            answer = answer_of(done.delete.plan) if done is not None and done.delete is not None else None
            self.panel.show_step(step, len(self.steps), done is not None, lines, answer)
        elif step is not None:
            self.panel.show_step(step, len(self.steps), self.index in self.revealed)
        self.changed.emit()
        self.session.notify()

    def _on_dock_visible(self, visible: bool) -> None:
        """The dock's close button ends the lesson (not the window going away)."""
        if visible or not self.active:
            return
        try:
            closing = not self.window.isVisible()
        except RuntimeError:            # the window is being destroyed
            return
        if not closing and not self.dock.isVisible():
            self.active = False
            self.storage_map.light(frozenset())
            self.changed.emit()
            self.session.notify()
