"""Benchmark (no daemon): indexing a ≥ 500 MB `docker save` archive against reading it, its peak memory, and
the second look served from the file-index cache.

Builds a dockerd 20.10 legacy archive under /tmp (a few layers, tens of thousands of files and a few big
ones; file data are holes, so the sparse file costs little to make and reads back at page-cache speed),
then reports in one run:
- `cat FILE > /dev/null` (page cache warm) against index_archive over the same file read in 1 MiB chunks,
  in a child process, as a speed ratio (printed only: the daemon bench measures it against `docker save`);
- the child's peak resident memory (VmHWM), which must stay ≤ 150 MB whatever the archive size;
- a cache hit: every layer read back from a FilesCache in a fresh process (the issue's ≤ 100 ms).
Exits non-zero when a target is missed.  Its temporary files are removed.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "files")]

from archives import legacy_parts, parts_size, write_parts, zero_layer  # noqa: E402  (tests/files)

MEMORY_TARGET = 150 * 2**20
CACHE_TARGET = 0.100

# The child: index the archive file in 1 MiB chunks, keep the index in a cache, report time and peak memory.
INDEX_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from model.files.archive import index_archive
from model.files.cache import FilesCache
path, cache_dir, diff_ids = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
def chunks():
    with open(path, "rb", buffering=0) as f:
        while chunk := f.read(1 << 20):
            yield chunk
start = time.perf_counter()
got = index_archive(chunks(), diff_ids)
seconds = time.perf_counter() - start
cache = FilesCache(cache_dir)
for lf in got.values():
    cache.put(lf)
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_kib": peak, "entries": sum(len(lf.entries) for lf in got.values())}))
"""

# The second look: a fresh process reads every layer back from the cache.
CACHE_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from model.files.cache import FilesCache
cache_dir, diff_ids = sys.argv[2], json.loads(sys.argv[3])
cache = FilesCache(cache_dir)
start = time.perf_counter()
got = [cache.get(d) for d in diff_ids]
seconds = time.perf_counter() - start
assert all(got) and not cache.warnings, cache.warnings
print(json.dumps({"seconds": seconds}))
"""


def layers(files: int) -> list[list]:
    """A few layers: a base of many small files and two big ones, an app layer, an overwrite of a big file."""
    small = [(f"usr/share/doc/pkg{n // 100}/file{n}.txt", 512 + (n * 37) % 8000) for n in range(files)]
    app = [(f"app/node_modules/m{n // 50}/index{n}.js", 300 + (n * 53) % 3000) for n in range(files // 2)]
    return [zero_layer(small + [("usr/lib/big1.so", 150 << 20), ("usr/lib/big2.so", 120 << 20)]),
            zero_layer(app + [("app/data.bin", 200 << 20)]),
            zero_layer([("usr/lib/big1.so", 60 << 20), ("etc/motd", 20)])]


def child(script: str, *args: str) -> dict:
    """Run one child script; its JSON answer."""
    out = subprocess.run([sys.executable, "-c", script, str(ROOT), *args], check=True, capture_output=True,
                         text=True, timeout=900)
    return json.loads(out.stdout)


def main() -> int:
    """Build, measure, report; 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40_000, help="small files in the base layer")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ls-bench-index-"))
    try:
        parts, diff_ids = legacy_parts(layers(args.files))
        archive = tmp / "image.tar"
        write_parts(str(archive), parts)
        size = parts_size(parts)
        assert archive.stat().st_size == size >= 500 * 10**6
        cat = []
        for _ in range(3):                  # (the first run warms the page cache)
            start = time.perf_counter()
            subprocess.run(f"cat {archive} > /dev/null", shell=True, check=True)
            cat.append(time.perf_counter() - start)
        cat_seconds = min(cat[1:])
        index = child(INDEX_CHILD, str(archive), str(tmp / "cache"), json.dumps(diff_ids))
        hit = child(CACHE_CHILD, str(tmp / "cache"), json.dumps(diff_ids))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    mb = size / 10**6
    ratio = cat_seconds / index["seconds"]
    peak = index["peak_kib"] * 1024
    print(f"archive: {mb:,.0f} MB, {len(diff_ids)} layers, {index['entries']:,} entries")
    print(f"cat > /dev/null: {cat_seconds:.3f} s ({mb / cat_seconds:,.0f} MB/s)")
    print(f"index_archive:   {index['seconds']:.3f} s ({mb / index['seconds']:,.0f} MB/s)  "
          f"speed ratio to cat: {ratio:.2f}x")
    print(f"peak memory of the indexing process: {peak / 2**20:.1f} MiB (target <= {MEMORY_TARGET / 2**20:.0f})")
    print(f"cache hit, every layer: {hit['seconds'] * 1000:.1f} ms (target <= {CACHE_TARGET * 1000:.0f})")
    failed = [what for what, bad in (("memory", peak > MEMORY_TARGET), ("cache hit", hit["seconds"] > CACHE_TARGET))
              if bad]
    if failed:
        print("MISSED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
