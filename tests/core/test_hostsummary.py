"""The host summary: counts by status (the status bar's), totals, and the images whose removal frees the most."""
from __future__ import annotations

from handmade import img, layer, snap

from model.core.analysis import Analysis
from model.core.hostsummary import host_summary


def test_host_summary_counts_totals_and_most_freed():
    base = img(1, (layer(1),), tags=("base:1",))
    mid = img(2, (layer(1), layer(2)), parent=base.id)                       # intermediate (has a child)
    app = img(3, (layer(1), layer(2), layer(3)), tags=("app:1",), parent=mid.id)
    big = img(4, (layer(4), layer(5)), tags=("big:1", "big:latest"))
    dangling = img(5, (layer(6),))
    analysis = Analysis(snap(base, mid, app, big, dangling))
    h = host_summary(analysis)
    status = analysis.status
    assert (h.images, h.tagged, h.intermediate, h.dangling) == (
        5, sum(s.status == "tagged" for s in status.values()), 1, 1)
    assert h.layers == len(analysis.layer_use) and h.in_use == 0
    assert (h.naive_bytes, h.actual_bytes) == (analysis.totals.naive_bytes, analysis.totals.actual_bytes)
    sizes = analysis.image_sizes
    expect = sorted((i for i in (base.id, app.id, big.id, dangling.id) if sizes[i].unique_size),
                    key=lambda i: -sizes[i].unique_size)
    assert [i for i, _ in h.most_freed] == expect and len(expect) >= 3        # largest UNIQUE SIZE first
    assert sizes[expect[0]].unique_size > sizes[expect[-1]].unique_size
    assert all(freed == sizes[i].unique_size > 0 for i, freed in h.most_freed)
    assert mid.id not in dict(h.most_freed)                                     # intermediates are not listed
    assert len(host_summary(analysis, top=2).most_freed) == 2
    assert host_summary(analysis, top=0).most_freed == ()
