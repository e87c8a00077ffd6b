"""The what-if steps tab: applied steps in order, undone ones greyed below (what Redo brings back)."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from . import theme


class WhatIfPanel(QWidget):
    """The what-if steps: applied ones in order, undone ones greyed below (what Redo brings back)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.steps = QListWidget()
        self.steps.setObjectName("whatifSteps")
        lay.addWidget(self.label)
        lay.addWidget(self.steps, 1)
        self.retranslate()

    def retranslate(self) -> None:
        """Set the fixed texts in the current language."""
        self.label.setText(self.tr("<b>What-if steps</b> — simulated on the snapshot, nothing is deleted. "
                                   "Ctrl+Z undoes, Ctrl+Shift+Z redoes."))

    def show_steps(self, done: list[str], undone: list[str]) -> None:
        """List the applied steps (numbered) and the undone ones (greyed, next first)."""
        pal = theme.palette()
        self.steps.clear()
        self.steps.addItem(self.tr("0. original snapshot"))
        for n, label in enumerate(done, 1):
            self.steps.addItem(f"{n}. {label}")
        for label in undone:
            item = QListWidgetItem(self.tr("↷ {label} (undone)").format(label=label))
            item.setForeground(pal.text_dim)
            self.steps.addItem(item)
        self.steps.setCurrentRow(len(done))
