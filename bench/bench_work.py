"""Work benchmark: the instructions each step of "snapshot → painted map" and an rmi dry run executes at 1,000,
3,000 and 10,000 images, beside its wall time, to tell growth in work from growth in wall time.

Run: ``python bench/bench_work.py [--sizes 1000,3000,10000] [--runs 3]``  (needs valgrind; ~15 minutes)

bench/bench_scale.py times each cost on a synthetic host of each size (make_archive.archive_snapshot) and flags
one that grows faster than linearly.  Wall time mixes two things: the work done (instructions executed) and
what each instruction costs, which on a host of 10,000 images includes waiting for memory the CPU's caches no
longer hold.  This bench runs the same steps on the same hosts twice per size, in processes of their own:

* natively, timing each step with the wall clock (median of ``--runs``);
* once under valgrind's callgrind, counting the instructions each step executes (``callgrind_control --dump``
  between steps; the cost of a dump itself, measured on an empty step, is taken off).

The steps: the analysis and the layout the loader makes off the UI thread, the window's first paint of the
map (bench_scale's "first paint after the snapshot", from the snapshot handed over to the map's ``painted``
signal), the model's rmi dry run, and a baseline that is no part of the app: a dict over every image's chain
IDs (each image's layers walked once, as the analysis must) and one small tuple per box drawn, in a dict.
The baseline does the least any reader of the snapshot does per layer and per box; its wall time against its
work shows what the machine adds.

It prints, per step and size, the milliseconds and the millions of instructions, and per step the growth of
each per 10× images, with "linear" for work that grows no faster than ×11 (10 % slack, as bench_scale).
Exit status 1 when some step's work grows faster than that.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

SIZES = (1000, 3000, 10000)
LINEAR_SLACK = 1.1
STEPS = (("baseline", "baseline: a dict over each image's chain IDs, a tuple per box"),
         ("analysis", "analysis off the UI thread"),
         ("layout", "layout (history mapping, forest, boxes)"),
         ("first_paint", "first paint after the snapshot (window)"),
         ("dry_run", "rmi dry run, model"))


# -- the child: the steps, between marks --------------------------------------------------------------
class Marks:
    """Ends a step: under callgrind, dumps the instruction counts since the last mark under the step's name;
    natively, records the step's wall time."""

    def __init__(self, counted: bool) -> None:
        self.counted = counted
        self.warming = False                    # a warm-up round: every step counts as setup
        self.wall: dict[str, list[float]] = {}
        self._t = time.perf_counter()

    def start(self) -> None:
        """Begin a step: what ran before it counts as setup."""
        self.end("setup")

    def end(self, step: str) -> None:
        """Close the step running since the last mark."""
        step = "setup" if self.warming else step
        if self.counted:
            subprocess.run(["callgrind_control", f"--dump={step}", str(os.getpid())], check=True,
                           capture_output=True)
        else:
            self.wall.setdefault(step, []).append((time.perf_counter() - self._t) * 1000)
        self._t = time.perf_counter()


def child(frozen: str, counted: bool, runs: int) -> dict[str, float]:
    """Run every step after a warm-up round (once more when counted, else ``runs`` times) on the pickled
    snapshot in ``frozen``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = tempfile.mkdtemp(prefix="ls-bench-work-")
    os.environ["LAYERSCOPE_CACHE"] = os.path.join(tmp, "cache")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.path.join(tmp, "settings"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from make_archive import archive_snapshot

    from gui.app import make_window
    from gui.workers import analyse, layout_for
    from model.core.bulk import bulk
    from model.core.layout import LayoutNode
    from model.core.snapshotfile import check_consistency
    from model.engine.plan import RMI, Request, make_plan

    @bulk
    def fresh():                                # the snapshot as a reader hands it over (as bench_scale)
        with open(frozen, "rb") as f:
            snap = pickle.load(f)
        check_consistency(snap)
        return snap

    @bulk
    def baseline(snap) -> None:
        seen: dict[str, int] = {}
        for img in snap.images:
            for chain_id in img.chain_ids:
                seen[chain_id] = seen.get(chain_id, 0) + 1
        boxes = {}
        for n, key in enumerate([*seen, *(img.id for img in snap.images)]):
            boxes[key] = LayoutNode(key, "layer", 1.0 * n, 2.0 * n, 190.0, 40.0, n, n)

    window = make_window(None)
    window.resize(1600, 1000)
    window.show()
    view = window.graph_view
    small = archive_snapshot(40)
    marks = Marks(counted)
    armed: list[bool] = []                      # the next paint of the map ends the step

    def on_painted(_items) -> None:
        if armed:
            armed.clear()
            marks.end("first_paint")
    view.painted.connect(on_painted)

    # a warm-up round first (the caches a process keeps, such as parsed references, filled as in the rounds
    # bench_scale takes the median of), then one counted round, or ``runs`` timed ones
    for n in range(1 + (1 if counted else runs)):
        marks.warming = n == 0
        snap = fresh()
        tagged = [img for img in snap.images if img.repo_tags]
        ref = tagged[len(tagged) // 2].repo_tags[0]
        marks.start()
        marks.end("empty")                      # (what a mark itself costs)
        baseline(snap)
        marks.end("baseline")
        analysis = analyse(snap)
        marks.end("analysis")
        layout_for(analysis, False)
        marks.end("layout")
        del analysis
        snap = fresh()
        marks.start()
        make_plan(snap, Request(RMI, (ref,)))
        marks.end("dry_run")
        window.show_snapshot(small, origin="file")
        app.processEvents()
        snap = fresh()
        marks.start()
        armed.append(True)
        window.show_snapshot(snap, origin="file")   # (its paint ends the step: on_painted)
        app.processEvents()
        view.viewport().repaint()
        if armed:
            raise SystemExit("the window never painted the map")
        marks.end("setup")
    window.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return {step: statistics.median(ms) for step, ms in marks.wall.items()}


# -- the parent: one native and one counted child per size -------------------------------------------
def counts(out_dir: Path) -> dict[str, float]:
    """Millions of instructions per step, from callgrind's dump files in ``out_dir`` (less a mark's own)."""
    total: dict[str, float] = {}
    for path in out_dir.iterdir():
        step, ir = None, None
        with open(path) as f:
            for line in f:
                if line.startswith("desc: Trigger: "):
                    trigger = line.split(":", 2)[2].strip()
                    step = trigger.split("--dump=")[-1].split()[-1] if "dump" in trigger else None
                elif line.startswith("summary:"):
                    ir = int(line.split()[1])
                    break
        if step and ir is not None:
            total[step] = total.get(step, 0.0) + ir / 1e6
    mark = total.get("empty", 0.0)
    return {step: max(v - mark, 0.0) for step, v in total.items() if step not in ("setup", "empty")}


def measure(images: int, runs: int) -> dict[str, dict[str, float]]:
    """The wall milliseconds and the millions of instructions of each step on a host of ``images`` images."""
    from make_archive import archive_snapshot
    work = Path(tempfile.mkdtemp(prefix="ls-bench-work-"))
    try:
        frozen = work / "snapshot.pickle"
        snap = archive_snapshot(images)
        data = {"layers": len({c for img in snap.images for c in img.chain_ids}),
                "history rows": sum(len(img.history) for img in snap.images)}
        frozen.write_bytes(pickle.dumps(snap))
        del snap
        argv = [str(Path(sys.executable)), __file__, "--child", str(frozen), "--runs", str(runs)]
        native = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
        if native.returncode != 0:
            raise SystemExit(f"the native child ({images} images) failed: {native.stderr[-1500:]}")
        wall = json.loads(native.stdout.strip().splitlines()[-1])
        dumps = work / "callgrind"
        dumps.mkdir()
        counted = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={dumps}/cg.%p",
                                  *argv, "--counted"], cwd=work, capture_output=True, text=True)
        if counted.returncode != 0:
            raise SystemExit(f"the counted child ({images} images) failed: {counted.stderr[-1500:]}")
        return {"ms": wall, "mi": counts(dumps), "data": data}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict[int, dict[str, dict[str, float]]]) -> bool:
    """Print the table and each step's growth; True when every step's work grows at most linearly."""
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    per10 = 1 / math.log10(large / small)
    print(f"\n{'step':62}" + "".join(f"{n:>11,} img" for n in sizes) + f"   growth {small:,}→{large:,} per 10×")
    ok = True
    for key, label in STEPS:
        ms = [results[n]["ms"].get(key) for n in sizes]
        mi = [results[n]["mi"].get(key) for n in sizes]
        print(f"{label + ', wall':62}" + "".join(f"{v:>12.1f} ms" for v in ms)
              + f"   ×{(ms[-1] / ms[0]) ** per10:5.1f}")
        growth = (mi[-1] / mi[0]) ** per10
        linear = growth <= 10 * LINEAR_SLACK
        ok &= linear
        print(f"{'  work (instructions)':62}" + "".join(f"{v:>13.1f} M" for v in mi)
              + f"   ×{growth:5.1f} {'linear' if linear else 'FASTER than linear'}")
    data = results[small]["data"], results[large]["data"]
    print("the hosts' data, per 10× images: " + ", ".join(
        f"{what} ×{(data[1][what] / data[0][what]) ** per10:.1f}" for what in data[0]))
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="host sizes in images (comma-separated)")
    ap.add_argument("--runs", type=int, default=3, help="native runs per step (the counted child runs once)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child, a.counted, a.runs)))
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("bench_work: needs valgrind (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    results = {}
    for n in sorted(int(s) for s in a.sizes.split(",")):
        results[n] = measure(n, a.runs)
        print(f"[{n:,}] " + ", ".join(f"{k} {results[n]['ms'][k]:.1f} ms / {results[n]['mi'].get(k, 0):.0f} M"
                                      for k, _ in STEPS), flush=True)
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
