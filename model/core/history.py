"""Map ``docker history`` rows onto an image's layers, and read each layer's size from them."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from .chain import EMPTY_LAYER_DIFF_ID
from .snapshot import HistoryRow, Image, Snapshot

MAX_ASSIGNMENTS = 5000  # above this many candidate mappings we give up and call the mapping uncertain


@dataclass(frozen=True)
class LayerMapping:
    """Which history row made which layer of one image."""

    row_layer: tuple[int | None, ...]     # per history row (newest first): layer index (0 = bottom) or None
    layer_sizes: tuple[int, ...] | None   # per layer (bottom first); None when the rows do not fit the layers
    exact: bool                           # True when rows→layers is decided; False when it had to be chosen
    sizes_exact: bool                     # True when every candidate mapping gives the same layer sizes


# Dockerfile instructions that only change the config and never make a layer.
# (WORKDIR is not one: the classic builder commits a layer when it creates the directory.)
_METADATA = {"ENV", "CMD", "LABEL", "EXPOSE", "ENTRYPOINT", "USER", "ARG", "VOLUME", "STOPSIGNAL",
             "HEALTHCHECK", "SHELL", "ONBUILD", "MAINTAINER"}


def _is_metadata_row(row: HistoryRow) -> bool:
    """A row for an instruction that never makes a layer: ``#(nop) ENV`` (classic) or ``ENV`` (BuildKit)."""
    text = row.created_by.strip()
    if "#(nop)" in text:
        text = text.split("#(nop)", 1)[1].strip()
    return text.split(" ", 1)[0].upper() in _METADATA


# Row → layer mapping.
# The history lists config.history newest first; the daemon computes each
# non-empty row's Size as DiffSize(chain up to that layer), but does not send
# the empty_layer flag.  So, oldest first:
#   * a row with Size > 0 certainly made a layer;
#   * a row for a config-only instruction (ENV, CMD, LABEL, EXPOSE, ...,
#     classic "#(nop) ENV" or BuildKit "ENV") certainly did not;
#   * any other 0-byte row is "maybe" (an empty commit, a RUN that only
#     deleted files, or a BuildKit RUN that changed nothing).
# We need K = len(diff_ids) layer rows.  Every way of picking the missing ones
# among the "maybe" rows is a candidate; a candidate is rejected when it puts a
# non-zero size on a layer whose diff ID is the empty tar.  One candidate left
# → exact.  Several → the first that agrees with sizes already known for its
# chain IDs (from other images' exact mappings) is used and the mapping is
# marked uncertain; the sizes stay exact when all candidates agree on them.
def map_history(image: Image, known: dict[str, int] | None = None) -> LayerMapping:
    """Map an image's history rows to its layers without guessing (uncertainty is recorded)."""
    rows = list(reversed(image.history))           # oldest first
    certain = [i for i, r in enumerate(rows) if r.size > 0]
    maybe = [i for i, r in enumerate(rows) if r.size == 0 and not _is_metadata_row(r)]
    candidates = _candidates(rows, image.diff_ids, certain, maybe)
    if not candidates:                             # the #(nop) rule failed too: try every 0-byte row
        maybe = [i for i, r in enumerate(rows) if r.size == 0]
        candidates = _candidates(rows, image.diff_ids, certain, maybe)
    if not candidates:
        return LayerMapping(row_layer=(None,) * len(rows), layer_sizes=None, exact=False, sizes_exact=False)
    chosen = candidates[0]
    if known and len(candidates) > 1:
        for cand in candidates:
            if all(known.get(cid, rows[r].size) == rows[r].size for cid, r in zip(image.chain_ids, cand)):
                chosen = cand
                break
    sizes = tuple(rows[i].size for i in chosen)
    sizes_exact = all(tuple(rows[i].size for i in c) == sizes for c in candidates)
    if not image.manifests and sum(sizes) != image.size:
        # (the containerd store's history sizes are per-snapshot disk usage, measured apart
        # from the image's unpacked total: there they need not add up to any image figure)
        sizes_exact = False
    index = {row: n for n, row in enumerate(chosen)}
    row_layer = tuple(index.get(i) for i in range(len(rows)))
    return LayerMapping(row_layer=tuple(reversed(row_layer)), layer_sizes=sizes,
                        exact=len(candidates) == 1, sizes_exact=sizes_exact)


def _candidates(rows: list[HistoryRow], diff_ids: tuple[str, ...], certain: list[int],
                maybe: list[int]) -> list[tuple[int, ...]]:
    need = len(diff_ids) - len(certain)
    if need < 0 or need > len(maybe):
        return []
    out: list[tuple[int, ...]] = []
    for n, extra in enumerate(combinations(maybe, need)):
        if n >= MAX_ASSIGNMENTS:
            break
        chosen = tuple(sorted(certain + list(extra)))
        if all(not (rows[r].size > 0 and diff_ids[j] == EMPTY_LAYER_DIFF_ID) for j, r in enumerate(chosen)):
            out.append(chosen)
    return out


# Layer sizes for the whole snapshot: every image that holds a chain ID tells
# its DiffSize.  First pass: images whose sizes are exact.  Second pass: the
# others, each choosing the candidate mapping that agrees with what the first
# pass knows, and filling only chain IDs still unknown.  An image whose rows
# cannot be mapped contributes nothing; a chain ID no image can size is left
# out (callers report it as unknown rather than inventing a number).
def layer_sizes(snapshot: Snapshot, mappings: dict[str, LayerMapping] | None = None) -> dict[str, int]:
    """Chain ID → DiffSize in bytes, read from the images' history rows."""
    mappings = mappings if mappings is not None else map_all(snapshot)
    sizes: dict[str, int] = {}
    unsure = []
    for img in snapshot.images:
        mapping = mappings[img.id]
        if mapping.layer_sizes is not None and mapping.sizes_exact:
            sizes.update(zip(img.chain_ids, mapping.layer_sizes))
        elif mapping.layer_sizes is not None:
            unsure.append(img)
    for img in unsure:
        mapping = map_history(img, sizes)
        for chain_id, size in zip(img.chain_ids, mapping.layer_sizes or ()):
            sizes.setdefault(chain_id, size)
    return sizes


def map_all(snapshot: Snapshot) -> dict[str, LayerMapping]:
    """Image ID → its history mapping."""
    return {img.id: map_history(img) for img in snapshot.images}


def created_by(snapshot: Snapshot, mappings: dict[str, LayerMapping] | None = None) -> dict[str, str]:
    """Chain ID → the CREATED BY text of the history row that made it (where the mapping is exact)."""
    mappings = mappings if mappings is not None else map_all(snapshot)
    out: dict[str, str] = {}
    for img in snapshot.images:
        mapping = mappings[img.id]
        if not mapping.exact:
            continue
        for row, layer in zip(img.history, mapping.row_layer):
            if layer is not None:
                out.setdefault(img.chain_ids[layer], row.created_by)
    return out


def short_created_by(text: str) -> str:
    """CREATED BY without the shell prefix, the way a reader scans `docker history` ("" when there is none)."""
    text = " ".join(text.split())
    for prefix in ("/bin/sh -c #(nop) ", "/bin/sh -c ", "|"):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    if text.startswith("|") or (text[:1].isdigit() and " " in text and text.split(" ", 1)[0].isdigit()):
        text = text.split(" ", 1)[-1].replace("/bin/sh -c ", "")      # BuildKit's "|2 ARG=.. /bin/sh -c" form
    return text
