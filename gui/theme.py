"""Colours, pens and fonts shared by the graph, legend and lists (one place to restyle).

The colours come as two fixed palettes, NORMAL and HIGH_CONTRAST (presentation mode).  Which one is in use
is a property of the application, as Qt keeps its own palette there: ``palette()`` reads it at paint time,
``set_high_contrast()`` switches it.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPen

from model.core.classify import TAGGED
from model.render import palette as colours
from model.render.palette import Colours
from resources import ICONS

SANS = "NanumGothic"
HIGH_CONTRAST_PROPERTY = "layerscopeHighContrast"     # on the QApplication: True while presenting


@dataclass(frozen=True)
class Palette:
    """Every colour the views draw with: model.render.palette's, as QColors."""

    layer_unique: QColor
    layer_unique_edge: QColor
    layer_shared: QColor
    layer_shared_edge: QColor
    layer_collapsed: QColor
    image_fills: Mapping[str, QColor]   # by status: tagged, untagged, intermediate, dangling
    image_text: QColor
    in_use: QColor
    selected: QColor                    # marks
    deleted: QColor
    deleted_fill: QColor
    untagged_mark: QColor
    flash: QColor                       # new or changed after a live update or a what-if step
    edge: QColor
    text: QColor
    text_dim: QColor
    background: QColor
    whatif: QColor

    @classmethod
    def of(cls, colours: Colours) -> "Palette":
        """The same colours as QColors."""
        values = {f.name: QColor(getattr(colours, f.name)) for f in dataclasses.fields(colours)
                  if f.name != "image_fills"}
        fills = MappingProxyType({k: QColor(v) for k, v in colours.image_fills.items()})
        return cls(image_fills=fills, **values)

    def image_fill(self, status: str) -> QColor:
        """The fill of an image badge of ``status`` (a tagged image's for an unknown status)."""
        return self.image_fills.get(status, self.image_fills[TAGGED])


NORMAL = Palette.of(colours.NORMAL)
HIGH_CONTRAST = Palette.of(colours.HIGH_CONTRAST)


def is_high_contrast() -> bool:
    """True while the high-contrast palette is in use (presentation mode)."""
    app = QCoreApplication.instance()
    return bool(app is not None and app.property(HIGH_CONTRAST_PROPERTY))


def palette() -> Palette:
    """The palette in use now: the items read it when they paint."""
    return HIGH_CONTRAST if is_high_contrast() else NORMAL


def set_high_contrast(on: bool) -> None:
    """Switch the views to the high-contrast palette (presentation) or back; they repaint with it."""
    app = QCoreApplication.instance()
    if app is not None:
        app.setProperty(HIGH_CONTRAST_PROPERTY, on)


def font(size: float, bold: bool = False) -> QFont:
    """The UI font (NanumGothic when installed, so Korean renders) at ``size`` points."""
    f = QFont()
    f.setFamilies([SANS, "DejaVu Sans", "Sans Serif"])
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


def pen(color: QColor, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    """A cosmetic-free pen of ``color`` and ``width`` scene units."""
    p = QPen(color, width, style)
    p.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return p


def brush(color: QColor, style: Qt.BrushStyle = Qt.BrushStyle.SolidPattern) -> QBrush:
    """A brush of ``color``."""
    return QBrush(color, style)


def icon(name: str) -> QIcon:
    """An icon from resources/icons (SVG), or an empty icon when missing."""
    path = ICONS / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()
