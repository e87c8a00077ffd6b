"""Map ``docker history`` rows onto an image's layers, and read each layer's size from them."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .bulk import bulk
from .chain import EMPTY_LAYER_DIFF_ID
from .snapshot import HistoryRow, Image, Snapshot


@dataclass(frozen=True)
class LayerMapping:
    """Which history row made which layer of one image."""

    row_layer: tuple[int | None, ...]     # per history row (newest first): layer index (0 = bottom) or None
    layer_sizes: tuple[int, ...] | None   # per layer (bottom first); None when the rows do not fit the layers
    exact: bool                           # True when rows→layers is decided; False when it had to be chosen
    sizes_exact: bool                     # True when every candidate mapping gives the same layer sizes
    size_options: tuple[tuple[int, ...], ...] = ()  # per layer: every size a valid mapping gives it (ascending)
    row_decided: tuple[bool, ...] = ()    # per history row (newest first): every valid mapping gives it one layer


# Dockerfile instructions that only change the config and never make a layer.
# (WORKDIR is not one: the classic builder commits a layer when it creates the directory.)
_METADATA = {"ENV", "CMD", "LABEL", "EXPOSE", "ENTRYPOINT", "USER", "ARG", "VOLUME", "STOPSIGNAL",
             "HEALTHCHECK", "SHELL", "ONBUILD", "MAINTAINER"}


def _is_metadata_row(row: HistoryRow) -> bool:
    """A row for an instruction that never makes a layer: ``#(nop) ENV`` (classic) or ``ENV`` (BuildKit)."""
    text = row.created_by.strip()
    nop = text.find("#(nop)")
    if nop >= 0:
        text = text[nop + 6:].lstrip()
    return text[:12].split(" ", 1)[0].upper() in _METADATA      # (no instruction is longer than 11)


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
# → exact.  Several → the first (in the lexicographic order of the picked rows)
# that agrees with sizes already known for its chain IDs (from other images'
# exact mappings) is used and the mapping is marked uncertain; the sizes stay
# exact when all candidates agree on them.  No candidate → the same with every
# 0-byte row as "maybe" (a row the metadata rule ruled out made a layer after all).
#
# Candidates are never enumerated (there can be C(100, 10) of them).  A mapping
# is a path through the states (row i, u = maybe rows taken before i): a certain
# row is taken, a metadata row skipped, a maybe row either; taking row i puts it
# on layer t = (certain rows before i) + u, allowed when it fits there.  Two
# dynamic programmes over those states, each O(rows × layers) — only the u a
# path can still pass through are visited, and nothing but a walk when there is
# nothing to choose:
#   backward  B[i][u] = number of valid completions from state (i, u), capped at 2;
#   forward   F[i][u] = number of valid ways to reach it, capped at 2.
# B[0][0] says whether a mapping exists and whether it is the only one.  A
# choice (row i on layer t, or row i skipped) occurs in some valid mapping
# exactly when F and B are both non-zero around it: that gives each layer's set
# of possible sizes and each row's set of possible layers.  The first candidate
# in lexicographic order is the greedy walk that takes a maybe row whenever a
# valid completion remains (B of the next state > 0): at the first row where two
# candidates differ, the one that takes it comes first.  With known sizes, the
# same walk over a B whose "fits" also demands agreement gives the first agreeing
# candidate, when B[0][0] says there is one.
_MUST, _MAY, _NEVER = 0, 1, 2


def map_history(image: Image, known: dict[str, int] | None = None) -> LayerMapping:
    """Map an image's history rows to its layers without guessing (uncertainty is recorded)."""
    n = len(image.history)
    made = [row.size > 0 for row in image.history]          # newest first
    if made.count(True) == len(image.diff_ids) and EMPTY_LAYER_DIFF_ID not in image.diff_ids:
        # The common case, as the programmes below decide it: as many rows with bytes as layers (none of
        # them an empty tar) leave no choice, whatever the 0-byte rows are: each row with bytes made the
        # next layer, and nothing else did.
        row_layer: list[int | None] = []
        layer = len(image.diff_ids)
        for m in made:
            if m:
                layer -= 1
            row_layer.append(layer if m else None)
        sizes = tuple(row.size for row in reversed(image.history) if row.size > 0)
        return LayerMapping(row_layer=tuple(row_layer), layer_sizes=sizes, exact=True,
                            sizes_exact=bool(image.manifests) or sum(sizes) == image.size,
                            size_options=tuple((size,) for size in sizes), row_decided=(True,) * n)
    picked = _pick(image, known, describe=True)
    if picked is None:
        return LayerMapping(row_layer=(None,) * n, layer_sizes=None, exact=False, sizes_exact=False,
                            row_decided=(False,) * n)
    solved, chosen = picked
    row_layer = [None] * n                                  # oldest first, reversed below
    for layer, row in enumerate(chosen):
        row_layer[row] = layer
    row_layer.reverse()
    layer_sizes = tuple(solved.sizes[i] for i in chosen)
    options = solved.size_options()
    sizes_exact = solved.count == 1 or all(len(o) == 1 for o in options)
    if not image.manifests and sum(layer_sizes) != image.size:
        # (the containerd store's history sizes are per-snapshot disk usage, measured apart
        # from the image's unpacked total: there they need not add up to any image figure)
        sizes_exact = False
    return LayerMapping(row_layer=tuple(row_layer), layer_sizes=layer_sizes, exact=solved.count == 1,
                        sizes_exact=sizes_exact, size_options=options, row_decided=tuple(solved.decided[::-1]))


def _pick(image: Image, known: dict[str, int] | None, describe: bool) -> tuple["_Choices", list[int]] | None:
    """The valid mappings of the image (described per layer and row when ``describe``) and the chosen
    one (rows oldest first), or None when the rows cannot make its layers."""
    rows = image.history[::-1]                     # oldest first
    sizes = [r.size for r in rows]
    kinds = [_MUST if s > 0 else _MAY if s == 0 and not _is_metadata_row(r) else _NEVER
             for r, s in zip(rows, sizes)]
    empty = [d == EMPTY_LAYER_DIFF_ID for d in image.diff_ids] if EMPTY_LAYER_DIFF_ID in image.diff_ids \
        else [False] * len(image.diff_ids)
    solved = _Choices.solve(sizes, kinds, empty, None, describe)
    if solved is None and _NEVER in kinds:         # the #(nop) rule failed too: every 0-byte row is "maybe"
        kinds = [_MUST if s > 0 else _MAY if s == 0 else _NEVER for s in sizes]
        solved = _Choices.solve(sizes, kinds, empty, None, describe)
    if solved is None:
        return None
    first = solved.first()
    if known and solved.count > 1:
        wanted = [known.get(cid) for cid in image.chain_ids]
        if not all(w is None or w == sizes[row] for w, row in zip(wanted, first)):
            agreeing = _Choices.solve(sizes, kinds, empty, wanted, False)
            if agreeing is not None:
                return solved, agreeing.first()
    return solved, first


class _Choices:
    """The valid mappings of one history onto one stack of layers, described without listing them."""

    def __init__(self, sizes: list[int], kinds: list[int], empty: list[bool], want: list[int | None],
                 need: int, back: list[list[int]] | None, chosen: list[int] | None) -> None:
        self.sizes, self.kinds, self.empty, self.want, self.need = sizes, kinds, empty, want, need
        self.back = back                    # B per row (None: a single mapping, ``chosen``)
        self.chosen = chosen
        self.count = 1 if back is None else back[0][0]
        self.options: list[set[int]] = []   # per layer: the sizes valid mappings give it (several mappings)
        self.decided: list[bool] = []       # per row (oldest first): one outcome in every valid mapping

    def size_options(self) -> tuple[tuple[int, ...], ...]:
        """Per layer, every size a valid mapping gives it, ascending."""
        if self.chosen is not None:
            return tuple((self.sizes[i],) for i in self.chosen)
        return tuple(tuple(sorted(o)) for o in self.options)

    @classmethod
    def solve(cls, sizes: list[int], kinds: list[int], empty: list[bool], wanted: list[int | None] | None,
              describe: bool) -> "_Choices | None":
        """The programmes of map_history over these rows (the forward one when ``describe``); None when
        no mapping exists."""
        k = len(empty)
        musts, mays = kinds.count(_MUST), kinds.count(_MAY)
        need = k - musts
        if need < 0 or need > mays:
            return None
        want = wanted if wanted is not None else [None] * k
        if need in (0, mays):                     # nothing to choose: every maybe row skipped, or every one taken
            chosen = [i for i, kind in enumerate(kinds) if kind == _MUST] if need == 0 else \
                [i for i, kind in enumerate(kinds) if kind != _NEVER]
            if (wanted is not None or True in empty) and \
                    not all(_fits(sizes[i], empty[t], want[t]) for t, i in enumerate(chosen)):
                return None
            out = cls(sizes, kinds, empty, want, need, None, chosen)
            out.decided = [True] * len(kinds)
            return out
        back = cls._backward(sizes, kinds, empty, want, need, mays)
        if not back[0][0]:
            return None
        out = cls(sizes, kinds, empty, want, need, back, None)
        if describe:
            out._forward(mays)
        return out

    @staticmethod
    def _backward(sizes: list[int], kinds: list[int], empty: list[bool], want: list[int | None], need: int,
                  mays: int) -> list[list[int]]:
        """B[i][u] for every row i (shared between rows that change nothing), capped at 2."""
        n = len(kinds)
        zero_fits = [w is None or w == 0 for w in want]        # a 0-byte row may make layer t
        nxt = [0] * (need + 1)
        nxt[need] = 1
        back: list[list[int]] = [nxt] * (n + 1)
        c, m = n - kinds.count(_NEVER) - mays, mays              # certain / maybe rows before row i + 1
        for i in range(n - 1, -1, -1):
            kind = kinds[i]
            if kind == _NEVER:
                back[i] = nxt
                continue
            row = [0] * (need + 1)
            if kind == _MUST:
                c -= 1
                size = sizes[i]
                for u in range(need - mays + m if need - mays + m > 0 else 0, (m if m < need else need) + 1):
                    t = c + u
                    if nxt[u] and _fits(size, empty[t], want[t]):
                        row[u] = nxt[u]
            else:
                m -= 1
                for u in range(need - mays + m if need - mays + m > 0 else 0, (m if m < need else need) + 1):
                    v = nxt[u]
                    if u < need and nxt[u + 1] and zero_fits[c + u]:
                        v += nxt[u + 1]
                    row[u] = 2 if v > 2 else v
            back[i] = nxt = row
        return back

    def _forward(self, mays: int) -> None:
        """F along the rows: each layer's possible sizes and each row's decidedness."""
        sizes, kinds, empty, want, need, back = self.sizes, self.kinds, self.empty, self.want, self.need, self.back
        assert back is not None
        zero_fits = [w is None or w == 0 for w in want]
        self.options = options = [set() for _ in empty]
        self.decided = decided = [True] * len(kinds)
        fwd = [0] * (need + 1)
        fwd[0] = 1
        c = m = 0                                   # certain / maybe rows before row i
        for i, kind in enumerate(kinds):
            if kind == _NEVER:
                continue
            nxt, size = back[i + 1], sizes[i]
            new = [0] * (need + 1)
            outcomes = 0                            # how many outcomes some valid mapping gives the row
            skipped = False                         # (its layers are counted as they come: each u gives
            lo = need - mays + m if need - mays + m > 0 else 0      # another t, and "skipped" once)
            for u in range(lo, (m if m < need else need) + 1):
                f = fwd[u]
                if not f:
                    continue
                t = c + u
                if kind == _MUST:
                    if _fits(size, empty[t], want[t]):
                        new[u] = f
                        if nxt[u]:
                            outcomes += 1
                            options[t].add(size)
                    continue
                v = new[u] + f                      # a maybe row (0 bytes) skipped ...
                new[u] = 2 if v > 2 else v
                if nxt[u] and not skipped:
                    skipped = True
                    outcomes += 1
                if u < need and zero_fits[t]:       # ... or making layer t
                    v = new[u + 1] + f
                    new[u + 1] = 2 if v > 2 else v
                    if nxt[u + 1]:
                        outcomes += 1
                        options[t].add(0)
            decided[i] = outcomes == 1
            fwd = new
            if kind == _MUST:
                c += 1
            else:
                m += 1

    def first(self) -> list[int]:
        """The rows (oldest first) of the first valid mapping in lexicographic order: take a maybe row
        whenever a valid completion remains."""
        if self.back is None:
            return list(self.chosen or ())
        sizes, empty, want, need, back = self.sizes, self.empty, self.want, self.need, self.back
        chosen: list[int] = []
        u = 0
        for i, kind in enumerate(self.kinds):
            if kind == _MUST:
                chosen.append(i)
            elif kind == _MAY and u < need and back[i + 1][u + 1] and _fits(sizes[i], empty[len(chosen)],
                                                                            want[len(chosen)]):
                chosen.append(i)
                u += 1
        return chosen


def _fits(size: int, empty: bool, wanted: int | None) -> bool:
    """Whether a row of ``size`` bytes may have made a layer (empty tar? size known from elsewhere?)."""
    return not (size > 0 and empty) and (wanted is None or wanted == size)


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
        chosen = mappings[img.id].layer_sizes or ()
        if not all(sizes.get(cid, size) == size for cid, size in zip(img.chain_ids, chosen)):
            picked = _pick(img, sizes, describe=False)      # (the first candidate disagrees: look further)
            chosen = tuple(picked[0].sizes[row] for row in picked[1]) if picked else ()
        for chain_id, size in zip(img.chain_ids, chosen):
            sizes.setdefault(chain_id, size)
    return sizes


# The sizes of a few layers (what a prediction frees): only the images holding
# them are mapped.  Exactly layer_sizes restricted to those chain IDs: a chain ID
# an exactly mapped image holds gets the last such image's size (as the first pass
# of layer_sizes leaves it); when an image holding one has no exact sizes, the
# second pass decides, and that needs every image: layer_sizes itself is used.
def layer_sizes_of(snapshot: Snapshot, chain_ids: Iterable[str]) -> dict[str, int]:
    """layer_sizes(snapshot) for ``chain_ids`` only, reading the history of the images that hold them."""
    wanted = set(chain_ids)
    sizes: dict[str, int] = {}
    if not wanted:
        return sizes
    for img in snapshot.images:
        if wanted.isdisjoint(img.chain_ids):
            continue
        mapping = map_history(img)
        if mapping.layer_sizes is None:
            continue
        if not mapping.sizes_exact:
            return {c: size for c, size in layer_sizes(snapshot).items() if c in wanted}
        sizes.update((c, size) for c, size in zip(img.chain_ids, mapping.layer_sizes) if c in wanted)
    return sizes


@bulk
def map_all(snapshot: Snapshot, previous: tuple[Snapshot, dict[str, LayerMapping]] | None = None
            ) -> dict[str, LayerMapping]:
    """Image ID → its history mapping; with ``previous`` (an earlier snapshot and its mappings), an image it
    holds with the same history and layers keeps its mapping."""
    if previous is None:
        return {img.id: map_history(img) for img in snapshot.images}
    before, mappings = previous[0].by_id, previous[1]
    out: dict[str, LayerMapping] = {}
    for img in snapshot.images:
        old = before.get(img.id)
        out[img.id] = mappings[img.id] if old is not None and _same_mapping_input(old, img) else map_history(img)
    return out


def _same_mapping_input(old: Image, new: Image) -> bool:
    """True when map_history gives both images the same mapping (it reads nothing else)."""
    return old is new or (old.history == new.history and old.diff_ids == new.diff_ids and old.size == new.size
                          and bool(old.manifests) == bool(new.manifests))


# Only exactly mapped images name their layers; the first such image holding a
# chain ID names it.  Walking an image's rows top down, the first chain ID that is
# already named ends the walk: the image that named it held the same layers below
# (a chain ID fixes every layer under it) and, being exact, named them all.
def created_by(snapshot: Snapshot, mappings: dict[str, LayerMapping] | None = None) -> dict[str, str]:
    """Chain ID → the CREATED BY text of the history row that made it (where the mapping is exact)."""
    mappings = mappings if mappings is not None else map_all(snapshot)
    out: dict[str, str] = {}
    for img in snapshot.images:
        mapping = mappings[img.id]
        if not mapping.exact:
            continue
        chains = img.chain_ids
        for row, layer in zip(img.history, mapping.row_layer):
            if layer is not None:
                if chains[layer] in out:
                    break
                out[chains[layer]] = row.created_by
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
