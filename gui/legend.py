"""The graph legend: what each colour and shape means, a compact strip under the graph (never over nodes)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from model.core.classify import DANGLING, INTERMEDIATE, TAGGED

from . import theme

ENTRIES = (
    ("layer-shared", QT_TRANSLATE_NOOP("Legend", "shared layer")),
    ("layer-unique", QT_TRANSLATE_NOOP("Legend", "layer of one image")),
    ("layer-run", QT_TRANSLATE_NOOP("Legend", "collapsed layers")),
    (TAGGED, QT_TRANSLATE_NOOP("Legend", "tagged image")),
    (INTERMEDIATE, QT_TRANSLATE_NOOP("Legend", "intermediate (-a)")),
    (DANGLING, QT_TRANSLATE_NOOP("Legend", "dangling <none>")),
    ("in-use", QT_TRANSLATE_NOOP("Legend", "used by a container")),
    ("deleted", QT_TRANSLATE_NOOP("Legend", "would be deleted")),
    ("untagged", QT_TRANSLATE_NOOP("Legend", "would be untagged")),
)
ROW = 20
SWATCH_W = 24


class Legend(QWidget):
    """A strip of swatches that wraps into as many rows as the width needs (painted by hand)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self._font = theme.font(8)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._texts: list[str] = []
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read the entry texts in the current language."""
        self._texts = [self.tr(text) for _, text in ENTRIES]
        self.setToolTip(self.tr("Legend (View → Legend hides it)"))
        self.updateGeometry()
        self.update()

    def _cells(self, width: int) -> list[QRectF]:
        fm = QFontMetricsF(self._font)
        x, y, cells = 6.0, 3.0, []
        for text in self._texts:
            w = SWATCH_W + 6 + fm.horizontalAdvance(text) + 14
            if x + w > width - 4 and x > 6:
                x, y = 6.0, y + ROW
            cells.append(QRectF(x, y, w, ROW))
            x += w
        return cells

    # Qt overrides
    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        cells = self._cells(width)
        return int(cells[-1].bottom() + 3) if cells else 0

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(900, self.heightForWidth(max(self.width(), 300)))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        h = self.heightForWidth(self.width())
        if h != self.height():
            self.setFixedHeight(h)

    def paintEvent(self, event) -> None:  # noqa: N802
        pal = theme.palette()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), pal.background)
        p.setPen(theme.pen(pal.edge, 1))
        p.drawLine(0, 0, self.width(), 0)
        p.setFont(self._font)
        for (key, _), text, cell in zip(ENTRIES, self._texts, self._cells(self.width())):
            sw = QRectF(cell.left(), cell.top() + 4, SWATCH_W, ROW - 8)
            self._swatch(p, key, sw)
            p.setPen(pal.text)
            p.drawText(QRectF(sw.right() + 6, cell.top(), cell.width() - SWATCH_W - 6, ROW),
                       Qt.AlignmentFlag.AlignVCenter, text)
        p.end()

    @staticmethod
    def _swatch(p: QPainter, key: str, r: QRectF) -> None:
        pal = theme.palette()
        if key.startswith("layer"):
            shared = key == "layer-shared"
            fill = pal.layer_shared if shared else pal.layer_collapsed if key == "layer-run" else pal.layer_unique
            edge = pal.layer_shared_edge if shared else pal.layer_unique_edge
            style = Qt.PenStyle.DashLine if key == "layer-run" else Qt.PenStyle.SolidLine
            p.setPen(theme.pen(edge, 2 if shared else 1, style))
            p.setBrush(fill)
            p.drawRoundedRect(r, 3, 3)
            if shared:
                p.fillRect(QRectF(r.left() + 1, r.top() + 2, 3, r.height() - 4), edge)
            return
        path = QPainterPath()
        if key == DANGLING:
            n = 5.0
            path.addPolygon(QPolygonF([QPointF(r.left() + n, r.top()), QPointF(r.right(), r.top()),
                                       QPointF(r.right(), r.bottom()), QPointF(r.left() + n, r.bottom()),
                                       QPointF(r.left(), r.center().y()), QPointF(r.left() + n, r.top())]))
        elif key == INTERMEDIATE:
            path.addRect(r)
        else:
            path.addRoundedRect(r, 5, 5)
        fill = {"deleted": pal.deleted, "untagged": pal.image_fills[TAGGED],
                "in-use": pal.image_fills[TAGGED]}.get(key, pal.image_fill(key))
        outline = {"in-use": pal.in_use, "untagged": pal.untagged_mark}.get(key, fill.darker(130))
        p.setPen(theme.pen(outline, 2.5 if key in ("in-use", "untagged") else 1,
                           Qt.PenStyle.DashLine if key == INTERMEDIATE else Qt.PenStyle.SolidLine))
        p.setBrush(fill)
        p.drawPath(path)
