"""The status bar: a message that never runs under the badges, and figures that shrink (elided) instead of
pushing each other off the window — at any width, in presentation mode's large type, in every language."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

MIN_CHARS = 8           # an elided label keeps room for this many average characters


class ElidedLabel(QLabel):
    """A one-line label that may be narrower than its text: it then shows the text elided on the right (the
    whole text stays its text(), and its tooltip while cut)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.own_tip = ""           # a tooltip set by the owner (shown when the text is not cut)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Room for MIN_CHARS characters: the layout may shrink the label that far."""
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        return QSize(min(hint.width(), self.fontMetrics().averageCharWidth() * MIN_CHARS + margins.left() +
                         margins.right()), hint.height())

    def elided(self) -> bool:
        """True when the label is too narrow for its whole text."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """The text, elided to the label's width."""
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(painter, rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                                  self.palette(), self.isEnabled(), text, self.foregroundRole())

    def setToolTip(self, tip: str) -> None:  # noqa: N802
        """The owner's tooltip (the whole text is added while it is cut)."""
        self.own_tip = tip
        self.update_tip()

    def setText(self, text: str) -> None:  # noqa: N802
        """Set the (whole) text."""
        super().setText(text)
        self.update_tip()

    def update_tip(self) -> None:
        """The owner's tooltip, with the whole text ahead of it while the text is cut."""
        tip = self.own_tip
        if self.text() and self.elided():
            tip = self.text() + ("\n\n" + tip if tip else "")
        QLabel.setToolTip(self, tip)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Keep the tooltip true to what is cut."""
        super().resizeEvent(event)
        self.update_tip()


class StatusBar(QStatusBar):
    """showMessage puts the message in a label of its own, left of the permanent widgets and elided to the room
    left for it, so it never runs under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = ElidedLabel()
        self.message.setObjectName("statusMessage")
        self.addWidget(self.message, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.clearMessage)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802
        """Show ``text`` (for ``timeout`` ms; 0: until replaced)."""
        self.message.setText(text)
        if timeout > 0:
            self.timer.start(timeout)
        else:
            self.timer.stop()
        self.messageChanged.emit(text)

    def clearMessage(self) -> None:  # noqa: N802
        """Remove the message."""
        self.timer.stop()
        self.message.clear()
        self.messageChanged.emit("")

    def currentMessage(self) -> str:  # noqa: N802
        """The message shown ('' when none)."""
        return self.message.text()
