"""Benchmark: snapshot load time against `docker system df -v` on one engine with 1,000 images.

Starts a disposable private engine (--engine dockerd: dockerd 20.10, classic store; --engine engine29:
Docker Engine 29, containerd image store) or uses --host, fills it with one `docker load` of a
generated archive (bench/make_archive.py), then reports in one run:
- in process: the snapshot load (cold: no cache; warm: image cache filled) against `docker system df -v`,
  and a plain docker-py inspect+history loop for scale;
- whole processes: `main.py snapshot --json --host …` (cold: empty LAYERSCOPE_CACHE; warm: filled)
  against `docker system df -v` and `docker images -a` on the same engine, as medians of paired runs.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import docker  # noqa: E402
from daemon import PrivateDaemon, PrivateService  # noqa: E402  (tests/ is on sys.path)
from engine29 import Engine29  # noqa: E402
from make_archive import make_archive  # noqa: E402  (bench/ is on sys.path when run as a script)
from model.core.analysis import Analysis  # noqa: E402
from model.daemon.imagecache import ImageCache  # noqa: E402
from model.daemon.source import connect, read_info, read_snapshot  # noqa: E402

# Targets, whole processes: the snapshot against `docker system df -v` (cold and warm, ≤ 2×), and a
# start with the image cache filled against `docker images -a` (≤ 2.5×), a cold one against df -v (≤ 3×).
TARGETS = (("cold", "df", 2.0), ("warm", "df", 2.0), ("warm", "images", 2.5), ("cold", "df", 3.0))


def timed(fn, runs: int) -> list[float]:
    """Wall times of ``runs`` calls of fn."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def start_engine(engine: str) -> PrivateService:
    """Start a disposable private engine of the given kind (tests/daemon.py, tests/engine29.py)."""
    service: PrivateService = Engine29() if engine == "engine29" else PrivateDaemon()
    try:
        service.start()
    except BaseException:
        service.cleanup()
        raise
    return service


def fill(service: PrivateService, images: int) -> None:
    """Load one generated docker-save archive of ``images`` images (both image stores accept it)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "bench.tar")
        n_images, n_layers = make_archive(archive, images)
        client = service.client(timeout=3600)
        t = time.perf_counter()
        with open(archive, "rb") as f:
            for _ in client.api.load_image(f.read()):
                pass
        took = time.perf_counter() - t
    listed = len(client.api.images(all=True))
    if listed != n_images:
        raise SystemExit(f"docker load gave {listed} images, the archive holds {n_images}")
    print(f"filled {service.NAME}: {n_images} images, {n_layers} layers in {took:.1f}s (docker load)")


def run_process(argv: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    """Wall time and stdout of one whole process; its failure ends the benchmark."""
    t = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed: {done.stderr.decode(errors='replace').strip()[-300:]}")
    return took, done.stdout


# Whole processes, paired: each round runs df -v, images -a, a cold snapshot (a fresh
# empty LAYERSCOPE_CACHE) and a warm one (the cache a first, untimed snapshot filled),
# rotating their order so drift on a shared machine falls on each alike.  Ratios are
# taken within a round, then their median.
def whole_processes(host: str, cli_env: dict[str, str], runs: int, expect_images: int) -> dict[str, list[float]]:
    """Per-command wall times over ``runs`` paired rounds (plus the per-round snapshot/df ratios)."""
    with tempfile.TemporaryDirectory(prefix="ls-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("LAYERSCOPE_NO_CACHE", "DOCKER_HOST")}
        snapshot = [sys.executable, str(ROOT / "main.py"), "snapshot", "--json", "--host", host]

        warm_dir = os.path.join(tmp, "warm")
        commands = {
            "df -v": lambda: run_process(["docker", "system", "df", "-v"], cli_env),
            "images -a": lambda: run_process(["docker", "images", "-a"], cli_env),
            "cold": lambda: run_process(snapshot, dict(env, LAYERSCOPE_CACHE=tempfile.mkdtemp(dir=tmp))),
            "warm": lambda: run_process(snapshot, dict(env, LAYERSCOPE_CACHE=warm_dir)),
        }
        _, out = commands["warm"]()                       # untimed: fills the warm cache, checks the report
        reported = len(json.loads(out)["images"])
        if reported != expect_images or not any(Path(warm_dir).glob("images-*.json")):
            raise SystemExit(f"snapshot reported {reported} images of {expect_images}, or wrote no cache")
        times: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for r in range(runs):
            for name in names[r % len(names):] + names[:r % len(names)]:
                times[name].append(commands[name]()[0])
    for name in ("cold", "warm"):
        times[f"{name}/df"] = [s / d for s, d in zip(times[name], times["df -v"])]
        times[f"{name}/images"] = [s / d for s, d in zip(times[name], times["images -a"])]
    return times


def in_process(client: docker.DockerClient, cli_env: dict[str, str], runs: int) -> int:
    """Print the snapshot read inside this process, cold and warm, against df -v and a plain docker-py loop."""
    med = statistics.median
    df = timed(lambda: subprocess.run(["docker", "system", "df", "-v"], env=cli_env, check=True,
                                      stdout=subprocess.DEVNULL), runs)
    cold = timed(lambda: Analysis(read_snapshot(client, cache=ImageCache(None))).image_sizes, runs)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache.json"
        read_snapshot(client, cache=ImageCache(cache))
        warm = timed(lambda: Analysis(read_snapshot(client, cache=ImageCache(cache))).image_sizes, runs)
    snap = read_snapshot(client, cache=ImageCache(None))
    an = Analysis(snap)
    t = time.perf_counter()
    for img in snap.images:            # the plain docker-py way, for scale
        client.images.get(img.id).history()
    plain = time.perf_counter() - t
    print(f"images={len(snap.images)} layers={len(an.layer_use)}")
    print("in process:")
    print(f"  docker system df -v     median {med(df):.3f}s  (min {min(df):.3f}, max {max(df):.3f})")
    print(f"  snapshot load, cold     median {med(cold):.3f}s  ratio {med(cold) / med(df):.2f}x df")
    print(f"  snapshot load, warm     median {med(warm):.3f}s  ratio {med(warm) / med(df):.2f}x df")
    print(f"  plain docker-py loop    {plain:.3f}s  ratio {plain / med(df):.2f}x df")
    return len(snap.images)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=("dockerd", "engine29"), default="dockerd",
                    help="which private engine to start (dockerd 20.10, or Engine 29 on the containerd store)")
    ap.add_argument("--host", help="use this (already filled) engine instead of starting one")
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5, help="timed runs (paired rounds for whole processes)")
    ap.add_argument("--keep", action="store_true", help="leave the private engine running")
    ap.add_argument("--whole-only", action="store_true", help="time whole processes only (skip the in-process part)")
    a = ap.parse_args()

    service = start_engine(a.engine) if a.host is None else None
    host = service.url if service is not None else a.host
    cli_env = service.cli_env() if hasattr(service, "cli_env") else {**os.environ, "DOCKER_HOST": host}
    try:
        if service is not None:
            fill(service, a.images)
        client = connect(host)
        info = read_info(client)
        print(f"engine: {info.engine} {info.version} (API {info.api_version}), {info.image_store} store, "
              f"{info.storage_driver}, at {host}")
        n_images = len(client.api.images(all=True)) if a.whole_only else in_process(client, cli_env, a.runs)
        med = statistics.median
        times = whole_processes(host, cli_env, a.runs, n_images)
        print(f"whole processes, {a.runs} paired rounds (median, min-max):")
        for name, label in (("df -v", "docker system df -v"), ("images -a", "docker images -a"),
                            ("cold", "main.py snapshot, cold"), ("warm", "main.py snapshot, warm")):
            ts = times[name]
            print(f"  {label:24}{med(ts):.3f}s  ({min(ts):.3f}-{max(ts):.3f})")
        verdict = {}
        for name in ("cold", "warm"):
            print(f"  snapshot {name} / df -v     {med(times[f'{name}/df']):.2f}x   "
                  f"/ images -a {med(times[f'{name}/images']):.2f}x")
        for name, against, limit in TARGETS:
            ratio = med(times[f"{name}/{against}"])
            verdict[(name, against, limit)] = ratio <= limit
            yardstick = "df -v" if against == "df" else "images -a"
            print(f"target {name} snapshot <= {limit:g}x {yardstick} (whole processes): {ratio:.2f}x",
                  "met" if ratio <= limit else "MISSED")
        return 0 if all(verdict.values()) else 1
    finally:
        if service is not None and not a.keep:
            service.cleanup()


if __name__ == "__main__":
    sys.exit(main())
