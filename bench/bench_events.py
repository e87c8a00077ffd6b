"""Benchmark: time from `docker tag` (SDK) to a live, incrementally updated snapshot holding the new tag.

Takes an already-filled daemon (--host; e.g. 1,000 images), reads it once, follows its
events with model.daemon.events.LiveSnapshot, then tags an existing image --runs times with a
fresh tag and measures (a) from just before the SDK call and (b) from the daemon's event
timestamp to the publication of the first snapshot holding the tag.  Both update paths
are measured: "patch" (tag events re-read only the tagged image) and "list"
(every update re-lists /images/json?all=1 and /containers/json?all=1).  Only the tags
this script creates are removed afterwards (each removal only untags).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docker  # noqa: E402

from model.daemon.events import CONNECTED, LiveSnapshot, Published, event_time, refresh_incremental  # noqa: E402
from model.daemon.source import connect, read_snapshot  # noqa: E402

TARGET_MS = 300.0


def run_mode(host: str, snap, image_id: str, runs: int, patch: bool, label: str) -> dict[str, list[float]]:
    """Tag ``image_id`` ``runs`` times under one LiveSnapshot; the delays in ms (from call, from event)."""
    published: list[Published] = []
    cond = threading.Condition()
    connected = threading.Event()

    def on_snapshot(p: Published) -> None:
        with cond:
            published.append(p)
            cond.notify_all()

    live = LiveSnapshot(lambda: docker.DockerClient(base_url=host, timeout=60), snap, on_snapshot,
                        lambda s: connected.set() if s == CONNECTED else None, patch=patch)
    live.start()
    client = docker.DockerClient(base_url=host, timeout=60)
    from_call, from_event = [], []
    made: list[str] = []
    try:
        if not connected.wait(10):
            raise SystemExit("could not follow the daemon's events")
        for n in range(runs):
            live.wait_idle(10)
            tag = f"bench-{os.getpid()}-{label}-{n}"
            ref = f"lsbench-events:{tag}"
            t0 = time.time()
            client.api.tag(image_id, "lsbench-events", tag)
            made.append(ref)
            with cond:
                ok = cond.wait_for(lambda: any(ref in p.snapshot.by_id[image_id].repo_tags
                                               for p in published if image_id in p.snapshot.by_id), 10)
            if not ok:
                raise SystemExit(f"{ref} never reached the live snapshot")
            first = next(p for p in published if ref in p.snapshot.by_id[image_id].repo_tags)
            events = [e for _, e in list(live.received)
                      if e.get("Action") == "tag" and (e.get("Actor") or {}).get("Attributes", {}).get("name") == ref]
            from_call.append((first.at - t0) * 1000)
            if events:
                from_event.append((first.at - event_time(events[-1])) * 1000)
    finally:
        live.stop()
        for ref in made:        # only our own tags; the image keeps its other tags, so this only untags
            answer = client.api.remove_image(ref)
            if answer != [{"Untagged": ref}]:
                print(f"warning: removing {ref} answered {answer}", file=sys.stderr)
        client.close()
    return {"from_call": from_call, "from_event": from_event}


def fmt(values: list[float]) -> str:
    """median / min / max in ms."""
    if not values:
        return "n/a"
    return f"median {statistics.median(values):6.1f} ms  (min {min(values):.1f}, max {max(values):.1f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--host", required=True, help="an already-filled daemon, e.g. unix:///tmp/ls-bench/docker.sock")
    ap.add_argument("--runs", type=int, default=10)
    a = ap.parse_args()

    client = connect(a.host)
    t = time.perf_counter()
    snap = read_snapshot(client)
    print(f"daemon {a.host}: {len(snap.images)} images, {len(snap.containers)} containers "
          f"(full read {time.perf_counter() - t:.2f}s, image cache allowed)")
    tagged = [i for i in snap.images if i.repo_tags]
    if not tagged:
        raise SystemExit("no tagged image to tag again")
    image_id = tagged[len(tagged) // 2].id
    # cost of one list-based incremental refresh with nothing new
    costs = []
    for _ in range(5):
        t = time.perf_counter()
        refresh_incremental(snap, client)
        costs.append((time.perf_counter() - t) * 1000)
    print(f"refresh_incremental (2 list calls, nothing new): {fmt(costs)}")
    ok = True
    for patch, label in ((True, "patch"), (False, "list")):
        res = run_mode(a.host, snap, image_id, a.runs, patch, label)
        med = statistics.median(res["from_call"])
        ok &= (med <= TARGET_MS) if patch else True
        print(f"[{label:5}] docker tag → snapshot holding the tag, {a.runs} tags:")
        print(f"        from the SDK call:       {fmt(res['from_call'])}")
        print(f"        from the daemon's event: {fmt(res['from_event'])}")
    print(f"target ≤ {TARGET_MS:.0f} ms (median, default patch path): {'met' if ok else 'NOT met'}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
