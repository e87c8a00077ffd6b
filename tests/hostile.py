"""Hostile snapshot files: a seeded generator of mutated snapshots, and one run of a file through every command.

A case is a real snapshot file (the bundled demos, recorded from live daemons) with one to three
mutations of the kinds users' files really carry or an attacker would try: dropped keys, wrong types,
null, huge / negative / non-finite numbers, parent cycles, duplicate IDs, layers that break a parent's
chain, control characters and very long or uppercase tags, truncated JSON, deep nesting, non-UTF-8
bytes, very large files, many 0-byte history rows, 10,000 tags, unknown fields.

``run_case`` loads the file the way ``--snapshot`` does and then does what the commands do with it:
the report, rmi dry runs, prune dry runs and exports.  Each case ends ``accepted`` (and then must pass
the invariants), ``refused`` (a SnapshotError, one line), or is a defect: ``traceback``, ``hang``
(over its time budget) or ``violation``.

Run as a script for counts: ``python tests/hostile.py --cases 10000 [--root TREE]`` (TREE: another
checkout, to measure an older version)."""
from __future__ import annotations

import argparse
import copy
import json
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
BASES = ("resources/demo/tutorial.json", "resources/demo/tutorial-commit.json", "resources/demo/engine29.json")
BUDGET_S = 5.0
HEX = "0123456789abcdef"


@dataclass
class Case:
    """One hostile file: its bytes (or a sparse size), and what was done to make it."""

    seed: int
    base: str
    kinds: list[str]
    data: bytes = b""
    sparse_size: int = 0        # >0: a file this large, ``data`` then zeros (never read whole)

    def write(self, path: Path) -> None:
        """Write the case's file."""
        with open(path, "wb") as f:
            f.write(self.data)
            if self.sparse_size:
                f.truncate(self.sparse_size)


# -- mutations -------------------------------------------------------------------------------
def _digest(rng: random.Random) -> str:
    return "sha256:" + "".join(rng.choice(HEX) for _ in range(64))


def _nodes(data: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, value) in a parsed JSON document, the root excluded."""
    out = []
    stack = [(path, data)]
    while stack:
        p, v = stack.pop()
        if p:
            out.append((p, v))
        if isinstance(v, dict):
            stack.extend((p + (k,), x) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((p + (n,), x) for n, x in enumerate(v))
    return out


def _set(data: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _delete(data: Any, path: tuple) -> None:
    for key in path[:-1]:
        data = data[key]
    del data[path[-1]]


def _pick(rng: random.Random, data: Any, want: Callable[[Any], bool]) -> tuple | None:
    nodes = [p for p, v in _nodes(data) if want(v)]
    return rng.choice(nodes) if nodes else None


def _images(data: Any) -> list[dict]:
    imgs = data.get("images") if isinstance(data, dict) else None
    return [i for i in imgs if isinstance(i, dict)] if isinstance(imgs, list) else []


def m_drop_key(rng, data):
    path = _pick(rng, data, lambda v: True)
    if path and isinstance(path[-1], str):
        _delete(data, path)


def m_wrong_type(rng, data):
    path = _pick(rng, data, lambda v: True)
    if path:
        _set(data, path, rng.choice(["text", 12345, [1, "a"], {"x": 1}, True, 1.5, ""]))


def m_null(rng, data):
    path = _pick(rng, data, lambda v: True)
    if path:
        _set(data, path, None)


def m_huge_number(rng, data):
    path = _pick(rng, data, lambda v: isinstance(v, int) and not isinstance(v, bool))
    if path:
        _set(data, path, rng.choice([2**63, 2**64 + 7, 10**30, 2**63 - 1, 4 * 10**18]))


def m_negative(rng, data):
    path = _pick(rng, data, lambda v: isinstance(v, int) and not isinstance(v, bool))
    if path:
        _set(data, path, rng.choice([-1, -7, -(2**63), -(10**20)]))


def m_float(rng, data):
    path = _pick(rng, data, lambda v: isinstance(v, int) and not isinstance(v, bool))
    if path:
        _set(data, path, rng.choice([1.5, 1e308, -0.0, 3e18]))


def m_self_parent(rng, data):
    imgs = _images(data)
    if imgs:
        img = rng.choice(imgs)
        img["parent"] = img.get("id")


def m_parent_cycle(rng, data):
    imgs = _images(data)
    if len(imgs) >= 3:
        a, b, c = rng.sample(imgs, 3)
        a["parent"], b["parent"], c["parent"] = b.get("id"), c.get("id"), a.get("id")


def m_duplicate_id(rng, data):
    imgs = _images(data)
    if len(imgs) >= 2:
        a, b = rng.sample(imgs, 2)
        b["id"] = a.get("id")


def m_duplicate_image(rng, data):
    imgs = _images(data)
    if imgs:
        data["images"].append(copy.deepcopy(rng.choice(imgs)))


def m_missing_parent(rng, data):
    imgs = _images(data)
    if imgs:
        rng.choice(imgs)["parent"] = _digest(rng)


def m_break_chain(rng, data):
    """Drop or replace one layer of an image in the middle of its stack."""
    imgs = [i for i in _images(data) if isinstance(i.get("diff_ids"), list) and i["diff_ids"]]
    if imgs:
        img = rng.choice(imgs)
        n = rng.randrange(len(img["diff_ids"]))
        if rng.random() < 0.5:
            del img["diff_ids"][n]
        else:
            img["diff_ids"][n] = _digest(rng)


def m_control_chars(rng, data):
    path = _pick(rng, data, lambda v: isinstance(v, str))
    if path:
        _set(data, path, rng.choice(["\x00", "\x1b[31mred\x1b[0m", "a\nb", "\u202etxt", "x\ud800"[:1], "\t\r"]) +
             str(rng.randrange(100)))


def m_bad_tag(rng, data):
    imgs = _images(data)
    if imgs:
        img = rng.choice(imgs)
        tags = img.get("repo_tags") if isinstance(img.get("repo_tags"), list) else []
        bad = rng.choice(["Upper:1", "a" * 300 + ":1", "x:" + "t" * 200, "bad tag:1", "ok:1\x00", "@@:1",
                          "localhost:5000/" + "p/" * 100 + "x:1", "nocolon", "x@sha256:" + "0" * 64, ":"])
        img["repo_tags"] = tags + [bad]


def m_many_tags(rng, data):
    imgs = _images(data)
    if imgs:
        rng.choice(imgs)["repo_tags"] = [f"many/tag{n}:v{n}" for n in range(10_000)]


def m_zero_rows(rng, data):
    for img in _images(data):
        hist = img.get("history")
        if isinstance(hist, list):
            extra = [{"id": "<missing>", "created": 0, "created_by": f"/bin/sh -c true #{n}", "size": 0,
                      "comment": "", "tags": []} for n in range(100)]
            at = rng.randrange(len(hist) + 1)
            img["history"] = hist[:at] + extra + hist[at:]


def m_unknown_fields(rng, data):
    path = _pick(rng, data, lambda v: isinstance(v, dict))
    target = data if path is None else data
    for key in path or ():
        target = target[key]
    target[rng.choice(["extra", "future_field", "x" * 50])] = rng.choice([1, "a", [1], {"deep": [1, 2]}])


def m_shuffle(rng, data):
    if isinstance(data.get("images"), list):
        rng.shuffle(data["images"])


def m_container_refs(rng, data):
    ctrs = data.get("containers")
    if isinstance(ctrs, list) and ctrs and isinstance(ctrs[0], dict):
        c = rng.choice(ctrs)
        c[rng.choice(["image_id", "layer_chain", "id", "state"])] = rng.choice(
            [_digest(rng), [_digest(rng)], "", None, "zz", ["not-a-digest"]])
    elif isinstance(ctrs, list):
        ctrs.append({"id": "ab" * 32, "names": ["/c"], "image": "x", "image_id": _digest(rng), "state": "running"})


def m_empty(rng, data):
    data[rng.choice(["images", "containers", "warnings"])] = []


def m_kind_schema(rng, data):
    data[rng.choice(["kind", "schema"])] = rng.choice([None, 3, 0, -1, "2", 10**40, "layerscope-snapshot"])


DOC_MUTATIONS: dict[str, Callable[[random.Random, Any], None]] = {
    "drop_key": m_drop_key, "wrong_type": m_wrong_type, "null": m_null, "huge_number": m_huge_number,
    "negative": m_negative, "float": m_float, "self_parent": m_self_parent, "parent_cycle": m_parent_cycle,
    "duplicate_id": m_duplicate_id, "duplicate_image": m_duplicate_image, "missing_parent": m_missing_parent,
    "break_chain": m_break_chain, "control_chars": m_control_chars, "bad_tag": m_bad_tag,
    "many_tags": m_many_tags, "zero_rows": m_zero_rows, "unknown_fields": m_unknown_fields, "shuffle": m_shuffle,
    "container_refs": m_container_refs, "empty": m_empty, "kind_schema": m_kind_schema,
}


# Text-level mutations: what cannot be said in a parsed document.
def t_truncate(rng, raw):
    return raw[:rng.randrange(len(raw))]


def t_non_finite(rng, raw):
    digits = [n for n in range(1, len(raw) - 1) if raw[n:n + 1].isdigit() and raw[n - 1:n] in (b" ", b":")]
    if not digits:
        return raw
    n = rng.choice(digits)
    end = n
    while end < len(raw) and raw[end:end + 1].isdigit():
        end += 1
    return raw[:n] + rng.choice([b"Infinity", b"-Infinity", b"NaN", b"1e999", b"9" * 5000, b"-0"]) + raw[end:]


def t_deep_nesting(rng, raw):
    depth = rng.choice([2_000, 100_000])
    deep = b"[" * depth + b"]" * depth
    return rng.choice([deep, raw.replace(b'"warnings": [', b'"warnings": [' + deep + b",", 1),
                       raw.replace(b'"labels": {', b'"labels": {"k": ' + b"{\"a\":" * depth + b"1" + b"}" * depth +
                                   b",", 1)])


def t_non_utf8(rng, raw):
    n = rng.randrange(len(raw))
    return raw[:n] + rng.choice([b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x80"]) + raw[n:]


TEXT_MUTATIONS = {"truncate": t_truncate, "non_finite": t_non_finite, "deep_nesting": t_deep_nesting,
                  "non_utf8": t_non_utf8}
KINDS = tuple(DOC_MUTATIONS) + tuple(TEXT_MUTATIONS) + ("huge_file",)


def make_case(seed: int, bases: dict[str, Any] | None = None) -> Case:
    """The hostile file of ``seed``: a base snapshot with one to three mutations (always the same for a seed)."""
    rng = random.Random(seed)
    bases = bases or load_bases()
    base = rng.choice(sorted(bases))
    data = copy.deepcopy(bases[base])
    kinds = [rng.choice(KINDS) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    for kind in kinds:
        if kind in DOC_MUTATIONS:
            DOC_MUTATIONS[kind](rng, data)
    raw = json.dumps(data, indent=rng.choice((None, 1)), ensure_ascii=rng.random() < 0.5).encode("utf-8",
                                                                                                  "surrogatepass")
    for kind in kinds:
        if kind in TEXT_MUTATIONS:
            raw = TEXT_MUTATIONS[kind](rng, raw)
    case = Case(seed, base, kinds, raw)
    if "huge_file" in kinds:
        case.sparse_size = rng.choice((600 * 2**20, 2**30, 5 * 2**30))
    return case


def load_bases() -> dict[str, Any]:
    """The base snapshots, parsed."""
    return {name: json.loads((ROOT / name).read_text()) for name in BASES}


# -- running a case --------------------------------------------------------------------------
@dataclass
class Outcome:
    """How one case ended: accepted | refused | traceback | hang | violation, with a one-line detail."""

    case: Case
    result: str
    detail: str = ""
    seconds: float = 0.0


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def run_case(case: Case, workdir: Path, budget: float = BUDGET_S, svg: bool = False) -> Outcome:
    """Load ``case`` as ``--snapshot`` does, then report, dry-run and export it; how that ended."""
    path = workdir / f"case-{case.seed}.json"
    case.write(path)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, budget)
    start = time.perf_counter()
    try:
        try:
            result, detail = _attempt(path, workdir, case.seed, svg)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:            # (also when it struck just as the case ended: it was over budget then)
        result, detail = "hang", f"over {budget:.0f} s"
    finally:
        signal.signal(signal.SIGALRM, old)
        path.unlink(missing_ok=True)
        for leftover in workdir.glob(f"out-{case.seed}.*"):
            leftover.unlink()
    return Outcome(case, result, detail, time.perf_counter() - start)


def _attempt(path: Path, workdir: Path, seed: int, svg: bool) -> tuple[str, str]:
    from model.core.snapshot import Snapshot, SnapshotError
    try:
        try:
            snap = Snapshot.load(path)
        except SnapshotError as exc:
            text = str(exc)
            if "\n" in text.strip() or not text.strip():
                return "violation", f"refusal is not one line: {text[:200]!r}"
            return "refused", text.splitlines()[0][:300]
        problems = _exercise(snap, workdir, seed, svg)
        return ("violation", problems[0]) if problems else ("accepted", "")
    except RecursionError:
        return "traceback", "RecursionError"
    except Exception as exc:
        tb = traceback.extract_tb(exc.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb)
                      if "/model/" in f.filename or "/cli/" in f.filename), "?")
        return "traceback", f"{where} {type(exc).__name__}: {str(exc)[:160]}"


def _exercise(snap: Any, workdir: Path, seed: int, svg: bool) -> list[str]:
    """Everything the commands do with an accepted snapshot; the invariants it broke (empty when none)."""
    from model.core.analysis import Analysis
    from model.engine.plan import PRUNE, RMI, Request, make_plan
    from model.commands.perform import predicted_json
    from model.render.export import export
    from model.render.report import snapshot_report

    analysis = Analysis(snap)
    report = snapshot_report(analysis)
    json.dumps(report)
    refs = [img.id for img in snap.images[:3]] + [t for img in snap.images[:5] for t in img.repo_tags[:1]]
    refs += ["nosuch:latest", "sha256:" + "0" * 64, "Upper/Case:1", "x" * 300]
    for ref in refs:
        predicted_json(make_plan(snap, Request(RMI, (ref,))))
    predicted_json(make_plan(snap, Request(RMI, tuple(refs[:4]), force=True)))
    for all_ in (False, True):
        predicted_json(make_plan(snap, Request(PRUNE, prune_all=all_)))
    export(analysis, workdir / f"out-{seed}.dot", "dot")
    if svg:
        export(analysis, workdir / f"out-{seed}.svg", "svg")
    return invariants(snap, analysis, report)


INT64_MAX = 2**63 - 1


def invariants(snap: Any, analysis: Any, report: dict[str, Any]) -> list[str]:
    """What every accepted snapshot must satisfy: sizes in 0 … 2^63-1, sizes that add up, no parent cycle."""
    problems = []
    for img in report["images"]:
        for key in ("size", "shared_size", "unique_size"):
            value = img[key]
            if value is not None and not 0 <= value <= INT64_MAX:
                problems.append(f"image {img['id'][:19]} {key} {value}")
        if img["sizes_exact"] and None not in (img["size"], img["shared_size"], img["unique_size"]) \
                and snap.info.image_store != "containerd" and img["shared_size"] + img["unique_size"] != img["size"]:
            problems.append(f"image {img['id'][:19]}: shared + unique != size")
    for layer in report["layers"]:
        if layer["size"] is not None and not 0 <= layer["size"] <= INT64_MAX:
            problems.append(f"layer {layer['chain_id'][:19]} size {layer['size']}")
    totals = report.get("totals") or {}
    for key, value in totals.items():
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= INT64_MAX:
            problems.append(f"total {key} {value}")
    by_id = {img.id: img for img in snap.images}
    for img in snap.images:
        seen, current = set(), img.id
        while current in by_id:
            if current in seen:
                problems.append(f"parent cycle through {current[:19]}")
                break
            seen.add(current)
            current = by_id[current].parent
    if len(by_id) != len(snap.images):
        problems.append("duplicate image IDs accepted")
    return problems


def run_many(seeds: range, budget: float = BUDGET_S, svg_every: int = 20) -> list[Outcome]:
    """Run the cases of ``seeds`` (in this process) and return their outcomes."""
    bases = load_bases()
    with tempfile.TemporaryDirectory() as tmp:
        return [run_case(make_case(seed, bases), Path(tmp), budget, svg=seed % svg_every == 0) for seed in seeds]


def main() -> int:
    """Counts of a fuzz run, by result and by kind; the defects listed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--root", help="the checkout to test (default: this one)")
    parser.add_argument("--budget", type=float, default=BUDGET_S)
    parser.add_argument("--show", type=int, default=20, help="defects to list")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.root).resolve() if args.root else ROOT))
    os.environ.setdefault("MPLBACKEND", "Agg")
    outcomes = run_many(range(args.first, args.first + args.cases), args.budget)
    counts = Counter(o.result for o in outcomes)
    total = len(outcomes)
    print(" · ".join(f"{k} {v} ({100 * v / total:.1f} %)" for k, v in counts.most_common()))
    for o in [o for o in outcomes if o.result not in ("accepted", "refused")][:args.show]:
        print(f"  seed {o.case.seed} {o.case.kinds} {o.result}: {o.detail}")
    return 0 if counts["traceback"] + counts["hang"] + counts["violation"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
