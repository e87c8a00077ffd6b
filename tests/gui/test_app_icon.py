"""The committed hicolor PNGs (what install-desktop-entry copies) are the app's SVG rendered at each size: a change
to resources/icons/layerscope.svg without `python -m gui.appicon` fails here."""
from __future__ import annotations

from PySide6.QtGui import QImage

from gui.appicon import SIZES, render
from resources import HICOLOR


def difference(a: QImage, b: QImage) -> float:
    """The mean absolute difference of two same-sized images' ARGB channels (0..255)."""
    a, b = a.convertToFormat(QImage.Format.Format_ARGB32), b.convertToFormat(QImage.Format.Format_ARGB32)
    ab, bb = bytes(a.constBits()), bytes(b.constBits())
    return sum(abs(x - y) for x, y in zip(ab, bb)) / len(ab)


def test_each_committed_png_is_the_svg_rendered_at_its_size(qapp):
    assert sorted(p.parent.name for p in HICOLOR.glob("*/layerscope.png")) == sorted(f"{s}x{s}" for s in SIZES)
    for size in SIZES:
        committed = QImage(str(HICOLOR / f"{size}x{size}" / "layerscope.png"))
        assert (committed.width(), committed.height()) == (size, size)
        drawn = render(size)
        blank = QImage(size, size, QImage.Format.Format_ARGB32)
        blank.fill(0)
        assert difference(drawn, blank) > 5, size                 # the icon is drawn, not an empty square
        assert difference(committed, drawn) < 1.0, size     # antialiasing may differ by a Qt release, not more
