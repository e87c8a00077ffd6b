"""The JSON report `main.py snapshot --json` prints."""
from __future__ import annotations

from typing import Any

from ..core.analysis import Analysis
from ..core.history import created_by
from ..core.snapshot import Snapshot


def snapshot_report(analysis: Analysis) -> dict[str, Any]:
    """Per image and per layer figures plus totals, as documented in the README."""
    snap = analysis.snapshot
    images = []
    for img in snap.images:
        sz = analysis.image_sizes[img.id]
        st = analysis.status[img.id]
        images.append({
            "id": img.id, "tags": list(img.repo_tags), "digests": list(img.repo_digests),
            "parent": img.parent or None, "layers": list(img.chain_ids),
            "size": sz.size, "shared_size": sz.shared_size, "unique_size": sz.unique_size,
            "containers": [{"id": c.id, "name": c.name, "state": c.state} for c in st.containers],
            "status": st.status, "created": img.created, "sizes_exact": sz.exact,
            **({"disk_usage": img.disk_usage, "content_size": img.content_size, "platforms": list(img.platforms),
                "index": img.is_index,
                "manifests": [{"id": m.id, "kind": m.kind, "platform": m.platform, "available": m.available,
                               "content_size": m.content_size, "unpacked_size": m.unpacked_size,
                               "attestation_for": m.attestation_for or None} for m in img.manifests]}
               if img.manifests else {}),
        })
    stacks = layer_stacks(snap)
    made_by = created_by(snap, analysis.mappings)
    layers = []
    for chain_id, use in analysis.layer_use.items():
        diff_id, parent = stacks[chain_id]
        layers.append({"chain_id": chain_id, "diff_id": diff_id, "parent": parent,
                       "size": analysis.layer_sizes.get(chain_id), "images": list(use.images),
                       "tagged_images": list(use.tagged_images), "shared": use.shared,
                       "created_by": made_by.get(chain_id, "")})
    tot = analysis.totals
    return {
        "daemon": {"engine": snap.info.engine, "version": snap.info.version, "host": snap.info.host,
                   "storage_driver": snap.info.storage_driver, "image_store": snap.info.image_store,
                   "api_version": snap.info.api_version},
        "taken_at": snap.taken_at, "source": snap.source, "warnings": list(snap.warnings),
        "images": images, "layers": layers,
        "totals": {"naive_bytes": tot.naive_bytes, "actual_bytes": tot.actual_bytes, "exact": tot.exact,
                   "counts": "content+unpacked" if tot.counts_content else "layers"},
        "naive_bytes": tot.naive_bytes, "actual_bytes": tot.actual_bytes,
    }


def layer_stacks(snap: Snapshot) -> dict[str, tuple[str, str | None]]:
    """Chain ID → (diff ID, the chain ID below it) of every layer of every platform, without building the graph."""
    out: dict[str, tuple[str, str | None]] = {}
    for img in snap.images:
        stacks = [(img.chain_ids, img.diff_ids)] + [(chains, diffs) for _, chains, diffs in img.platform_stacks]
        for chains, diffs in stacks:
            for depth, (chain_id, diff_id) in enumerate(zip(chains, diffs)):
                out.setdefault(chain_id, (diff_id, chains[depth - 1] if depth else None))
    return out
