"""Colours, pens and fonts shared by the graph, legend and chart (one place to restyle)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPen

from resources import ICONS


# Layers
LAYER_UNIQUE = QColor("#e3eaf3")
LAYER_UNIQUE_EDGE = QColor("#6b84a3")
LAYER_SHARED = QColor("#cfeedd")
LAYER_SHARED_EDGE = QColor("#2f8a5b")
LAYER_COLLAPSED = QColor("#eef0f2")
# Images, by status
IMAGE_FILL = {
    "tagged": QColor("#2563a8"),
    "untagged": QColor("#7c5cbf"),
    "intermediate": QColor("#9aa5b1"),
    "dangling": QColor("#d9772b"),
}
IMAGE_TEXT = QColor("#ffffff")
IN_USE = QColor("#18a558")
# Marks
SELECTED = QColor("#f5b700")
DELETED = QColor("#d64545")
DELETED_FILL = QColor("#f9d4d4")
UNTAGGED_MARK = QColor("#e08a00")
FLASH = QColor("#ff3fa4")        # new or changed after a live update or a what-if step
EDGE = QColor("#9aa7b6")
TEXT = QColor("#1f2933")
TEXT_DIM = QColor("#52606d")
BACKGROUND = QColor("#fafbfc")
WHATIF = QColor("#6d28d9")

# High contrast (presentation mode): darker fills and edges, pure black text on white.
_HIGH_CONTRAST = {
    "LAYER_UNIQUE": QColor("#ffffff"), "LAYER_UNIQUE_EDGE": QColor("#1f2933"),
    "LAYER_SHARED": QColor("#b4f0cc"), "LAYER_SHARED_EDGE": QColor("#00642e"),
    "LAYER_COLLAPSED": QColor("#f2f2f2"), "EDGE": QColor("#3e4c59"), "TEXT": QColor("#000000"),
    "TEXT_DIM": QColor("#1f2933"), "BACKGROUND": QColor("#ffffff"), "SELECTED": QColor("#ffb000"),
}
_NORMAL = {name: QColor(globals()[name]) for name in _HIGH_CONTRAST}
_NORMAL_FILL = {k: QColor(v) for k, v in IMAGE_FILL.items()}
_HIGH_CONTRAST_FILL = {"tagged": QColor("#0b3d91"), "untagged": QColor("#4c1d95"),
                       "intermediate": QColor("#4b5563"), "dangling": QColor("#b45309")}
high_contrast = False

SANS = "NanumGothic"


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


def set_high_contrast(on: bool) -> None:
    """Switch the graph colours to the high-contrast set (presentation) or back; items read them when painting."""
    global high_contrast
    high_contrast = on
    for name, color in (_HIGH_CONTRAST if on else _NORMAL).items():
        globals()[name] = QColor(color)
    for key, color in (_HIGH_CONTRAST_FILL if on else _NORMAL_FILL).items():
        IMAGE_FILL[key] = QColor(color)


def icon(name: str) -> QIcon:
    """An icon from resources/icons (SVG), or an empty icon when missing."""
    path = ICONS / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()
