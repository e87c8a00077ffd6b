"""The app's icon at the freedesktop hicolor sizes: resources/icons/layerscope.svg rendered to the committed PNGs
that `layerscope install-desktop-entry` copies (run ``python -m gui.appicon`` after changing the SVG)."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from resources import HICOLOR, ICONS

SIZES = (16, 24, 32, 48, 64, 128, 256)
SOURCE = ICONS / "layerscope.svg"


def render(size: int) -> QImage:
    """The SVG drawn on a transparent ``size`` × ``size`` image (QGuiApplication must exist)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SOURCE)).render(painter)
    painter.end()
    return image


def write_all() -> int:
    """Render every size into resources/icons/hicolor/SIZExSIZE/layerscope.png; returns an exit code."""
    for size in SIZES:
        out = HICOLOR / f"{size}x{size}" / "layerscope.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(out), "PNG"):
            print(f"cannot write {out}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    sys.exit(write_all())
