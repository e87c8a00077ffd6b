"""Benchmark: snapshot load time against `docker system df -v` on one daemon with 1,000 images.

Starts a disposable private dockerd (or uses --host), fills it with one `docker load`
of a generated archive (bench/make_archive.py), then reports in one run:
the snapshot load time (cold: no cache; warm: image cache filled), the wall time of
`docker system df -v`, their ratio, and a plain docker-py inspect+history loop for scale.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from make_archive import make_archive  # noqa: E402  (bench/ is on sys.path when run as a script)
from model.core.analysis import Analysis  # noqa: E402
from model.daemon.imagecache import ImageCache  # noqa: E402
from model.daemon.source import connect, read_snapshot  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    """Wall times of ``runs`` calls of fn."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--host", help="use this (already filled) daemon instead of starting one")
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="leave the private daemon running")
    a = ap.parse_args()

    daemon = None
    host = a.host
    if host is None:
        from daemon import PrivateDaemon
        daemon = PrivateDaemon()
        daemon.start()
        host = daemon.url
        with tempfile.TemporaryDirectory() as tmp:
            archive = os.path.join(tmp, "bench.tar")
            n_images, n_layers = make_archive(archive, a.images)
            t = time.perf_counter()
            with open(archive, "rb") as f:
                for _ in daemon.client(timeout=3600).api.load_image(f.read()):
                    pass
            print(f"filled daemon: {n_images} images, {n_layers} layers in {time.perf_counter() - t:.1f}s (docker load)")
    try:
        client = connect(host)
        env = {**os.environ, "DOCKER_HOST": host}
        df = timed(lambda: subprocess.run(["docker", "system", "df", "-v"], env=env, check=True,
                                          stdout=subprocess.DEVNULL), a.runs)
        cold = timed(lambda: Analysis(read_snapshot(client, cache=ImageCache(None))).image_sizes, a.runs)
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "cache.json"
            read_snapshot(client, cache=ImageCache(cache))
            warm = timed(lambda: Analysis(read_snapshot(client, cache=ImageCache(cache))).image_sizes, a.runs)
        snap = read_snapshot(client, cache=ImageCache(None))
        an = Analysis(snap)
        t = time.perf_counter()
        for img in snap.images:            # the plain docker-py way, for scale
            client.images.get(img.id).history()
        plain = time.perf_counter() - t
        med = statistics.median
        print(f"images={len(snap.images)} layers={len(an.layer_use)}")
        print(f"docker system df -v     median {med(df):.3f}s  (min {min(df):.3f}, max {max(df):.3f})")
        print(f"snapshot load, cold     median {med(cold):.3f}s  ratio {med(cold) / med(df):.2f}x df")
        print(f"snapshot load, warm     median {med(warm):.3f}s  ratio {med(warm) / med(df):.2f}x df")
        print(f"plain docker-py loop    {plain:.3f}s  ratio {plain / med(df):.2f}x df")
        ok = med(cold) <= 3 * med(df)
        print("target load <= 3x df:", "met" if ok else "MISSED")
        return 0 if ok else 1
    finally:
        if daemon is not None and not a.keep:
            daemon.cleanup()


if __name__ == "__main__":
    sys.exit(main())
