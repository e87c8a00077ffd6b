"""The rmi preview: what `docker rmi` (or any planned request) would do, marked on the graph and listed in its tab."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStatusBar, QTabWidget

from model.engine.plan import Plan

from .graphview import GraphView
from .preview import PreviewPanel, preview_rmi, summary_text
from .session import Session
from .storagemap import StorageMapView


class PreviewController(QObject):
    """Shows a plan (marks, list, status line) and clears it; the plan shown is ``session.preview``."""

    changed = Signal()          # a preview was shown or cleared

    def __init__(self, session: Session, graph_view: GraphView, panel: PreviewPanel, tabs: QTabWidget,
                 status: QStatusBar, parent: QObject | None = None,
                 storage_map: StorageMapView | None = None) -> None:
        super().__init__(parent)
        self.session, self.graph_view, self.panel, self.tabs, self.status = session, graph_view, panel, tabs, status
        self.storage_map = storage_map          # colours what would be freed, like the graph's marks

    def preview_rmi(self, ref: str) -> Plan | None:
        """Run the simulator for `docker rmi REF` and mark its answer on the graph and in the list."""
        if self.session.current is None:
            return None
        current = self.session.current
        return self.show_plan(preview_rmi(current.predictor, current.analysis, [ref]))

    def preview_current(self) -> None:
        """Image → Preview rmi: the selected tag (or image)."""
        if self.session.current_ref:
            self.preview_rmi(self.session.current_ref)

    def show_plan(self, plan: Plan, note: str = "") -> Plan:
        """Mark ``plan`` on the graph, list it (with ``note``), bring its tab forward and say it in the status bar."""
        self.session.preview = plan
        self.graph_view.show_preview(set(plan.deleted_images), set(plan.deleted_layers), plan.untagged_images)
        if self.storage_map is not None:
            self.storage_map.show_preview(set(plan.deleted_images), set(plan.deleted_layers), plan.untagged_images)
        self.panel.show_plan(plan, note)
        self.tabs.setCurrentWidget(self.panel)
        self.status.showMessage(summary_text(plan), 15000)
        self.changed.emit()
        return plan

    def show_step(self, plan: Plan, note: str) -> None:
        """List what a what-if step did (the graph already shows the state after it: no marks)."""
        self.session.preview = plan
        self.panel.show_plan(plan, note)
        self.tabs.setCurrentWidget(self.panel)

    def clear(self) -> None:
        """Remove preview marks and the list."""
        if self.session.preview is None:
            return
        self.session.preview = None
        self.graph_view.clear_preview()
        if self.storage_map is not None:
            self.storage_map.clear_preview()
        self.panel.show_cleared()
        self.changed.emit()

    def forget(self) -> None:
        """A new state is shown: the old plan no longer applies (its marks went with the old items)."""
        self.session.preview = None
        self.panel.tree.clear()

    def retranslate(self) -> None:
        """The tab's texts in the current language, with the shown plan listed again."""
        plan = self.session.preview
        self.panel.retranslate(showing_plan=plan is not None)
        if plan is not None and self.session.current is not None:
            self.panel.show_plan(plan)
