"""GUI benchmark: snapshot → first painted graph, zoom frame time and peak memory on a large synthetic host.

Run: ``python bench/bench_gui.py [--images 1000] [--layers 2600] [--zoom-steps 40]``
(uses QT_QPA_PLATFORM=offscreen unless a platform is already set).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.core.snapshot import Container, DaemonInfo, HistoryRow, Image, Snapshot  # noqa: E402

BASES = [("debian", "bookworm"), ("ubuntu", "22.04"), ("alpine", "3.19"), ("node", "20"),
         ("python", "3.12"), ("golang", "1.22"), ("nginx", "1.25"), ("postgres", "16"),
         ("redis", "7"), ("eclipse-temurin", "21")]
STEPS = ["RUN apt-get update && apt-get install -y --no-install-recommends {pkg}",
         "COPY {pkg}/ /app/{pkg}", "RUN pip install --no-cache-dir {pkg}", "RUN npm ci --omit=dev",
         "ADD {pkg}.tar.gz /opt/", "RUN make -C /src/{pkg} install", "COPY . /srv/{pkg}"]
PKGS = ["curl", "git", "libssl", "requests", "flask", "django", "express", "react", "webapp",
        "api", "worker", "gateway", "billing", "auth", "search", "reports", "ml-model", "etl"]


def _digest(rng: random.Random) -> str:
    return "sha256:" + hashlib.sha256(rng.randbytes(16)).hexdigest()


# Synthetic host.  Start from a few base images (1–4 layers each), then grow
# every new image from a random existing one by 1–4 layers until the image
# count is reached; layer count is steered towards ``n_layers`` by choosing
# how many layers each new image adds.  Each image's history has one row per
# layer (newest first, sizes = layer sizes) plus metadata #(nop) rows of size 0,
# so the model's row → layer mapping is exact.  About 8% of images are left
# untagged (dangling), a few have containers.
def synthetic_snapshot(n_images: int = 1000, n_layers: int = 2600, seed: int = 7) -> Snapshot:
    """A Snapshot of ``n_images`` images sharing ``n_layers`` layers, built in memory."""
    rng = random.Random(seed)
    stacks: list[tuple[list[str], list[int], list[str]]] = []   # diff_ids, sizes, created_by
    layers = 0
    for name, _ in BASES:
        k = rng.randint(1, 4)
        diffs = [_digest(rng) for _ in range(k)]
        sizes = [rng.randint(2_000_000, 80_000_000)] + [rng.randint(0, 5_000_000) for _ in range(k - 1)]
        made = [f"/bin/sh -c #(nop) ADD file:{rng.randbytes(6).hex()} in / "] + [
            f"/bin/sh -c apt-get update && apt-get install -y {rng.choice(PKGS)}" for _ in range(k - 1)]
        stacks.append((diffs, sizes, made))
        layers += k
    while len(stacks) < n_images:
        left_images = n_images - len(stacks)
        want = max(1, round((n_layers - layers) / max(left_images, 1)))
        k = max(1, min(6, want + rng.randint(-1, 1)))
        # prefer recent images a little, so trees get deep as well as wide
        base = stacks[min(len(stacks) - 1, int(len(stacks) * rng.random() ** 0.6))]
        diffs = base[0] + [_digest(rng) for _ in range(k)]
        sizes = base[1] + [rng.choice((0, rng.randint(1_000, 300_000), rng.randint(300_000, 40_000_000)))
                           for _ in range(k)]
        made = base[2] + [rng.choice(STEPS).format(pkg=rng.choice(PKGS)) for _ in range(k)]
        stacks.append((diffs, sizes, made))
        layers += k
    images = []
    used_tags: set[str] = set()
    t0 = 1_700_000_000
    for n, (diffs, sizes, made) in enumerate(stacks):
        image_id = _digest(rng)
        history = []
        for i, (size, text) in enumerate(zip(sizes, made)):
            history.append(HistoryRow(id="<missing>", created=t0 + i * 600, created_by=text, size=size))
            if rng.random() < 0.3:
                history.append(HistoryRow(id="<missing>", created=t0 + i * 600 + 1,
                                          created_by='/bin/sh -c #(nop)  ENV APP_ENV=prod', size=0))
        history.append(HistoryRow(id="<missing>", created=t0 + len(sizes) * 600,
                                  created_by='/bin/sh -c #(nop)  CMD ["/bin/sh"]', size=0))
        history.reverse()
        history[0] = HistoryRow(id=image_id, created=history[0].created, created_by=history[0].created_by,
                                size=history[0].size)
        if n < len(BASES):
            tags = (f"{BASES[n][0]}:{BASES[n][1]}",)
        elif rng.random() < 0.08:
            tags = ()
        else:
            tag = f"team{n % 23}/{rng.choice(PKGS)}:{n}"
            tags = (tag,) if tag not in used_tags else ()
        used_tags.update(tags)
        images.append(Image(id=image_id, repo_tags=tags, repo_digests=(), parent="",
                            created=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z", size=sum(sizes),
                            diff_ids=tuple(diffs), history=tuple(history)))
        t0 += 3600
    containers = tuple(Container(id=f"{i:064x}", names=(f"/svc{i}",), image=images[i * 37].repo_tags[0]
                                 if images[i * 37].repo_tags else images[i * 37].id,
                                 image_id=images[i * 37].id, state="running" if i % 2 else "exited")
                       for i in range(1, min(20, n_images // 37)))
    return Snapshot(info=DaemonInfo(version="20.10.24", host="synthetic://bench"), images=tuple(images),
                    containers=containers, taken_at="2024-12-01T00:00:00+00:00", source="file")


def main() -> int:
    """Measure and print the GUI figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--layers", type=int, default=2600)
    parser.add_argument("--zoom-steps", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from gui.app import make_window
    from model.core.analysis import Analysis
    from model.core.layout import layout_forest

    settings_dir = Path(os.environ.get("TMPDIR", "/tmp")) / "layerscope-bench-settings"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    app = QApplication.instance() or QApplication([])

    t = time.perf_counter()
    snap = synthetic_snapshot(args.images, args.layers)
    t_gen = time.perf_counter() - t
    analysis = Analysis(snap)
    t = time.perf_counter()
    n_layers = sum(1 for _ in analysis.layer_use)
    t_analysis = time.perf_counter() - t
    graph = analysis.graph
    t = time.perf_counter()
    layout = layout_forest(graph)
    t_layout = time.perf_counter() - t
    print(f"synthetic host: {len(snap.images)} images, {n_layers} layers "
          f"(generated in {t_gen:.2f}s; analysis {t_analysis:.2f}s; layout {t_layout * 1000:.0f} ms, "
          f"{len(layout.nodes)} nodes)")

    window = make_window(None)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()

    # snapshot → first painted graph: full pipeline as the loader runs it, then scene build and a paint
    t0 = time.perf_counter()
    window.show_snapshot(snap, origin="file")
    view = window.graph_view
    view.viewport().repaint()
    t_first = time.perf_counter() - t0
    print(f"snapshot → first painted graph: {t_first * 1000:.0f} ms "
          f"(scene items: {len(view.scene().items())})")

    # full-overview frame time: fitted (the whole forest on screen), small zoom steps in and out
    view.fit_all()
    view.viewport().repaint()
    overview = []
    for step in range(args.zoom_steps):
        factor = 1.02 if step % 2 == 0 else 1 / 1.02
        t = time.perf_counter()
        view.zoom_by(factor)
        view.viewport().repaint()
        overview.append(time.perf_counter() - t)
    print(f"overview frame time (fitted, zoom {view.current_scale() * 100:.1f}%): avg "
          f"{sum(overview) / len(overview) * 1000:.1f} ms, max {max(overview) * 1000:.1f} ms")

    # zoom frame time: from fitted (whole forest) in N steps to 4x, repaint forced each step
    view.fit_all()
    view.viewport().repaint()
    frames = []
    for step in range(args.zoom_steps):
        factor = 1.15 if step < args.zoom_steps // 2 else 1 / 1.15
        t = time.perf_counter()
        view.zoom_by(factor)
        view.viewport().repaint()
        frames.append(time.perf_counter() - t)
    avg = sum(frames) / len(frames)
    print(f"zoom frame time: avg {avg * 1000:.1f} ms, max {max(frames) * 1000:.1f} ms over {len(frames)} steps")
    # scroll (pan) frame time at a readable zoom
    view.zoom_to(1.0)
    pans = []
    for _ in range(20):
        t = time.perf_counter()
        view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 120)
        view.viewport().repaint()
        pans.append(time.perf_counter() - t)
    print(f"pan frame time at 100%: avg {sum(pans) / len(pans) * 1000:.1f} ms")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (ru_maxrss): {peak_kb / 1024:.0f} MB")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
