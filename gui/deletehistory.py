"""Help → Delete history: every refused and performed delete from the delete log, newest first."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QPlainTextEdit, QSplitter,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from model.commands.deletelog import DeleteLog

RECORD_ROLE = Qt.ItemDataRole.UserRole


class DeleteHistoryDialog(QDialog):
    """The delete log as a table (time, from, command, outcome) and the selected record in full."""

    def __init__(self, log: DeleteLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log = log
        self.setObjectName("deleteHistory")
        self.setWindowTitle(self.tr("Delete history"))
        self.resize(900, 560)
        self.path_label = QLabel()
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("TIME"), self.tr("FROM"), self.tr("COMMAND"), self.tr("OUTCOME")])
        header = self.tree.header()
        for col in (0, 1, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.refresh_button = buttons.addButton(self.tr("Refresh"), QDialogButtonBox.ButtonRole.ActionRole)
        self.refresh_button.clicked.connect(self.refresh)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.path_label)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.refresh()

    def outcome(self, record: dict) -> str:
        """How one record ended, in one short translated phrase."""
        refused = record.get("refused")
        if isinstance(refused, dict):
            return self.tr("refused: {reason}").format(reason=refused.get("reason", ""))
        if record.get("failure"):
            return self.tr("sent; did not finish: {failure}").format(failure=record["failure"])
        if record.get("agreed"):
            return self.tr("performed, as predicted")
        return self.tr("performed; the daemon answered differently")

    def refresh(self) -> None:
        """Read the log again and list it, newest first."""
        self.tree.clear()
        self.detail.clear()
        try:
            records, bad = self.log.read()
        except OSError as exc:
            self.path_label.setText(self.tr("Cannot read {path}: {error}").format(
                path=self.log.path, error=exc.strerror or exc))
            return
        text = self.tr("{count} record(s) in {path}").format(count=len(records), path=self.log.path)
        if bad:
            text += " — " + self.tr("{bad} unreadable line(s) skipped").format(bad=bad)
        self.path_label.setText(text)
        for record in reversed(records):
            item = QTreeWidgetItem([str(record.get("time", "")), str(record.get("front_end", "")),
                                    str(record.get("command", "")), self.outcome(record)])
            item.setData(0, RECORD_ROLE, record)
            item.setToolTip(3, item.text(3))
            self.tree.addTopLevelItem(item)
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        record = current.data(0, RECORD_ROLE) if current is not None else None
        self.detail.setPlainText(json.dumps(record, indent=2, ensure_ascii=False) if record else "")
