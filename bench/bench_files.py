"""Benchmark: files per layer of a ≥ 500 MB image against `docker save IMAGE > /dev/null` on the same engine.

Starts a disposable private engine (--engine dockerd: dockerd 20.10, classic store, legacy archive layout;
--engine engine29: Engine 29, containerd store, OCI layout with gzip layers) or uses --host, builds one image
of several layers — many small files, big ones, one big file overwritten — then reports in one run, as
medians of paired rounds (the order rotating each round):
- speed: `docker save IMAGE > /dev/null` (the docker CLI) against `main.py files --json IMAGE --host …` with
  an empty file-index cache (LAYERSCOPE_CACHE=a fresh directory), both whole processes; target: ours takes
  at most 1.25× docker save's time (≥ 0.8× its speed);
- peak memory of that `main.py files` process (its own VmHWM, written by the process as it exits); target
  ≤ 150 MB;
- the second look: `read_layer_files` in this process with the cache filled; target ≤ 100 ms.
Exit status 1 when a target is missed.
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

import builders  # noqa: E402  (tests/ is on sys.path)
from bench_load import start_engine  # noqa: E402  (bench/ is on sys.path when run as a script)
from model.daemon.imagesave import read_layer_files  # noqa: E402
from model.daemon.source import connect, read_info, read_snapshot  # noqa: E402
from model.files.cache import FilesCache  # noqa: E402

SPEED_TARGET = 1.25         # our time / docker save's time (≥ 0.8× its speed)
MEMORY_TARGET = 150         # MB, peak resident memory of the main.py files process
WARM_TARGET = 0.100         # s, the second look (cache filled), in process
TAG = "bench-files:1"
SMALL_FILES, SMALL_MAX = 20_000, 4096
# The image, bottom first: busybox; 20,000 small files (COPY); two 200 MB files (RUN dd); the first big file
# overwritten by a 100 MB one, and a few hundred small files deleted (RUN).
DOCKERFILE = """FROM bench-files-base:1
COPY small /small
RUN dd if=/dev/urandom of=/big1 bs=1M count=200 2>/dev/null
RUN dd if=/dev/urandom of=/big2 bs=1M count=200 2>/dev/null
RUN dd if=/dev/urandom of=/big1 bs=1M count=100 2>/dev/null && rm -r /small/1[0-9][0-9]
"""

# The child reports its own peak memory (KiB) as it exits: VmHWM is the exec'd process's own peak
# (ru_maxrss is not: Linux carries it over from the forking parent).
WRAPPER = ("import runpy, sys\n"
           "out, sys.argv = sys.argv[1], sys.argv[2:]\n"
           "try:\n"
           "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
           "finally:\n"
           "    line = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
           "    open(out, 'w').write(line.split()[1])\n")


def build_image(client) -> str:
    """Build the benchmark image (classic builder); returns its ID."""
    builders.import_image(client, "bench-files-base:1", changes=())
    small = {f"small/{n}": builders.noise(64 + (n * 977) % SMALL_MAX, n) for n in range(SMALL_FILES)}
    t = time.perf_counter()
    image_id = builders.build(client, DOCKERFILE, TAG, small)
    info = client.api.inspect_image(image_id)
    print(f"built {TAG}: {info['Size'] / 1e6:.0f} MB in {len(info['RootFS']['Layers'])} layers "
          f"({time.perf_counter() - t:.1f}s)")
    return image_id


def docker_save(cli_env: dict[str, str]) -> tuple[float, int]:
    """Wall time of `docker save IMAGE > /dev/null` (no memory figure: 0)."""
    t = time.perf_counter()
    subprocess.run(["docker", "save", TAG], env=cli_env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t, 0


def files_cold(host: str, tmp: str) -> tuple[float, int]:
    """Wall time and peak memory (KiB) of `main.py files --json IMAGE --host …` with an empty cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("LAYERSCOPE_NO_CACHE", "DOCKER_HOST")}
    env["LAYERSCOPE_CACHE"] = tempfile.mkdtemp(dir=tmp)
    peak_file = os.path.join(env["LAYERSCOPE_CACHE"], "peak")
    argv = [sys.executable, "-c", WRAPPER, peak_file, str(ROOT / "main.py"), "files", "--json", TAG, "--host", host]
    t = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"main.py files failed: {done.stderr.decode(errors='replace').strip()[-300:]}")
    listed = sum(len(layer["files"]) for layer in json.loads(done.stdout)["layers"])
    if listed < SMALL_FILES:
        raise SystemExit(f"main.py files listed {listed} files, the image holds over {SMALL_FILES}")
    return took, int(Path(peak_file).read_text())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=("dockerd", "engine29"), default="dockerd",
                    help="which private engine to start (dockerd 20.10, or Engine 29 on the containerd store)")
    ap.add_argument("--host", help=f"use this engine (it must hold {TAG}, or let the benchmark build it)")
    ap.add_argument("--runs", type=int, default=3, help="paired rounds (at least 3)")
    ap.add_argument("--keep", action="store_true", help="leave the private engine running")
    a = ap.parse_args()
    runs = max(3, a.runs)

    service = start_engine(a.engine) if a.host is None else None
    host = service.url if service is not None else a.host
    cli_env = service.cli_env() if hasattr(service, "cli_env") else {**os.environ, "DOCKER_HOST": host}
    try:
        client = connect(host)
        info = read_info(client)
        print(f"engine: {info.engine} {info.version} (API {info.api_version}), {info.image_store} store, "
              f"{info.storage_driver}, at {host}")
        if service is not None or not client.api.images(name=TAG):
            build_image(client)
        snap = read_snapshot(client)
        image = next(img for img in snap.images if TAG in img.repo_tags)
        med = statistics.median
        with tempfile.TemporaryDirectory(prefix="ls-bench-files-") as tmp:
            commands = {"docker save": lambda: docker_save(cli_env), "files cold": lambda: files_cold(host, tmp)}
            docker_save(cli_env)                        # untimed: the daemon's caches warmed alike for both
            times: dict[str, list[float]] = {name: [] for name in commands}
            peaks: list[int] = []
            names = list(commands)
            for r in range(runs):
                for name in names[r % len(names):] + names[:r % len(names)]:
                    took, peak = commands[name]()
                    times[name].append(took)
                    if peak:
                        peaks.append(peak)
            ratios = [ours / theirs for ours, theirs in zip(times["files cold"], times["docker save"])]
            cache = FilesCache(Path(tmp) / "warm")
            read_layer_files(client, image, cache)      # fills the cache
            warm = []
            for _ in range(max(5, runs)):
                t = time.perf_counter()
                read_layer_files(client, image, FilesCache(Path(tmp) / "warm"))
                warm.append(time.perf_counter() - t)
        size_mb = image.size / 1e6
        print(f"image {TAG}: {size_mb:.0f} MB, {len(image.diff_ids)} layers; {runs} paired rounds "
              f"(median, min-max):")
        for name in names:
            ts = times[name]
            print(f"  {name:12} {med(ts):.3f}s  ({min(ts):.3f}-{max(ts):.3f})  {size_mb / med(ts):.0f} MB/s")
        ratio, peak_mb, warm_s = med(ratios), max(peaks) / 1024, med(warm)
        verdicts = {
            f"files cold / docker save <= {SPEED_TARGET:g}x (speed >= {1 / SPEED_TARGET:.2g}x)":
                (ratio <= SPEED_TARGET, f"{ratio:.2f}x (speed {1 / ratio:.2f}x)"),
            f"peak memory of main.py files <= {MEMORY_TARGET} MB": (peak_mb <= MEMORY_TARGET, f"{peak_mb:.0f} MB"),
            f"second look (cache warm, in process) <= {WARM_TARGET * 1000:.0f} ms":
                (warm_s <= WARM_TARGET, f"{warm_s * 1000:.1f} ms"),
        }
        for label, (ok, value) in verdicts.items():
            print(f"target {label}: {value} — {'met' if ok else 'MISSED'}")
        return 0 if all(ok for ok, _ in verdicts.values()) else 1
    finally:
        if service is not None and not a.keep:
            service.cleanup()


if __name__ == "__main__":
    sys.exit(main())
