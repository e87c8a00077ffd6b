"""The lesson panel: the step list and counter, the command, the words, and for each rmi the class's guess and
the revealed answer as the daemon prints it.  A view only: gui/lesson.py drives it."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QListWidget,
                               QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from model.core.sizes import human
from model.lesson.play import Answer, LessonStep


NORMAL_PX, PRESENTING_PX = 13, 26      # text size; presenting: readable from the back of a room at 1920×1080
PRESENTING_WIDTH = 640                 # px: the panel's width when presenting (a third of a 1920 screen)


class LessonPanel(QWidget):
    """One lesson step at a time: counter, title, command, explanation, guess and answer; Back / Next."""

    step_chosen = Signal(int)       # a row of the step list was clicked (0-based)
    back_clicked = Signal()
    next_clicked = Signal()
    reveal_clicked = Signal()
    reset_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonPanel")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        self.counter, self.title = QLabel(), QLabel()
        self.counter.setObjectName("lessonCounter")
        self.title.setWordWrap(True)
        self.command = QLabel()
        self.command.setObjectName("lessonCommand")
        self.command.setWordWrap(True)
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.guess_box = QWidget()
        form = QFormLayout(self.guess_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.guess_head = QLabel()
        self.guess_head.setWordWrap(True)
        self.guess_untag = QCheckBox()
        self.guess_images, self.guess_layers = QSpinBox(), QSpinBox()
        self.guess_mb = QDoubleSpinBox()
        self.guess_mb.setRange(0, 100_000)
        self.guess_mb.setDecimals(1)
        self.guess_labels = (QLabel(), QLabel(), QLabel())
        form.addRow(self.guess_head)
        form.addRow(self.guess_untag)
        for label, box in zip(self.guess_labels, (self.guess_images, self.guess_layers, self.guess_mb)):
            form.addRow(label, box)
        self.reveal = QPushButton()
        self.reveal.setObjectName("lessonReveal")
        form.addRow(self.reveal)
        self.answer = QPlainTextEdit()
        self.answer.setObjectName("lessonAnswer")
        self.answer.setReadOnly(True)
        self.answer.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)     # image and chain IDs fill each line
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.steps = QListWidget()
        self.steps.setObjectName("lessonSteps")
        self.steps.currentRowChanged.connect(self._on_row)
        buttons = QHBoxLayout()
        self.back, self.next, self.reset = QPushButton(), QPushButton(), QPushButton()
        for button in (self.back, self.next):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.reset)
        self.back.clicked.connect(self.back_clicked)
        self.next.clicked.connect(self.next_clicked)
        self.reveal.clicked.connect(self.reveal_clicked)
        self.reset.clicked.connect(self.reset_clicked)
        for widget, stretch in ((self.counter, 0), (self.title, 0), (self.command, 0), (self.explanation, 0),
                                (self.guess_box, 0), (self.answer, 1), (self.verdict, 0), (self.steps, 1)):
            lay.addWidget(widget, stretch)
        lay.addLayout(buttons)
        self._filling = False
        self.set_presenting(False)
        self.retranslate()

    def retranslate(self) -> None:
        """Set the fixed texts in the current language."""
        self.guess_head.setText(self.tr("<b>Guess first:</b> what will the daemon answer?"))
        self.guess_untag.setText(self.tr("Only untags (nothing deleted)"))
        for label, text in zip(self.guess_labels, (self.tr("Images deleted"), self.tr("Layers deleted"),
                                                   self.tr("MB freed"))):
            label.setText(text)
        self.reveal.setText(self.tr("Reveal the answer"))
        self.back.setText(self.tr("◀ Back"))
        self.next.setText(self.tr("Next ▶"))
        self.reset.setText(self.tr("Restart lesson"))
        self.reset.setToolTip(self.tr("Back to step 1 on the lesson snapshot (nothing on a daemon is touched)"))

    def set_presenting(self, on: bool) -> None:
        """Large text for presentation mode (≥ 24 px at 1920×1080), normal otherwise; presenting, the step list
        gives its room to the answer (the counter says where the class is) and the panel is wider."""
        px = PRESENTING_PX if on else NORMAL_PX
        self.steps.setVisible(not on)
        self.setMinimumWidth(PRESENTING_WIDTH if on else 0)
        self.setStyleSheet(f"QWidget#lessonPanel, QWidget#lessonPanel * {{ font-size: {px}px; }}"
                           f"QLabel#lessonCommand, QPlainTextEdit#lessonAnswer {{ font-family: monospace; }}")

    def set_steps(self, steps: list[LessonStep]) -> None:
        """List every step: number, command."""
        self._filling = True
        self.steps.clear()
        for step in steps:
            self.steps.addItem(f"{step.number}. {step.command}")
        self._filling = False

    def show_step(self, step: LessonStep, total: int, revealed: bool, live: list[str] | None = None,
                  answer: Answer | None = None) -> None:
        """Show ``step`` (of ``total``); an rmi step hides its answer and words until revealed.  Live, ``live`` is
        what the daemon answered (None before the step ran) and ``answer`` the delete's figures."""
        answer = answer or step.answer
        self.counter.setText(self.tr("Step {n} / {total}").format(n=step.number, total=total))
        self.title.setText(f"<b>{html.escape(step.title)}</b>")
        self.command.setText(f"$ {step.command}")
        guessing = step.answer is not None and not revealed
        self.explanation.setText(self.tr("Discuss with the class, enter the guess, then Reveal (or Next).")
                                 if guessing else step.explanation)
        self.guess_box.setVisible(step.answer is not None)
        self.reveal.setEnabled(guessing)
        for box in (self.guess_untag, self.guess_images, self.guess_layers, self.guess_mb):
            box.setEnabled(guessing)
        if step.answer is not None and guessing:
            self.guess_untag.setChecked(False)
            for box in (self.guess_images, self.guess_layers, self.guess_mb):
                box.setValue(0)
        shown = (step.answer is not None and revealed) or bool(live)
        self.answer.setVisible(shown)
        self.verdict.setVisible(shown and answer is not None)
        if shown:
            self.answer.setPlainText("\n".join(live if live is not None else answer.lines))
        if shown and answer is not None:
            self.verdict.setText(self.verdict_text(answer))
        self._filling = True
        self.steps.setCurrentRow(step.number - 1)
        self._filling = False
        self.back.setEnabled(step.number > 1 or revealed)
        self.next.setEnabled(step.number < total or guessing)

    def guess(self) -> tuple[bool, int, int, float]:
        """The class's guess: untag only, images deleted, layers deleted, MB freed."""
        return (self.guess_untag.isChecked(), self.guess_images.value(), self.guess_layers.value(),
                self.guess_mb.value())

    def verdict_text(self, answer: Answer) -> str:
        """Freed bytes, and how the guess compares with the answer."""
        untag, images, layers, mb = self.guess()
        freed = answer.freed_bytes
        close = freed is not None and abs(mb * 1e6 - freed) <= max(0.5e6, 0.1 * freed)    # within 10 % (or 0.5 MB)
        right = [untag == answer.untag_only, images == answer.deleted_images, layers == answer.deleted_layers, close]
        mark = ["✔" if ok else "✘" for ok in right]
        return self.tr("Freed: {freed} · untag only {a} · {i} image(s) {b} · {l} layer(s) {c} · bytes {d}").format(
            freed=human(answer.freed_bytes), a=mark[0], i=answer.deleted_images, b=mark[1],
            l=answer.deleted_layers, c=mark[2], d=mark[3])

    def _on_row(self, row: int) -> None:
        if not self._filling and row >= 0:
            self.step_chosen.emit(row)
