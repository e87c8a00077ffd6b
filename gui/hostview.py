"""The host summary the Details panel shows while no image is selected (its figures: model.core.hostsummary)."""
from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication

from model.core.analysis import Analysis
from model.core.hostsummary import host_summary
from model.core.sizes import human
from model.core.snapshot import STORE_CONTAINERD, STORE_PODMAN


def tr(text: str) -> str:
    return QCoreApplication.translate("HostSummary", text)


def store_name(store: str, driver: str) -> str:
    """The image store as people call it, with the storage driver when known."""
    name = {STORE_CONTAINERD: tr("containerd image store"), STORE_PODMAN: tr("Podman storage")}.get(
        store, tr("classic image store"))
    return f"{name} ({driver})" if driver else name


def host_text(analysis: Analysis) -> str:
    """The summary as rich text; each image freeing the most is an ``image:<ID>`` link."""
    h = host_summary(analysis)
    snap = analysis.snapshot
    head = tr("<b style='font-size:12pt'>{engine} {version}</b> · {store}").format(
        engine=html.escape(h.engine.capitalize()), version=html.escape(h.version or "?"),
        store=html.escape(store_name(h.image_store, h.storage_driver)))
    counts = tr("{n} images · {t} tagged · {i} intermediate · {d} dangling · {u} in use · {l} layers").format(
        n=h.images, t=h.tagged, i=h.intermediate, d=h.dangling, u=h.in_use, l=h.layers)
    totals = tr("Σ image sizes <b>{naive}</b> · on disk <b>{actual}</b> (sharing saves {saved})").format(
        naive=human(h.naive_bytes), actual=human(h.actual_bytes), saved=human(max(0, h.naive_bytes - h.actual_bytes)))
    parts = [head, counts, totals]
    if h.most_freed:
        rows = []
        for image_id, freed in h.most_freed:
            img = snap.by_id[image_id]
            name = ", ".join(img.repo_tags) or "<none> " + img.short_id
            rows.append(f"<tr><td><a href='image:{image_id}'>{html.escape(name)}</a></td>"
                        f"<td align='right'>&nbsp;&nbsp;{human(freed)}</td></tr>")
        parts.append("<br><b>" + tr("Removing these frees the most (UNIQUE SIZE):") + "</b>"
                     "<table cellspacing='2'>" + "".join(rows) + "</table>")
    parts.append("<small>" + tr("Select an image (in the table, the map or above) to see its history.") + "</small>")
    return "<br>".join(parts)
