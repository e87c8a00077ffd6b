"""The graph legend: what each colour and shape means (an overlay in the graph's corner)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QWidget

from . import theme

ENTRIES = (
    ("layer-shared", "shared layer (held by several images)"),
    ("layer-unique", "layer held by one image"),
    ("layer-run", "collapsed run of plain layers"),
    ("tagged", "tagged image"),
    ("intermediate", "intermediate image (docker images -a)"),
    ("dangling", "dangling image (<none>, no children)"),
    ("in-use", "used by a container (● / ▶ running)"),
    ("deleted", "rmi preview: would be deleted"),
    ("untagged", "rmi preview: would be untagged"),
)
ROW = 19


class Legend(QWidget):
    """A small translucent panel painted by hand (no child widgets)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setObjectName("legend")
        self._font = theme.font(8.5)
        self.resize(self.sizeHint())

    # Qt overrides
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(272, 14 + ROW * len(ENTRIES))

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(theme.pen(QColor("#c9d2dc"), 1))
        p.setBrush(QColor(255, 255, 255, 232))
        p.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        p.setFont(self._font)
        for n, (key, text) in enumerate(ENTRIES):
            y = 7 + n * ROW
            sw = QRectF(10, y + 3, 30, 13)
            self._swatch(p, key, sw)
            p.setPen(theme.TEXT)
            p.drawText(QRectF(48, y, self.width() - 52, ROW), Qt.AlignmentFlag.AlignVCenter, text)
        p.end()

    @staticmethod
    def _swatch(p: QPainter, key: str, r: QRectF) -> None:
        if key.startswith("layer"):
            shared = key == "layer-shared"
            fill = theme.LAYER_SHARED if shared else theme.LAYER_COLLAPSED if key == "layer-run" else theme.LAYER_UNIQUE
            edge = theme.LAYER_SHARED_EDGE if shared else theme.LAYER_UNIQUE_EDGE
            style = Qt.PenStyle.DashLine if key == "layer-run" else Qt.PenStyle.SolidLine
            p.setPen(theme.pen(edge, 2 if shared else 1, style))
            p.setBrush(fill)
            p.drawRoundedRect(r, 3, 3)
            if shared:
                p.fillRect(QRectF(r.left() + 1, r.top() + 2, 3, r.height() - 4), edge)
            return
        path = QPainterPath()
        if key == "dangling":
            n = 5.0
            path.addPolygon(QPolygonF([QPointF(r.left() + n, r.top()), QPointF(r.right(), r.top()),
                                       QPointF(r.right(), r.bottom()), QPointF(r.left() + n, r.bottom()),
                                       QPointF(r.left(), r.center().y()), QPointF(r.left() + n, r.top())]))
        elif key == "intermediate":
            path.addRect(r)
        else:
            path.addRoundedRect(r, 5, 5)
        fill = {"deleted": theme.DELETED, "untagged": theme.IMAGE_FILL["tagged"],
                "in-use": theme.IMAGE_FILL["tagged"]}.get(key, theme.IMAGE_FILL.get(key, theme.IMAGE_FILL["tagged"]))
        outline = {"in-use": theme.IN_USE, "untagged": theme.UNTAGGED_MARK}.get(key, fill.darker(130))
        p.setPen(theme.pen(outline, 2.5 if key in ("in-use", "untagged") else 1,
                           Qt.PenStyle.DashLine if key == "intermediate" else Qt.PenStyle.SolidLine))
        p.setBrush(fill)
        p.drawPath(path)
