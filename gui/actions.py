"""Confirmation of destructive actions in the window: the dialog and the window's Interaction (git-cola style)."""
from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
                               QTreeWidget, QVBoxLayout, QWidget)

from model.commands.command import Interaction
from model.commands.perform import Performed
from model.engine.plan import PRUNE, Plan, Request

from .preview import fill_tree, plan_html

Replan = Callable[[Request], Plan]


class ConfirmDialog(QDialog):
    """Lists exactly what will be untagged and deleted and the bytes freed, or the conflict; Remove only if safe."""

    def __init__(self, plan: Plan, replan: Replan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmDialog")
        self.plan, self.replan = plan, replan
        self.offer_containers = list(plan.removable_blockers or plan.containers_to_remove)
        self.setWindowTitle(self.tr("Confirm — {command}").format(command=plan.request.command))
        self.resize(760, 520)
        lay = QVBoxLayout(self)
        self.head = QLabel()
        self.head.setObjectName("confirmHead")
        self.head.setWordWrap(True)
        self.head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.head)
        self.tree = QTreeWidget()
        self.tree.setObjectName("confirmTree")
        self.tree.setHeaderLabels([self.tr("What happens"), self.tr("SIZE")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        lay.addWidget(self.tree, 1)
        rmi = plan.request.action != PRUNE
        self.force = QCheckBox(self.tr("Force (-f): also remove an image used by a stopped container or with "
                                       "several repositories"))
        self.noprune = QCheckBox(self.tr("No prune (--no-prune): keep untagged parent images"))
        self.force.setChecked(plan.request.force)
        self.noprune.setChecked(plan.request.noprune)
        self.force.setVisible(rmi)
        self.noprune.setVisible(rmi)
        self.containers = QCheckBox()
        self.containers.setObjectName("removeContainers")
        self.containers.setChecked(plan.request.remove_containers)
        self.containers.setVisible(bool(self.offer_containers))
        if self.offer_containers:
            names = ", ".join(c.name for c in self.offer_containers)
            self.containers.setText(self.tr("First remove the stopped container(s) that block it: {names}")
                                    .format(names=names))
        for box in (self.force, self.noprune, self.containers):
            box.toggled.connect(self._on_option_toggled)
            lay.addWidget(box)
        self.note = QLabel(self.tr("Nothing outside this list is touched. Running containers are never removed."))
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(self.tr("Prune") if not rmi else self.tr("Remove"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("confirmRemove")
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        cancel.setFocus()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._refresh()

    def _refresh(self) -> None:
        self.head.setText(plan_html(self.plan))
        fill_tree(self.tree, self.plan)
        self.tree.expandAll()
        self.ok_button.setEnabled(self.plan.can_perform)
        if self.plan.unpredictable:
            self.ok_button.setToolTip(self.tr("Refused: the outcome cannot be predicted exactly"))
        elif not self.plan.ok:
            self.ok_button.setToolTip(self.tr("The daemon would refuse: resolve the conflict first"))
        else:
            self.ok_button.setToolTip("")

    def _on_option_toggled(self) -> None:
        req = self.plan.request
        req.force = self.force.isChecked()
        req.noprune = self.noprune.isChecked()
        req.remove_containers = self.containers.isChecked()
        self.plan = self.replan(req)
        self._refresh()


class DialogInteraction(Interaction):
    """The desktop's Interaction: a modal ConfirmDialog and message boxes."""

    def __init__(self, parent: QWidget, replan: Replan) -> None:
        self.parent, self.replan = parent, replan
        self.dialog: ConfirmDialog | None = None

    def confirm(self, plan: Plan) -> bool:
        """Show the dialog; True when the user pressed Remove."""
        self.dialog = ConfirmDialog(plan, self.replan, self.parent)
        try:
            return self.dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            self.dialog.deleteLater()
            self.dialog = None

    def inform(self, title: str, text: str, warning: bool = False) -> None:
        """A message box with the daemon's answer."""
        box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information, title,
                          text, QMessageBox.StandardButton.Ok, self.parent)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.exec()


def answer_html(done: Performed, tr: Callable[[str], str]) -> str:
    """The daemon's answer as lines, and plainly whether it matched the prediction (or why nothing was sent)."""
    plan, actual, differences, failure = done.plan, done.actual, done.differences, done.failure
    if done.refused is not None:
        return "<b>$ " + html.escape(plan.request.command) + "</b><br><b style='color:#d64545'>" + \
            html.escape(tr("Refused: {why}").format(why=done.refused.reason)) + "</b><br>" + \
            html.escape(tr("Nothing was sent to the daemon."))
    lines: list[str] = []
    if plan.request.action == PRUNE:
        data = actual if isinstance(actual, dict) else {}
        if "error" in data:
            lines.append(tr("Error response from daemon:") + " " + str(data["error"].get("message")))
        for item in data.get("ImagesDeleted") or []:
            lines.extend(f"{k}: {v}" for k, v in item.items())
    else:
        for answer in actual if isinstance(actual, list) else []:
            for item in answer.get("response") or []:
                lines.extend(f"{k}: {v}" for k, v in item.items())
            if "error" in answer:
                lines.append(tr("Error response from daemon:") + " " + str(answer["error"].get("message")))
    text = "<b>$ " + html.escape(plan.request.command) + "</b><br><code>" + \
        "<br>".join(html.escape(x) for x in lines[:60]) + ("<br>…" if len(lines) > 60 else "") + "</code><br>"
    if failure:
        text += "<b style='color:#d64545'>" + html.escape(tr("The action did not finish:")) + "</b> " + \
            html.escape(failure) + "<br>" + html.escape(tr("Reloading the daemon's real state."))
    elif differences:
        text += "<b style='color:#d64545'>" + html.escape(tr("The daemon's answer DIFFERS from the prediction.")) + \
            "</b><br>" + "<br>".join(html.escape(d) for d in differences[:5]) + "<br>" + \
            html.escape(tr("Reloading the daemon's real state."))
    else:
        text += "<b style='color:#2f8a5b'>" + html.escape(tr("The daemon's answer matches the prediction exactly.")) \
            + "</b>"
    return text
