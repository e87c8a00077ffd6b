"""What-if mode: a sandbox over the shown snapshot where clean-up is simulated, stepped back and forth."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStatusBar, QTabWidget

from model.engine.plan import Plan, Request, snapshot_diff
from model.engine.whatif import DO, REDO, UNDO, Change, WhatIf

from .preview import summary_text
from .previewing import PreviewController
from .session import Mode, Session
from .views import ViewsController
from .whatifpanel import WhatIfPanel
from .workers import prepare


class WhatIfController(QObject):
    """Enters and leaves the sandbox (``session.whatif``), does requests in it, undoes and redoes them.

    Every request is predicted once, by ``WhatIf.do``; its state becomes the one shown and its plan is
    listed in the preview tab.  Nothing is ever sent to the daemon from here."""

    changed = Signal()          # entered, left, or a step was done / undone / redone
    mode_changed = Signal()     # entered or left (the banner says it)
    shown = Signal()            # the steps or a step's plan were shown (the presentation caption follows)

    def __init__(self, session: Session, views: ViewsController, preview: PreviewController, panel: WhatIfPanel,
                 tabs: QTabWidget, status: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.views, self.preview, self.panel = session, views, preview, panel
        self.tabs, self.status = tabs, status
        self._redo_labels: list[str] = []       # what Redo brings back, next first
        self._unsubscribe = None

    def toggle(self, on: bool) -> None:
        """Image → What-if (W): enter or leave."""
        if on:
            self.enter()
        else:
            self.leave()

    def enter(self) -> WhatIf | None:
        """Start a sandbox over the shown snapshot (nothing is ever sent to the daemon from it)."""
        s = self.session
        if s.current is None or s.mode is not Mode.BROWSE:
            return s.whatif
        s.whatif, s.real, s.mode = WhatIf(s.current.snapshot), s.current, Mode.WHATIF
        self._redo_labels = []
        self._unsubscribe = s.whatif.subscribe(self._on_change)
        self.preview.clear()
        self.mode_changed.emit()
        self.views.update_status()
        s.notify()
        self._show_steps()
        self.tabs.setCurrentWidget(self.panel)
        self.changed.emit()
        return s.whatif

    def leave(self, show_real: bool = True) -> None:
        """Leave the sandbox; the real state is shown again (unless a load is about to replace it)."""
        s = self.session
        if s.mode is not Mode.WHATIF:
            return
        real = s.real
        if self._unsubscribe:
            self._unsubscribe()
        s.whatif = s.real = self._unsubscribe = None
        s.mode = Mode.BROWSE
        self._redo_labels = []
        if show_real and real is not None:
            self.views.show(real, keep_view=True)
        self.mode_changed.emit()
        s.notify()
        self._show_steps()
        self.changed.emit()

    def try_request(self, request: Request) -> None:
        """Context menu → What-if: docker rmi …: enter the sandbox and do it there."""
        self.enter()
        self.do(request)

    def do(self, request: Request) -> Plan:
        """Predict ``request`` on the sandbox; its result becomes the state shown and its plan is listed."""
        plan = self.session.whatif.do(request)      # one prediction: shown, and its state becomes the sandbox's
        self.preview.show_step(plan, self.tr("what-if step — nothing was deleted"))
        self.status.showMessage(self.tr("What-if: {summary}").format(summary=summary_text(plan)), 10000)
        self.shown.emit()
        return plan

    def undo(self) -> None:
        """Take back the last step."""
        if self.session.whatif is not None:
            self.session.whatif.undo()

    def redo(self) -> None:
        """Apply the undone step again."""
        if self.session.whatif is not None:
            self.session.whatif.redo()

    def _on_change(self, change: Change) -> None:
        if change.kind == UNDO:
            self._redo_labels.insert(0, change.step.label)
        elif change.kind == REDO and self._redo_labels:
            self._redo_labels.pop(0)
        elif change.kind == DO:
            self._redo_labels = []
        s = self.session
        before = s.current.snapshot
        loaded = prepare(change.current, s.origin, self.views.show_intermediates, self.views.graph_aspect())
        self.views.show(loaded, keep_view=True, changed=snapshot_diff(before, change.current))
        self._show_steps()
        if change.step is not None and change.kind != DO:
            self.status.showMessage(
                (self.tr("Undone: {label}") if change.kind == UNDO else self.tr("Redone: {label}")).format(
                    label=change.step.label), 6000)
        self.changed.emit()

    def _show_steps(self) -> None:
        whatif = self.session.whatif
        self.panel.show_steps(whatif.labels if whatif is not None else [], self._redo_labels)
        self.shown.emit()
