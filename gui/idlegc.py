"""The cyclic collector's turn, once the window has been idle a while after a new state was shown."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from model.core.bulk import collect_frozen

IDLE_MS = 10_000            # after the last state shown


# Why a collection when idle.  What bulk builds make is frozen out of the cyclic
# collector (model/core/bulk.py), so loads, previews and live updates never wait
# for a full collection.  A cycle among frozen objects (a closed dialog that held
# a plan, say) would then never be freed: so once nothing new has been shown for
# IDLE_MS, everything frozen is given back and one full collection runs.
class IdleCollector(QObject):
    """Runs collect_frozen once the window has shown no new state for IDLE_MS."""

    def __init__(self, parent: QObject, idle_ms: int = IDLE_MS) -> None:
        super().__init__(parent)
        self.collections = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(idle_ms)
        self._timer.timeout.connect(self._collect)

    def poke(self) -> None:
        """A new state was shown: (re)start the wait."""
        self._timer.start()

    def _collect(self) -> None:
        collect_frozen()
        self.collections += 1
