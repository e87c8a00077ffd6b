"""Time the rmi / prune simulation on a synthetic 1,000-image, ~2,600-layer snapshot (target ≤ 50 ms each).

Run: python bench/bench_simulate.py"""
from __future__ import annotations

import hashlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.engine import simulate                                              # noqa: E402
from model.core.history import layer_sizes                                   # noqa: E402
from model.core.snapshot import Container, DaemonInfo, HistoryRow, Image, Snapshot  # noqa: E402


def _digest(*parts: object) -> str:
    return "sha256:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def synthetic(n_images: int = 1000, seed: int = 1) -> Snapshot:
    """100 base stacks of 6 layers, then 900 images on them: tagged, untagged, classic-built chains."""
    rng = random.Random(seed)
    images: list[Image] = []

    def make(diffs: tuple[str, ...], parent: str, tags: tuple[str, ...], n: int) -> Image:
        rows = tuple(HistoryRow(id="<missing>", created=1_700_000_000 + n, created_by=f"RUN step {k}",
                                size=1000 + k) for k in range(len(diffs)))[::-1]
        return Image(id=_digest("img", n, diffs), repo_tags=tags, repo_digests=(), parent=parent,
                     created=f"2024-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}.123456789Z",
                     size=sum(r.size for r in rows), diff_ids=diffs, history=rows)

    bases = []
    for b in range(100):
        diffs = tuple(_digest("base", b, k) for k in range(6))
        img = make(diffs, "", (f"base{b}:latest",), len(images))
        images.append(img)
        bases.append(img)
    while len(images) < n_images:
        n = len(images)
        parent = rng.choice(images if rng.random() < 0.5 else bases)
        extra = tuple(_digest("layer", n, k) for k in range(rng.choice([1, 2, 2, 3, 3])))
        kind = rng.random()
        tags = (f"app{n}:v1",) if kind < 0.6 else ()
        images.append(make(parent.diff_ids + extra, parent.id if kind > 0.3 else "", tags, n))
    containers = tuple(Container(id=_digest("ctr", k)[7:], names=(f"/c{k}",), image=img.id, image_id=img.id,
                                 state=rng.choice(["running", "exited"]))
                       for k, img in enumerate(rng.sample(images, 50)))
    return Snapshot(info=DaemonInfo(version="20.10.24"), images=tuple(images), containers=containers)


def best_of(fn, repeat: int = 10) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000


def main() -> None:
    snap = synthetic()
    layers = {c for i in snap.images for c in i.chain_ids}
    sizes = layer_sizes(snap)
    print(f"snapshot: {len(snap.images)} images, {len(layers)} layers, {len(snap.containers)} containers")
    tagged = [i for i in snap.images if i.repo_tags and not snap.children.get(i.id)]
    ref = tagged[0].repo_tags[0]
    rmi_ms = best_of(lambda: simulate.rmi(snap, [ref]))
    prune_ms = best_of(lambda: simulate.prune(snap, sizes=sizes))
    prune_all_ms = best_of(lambda: simulate.prune(snap, all=True, sizes=sizes))
    prune_cold_ms = best_of(lambda: simulate.prune(snap), repeat=3)
    res, _ = simulate.prune(snap, all=True, sizes=sizes)
    print(f"rmi {ref}: {rmi_ms:.1f} ms")
    print(f"prune (dangling): {prune_ms:.1f} ms")
    print(f"prune -a: {prune_all_ms:.1f} ms ({len(res.images_deleted)} entries)")
    print(f"prune incl. layer sizes from history: {prune_cold_ms:.1f} ms")
    ok = max(rmi_ms, prune_ms, prune_all_ms) <= 50
    print("target <= 50 ms each:", "met" if ok else "MISSED")


if __name__ == "__main__":
    main()
