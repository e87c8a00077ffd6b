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


def _parts(img: Image, m: Manifest, host: Manifest | None) -> list[tuple[str, ...]] | None:
    """The blobs under manifest ``m`` of ``img`` (walk order, repeats kept), or None when not known
    (``host``: best(img))."""
    if m.content_size == 0:
        return []                                       # the manifest blob itself is absent
    if not m.available:
        return [("manifest", m.id)] if m.content_size == m.size else None
    if m is host:
        return [("manifest", m.id), ("config", m.id)] + [("layer", d) for d in img.diff_ids]
    if m.kind == MANIFEST_ATTESTATION:
        return [("manifest", m.id), ("attestation-config",), ("rest", m.id)]
    return [("manifest", m.id), ("rest", m.id)]


def walk(img: Image) -> list[tuple[str, ...]]:
    """Every blob the walk from the image's target visits (index, manifests, configs, layers)."""
    out: list[tuple[str, ...]] = [("index", img.id)] if img.is_index else []
    host = best(img)
    for m in img.manifests:
        out += _parts(img, m, host) or [("manifest", m.id), ("unknown", m.id)]
    return out


def _content(img: Image) -> set[tuple[str, ...]]:
    """The distinct blobs under the image's manifests (what /system/df counts as shared)."""
    host = best(img)
    return {b for m in img.manifests for b in (_parts(img, m, host) or [("manifest", m.id), ("unknown", m.id)])}


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
    walks = {target: walk(images[target]) for target in gone}
    for target in gone:
        img = images[target]
        if any(b[0] == "unknown" for b in walks[target]):
            raise Unpredictable(f"containerd store: SpaceReclaimed — image {img.short_id} has a manifest whose "
                                "blobs are not all present, so what its removal frees is unknown")
        for blob, n in Counter(walks[target]).items():
            if blob not in kept_blobs and visits.setdefault(blob, n) != n:
                raise Unpredictable("containerd store: SpaceReclaimed — two pruned images visit a blob a different "
                                    "number of times (the engine's order decides)")
        host = best(img)
        if any(m.unpacked_size > 0 and m is not host for m in img.manifests if m.kind == MANIFEST_IMAGE):
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
    system = _figures(snap, usage)
    freed = system.value(visits)
    if freed is None:
        culprit = next((images[t] for t in gone
                        if system.value({b: visits[b] for b in dict.fromkeys(walks[t]) if b in visits}) is None),
                       images[gone[0]])
        raise Unpredictable(f"containerd store: SpaceReclaimed — image {culprit.short_id} shares layers (or "
                            "BuildKit's attestation config) with images that stay, and no API reports the compressed "
                            "size of a config or layer blob, so what its removal frees is not fixed")
    return freed + sum(usage[c] for c in chains)


def _figures(snap: Snapshot, usage: dict[str, int]) -> "_Span":
    """The engine's figures as equations over blob sizes: known sizes, content sizes, SHARED SIZEs."""
    known: dict[tuple[str, ...], int] = {}
    rows: list[tuple[dict[tuple[str, ...], int], int]] = []
    for img in snap.images:
        if img.is_index:
            known[("index", img.id)] = img.target_size
        host = best(img)
        for m in img.manifests:
            if m.content_size:
                known[("manifest", m.id)] = m.size
            parts = _parts(img, m, host)
            if parts and m.available:
                rows.append((dict(Counter(parts)), m.content_size))
    rows += _shared_size_rows(snap, usage)
    return _Span(rows, known)


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
    listed_ids = {img.id for img in listed}
    if not listed or any(img.shared_size is None for img in listed) or \
            any(img.shared_size is not None for img in snap.images if img.id not in listed_ids):
        return []
    chain_count = Counter(c for img in listed for c in img.chain_ids)
    content = {img.id: _content(img) for img in listed}
    blob_count = Counter(b for img in listed for b in content[img.id])
    rows = []
    for img in listed:
        host = best(img)
        if any(m.kind == MANIFEST_IMAGE and m.unpacked_size > 0 and m is not host for m in img.manifests):
            continue
        shared_chains = [c for c in img.chain_ids if chain_count[c] > 1]
        if any(c not in usage for c in shared_chains):
            continue
        row = {b: 1 for b in content[img.id] if blob_count[b] > 1}
        rows.append((row, img.shared_size - sum(usage[c] for c in shared_chains)))
    return rows


# Is target · x determined by the rows (Σ coeff·x = rhs) and the known values?  Eliminate the
# knowns and bring the rest to reduced row echelon form once (each pivot row holds its pivot with
# coefficient 1 and no other pivot); then reduce a target by the pivots it mentions: a zero
# remainder means its value is the same combination of right-hand sides.  (An inconsistent
# system — the model's assumptions broken — fixes nothing.)  Sparse: ``uses`` finds the pivot
# rows that mention a variable, so a new row costs what it touches, not the whole system.
class _Span:
    """The row space of the engine's figures, reduced once, asked about any number of targets."""

    def __init__(self, rows: list[tuple[dict, int]], known: dict) -> None:
        self.known = known
        self.pivots: dict[tuple[str, ...], tuple[dict, int | Fraction]] = {}    # pivot → (its row, rhs)
        self.uses: dict[tuple[str, ...], set[tuple[str, ...]]] = {}       # variable → pivots whose row has it
        self.consistent = True
        for coeffs, rhs in rows:
            self._add(coeffs, rhs)

    def _subtract(self, row: dict, factor: int | Fraction, other: dict) -> list[tuple[str, ...]]:
        """row -= factor · other; returns the variables whose coefficient changed."""
        for b, n in other.items():
            row[b] = row.get(b, 0) - factor * n
            if row[b] == 0:
                del row[b]
        return list(other)

    def _add(self, coeffs: dict, rhs: int) -> None:
        known = self.known
        row = {b: n for b, n in coeffs.items() if b not in known and n}      # ints until a division needs more
        r: int | Fraction = rhs - sum(n * known[b] for b, n in coeffs.items() if b in known)
        for var in [v for v in row if v in self.pivots]:
            prow, prhs = self.pivots[var]
            f = row[var]
            self._subtract(row, f, prow)
            r -= f * prhs
        if not row:
            if r != 0:
                self.consistent = False                 # the figures contradict the model
            return
        var = min(row)
        f = row[var]
        if f != 1:
            row = {b: Fraction(n) / f for b, n in row.items()}
            r = Fraction(r) / f
        for q in list(self.uses.get(var, ())):          # keep the pivots fully reduced
            qrow, qrhs = self.pivots[q]
            g = qrow[var]
            for b in self._subtract(qrow, g, row):
                if b in qrow:
                    self.uses.setdefault(b, set()).add(q)
                else:
                    self.uses.get(b, set()).discard(q)
            self.pivots[q] = (qrow, qrhs - g * r)
        self.uses.pop(var, None)
        self.pivots[var] = (row, r)
        for b in row:
            if b != var:
                self.uses.setdefault(b, set()).add(var)

    def value(self, target: dict) -> int | None:
        """Σ visits × size over ``target``'s blobs when the figures fix it, else None."""
        known = self.known
        value: int | Fraction = sum(n * known[b] for b, n in target.items() if b in known)
        goal = {b: n for b, n in target.items() if b not in known and n}
        if not goal:
            return int(value)
        if not self.consistent:
            return None
        for var in [v for v in goal if v in self.pivots]:
            prow, prhs = self.pivots[var]
            f = goal[var]
            self._subtract(goal, f, prow)
            value += f * prhs
        if goal or value.denominator != 1:
            return None
        return int(value)
