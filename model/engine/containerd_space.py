"""SpaceReclaimed of a containerd-store prune: the blobs of each image as containerd's walk visits them,
and which of their sizes the engine's own figures fix (model/engine/containerd.py's prune uses it)."""
from __future__ import annotations

from collections import Counter
from fractions import Fraction

from ..core.chain import short_id
from ..core.history import layer_sizes
from ..core.snapshot import MANIFEST_ATTESTATION, MANIFEST_IMAGE, Image, Manifest, Snapshot
from .outcome import Unpredictable


def best(img: Image) -> Manifest | None:
    """The manifest inspect and history read (the host's platform), when the snapshot shows which."""
    if not img.is_index:
        m = img.manifests[0] if len(img.manifests) == 1 else None
        return m if m is not None and m.id == img.id else None
    found = [m for m in img.manifests if m.kind == MANIFEST_IMAGE and m.available and m.content_size > 0]
    if len(found) > 1:
        found = [m for m in found if m.unpacked_size > 0]
    if len(found) == 1 and img.size == img.target_size + found[0].content_size:
        return found[0]
    return None


def _parts(img: Image, m: Manifest) -> list[tuple[str, ...]] | None:
    """The blobs under manifest ``m`` of ``img`` (walk order, repeats kept), or None when not known."""
    if m.content_size == 0:
        return []                                       # the manifest blob itself is absent
    if not m.available:
        return [("manifest", m.id)] if m.content_size == m.size else None
    if m is best(img):
        return [("manifest", m.id), ("config", m.id)] + [("layer", d) for d in img.diff_ids]
    if m.kind == MANIFEST_ATTESTATION:
        return [("manifest", m.id), ("attestation-config",), ("rest", m.id)]
    return [("manifest", m.id), ("rest", m.id)]


def walk(img: Image) -> list[tuple[str, ...]]:
    """Every blob the walk from the image's target visits (index, manifests, configs, layers)."""
    out: list[tuple[str, ...]] = [("index", img.id)] if img.is_index else []
    for m in img.manifests:
        out += _parts(img, m) or [("manifest", m.id), ("unknown", m.id)]
    return out


def _content(img: Image) -> set[tuple[str, ...]]:
    """The distinct blobs under the image's manifests (what /system/df counts as shared)."""
    return {b for m in img.manifests for b in (_parts(img, m) or [("manifest", m.id), ("unknown", m.id)])}


# The freed bytes: Σ (visits × size) over blobs no surviving record reaches, + the snapshot
# usage of every chain ID of a pruned image that no surviving image or container holds.
# Blob sizes: index and manifest blobs have theirs; configs and layers only appear in sums —
# each available manifest's content size, and each /system/df SHARED SIZE (its shared chain
# snapshots, from history, plus the blobs other listed images also hold).  The freed blob bytes
# are exact when their sum lies in the span of those equations (Gaussian elimination in exact
# fractions); otherwise unpredictable, naming an image whose freed part is not fixed.
def space_reclaimed(snap: Snapshot, images: dict[str, Image], gone: list[str], survivors: list[Image],
                    sizes: dict[str, int] | None) -> int:
    """The bytes a containerd-store prune frees when its figures fix them; raises Unpredictable otherwise."""
    usage = layer_sizes(snap) if sizes is None else sizes
    kept_blobs = {b for img in survivors for b in walk(img)}
    visits: dict[tuple[str, ...], int] = {}
    for target in gone:
        img = images[target]
        if any(b[0] == "unknown" for b in walk(img)):
            raise Unpredictable(f"containerd store: SpaceReclaimed — image {img.short_id} has a manifest whose "
                                "blobs are not all present, so what its removal frees is unknown")
        for blob, n in Counter(walk(img)).items():
            if blob not in kept_blobs and visits.setdefault(blob, n) != n:
                raise Unpredictable("containerd store: SpaceReclaimed — two pruned images visit a blob a different "
                                    "number of times (the engine's order decides)")
        if any(m.unpacked_size > 0 and m is not best(img) for m in img.manifests if m.kind == MANIFEST_IMAGE):
            raise Unpredictable(f"containerd store: SpaceReclaimed — image {img.short_id} has a platform other "
                                "than the host's unpacked, whose snapshots a snapshot does not list")
    held = {c for img in survivors for c in img.chain_ids}
    for ctr in snap.containers:
        if ctr.image_id in images:
            held.update(images[ctr.image_id].chain_ids)
        elif any(images[t].chain_ids for t in gone):
            raise Unpredictable(f"containerd store: SpaceReclaimed — container {short_id(ctr.id)} uses a removed "
                                "image, whose snapshots may hold layers that would go")
    chains = {c for t in gone for c in images[t].chain_ids} - held
    unknown = sorted(c for c in chains if c not in usage)
    if unknown:
        raise Unpredictable(f"containerd store: SpaceReclaimed — the snapshot size of layer {unknown[0]} is unknown")
    freed = _solve(snap, usage, visits)
    if freed is None:
        culprit = next((images[t] for t in gone
                        if _solve(snap, usage, {b: n for b, n in visits.items() if b in set(walk(images[t]))})
                        is None), images[gone[0]])
        raise Unpredictable(f"containerd store: SpaceReclaimed — image {culprit.short_id} shares layers (or "
                            "BuildKit's attestation config) with images that stay, and no API reports the compressed "
                            "size of a config or layer blob, so what its removal frees is not fixed")
    return freed + sum(usage[c] for c in chains)


def _solve(snap: Snapshot, usage: dict[str, int], target: dict[tuple[str, ...], int]) -> int | None:
    """Σ visits × size over ``target``'s blobs when the engine's figures fix it, else None."""
    known: dict[tuple[str, ...], int] = {}
    rows: list[tuple[dict[tuple[str, ...], int], int]] = []
    for img in snap.images:
        if img.is_index:
            known[("index", img.id)] = img.target_size
        for m in img.manifests:
            if m.content_size:
                known[("manifest", m.id)] = m.size
            parts = _parts(img, m)
            if parts and m.available:
                rows.append((dict(Counter(parts)), m.content_size))
    rows += _shared_size_rows(snap, usage)
    return _in_span(rows, known, target)


def _shared_size_rows(snap: Snapshot, usage: dict[str, int]) -> list[tuple[dict[tuple[str, ...], int], int]]:
    """One equation per image /system/df sized: SHARED SIZE = shared chain snapshots + shared blobs.

    Only where the snapshot holds the engine's figure for exactly the images df lists (every
    image but the intermediates its children name as parent): the counts depend on that set.
    Never on a what-if state: a figure kept there may count blobs shared with an image gone since."""
    if snap.source == "what-if":
        return []
    parents = {img.parent for img in snap.images}
    listed = [img for img in snap.images
              if not (not img.repo_tags and img.id in parents)]
    if not listed or any(img.shared_size is None for img in listed) or \
            any(img.shared_size is not None for img in snap.images if img not in listed):
        return []
    chain_count = Counter(c for img in listed for c in img.chain_ids)
    blob_count = Counter(b for img in listed for b in _content(img))
    rows = []
    for img in listed:
        if any(m.kind == MANIFEST_IMAGE and m.unpacked_size > 0 and m is not best(img) for m in img.manifests):
            continue
        shared_chains = [c for c in img.chain_ids if chain_count[c] > 1]
        if any(c not in usage for c in shared_chains):
            continue
        row = {b: 1 for b in _content(img) if blob_count[b] > 1}
        rows.append((row, img.shared_size - sum(usage[c] for c in shared_chains)))
    return rows


# Is target · x determined by the rows (Σ coeff·x = rhs) and the known values?  Eliminate the
# knowns, row-reduce the rest, and reduce the target by the pivots: a zero remainder means its
# value is the same combination of right-hand sides.  (An inconsistent system — the model's
# assumptions broken — fixes nothing.)
def _in_span(rows: list[tuple[dict, int]], known: dict, target: dict) -> int | None:
    value = Fraction(sum(n * known[b] for b, n in target.items() if b in known))
    goal = {b: Fraction(n) for b, n in target.items() if b not in known and n}
    if not goal:
        return int(value)
    pivots: list[tuple[tuple[str, ...], dict, Fraction]] = []
    for coeffs, rhs in rows:
        row = {b: Fraction(n) for b, n in coeffs.items() if b not in known and n}
        r = Fraction(rhs) - sum(n * known[b] for b, n in coeffs.items() if b in known)
        for var, prow, prhs in pivots:
            if var in row:
                f = row[var]
                for b, n in prow.items():
                    row[b] = row.get(b, 0) - f * n
                    if row[b] == 0:
                        del row[b]
                r -= f * prhs
        if not row:
            if r != 0:
                return None                               # inconsistent: the figures contradict the model
            continue
        var = next(iter(sorted(row)))
        f = row[var]
        row = {b: n / f for b, n in row.items()}
        r /= f
        for i, (v, prow, prhs) in enumerate(pivots):      # keep the pivots fully reduced
            if var in prow:
                g = prow[var]
                new = dict(prow)
                for b, n in row.items():
                    new[b] = new.get(b, 0) - g * n
                    if new[b] == 0:
                        del new[b]
                pivots[i] = (v, new, prhs - g * r)
        pivots.append((var, row, r))
    for var, prow, prhs in pivots:
        if var in goal:
            f = goal[var]
            for b, n in prow.items():
                goal[b] = goal.get(b, 0) - f * n
                if goal[b] == 0:
                    del goal[b]
            value += f * prhs
    if goal or value.denominator != 1:
        return None
    return int(value)
