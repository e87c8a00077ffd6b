"""The storage chart says which bytes it counts (layer bytes on the classic store; disk usage of compressed content
and unpacked layers on Engine 29's containerd store) and marks a total that is not exact — drawn without Qt."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from matplotlib.figure import Figure

from model.core.analysis import Analysis
from model.core.sizes import human
from model.core.snapshot import Snapshot
from model.render.chart import ENGLISH, fill_chart, totals_labels
from model.render.export import write_chart
from resources import DEMO_SNAPSHOT, ENGINE29_SNAPSHOT

CLASSIC_TITLE = "Naive sum vs stored (layer bytes, each layer counted once)"
CONTAINERD_TITLE = "Naive sum vs stored (disk usage: compressed content + unpacked layers, each counted once)"


def drawn(analysis: Analysis) -> dict[str, list[str]]:
    """The totals panel as drawn into a matplotlib Figure: its title, its bar names and its value texts."""
    fig = Figure()
    fill_chart(fig, analysis)
    per_image, totals = fig.axes
    return {"title": [totals.get_title(loc="left")], "bars": [t.get_text() for t in totals.get_yticklabels()],
            "values": [t.get_text().strip() for t in totals.texts],
            "legend": [t.get_text() for t in per_image.get_legend().get_texts()]}


def test_classic_store_counts_layer_bytes():
    """dockerd 20.10's snapshot: Σ SIZE against layer bytes, each layer once; exact, so no mark."""
    analysis = Analysis(Snapshot.load(DEMO_SNAPSHOT))
    tot = analysis.totals
    assert not tot.counts_content and tot.exact
    chart = drawn(analysis)
    assert chart["title"] == [CLASSIC_TITLE]
    assert chart["bars"] == ["Σ docker images SIZE", "actually on disk"]
    assert chart["values"] == [human(tot.naive_bytes), human(tot.actual_bytes)]
    assert chart["legend"][0] == "SHARED SIZE (layers other images hold too)"


def test_containerd_store_counts_content_and_unpacked_layers():
    """Engine 29's snapshot: Σ DISK USAGE against the engine's own total of content + unpacked layers."""
    snap = Snapshot.load(ENGINE29_SNAPSHOT)
    analysis = Analysis(snap)
    tot = analysis.totals
    assert tot.counts_content and tot.exact and tot.actual_bytes == snap.layers_size
    chart = drawn(analysis)
    assert chart["title"] == [CONTAINERD_TITLE]
    assert chart["bars"] == ["Σ docker images DISK USAGE", "actually on disk"]
    assert chart["values"] == [human(tot.naive_bytes), human(snap.layers_size)]
    assert chart["legend"][0] == "SHARED SIZE (layers and blobs other images hold too)"


def test_total_that_is_not_exact_is_marked():
    """Without the engine's own total (LayersSize) the stored bytes are an estimate, and the chart says so."""
    analysis = Analysis(Snapshot.load(ENGINE29_SNAPSHOT).replace(layers_size=None))
    assert not analysis.totals.exact
    values = drawn(analysis)["values"]
    assert values[0] == human(analysis.totals.naive_bytes)
    assert values[1] == human(analysis.totals.actual_bytes) + " (not exact)"
    assert totals_labels(analysis, ENGLISH).stored_value == values[1]


def test_exported_chart_carries_the_label(tmp_path):
    """The exported chart (File → Export, `main.py export --format chart-svg`) has the same words."""
    for path, title in ((DEMO_SNAPSHOT, CLASSIC_TITLE), (ENGINE29_SNAPSHOT, CONTAINERD_TITLE)):
        out = tmp_path / (path.stem + ".svg")
        write_chart(Analysis(Snapshot.load(path)), out, "svg")
        texts = " ".join("".join(e.itertext()) for e in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text"))
        assert " ".join(title.split()) in " ".join(texts.split())
