"""core.history.map_history against a brute-force reference that enumerates every candidate mapping.

The reference is the enumeration map_history used to do (itertools.combinations over the 0-byte
"maybe" rows), without its cap: on small histories both must give the same mapping, exactness,
sizes and, per layer, the same set of possible sizes and, per row, the same decidedness."""
from __future__ import annotations

import random
import time
from itertools import combinations

from model.core.chain import EMPTY_LAYER_DIFF_ID, chain_ids
from model.core.history import map_history
from model.core.snapshot import HistoryRow, Image, Manifest

CASES = 6000
SIZES = (1, 2, 3, 5, 100)
LAYER_ROWS = ("/bin/sh -c true", "/bin/sh -c rm -rf /tmp/x", "RUN /bin/sh -c touch /a # buildkit", "COPY . /app")
METADATA_ROWS = ('/bin/sh -c #(nop)  ENV A=1', '/bin/sh -c #(nop)  CMD ["sh"]', "LABEL a=b", "EXPOSE 80",
                 "USER nobody", "/bin/sh -c #(nop)  ARG X")
DIFFS = tuple(f"sha256:{c * 64}" for c in "abcd") + (EMPTY_LAYER_DIFF_ID,)


def _candidates(image: Image, metadata: set[int]) -> list[tuple[int, ...]]:
    """Every valid mapping (oldest-first row per layer), in the order of itertools.combinations."""
    rows = list(reversed(image.history))
    diff_ids, k = image.diff_ids, len(image.diff_ids)
    certain = [i for i, r in enumerate(rows) if r.size > 0]

    def candidates(maybe: list[int]) -> list[tuple[int, ...]]:
        need = k - len(certain)
        if need < 0 or need > len(maybe):
            return []
        out = []
        for extra in combinations(maybe, need):
            chosen = tuple(sorted(certain + list(extra)))
            if all(not (rows[r].size > 0 and diff_ids[j] == EMPTY_LAYER_DIFF_ID) for j, r in enumerate(chosen)):
                out.append(chosen)
        return out

    return candidates([i for i, r in enumerate(rows) if r.size == 0 and i not in metadata]) or \
        candidates([i for i, r in enumerate(rows) if r.size == 0])


def _reference(image: Image, metadata: set[int], known: dict[str, int] | None) -> dict:
    """The old enumeration, uncapped.  ``metadata``: oldest-first indices of the config-only rows."""
    rows, k = list(reversed(image.history)), len(image.diff_ids)
    cands = _candidates(image, metadata)
    if not cands:
        return {"row_layer": (None,) * len(rows), "layer_sizes": None, "exact": False, "sizes_exact": False,
                "size_options": (), "row_decided": (False,) * len(rows)}
    chosen = cands[0]
    if known and len(cands) > 1:
        for cand in cands:
            if all(known.get(cid, rows[r].size) == rows[r].size for cid, r in zip(image.chain_ids, cand)):
                chosen = cand
                break
    sizes = tuple(rows[i].size for i in chosen)
    sizes_exact = all(tuple(rows[i].size for i in c) == sizes for c in cands)
    if not image.manifests and sum(sizes) != image.size:
        sizes_exact = False
    index = {row: n for n, row in enumerate(chosen)}
    layers_of_row = [{dict(zip(c, range(k))).get(i) for c in cands} for i in range(len(rows))]
    return {"row_layer": tuple(index.get(i) for i in range(len(rows)))[::-1], "layer_sizes": sizes,
            "exact": len(cands) == 1, "sizes_exact": sizes_exact,
            "size_options": tuple(tuple(sorted({rows[c[j]].size for c in cands})) for j in range(k)),
            "row_decided": tuple(len(s) == 1 for s in layers_of_row)[::-1]}


def _random_case(rng: random.Random) -> tuple[Image, set[int], dict[str, int] | None]:
    n_rows = rng.randint(0, 10)
    k = rng.randint(0, 6) if rng.random() < 0.2 else rng.randint(0, min(6, n_rows))
    kinds = rng.choice(((0.5, 0.2, 0.3), (0.2, 0.2, 0.6), (0.7, 0.1, 0.2), (0.1, 0.5, 0.4)))
    rows, metadata = [], set()
    for i in range(n_rows):                         # oldest first
        kind = rng.choices(("size", "metadata", "maybe"), kinds)[0]
        if kind == "size":
            rows.append(HistoryRow(id="<missing>", created=i, created_by=rng.choice(LAYER_ROWS),
                                   size=rng.choice(SIZES)))
        elif kind == "metadata":
            metadata.add(i)
            rows.append(HistoryRow(id="<missing>", created=i, created_by=rng.choice(METADATA_ROWS), size=0))
        else:
            rows.append(HistoryRow(id="<missing>", created=i, created_by=rng.choice(LAYER_ROWS), size=0))
    diffs = tuple(rng.choice(DIFFS) if rng.random() < 0.8 else EMPTY_LAYER_DIFF_ID for _ in range(k))
    total = sum(r.size for r in rows)
    size = total if rng.random() < 0.8 else total + rng.choice((-1, 1, 100))
    manifests = (Manifest(id="sha256:" + "e" * 64, media_type="m", size=1, kind="image"),) \
        if rng.random() < 0.1 else ()
    image = Image(id="sha256:" + "f" * 64, repo_tags=(), repo_digests=(), parent="", created="", size=size,
                  diff_ids=diffs, history=tuple(reversed(rows)), manifests=manifests)
    known = None
    if rng.random() < 0.5:
        cands = _candidates(image, metadata)
        # sizes another image might have told: those of some candidate (often not the first), or any
        told = [rows[i].size for i in rng.choice(cands[1:] or cands)] if cands and rng.random() < 0.7 else \
            [rng.choice((0,) + SIZES) for _ in diffs]
        known = {cid: size for cid, size in zip(chain_ids(diffs), told) if rng.random() < 0.6}
    return image, metadata, known


def test_map_history_equals_the_enumeration_on_random_small_histories():
    """Thousands of seeded random histories: every field equals the uncapped enumeration's."""
    rng = random.Random(12)
    seen = {"exact": 0, "unsure": 0, "none": 0, "known_moved": 0}
    for case in range(CASES):
        image, metadata, known = _random_case(rng)
        got = map_history(image, known)
        want = _reference(image, metadata, known)
        assert {f: getattr(got, f) for f in want} == want, (case, image, known)
        plain = map_history(image)
        seen["none" if got.layer_sizes is None else "exact" if got.exact else "unsure"] += 1
        seen["known_moved"] += plain.row_layer != got.row_layer
    # the generator reaches every kind of answer, including a choice moved by known sizes
    assert min(seen.values()) >= 40, seen


def test_many_zero_byte_rows_are_mapped_without_enumerating():
    """6 certain rows and 100 maybe rows for 10 layers, the top 4 the empty tar: the 4 missing layers come
    from the 9 maybe rows after the last certain one (126 candidates, one set of sizes)."""
    rows = [HistoryRow(id="<missing>", created=0, created_by="ADD file:x in /", size=500)]
    for i in range(100):
        rows.append(HistoryRow(id="<missing>", created=i, created_by=f"/bin/sh -c rm -f /x{i}", size=0))
        if i % 20 == 10:
            rows.append(HistoryRow(id="<missing>", created=i, created_by=f"/bin/sh -c make {i}", size=7 + i))
    diffs = tuple(f"sha256:{c * 64}" for c in "abcdef") + (EMPTY_LAYER_DIFF_ID,) * 4
    image = Image(id="sha256:" + "f" * 64, repo_tags=(), repo_digests=(), parent="", created="",
                  size=sum(r.size for r in rows), diff_ids=diffs, history=tuple(reversed(rows)))
    start = time.perf_counter()
    mapping = map_history(image)
    assert time.perf_counter() - start < 0.5
    assert mapping.layer_sizes is not None and not mapping.exact
    assert mapping.layer_sizes == (500, 17, 37, 57, 77, 97, 0, 0, 0, 0)
    assert mapping.sizes_exact and all(len(o) == 1 for o in mapping.size_options)
    oldest_first = mapping.row_layer[::-1]
    # certain rows on layers 0..5; the first candidate takes the earliest 4 maybe rows after the last one
    assert [oldest_first.index(j) for j in range(10)] == [0, 12, 33, 54, 75, 96, 97, 98, 99, 100]
    assert sum(mapping.row_decided) == 6 + sum(1 for r in rows[:97] if r.size == 0)
