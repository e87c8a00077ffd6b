"""Lesson mode: the seed tutorial step by step in a dock beside the maps, played offline on the bundled lesson
snapshots.  The commit part runs in the What-if sandbox: each revealed ``docker rmi`` is a what-if step, Back
undoes it.  Right / Left / PageDown / PageUp step (presenter remotes); nothing on a daemon is touched."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDockWidget, QFileDialog, QMainWindow

from model.core.snapshot import Snapshot
from model.engine.plan import RMI, Request
from model.lesson.play import LessonStep, play, scenes_of
from model.lesson.script import COMMIT, TUTORIAL
from resources import DEMO_SNAPSHOT, LESSON_SNAPSHOT

from . import i18n
from .graphview import GraphView
from .lessonhandout import write_handout
from .lessonpanel import LessonPanel
from .loading import LoadingController
from .selection import SelectionController
from .session import Origin, Session
from .tasks import TaskRunner
from .whatifmode import WhatIfController

SCENE_FILES = {COMMIT: LESSON_SNAPSHOT, TUTORIAL: DEMO_SNAPSHOT}
HOLD_MS = 24 * 3600 * 1000          # what a step looks at stays lit until the next step


class LessonController(QObject):
    """Plays the lesson: which step is shown, which rmi answers are revealed, the scene and sandbox under them."""

    changed = Signal()              # a step was shown, revealed or taken back; the lesson started or ended
    handout_done = Signal(str)      # the handout's path, or "" when it could not be written

    def __init__(self, window: QMainWindow, session: Session, loading: LoadingController,
                 whatif: WhatIfController, selection: SelectionController, graph_view: GraphView) -> None:
        super().__init__(window)
        self.window, self.session, self.loading, self.whatif = window, session, loading, whatif
        self.selection, self.graph_view = selection, graph_view
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
        self._scenes: dict[str, Snapshot] = {}
        self.runner = TaskRunner(self)       # the handout is drawn off the UI thread, beside any load
        self.panel.back_clicked.connect(lambda: self.step(-1))
        self.panel.next_clicked.connect(lambda: self.step(+1))
        self.panel.reveal_clicked.connect(self.reveal)
        self.panel.reset_clicked.connect(self.start)
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

    def stop(self) -> None:
        """Close the lesson (the sandbox stays, as any what-if does)."""
        self.active = False
        self.dock.hide()
        self.graph_view.unflash()
        self.changed.emit()
        self.session.notify()

    def step(self, delta: int) -> None:
        """Next: reveal an rmi step's answer first, then go on; Back: hide a revealed answer, else go back."""
        if not self.steps:
            return
        current = self.steps[self.index]
        if delta > 0 and current.answer is not None and self.index not in self.revealed:
            self.reveal()
        elif delta < 0 and self.index in self.revealed:
            self.revealed.discard(self.index)
            self._apply()
        else:
            self.go(self.index + delta)

    def reveal(self) -> None:
        """Show the rmi step's exact answer: its what-if step is done in the sandbox."""
        if self.steps and self.steps[self.index].answer is not None:
            self.revealed.add(self.index)
            self._apply()

    def go(self, index: int) -> None:
        """Show step ``index`` (0-based), loading its scene first when another one is shown."""
        if not self.steps or not 0 <= index < len(self.steps):
            return
        self.index = index
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
        if self._waiting and self.active:
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
        shown = self.session.current.snapshot.by_id if self.session.current else {}
        if step.select in shown:
            self.selection.select_image(step.select, "lesson")
        self.graph_view.unflash()
        self.graph_view.flash({i for i in step.images if i in shown} | set(step.layers), HOLD_MS)

    def _show_panel(self) -> None:
        step = self.current
        if step is not None:
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
            self.changed.emit()
            self.session.notify()
