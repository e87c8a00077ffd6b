"""File → Export: the submenu, the save dialog, and one export of what the window shows (gui.exporting writes it)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from . import exporting
from .chart import StorageChart
from .graphview import GraphView
from .session import Session
from .settings import Settings

GROUP_ENDS = ("view-pdf", "scene-pdf", "dot", "chart-svg", "storagemap-png")   # a separator follows these entries


class ExportController(QObject):
    """The Export submenu (one action per exporting.KINDS entry) and the exports it runs."""

    def __init__(self, window: QMainWindow, session: Session, settings: Settings, graph_view: GraphView,
                 chart: StorageChart) -> None:
        super().__init__(window)
        self.window, self.session, self.settings, self.graph_view, self.chart = window, session, settings, graph_view, chart
        self.last_export: Path | None = None
        self.last_export_error = ""
        self.export_menu = QMenu(window)
        self.export_menu.setObjectName("menuExport")
        self.export_actions: dict[str, QAction] = {}
        for kind in exporting.KINDS:
            act = QAction(window)
            act.setObjectName(f"actExport_{kind.key}")
            act.triggered.connect(lambda checked=False, k=kind: self.export_with_dialog(k))
            self.export_menu.addAction(act)
            self.export_actions[kind.key] = act
            if kind.key in GROUP_ENDS:
                self.export_menu.addSeparator()

    def retranslate(self) -> None:
        """Set the submenu's texts in the current language."""
        self.export_menu.setTitle(self.tr("&Export"))
        for key, act in self.export_actions.items():
            act.setText(exporting.KIND_BY_KEY[key].label())

    def export(self, key: str, path: str | Path) -> Path:
        """Write export ``key`` (see exporting.KINDS) to ``path``; raises ExportFailed/OSError."""
        kind = exporting.KIND_BY_KEY[key]
        current = self.session.current
        if kind.what == "chart":
            self.chart.ensure_drawn()
        drawn_from_model = kind.what in ("graph", "storagemap")
        exporting.run_export(kind, path, view=self.graph_view, scene=self.graph_view.scene(),
                             analysis=current.analysis if current is not None and drawn_from_model else None,
                             figure=self.chart.figure if kind.what == "chart" else None,
                             snapshot=self.session.current_snapshot() if kind.what in ("graph", "snapshot") else None)
        self.last_export = Path(path)
        return self.last_export

    def export_with_dialog(self, kind: exporting.ExportKind) -> Path | None:
        """Ask where, then export; the outcome goes to the status bar (errors to a message box)."""
        start = Path(self.settings.export_dir or Path.home())
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export"), str(start / kind.default_name),
                                              kind.file_filter())
        if not path:
            return None
        if not Path(path).suffix:
            path += "." + kind.fmt
        self.settings.export_dir = str(Path(path).parent)
        try:
            self.export(kind.key, path)
        except (exporting.ExportFailed, OSError, ValueError) as exc:
            self.last_export_error = str(exc)
            QMessageBox.warning(self.window, self.tr("Export failed"), str(exc))
            return None
        self.window.statusBar().showMessage(self.tr("Exported to {path}").format(path=path), 8000)
        return Path(path)
