"""Help → About: what Layerscope is, its version, the engine it is connected to (and its API version), and
where the delete log is kept."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from resources.version import version

from .session import Origin, Session

ENGINES = {"docker": "Docker Engine", "podman": "Podman"}


class About(QObject):
    """The About box's text, from the session and the delete log's path, in the UI language."""

    def engine_line(self, session: Session) -> str:
        """The engine the window reads: its name, version, host and API version; or what is shown instead."""
        snap = session.real_snapshot()
        if snap is None or session.origin == Origin.NONE:
            return self.tr("not connected yet (loading)")
        info = snap.info
        engine = ENGINES.get(info.engine, info.engine)
        if session.origin == Origin.DEMO:
            line = self.tr("not connected: the bundled demo snapshot is shown")
            return line + (f" ({session.fallback_reason})" if session.fallback_reason else "")
        if session.origin == Origin.FILE:
            line = self.tr("not connected: a snapshot file is shown (taken from {engine} {version}, API {api})")
            return line.format(engine=engine, version=info.version, api=info.api_version or "?")
        return self.tr("{engine} {version} at {host}, API version {api}").format(
            engine=engine, version=info.version, host=info.host, api=info.api_version or "?")

    def text(self, session: Session, delete_log: Path) -> str:
        """The About box's rich text."""
        rows = ((self.tr("Version"), version()), (self.tr("Engine"), self.engine_line(session)),
                (self.tr("Delete log"), str(delete_log)))
        table = "".join(f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
                        for k, v in rows)
        return self.tr(
            "<b>Layerscope</b> shows what Docker stores on disk: every local image, the layers they share, "
            "and exactly what <code>docker rmi</code> / <code>docker image prune</code> would do before "
            "anything is deleted.") + f"<p><table>{table}</table></p>"

    def show(self, parent: QWidget, session: Session, delete_log: Path) -> None:
        """Open the About box over ``parent``."""
        QMessageBox.about(parent, self.tr("About Layerscope"), self.text(session, delete_log))
