"""The lesson handout: a PDF with one page per lesson step — its command, its words in the UI language, the daemon's
answer for an rmi, and a picture of the layer map at that step (drawn by model.render, laid out by QPdfWriter)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from model.core.analysis import Analysis
from model.core.sizes import human
from model.lesson.play import LessonStep
from model.render.export import write_graph_image

from . import theme
from .exporting import ExportFailed

DPI = 150                   # the handout's resolution: sharp enough in print, small enough to mail


def tr(text: str) -> str:
    """Translate in the handout's context."""
    return QCoreApplication.translate("LessonHandout", text)


def write_handout(steps: list[LessonStep], path: str | Path) -> int:
    """Write the handout PDF to ``path``: one page per step; returns the number of pages."""
    with tempfile.TemporaryDirectory(prefix="ls-handout-") as tmp:
        pictures = []
        for step in steps:
            png = Path(tmp) / f"step{step.number}.png"
            write_graph_image(Analysis(step.state), png, "png")
            pictures.append(QImage(str(png)))
        writer = QPdfWriter(str(path))
        writer.setCreator("Layerscope")
        writer.setTitle(tr("Layerscope lesson handout"))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
        writer.setResolution(DPI)
        painter = QPainter()
        if not painter.begin(writer):
            raise ExportFailed(tr("The handout could not be written: {error}").format(error=str(path)))
        try:
            for n, (step, picture) in enumerate(zip(steps, pictures)):
                if n:
                    writer.newPage()
                _page(painter, QRectF(0, 0, writer.width(), writer.height()), step, len(steps), picture)
        finally:
            painter.end()
    if not Path(path).is_file() or Path(path).stat().st_size == 0:
        raise ExportFailed(tr("The handout could not be written: {error}").format(error=str(path)))
    return len(steps)


def _font(points: float, bold: bool = False, mono: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(["DejaVu Sans Mono", theme.SANS] if mono else [theme.SANS, "DejaVu Sans"])
    f.setPointSizeF(points)
    f.setBold(bold)
    return f


# One page, top to bottom: the step's number and title, the command on a grey band,
# the words, for an rmi the answer lines and the bytes freed, then the map of the
# state the step is shown on, scaled to the space left (never stretched).
def _page(painter: QPainter, area: QRectF, step: LessonStep, total: int, picture: QImage) -> None:
    y = area.top()
    blocks = [(tr("Step {n} / {total} · {title}").format(n=step.number, total=total, title=step.title),
               _font(18, bold=True), None),
              ("$ " + step.command, _font(12, mono=True), QColor("#eeeeee")),
              (step.explanation, _font(12), None)]
    if step.answer is not None:
        blocks.append((tr("The daemon's answer (predicted exactly on the lesson snapshot):"), _font(11, bold=True),
                       None))
        blocks.append(("\n".join(step.answer.lines), _font(8.5, mono=True), QColor("#f6f6f6")))
        blocks.append((tr("Freed: {freed}").format(freed=human(step.answer.freed_bytes)), _font(11, bold=True),
                       None))
    flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
    for text, font, band in blocks:
        painter.setFont(font)
        box = painter.boundingRect(QRectF(area.left(), y, area.width(), area.height()), flags, text)
        if band is not None:
            painter.fillRect(QRectF(area.left(), y, area.width(), box.height()), band)
        painter.setPen(QColor("#111111"))
        painter.drawText(QRectF(area.left(), y, area.width(), box.height()), flags, text)
        y += box.height() + area.height() * 0.015
    room = QRectF(area.left(), y, area.width(), area.bottom() - y)
    if picture.isNull() or room.height() < 40:
        return
    scale = min(room.width() / picture.width(), room.height() / picture.height())
    w, h = picture.width() * scale, picture.height() * scale
    painter.drawImage(QRectF(room.left() + (room.width() - w) / 2, room.top(), w, h), picture)
