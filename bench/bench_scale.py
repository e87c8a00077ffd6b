"""Scale benchmark: every cost at 1,000, 3,000 and 10,000 images (about 2.7 layers an image), against the targets.

Run: ``python bench/bench_scale.py [--sizes 1000,3000,10000] [--host 10000=unix:///…/docker.sock …] [--keep]``

Per size, a private dockerd 20.10 filled by one ``docker load`` of bench/make_archive.py's archive (built here,
or an already filled one given with ``--host SIZE=URL``; ``--keep`` leaves the ones built here running and prints
their ``--host``), and the same host as a Snapshot (make_archive.archive_snapshot).  Each size is measured in
processes of its own, so peak memory is per size:

* load: the whole ``main.py snapshot --json --host`` process, cold (empty image cache) and warm, against the whole
  ``docker system df -v`` on the same daemon, medians of paired rounds (bench/bench_load.py's whole_processes);
* the window (a child process, offscreen, 1600×1000) on the archive's Snapshot: analysis and layout (what the loader
  does off the UI thread); first paint (snapshot handed over → analysed, laid out, fitted, the map's first frame
  painted: the window's ``painted`` signal) and the window filled (items, table, details, charts); frame times
  fitted (zoom steps), zooming from fit to 100 %, and at 100 % (pans and zoom steps); selection (a table row, a
  click on a badge; each with the repaint it causes); an rmi dry run (the model's prediction as ``main.py rmi
  --dry-run`` makes it, and the window's preview with its marks); one event applied (a retag: the live path's
  preparation off the UI thread plus the swap and repaint on it); peak memory (VmHWM and ru_maxrss of that child);
* one event on the daemon: ``docker tag`` → the tag in the window's table and graph (bench/bench_live.py).

It prints every figure, a table with met/MISSED per target at the largest size, each cost's growth factor from
the smallest to the largest size (per 10× images), and writes bench/out/scale.png (each cost against host size).
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

SIZES = (1000, 3000, 10000)
OUT = ROOT / "bench" / "out" / "scale.png"
LINEAR_SLACK = 1.1          # "no faster than linearly": at most 10× per 10× images, with 10 % for noise


@dataclass(frozen=True)
class Cost:
    """One measured figure: its key in the results, how it is printed, and its target at the largest size."""

    key: str
    label: str
    unit: str                       # "ms" | "s" | "MB" | "x"
    limit: float | None = None      # the target (≤), None when only printed
    grows: bool = True              # checked for linear growth


COSTS = (
    Cost("df_s", "docker system df -v (whole process)", "s"),
    Cost("cold_s", "main.py snapshot --json, cold (whole process)", "s"),
    Cost("warm_s", "main.py snapshot --json, warm (whole process)", "s"),
    Cost("cold_df", "load cold / df -v", "x", 2.0, grows=False),
    Cost("warm_df", "load warm / df -v", "x", 2.0, grows=False),
    Cost("analysis_ms", "analysis off the UI thread (statuses, layer use)", "ms"),
    Cost("layout_ms", "layout (the forest and its boxes)", "ms"),
    Cost("first_paint_ms", "first paint after the snapshot", "ms", 1500.0),
    Cost("ready_ms", "window filled after the snapshot (table, details, charts)", "ms"),
    Cost("fit_frame_ms", "frame, fitted (max)", "ms", 33.0),
    Cost("sweep_frame_ms", "frame, zoom fit → 100 % (max)", "ms", 33.0),
    Cost("full_frame_ms", "frame, at 100 % (max)", "ms", 33.0),
    Cost("select_table_ms", "selection, table row (median)", "ms", 50.0),
    Cost("select_graph_ms", "selection, click on a badge (median)", "ms", 50.0),
    Cost("dry_run_ms", "rmi dry run, model (median)", "ms", 100.0),
    Cost("preview_ms", "rmi dry run, window preview (median)", "ms", 100.0),
    Cost("event_ms", "one event applied, window (median)", "ms", 300.0),
    Cost("live_tag_ms", "docker tag → shown, daemon (median)", "ms", 300.0),
    Cost("peak_mb", "peak memory of the window (VmHWM)", "MB", 1024.0),
)


# -- the window, in a child process per size ------------------------------------------------------------
class Frames:
    """Wall times of pieces of work, with the interpreter's full collections that fell inside them."""

    def __init__(self) -> None:
        self.gc_ms = 0.0
        self.cpu: list[float] = []              # CPU milliseconds of each timed call, in order
        self._t = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        if info.get("generation") == 2:
            if phase == "start":
                self._t = time.perf_counter()
            else:
                self.gc_ms += (time.perf_counter() - self._t) * 1000

    def time(self, fn) -> float:
        """Milliseconds one call of ``fn`` takes (wall clock); the thread's CPU time goes to ``cpu``."""
        t, c = time.perf_counter(), time.thread_time()
        fn()
        self.cpu.append((time.thread_time() - c) * 1000)
        return (time.perf_counter() - t) * 1000


def peak_memory() -> tuple[float, float]:
    """This process's peak resident memory in MB: VmHWM, and ru_maxrss."""
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    return hwm / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def window_costs(images: int, runs: int) -> dict[str, float]:
    """Measure the window on the archive's host of ``images`` images (see the module docstring)."""
    import pickle

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = tempfile.mkdtemp(prefix="ls-bench-scale-")
    os.environ["LAYERSCOPE_CACHE"] = os.path.join(tmp, "cache")
    from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.path.join(tmp, "settings"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from make_archive import archive_snapshot

    from gui.app import make_window
    from gui.live import changed_ids
    from gui.tablemodel import IMAGE_ID_ROLE
    from gui.workers import analyse, layout_for
    from model.core.bulk import bulk
    from model.core.snapshotfile import check_consistency
    from model.engine.plan import RMI, Request, make_plan

    med = statistics.median
    out: dict[str, float] = {}
    clock = Frames()
    # The snapshot as a reader hands it over: checked as every reader checks it (snapshotfile.check_consistency,
    # which computes the chain IDs) and nothing else derived from it yet.  Each run unpickles a fresh copy from
    # a file (so this harness holds no second copy in memory).
    frozen = os.path.join(tmp, "snapshot.pickle")
    with open(frozen, "wb") as f:
        pickle.dump(archive_snapshot(images), f)

    @bulk
    def fresh():                                # (read as the readers read: under bulk, so frozen once made)
        with open(frozen, "rb") as f:
            snap = pickle.load(f)
        check_consistency(snap)
        return snap

    analysis, layout = [], []
    for _ in range(runs):
        snap = fresh()
        t = time.perf_counter()
        a = analyse(snap)
        analysis.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        drawn = layout_for(a, False)
        layout.append((time.perf_counter() - t) * 1000)
    out["analysis_ms"], out["layout_ms"] = med(analysis), med(layout)
    out["layers"] = len(a.layer_use)
    out["history_rows"] = sum(len(img.history) for img in snap.images)
    out["boxes"] = len(drawn.nodes)

    window = make_window(None)
    window.resize(1600, 1000)
    window.show()
    view = window.graph_view
    small = archive_snapshot(40)

    def first_paint() -> None:
        window.show_snapshot(snap, origin="file")
        app.processEvents()                     # the fit queued after the first show, and posted updates
        view.viewport().repaint()

    # first paint: from the snapshot handed over to the layer map's first painted frame (its ``painted``
    # signal, as --exit-after-first-paint reports it); ready: until the table, details and charts are
    # filled too and the queued fit is painted (the window paints the map first, then fills the rest)
    painted_at: list[float] = []
    view.painted.connect(lambda _items: painted_at.append(time.perf_counter()))
    paints, ready = [], []
    for _ in range(runs):                       # each from a window showing a small host (fonts, styles warm)
        snap = fresh()
        window.show_snapshot(small, origin="file")
        app.processEvents()
        painted_at.clear()
        start = time.perf_counter()
        ready.append(clock.time(first_paint))
        paints.append((painted_at[0] - start) * 1000)
    out["first_paint_ms"], out["ready_ms"] = med(paints), med(ready)
    out["scene_items"] = len(view.scene().items())

    def frame(change) -> float:
        return clock.time(lambda: (change(), view.viewport().repaint()))

    def frames(key: str, changes: list) -> None:
        """Time one frame per change: max and median wall clock, max CPU of the UI thread."""
        clock.cpu.clear()
        walls = [frame(change) for change in changes]
        out[key], out[key.replace("_ms", "_median_ms")], out[key.replace("_ms", "_cpu_ms")] = \
            max(walls), med(walls), max(clock.cpu)

    view.fit_all()
    view.viewport().repaint()
    gc0 = clock.gc_ms
    frames("fit_frame_ms", [lambda i=i: view.zoom_by(1.02 if i % 2 == 0 else 1 / 1.02) for i in range(20)])
    out["fit_scale"] = view.current_scale()
    steps = 0
    while view.current_scale() * 1.25 ** steps < 1.0:
        steps += 1
    frames("sweep_frame_ms", [lambda: view.zoom_by(min(1.25, 1.0 / view.current_scale()))] * steps)
    # 100 %, over the middle of the forest: pans across and down, zoom steps
    view.zoom_to(1.0)
    view.centerOn(view.scene().sceneRect().center())
    view.viewport().repaint()
    bars = (view.horizontalScrollBar(), view.verticalScrollBar())
    frames("full_frame_ms", [lambda i=i: bars[i % 2].setValue(bars[i % 2].value() + 120) for i in range(20)]
           + [lambda i=i: view.zoom_by(1.05 if i % 2 == 0 else 1 / 1.05) for i in range(10)])
    out["frames_gc_ms"] = clock.gc_ms - gc0

    # selection at 100 %: a table row made current (as a click on it does), and a click on a badge
    view.zoom_to(1.0)
    current = window.session.current
    tagged = [i for i in current.snapshot.images if i.repo_tags and i.id in view.image_items]
    picks = [tagged[k * len(tagged) // 10] for k in range(10)]
    proxy, model, table = window.images_proxy, window.images_model, window.table
    row_of = {}
    for row in range(model.rowCount()):
        row_of.setdefault(model.index(row, 0).data(IMAGE_ID_ROLE), row)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    by_table = []
    for img in picks:
        index = proxy.mapFromSource(model.index(row_of[img.id], 0))
        by_table.append(clock.time(lambda: (table.selectionModel().setCurrentIndex(index, flags),
                                            app.processEvents())))
    by_click = []
    for img in reversed(picks):
        item = view.image_items[img.id]
        view.centerOn(item)
        app.processEvents()
        pos = view.mapFromScene(item.rect.center())
        by_click.append(clock.time(lambda: (QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                                                             Qt.KeyboardModifier.NoModifier, pos),
                                            app.processEvents())))
        if window.session.current_image != img.id:
            raise SystemExit(f"a click on {img.repo_tags[0]} did not select it")
    out["select_table_ms"], out["select_table_max_ms"] = med(by_table), max(by_table)
    out["select_graph_ms"], out["select_graph_max_ms"] = med(by_click), max(by_click)

    # rmi dry run: the model's prediction from the snapshot alone (as `main.py rmi --dry-run`), and the
    # window's preview (the analysis' sizes, marks on the graph and the storage map, the list)
    refs = [img.repo_tags[0] for img in picks[:5]]
    dry = []
    for ref in refs:
        snap = fresh()
        dry.append(clock.time(lambda: make_plan(snap, Request(RMI, (ref,)))))
    out["dry_run_ms"] = med(dry)
    previews = []
    for ref in refs:
        previews.append(clock.time(lambda: (window.previewing.preview_rmi(ref), app.processEvents())))
        window.previewing.clear()
        app.processEvents()
    out["preview_ms"], out["preview_max_ms"] = med(previews), max(previews)

    # one event: a tag added (then removed) on an image; prepared as the live path does it off the UI
    # thread (gui.liveupdates' prepare), then swapped in and painted on the UI thread
    live = window.live_updates.live
    target = picks[3]
    events, prepares = [], []
    for n in range(runs + 1):
        old = window.session.current.snapshot
        tags = target.repo_tags + ((f"bench/event:{n}",) if n % 2 == 0 else ())
        new = old.replace(images=tuple(i if i.id != target.id else
                                       dataclasses.replace(i, repo_tags=tags) for i in old.images))
        context = {"show_intermediates": window.views.show_intermediates, "aspect": window.views.graph_aspect()}
        t = time.perf_counter()
        prepared = live.prepare(window.session.real_loaded(), new, context)
        prepares.append((time.perf_counter() - t) * 1000)
        window.apply_snapshot(new, changed_ids(old, new), prepared)
        app.processEvents()
        events.append((time.perf_counter() - t) * 1000)
    out["event_ms"], out["event_prepare_ms"] = med(events), med(prepares)
    out["peak_mb"], out["peak_maxrss_mb"] = peak_memory()
    window.close()
    return out


# -- the daemon ----------------------------------------------------------------------------------------
def build_host(images: int):
    """Start a private dockerd 20.10 and fill it with ``images`` images (one docker load); the running service."""
    from bench_load import fill, start_engine
    service = start_engine("dockerd")
    try:
        fill(service, images)
    except BaseException:
        service.cleanup()
        raise
    return service


def load_costs(host: str, images: int, runs: int) -> dict[str, float]:
    """Whole processes on the daemon: snapshot cold and warm against df -v (medians of paired rounds)."""
    from bench_load import whole_processes
    times = whole_processes(host, {**os.environ, "DOCKER_HOST": host}, runs, images)
    med = statistics.median
    return {"df_s": med(times["df -v"]), "images_s": med(times["images -a"]), "cold_s": med(times["cold"]),
            "warm_s": med(times["warm"]), "cold_df": med(times["cold/df"]), "warm_df": med(times["warm/df"])}


def live_costs(host: str, runs: int) -> dict[str, float]:
    """``docker tag`` → the tag in the window's table and graph, through bench/bench_live.py."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_live.py"), "--host", host,
                           "--runs", str(runs)], cwd=ROOT, capture_output=True, text=True)
    found = {k: re.search(rf"^\s*{k}\s+median\s+([\d.]+) ms", done.stdout, re.M) for k in ("tag", "untag")}
    if not all(found.values()):
        raise SystemExit(f"bench_live.py gave no figures: {(done.stdout + done.stderr)[-600:]}")
    first = re.search(r"first load ([\d.]+) s", done.stdout)
    return {"live_tag_ms": float(found["tag"][1]), "live_untag_ms": float(found["untag"][1]),
            "live_first_load_s": float(first[1]) if first else float("nan")}


def run_child(images: int, runs: int) -> dict[str, float]:
    """window_costs(images) in a process of its own (its peak memory is this size's alone)."""
    done = subprocess.run([sys.executable, __file__, "--child", str(images), "--runs", str(runs)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"the window child ({images} images) failed: {done.stderr[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- report ------------------------------------------------------------------------------------------------
def show(value: float | None, unit: str) -> str:
    """A figure with its unit."""
    if value is None or value != value:
        return "—"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"


def report(results: dict[int, dict[str, float]]) -> bool:
    """Print the table, the verdicts at the largest size and the growth factors; True when every target is met."""
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    head = "".join(f"{n:>12,}" for n in sizes)
    print(f"\n{'cost':48}{head}   target at {large:,}    growth {small:,}→{large:,} per 10× images")
    ok, faster = True, False
    for cost in COSTS:
        values = [results[n].get(cost.key) for n in sizes]
        if all(v is None for v in values):
            continue
        line = f"{cost.label:48}" + "".join(f"{show(v, cost.unit):>12}" for v in values)
        last = values[-1]
        if cost.limit is not None and last is not None:
            met = last <= cost.limit
            ok &= met
            line += f"   ≤ {show(cost.limit, cost.unit):>8} {'met' if met else 'MISSED':6}"
        else:
            line += " " * 22
        first = values[0]
        if cost.grows and large > small and first and last is not None:
            factor = (last / first) ** (1 / math.log10(large / small))      # per 10× images
            linear = factor <= 10 * LINEAR_SLACK
            faster |= not linear
            line += f"   ×{factor:5.1f} {'linear' if linear else 'FASTER than linear'}"
        print(line)
    hosts = {n: f"{results[n].get('layers', 0):,.0f} layers" for n in sizes}
    print("hosts: " + ", ".join(f"{n:,} images / {hosts[n]}" for n in sizes))
    # what the host holds grows a little faster than its images (deeper chains): the same growth per 10×
    if large > small:
        data = [(what, results[small].get(key), results[large].get(key))
                for what, key in (("layers", "layers"), ("history rows", "history_rows"), ("boxes drawn", "boxes"))]
        print("the hosts' data, per 10× images: " + ", ".join(
            f"{what} ×{(b / a) ** (1 / math.log10(large / small)):.1f}" for what, a, b in data if a and b))
    if faster:
        print("(a cost that grows faster than linearly in wall time: bench/bench_work.py counts the instructions "
              "each step executes beside its wall time, to tell more work from slower memory)")
    return ok


def plot(results: dict[int, dict[str, float]], path: Path) -> None:
    """Each cost against host size (log–log), linear growth from the smallest host dotted, targets dashed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results)
    groups = (("Load: whole processes", ("df_s", "cold_s", "warm_s"), "seconds"),
              ("Snapshot → painted map", ("analysis_ms", "layout_ms", "first_paint_ms"), "milliseconds"),
              ("Frames (slowest)", ("fit_frame_ms", "sweep_frame_ms", "full_frame_ms"), "milliseconds"),
              ("Selection and rmi dry run", ("select_table_ms", "select_graph_ms", "dry_run_ms", "preview_ms"),
               "milliseconds"),
              ("One event", ("event_ms", "live_tag_ms"), "milliseconds"),
              ("Peak memory of the window", ("peak_mb",), "MB"))
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.4))
    by_key = {c.key: c for c in COSTS}
    for ax, (title, keys, unit) in zip(axes.flat, groups):
        if not any(results[n].get(key) is not None for n in sizes for key in keys):
            ax.text(0.5, 0.5, "not measured in this run\n(--no-daemon)", ha="center", va="center",
                    transform=ax.transAxes, fontsize=9, color="0.4")
            ax.set_title(title, fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        limits: dict[float, str] = {}
        for key in keys:
            points = [(n, results[n][key]) for n in sizes if results[n].get(key) is not None]
            if not points:
                continue
            xs, ys = zip(*points)
            (line,) = ax.plot(xs, ys, marker="o", label=by_key[key].label.split(" (")[0])
            ax.plot([xs[0], xs[-1]], [ys[0], ys[0] * xs[-1] / xs[0]], ls=":", color=line.get_color(), lw=1)
            if by_key[key].limit is not None:
                limits.setdefault(by_key[key].limit, line.get_color())
        for limit, color in limits.items():
            ax.axhline(limit, ls="--", lw=1, color=color, alpha=0.7)
            short = {"seconds": "s", "milliseconds": "ms"}.get(unit, unit)
            ax.annotate(f"target {show(limit, short)}", (sizes[0], limit),
                        textcoords="offset points", xytext=(2, 3), fontsize=7, color=color)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("images on the host (≈ 2.7 layers an image)")
        ax.set_ylabel(unit)
        ax.set_title(title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle("Layerscope at scale: each cost against host size (dotted: linear growth from the smallest "
                 "host; dashed: the target at 10,000 images)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"plot: {path}")


# -- main ----------------------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="host sizes in images (comma-separated)")
    ap.add_argument("--host", action="append", default=[], metavar="SIZE=URL",
                    help="an already filled daemon of SIZE images (from an earlier --keep); repeatable")
    ap.add_argument("--keep", action="store_true", help="leave the daemons built here running (prints --host)")
    ap.add_argument("--build-only", action="store_true", help="only build the daemons (use with --keep)")
    ap.add_argument("--no-daemon", action="store_true", help="the window on the synthetic host only")
    ap.add_argument("--runs", type=int, default=3, help="timed runs (paired rounds for whole processes)")
    ap.add_argument("--out", type=Path, default=OUT, help="where the plot goes")
    ap.add_argument("--replot", action="store_true", help="only draw the plot again, from the last run's figures")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(window_costs(a.child, a.runs)))
        return 0
    figures = a.out.with_suffix(".json")
    if a.replot:
        results = {int(n): r for n, r in json.loads(figures.read_text()).items()}
        report(results)
        plot(results, a.out)
        return 0

    sizes = sorted(int(s) for s in a.sizes.split(","))
    hosts = {int(k): v for k, v in (h.split("=", 1) for h in a.host)}
    built = []
    results: dict[int, dict[str, float]] = {}
    try:
        for n in sizes:
            if not a.no_daemon and n not in hosts:
                service = build_host(n)
                built.append(service)
                hosts[n] = service.url
                print(f"built {n:,} images at {service.url}", flush=True)
        if a.build_only:
            return 0
        for n in sizes:
            r = results[n] = {}
            if not a.no_daemon:
                r.update(load_costs(hosts[n], n, a.runs))
                print(f"[{n:,}] load: df -v {r['df_s']:.2f} s, snapshot cold {r['cold_s']:.2f} s "
                      f"({r['cold_df']:.2f}×), warm {r['warm_s']:.2f} s ({r['warm_df']:.2f}×)", flush=True)
            shown = run_child(n, a.runs)
            r.update(shown)
            print(f"[{n:,}] window: " + ", ".join(f"{k} {v:.1f}" for k, v in shown.items()), flush=True)
            if not a.no_daemon:
                r.update(live_costs(hosts[n], max(a.runs, 3)))
                print(f"[{n:,}] daemon event: tag → shown {r['live_tag_ms']:.0f} ms, untag "
                      f"{r['live_untag_ms']:.0f} ms (window's first load {r['live_first_load_s']:.1f} s)", flush=True)
        ok = report(results)
        figures.parent.mkdir(parents=True, exist_ok=True)
        figures.write_text(json.dumps(results, indent=1))
        plot(results, a.out)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        return 0 if ok else 1
    finally:
        for service in built:
            if a.keep:
                print(f"kept: --host {next(n for n, u in hosts.items() if u == service.url)}={service.url}")
            else:
                service.cleanup()


if __name__ == "__main__":
    sys.exit(main())
