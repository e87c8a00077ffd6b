"""The one-line message strip above the graph: demo notice, what-if notice or error, with Retry."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    """A one-line message strip above the graph: demo notice, what-if notice or error, with Retry."""

    retry_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 5, 6, 5)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton()
        self.retry.clicked.connect(self.retry_clicked)
        self.close_button = QPushButton("✕")
        self.close_button.setObjectName("bannerClose")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.retry)
        lay.addWidget(self.close_button)
        self.kind = ""
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        """Set the fixed texts in the current language."""
        self.retry.setText(self.tr("Retry"))
        self.retry.setToolTip(self.tr("Try to read the daemon (or the file) again (F5)"))
        self.close_button.setToolTip(self.tr("Hide this message"))

    def show_message(self, kind: str, text: str, retry: bool = True) -> None:
        """Show ``text``; ``kind`` (error | demo | info | whatif) picks the style."""
        self.kind = kind
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.retry.setVisible(retry)
        self.close_button.setVisible(kind != "whatif")
        self.show()

    def dismiss(self, *kinds: str) -> None:
        """Hide the strip if it shows one of ``kinds`` (every kind when none is given)."""
        if not kinds or self.kind in kinds:
            self.hide()
            self.kind = ""
