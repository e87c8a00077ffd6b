"""Clean-up: remove, untag and prune through model.commands' DeleteCommand, or simulated in what-if mode."""
from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow

from model.commands.command import DeleteCommand, Interaction
from model.commands.deletelog import DeleteLog
from model.commands.perform import WINDOW, Performed
from model.engine.plan import PRUNE, RMI, UNTAG, Plan, Request

from .actions import DialogInteraction, answer_html
from .deletehistory import DeleteHistoryDialog
from .loading import LoadingController
from .previewing import PreviewController
from .session import Mode, Session
from .tasks import TaskRunner
from .whatifmode import WhatIfController
from .workers import perform_delete


class CleanupController(QObject):
    """Every destructive action of the window, and the delete log they are recorded in.

    The one path to the daemon (DeleteCommand, shared with the command line): on the UI thread predict →
    show → confirm (which predicts again) → refused()?; then on the worker ``perform`` (the command reads
    the daemon again and refuses if its prediction changed) → tell the user → reload.  In what-if mode
    the same requests are simulated on the sandbox instead."""

    finished = Signal(object)       # model.commands.perform.Performed after a confirmed action (before the reload)

    def __init__(self, window: QMainWindow, session: Session, runner: TaskRunner, preview: PreviewController,
                 whatif: WhatIfController, loading: LoadingController) -> None:
        super().__init__(window)
        self.window, self.session, self.runner = window, session, runner
        self.preview, self.whatif, self.loading = preview, whatif, loading
        self.status = window.statusBar()
        self.delete_log = DeleteLog()                  # every refused and performed delete is recorded here
        self.interaction: Interaction = DialogInteraction(window, self.replan)

    # -- the actions -----------------------------------------------------------------------
    def remove(self) -> None:
        """Image → Remove image… (Delete): docker rmi of the selection, by tag for a tag row, by ID for an image."""
        refs = list(dict.fromkeys(ref for _, ref in self.session.targets))
        if refs:
            self.request_action(Request(RMI, tuple(refs)))

    def untag(self) -> None:
        """Image → Untag…: remove only the selected tag."""
        ref = self.session.untag_ref()
        if ref:
            self.request_action(Request(UNTAG, (ref,)))

    def prune(self, prune_all: bool = False) -> None:
        """Image → Prune dangling images… / Prune all unused images…"""
        self.request_action(Request(PRUNE, prune_all=prune_all))

    def replan(self, request: Request) -> Plan:
        """The prediction of ``request`` on the shown state (the confirmation dialog re-plans with it)."""
        current = self.session.current
        return DeleteCommand(request, self.delete_log, WINDOW).predict(current.snapshot, current.analysis.layer_sizes)

    def request_action(self, request: Request) -> Plan | None:
        """Run a clean-up action: in what-if mode on the sandbox, else on the daemon after confirmation.

        Returns the plan that was shown (None when the action is not allowed right now)."""
        s = self.session
        if s.current is None:
            return None
        if s.mode is Mode.WHATIF:
            return self.whatif.do(request)
        if not s.can_delete():
            self.status.showMessage(self.tr("Nothing removed: destructive actions are disabled here"), 6000)
            return None
        command = DeleteCommand(request, self.delete_log, WINDOW)
        plan = command.predict(s.current.snapshot, s.current.analysis.layer_sizes)
        self.preview.show_plan(plan, self.tr("asking for confirmation"))
        if not command.confirm(self.interaction):             # predicts again when confirmed
            self.preview.clear()
            self.status.showMessage(self.tr("Cancelled — nothing was changed"), 8000)
            return plan
        plan = command.plan
        why = command.refused()                                  # recorded in the delete log
        if why is not None:
            self.preview.show_plan(plan)
            self.interaction.inform(self.tr("Not performed"),
                                    html.escape(self.tr("Refused: {why}").format(why=why.reason)), warning=True)
            return plan
        self.preview.show_plan(plan, self.tr("running…"))
        s.mode = Mode.PERFORMING
        s.notify()
        host = s.options.host
        self.runner.run(lambda job: perform_delete(command, host), done=self._on_performed)
        self.status.showMessage(self.tr("Running {command}…").format(command=plan.request.command))
        return plan

    def _on_performed(self, done: Performed) -> None:
        self.session.mode = Mode.BROWSE
        self.session.notify()
        if done.refused is not None:
            title = self.tr("Not performed")
        elif done.matched:
            title = self.tr("Done — as predicted")
        else:
            title = self.tr("The daemon answered differently")
        self.interaction.inform(title, answer_html(done, self.tr), warning=not done.matched)
        self.status.showMessage(title, 10000)
        self.finished.emit(done)
        self.loading.load_daemon(after_action=True)       # the daemon's real state, whatever happened

    # -- Help → Delete history -------------------------------------------------------------
    def show_delete_history(self) -> DeleteHistoryDialog:
        """Help → Delete history: the delete log, newest first (non-modal)."""
        dialog = DeleteHistoryDialog(self.delete_log, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
