"""Fitting a name into a box, for any text metrics: wrapped at separators, or cut with "…" (Qt-free).

The storage map's layout (model/render/storagemap.py) asks whether a name has room before any font is known
(room_for, with an estimating metric); its labels (model/render/storagelabels.py) are fitted with the real
ones: Qt's in the window, FreeType's in the export.
"""
from __future__ import annotations

from typing import Protocol

FONT_SIZES = (9.0, 8.0, 7.0, 6.0)   # points, largest first: a label takes the largest that fits
LABEL_PAD = (2.0, 1.0)      # px between a name's text and its box's edges, across and down (its label's
                            # rectangle, 2 px wider and 1 px higher each side, stays inside the box)
MAX_LINES = 3               # a name wraps onto at most this many lines (at "/", ":", "-", "_", ".", "@", " ")


class TextMetrics(Protocol):
    """How wide a text is and how high a line is, at a font size in points, in the picture's pixels."""

    def width(self, text: str, size: float) -> float:
        """Advance width of ``text``."""

    def line(self, size: float) -> float:
        """Line spacing."""


class ApproxMetrics:
    """Metrics without a font engine: an average sans-serif advance (for tests and quick estimates)."""

    def __init__(self, dpi: float = 96.0, advance: float = 0.6) -> None:
        self.px_per_pt, self.advance = dpi / 72.0, advance

    def width(self, text: str, size: float) -> float:
        """``len(text)`` average advances."""
        return len(text) * size * self.px_per_pt * self.advance

    def line(self, size: float) -> float:
        """1.25 em."""
        return size * self.px_per_pt * 1.25


_BREAKS = "/:-_.@ "
_ESTIMATE = ApproxMetrics(advance=0.57)


def wrap(text: str, width: float, metrics: TextMetrics, size: float, max_lines: int) -> list[str] | None:
    """``text`` on as few lines as it takes (at most ``max_lines``) no wider than ``width``, broken only after
    _BREAKS; None if it cannot be.  Greedy (which gives the fewest lines): pieces are measured once, each line
    once more as a whole."""
    pieces, start = [], 0
    for i, ch in enumerate(text):
        if ch in _BREAKS:
            pieces.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        pieces.append(text[start:])
    if metrics.width(text, size) <= width:
        return [text]
    lines: list[str] = []
    line, used = "", 0.0
    for piece in pieces:
        w = metrics.width(piece, size)
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used = piece.lstrip(), metrics.width(piece.lstrip(), size)
        else:
            line, used = line + piece, used + w
        if used > width and metrics.width(line.rstrip(), size) > width:
            return None
        if len(lines) >= max_lines:
            return None
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines or any(metrics.width(t, size) > width for t in lines):
        return None
    return lines


def elide(text: str, width: float, metrics: TextMetrics, size: float) -> str:
    """The longest prefix of ``text`` + "…" no wider than ``width`` ("" when not even one character fits)."""
    if metrics.width(text, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if metrics.width(text[:mid] + "…", size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…" if lo else ""


def room_for(title: str, w: float, h: float) -> bool:
    """Whether a box of ``w`` × ``h`` px can hold ``title`` at the smallest size (wrapped as place_labels wraps
    it, measured by an estimating metric: arrange runs before any font is known)."""
    size = FONT_SIZES[-1]
    w, h = w - 2 * LABEL_PAD[0], h - 2 * LABEL_PAD[1]
    lh = _ESTIMATE.line(size)
    if h < lh or w <= 0:
        return False
    return wrap(title, w, _ESTIMATE, size, min(MAX_LINES, int(h // lh))) is not None
