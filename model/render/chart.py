"""The storage chart, drawn into any matplotlib Figure: the window's canvas and the exported PNG/SVG alike."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.analysis import Analysis
from ..core.classify import DANGLING, INTERMEDIATE, TAGGED
from ..core.snapshot import Image
from ..core.sizes import human
from .palette import NORMAL as C

MAX_BARS = 25


@dataclass(frozen=True)
class ChartTexts:
    """The chart's words (the window passes them translated).

    Each store counts other bytes: the classic store and Podman count layer bytes; Engine 29's containerd
    store counts disk usage, the compressed content (blobs) and the unpacked layers together; the
    ``*_content`` texts are that store's."""

    shared: str
    unique: str
    per_image: str
    largest: str            # " (largest {n} of {total})"
    naive: str
    stored: str
    totals: str             # "… ({counted})"
    counted_layers: str     # what the classic store's total counts
    shared_content: str
    naive_content: str
    counted_content: str    # what the containerd store's total counts
    inexact: str            # after a total that is not exact


ENGLISH = ChartTexts(shared="SHARED SIZE (layers other images hold too)", unique="UNIQUE SIZE (only this image)",
                     per_image="Per image: shared vs unique", largest=" (largest {n} of {total})",
                     naive="Σ docker images SIZE", stored="actually on disk",
                     totals="Naive sum vs stored ({counted})",
                     counted_layers="layer bytes, each layer counted once",
                     shared_content="SHARED SIZE (layers and blobs other images hold too)",
                     naive_content="Σ docker images DISK USAGE",
                     counted_content="disk usage: compressed content + unpacked layers, each counted once",
                     inexact="(not exact)")


@dataclass(frozen=True)
class TotalsLabels:
    """What the totals panel says: its title, the two bars' names and their value texts."""

    title: str
    naive: str
    stored: str
    naive_value: str
    stored_value: str
    shared: str             # the per-image panel's SHARED SIZE legend entry (it counts the same kind of bytes)


def totals_labels(analysis: Analysis, texts: ChartTexts = ENGLISH) -> TotalsLabels:
    """The totals panel's words for this snapshot's store: which bytes it counts, and whether it is exact."""
    tot = analysis.totals
    content = tot.counts_content
    stored_value = human(tot.actual_bytes) + ("" if tot.exact else " " + texts.inexact)
    return TotalsLabels(
        title=texts.totals.format(counted=texts.counted_content if content else texts.counted_layers),
        naive=texts.naive_content if content else texts.naive, stored=texts.stored,
        naive_value=human(tot.naive_bytes), stored_value=stored_value,
        shared=texts.shared_content if content else texts.shared)


def charted_images(analysis: Analysis, max_bars: int = MAX_BARS) -> list[Image]:
    """The images that get a bar: the largest listed ones, smallest first (barh draws bottom-up)."""
    sizes, status = analysis.image_sizes, analysis.status
    listed = [i for i in analysis.snapshot.images if status[i.id].status != INTERMEDIATE]
    listed.sort(key=lambda i: sizes[i.id].size, reverse=True)
    return listed[:max_bars][::-1]


def _name(img: Image) -> str:
    name = img.repo_tags[0] if img.repo_tags else f"<none> {img.short_id}"
    return name if len(name) <= 30 else name[:14] + "…" + name[-14:]


# Two panels from the Analysis alone: per listed image (the largest max_bars, as
# `docker system df -v` lists them, intermediates left out) a stacked bar of SHARED
# SIZE and UNIQUE SIZE; below, the naive Σ SIZE against the bytes stored when every
# chain ID is counted once (on the containerd store: Σ DISK USAGE against the
# engine's own total of content and unpacked layers), its title saying which bytes
# are counted and its value marked when not exact.  One unit (kB, MB or GB) for
# both panels, by the largest.
def fill_chart(fig: Any, analysis: Analysis, texts: ChartTexts = ENGLISH, max_bars: int = MAX_BARS) -> None:
    """Draw the storage chart into the (empty) matplotlib Figure ``fig``."""
    sizes, tot = analysis.image_sizes, analysis.totals
    words = totals_labels(analysis, texts)
    listed = sum(1 for i in analysis.snapshot.images if analysis.status[i.id].status != INTERMEDIATE)
    shown = charted_images(analysis, max_bars)
    biggest = max([sizes[i.id].size for i in shown] + [tot.naive_bytes, 1])
    unit, div = ("GB", 1e9) if biggest >= 5e9 else ("MB", 1e6) if biggest >= 5e6 else ("kB", 1e3)
    gs = fig.add_gridspec(2, 1, height_ratios=[max(3, len(shown) * 0.35), 1.25])
    ax = fig.add_subplot(gs[0])
    shared = [sizes[i.id].shared_size / div for i in shown]
    y = list(range(len(shown)))
    ax.barh(y, shared, color=C.layer_shared_edge, label=words.shared)
    ax.barh(y, [sizes[i.id].unique_size / div for i in shown], left=shared, color=C.image_fills[TAGGED],
            label=texts.unique)
    ax.set_yticks(y, [_name(i) for i in shown], fontsize=8)
    more = texts.largest.format(n=len(shown), total=listed) if listed > len(shown) else ""
    ax.set_title(texts.per_image + more, fontsize=10, loc="left")
    if shown:
        ax.legend(fontsize=7, loc="lower right", frameon=False)
    ax2 = fig.add_subplot(gs[1])
    vals = [tot.naive_bytes / div, tot.actual_bytes / div]
    bars = ax2.barh([1, 0], vals, color=[C.image_fills[DANGLING], C.layer_shared_edge])
    ax2.set_yticks([1, 0], [words.naive, words.stored], fontsize=8)
    ax2.set_title(words.title, fontsize=10 if len(words.title) < 60 else 8.5, loc="left", wrap=True)
    for bar, text in zip(bars, (words.naive_value, words.stored_value)):
        ax2.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + text, va="center", fontsize=8)
    ax2.set_xlim(0, max(vals + [1e-6]) * (1.25 if tot.exact else 1.6))
    for a in (ax, ax2):
        a.set_xlabel(unit, fontsize=8)
        a.tick_params(axis="x", labelsize=7)
        for side in ("top", "right"):
            a.spines[side].set_visible(False)
