"""Write a `docker save`-format archive of N synthetic images sharing layers, for one fast `docker load`.

Both image stores load it as it is: dockerd 20.10's graphdriver store and Engine 29's containerd store
(whose `docker load` takes this layout as well as an OCI layout; untagged entries load as untagged images).
``archive_snapshot`` gives the same host as a Snapshot, as a daemon that loaded the archive reports it, without
writing the archive."""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.core.snapshot import DaemonInfo, HistoryRow, Image, Snapshot  # noqa: E402

MTIME = 1_700_000_000
HISTORY_CREATED = "2024-01-01T00:00:00Z"
HISTORY_CREATED_UNIX = 1_704_067_200         # the same moment, as `docker history` gives it


def layer_tar(index: int, rng: random.Random) -> tuple[bytes, int]:
    """A tiny layer: one file with distinct content (its digest is the layer's diff ID); and that file's size."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = f"layer {index}\n".encode() + rng.randbytes(rng.randint(16, 4096))
        info = tarfile.TarInfo(f"l/{index}")
        info.size, info.mode, info.mtime = len(data), 0o644, MTIME
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue(), len(data)


@dataclass(frozen=True)
class NewLayer:
    """A layer made for the image that follows: its diff ID, its tar and the bytes of the file in it."""

    diff_id: str
    tar: bytes
    size: int


@dataclass(frozen=True)
class NewImage:
    """An image over layers already made: its config (file name and bytes) and tags."""

    config_name: str
    config: dict
    blob: bytes
    tags: list[str]
    diff_ids: list[str]


# Shape: each image either starts a new base (one layer) or extends an earlier
# image's whole chain by 1–4 new layers (2.8 on average), so images share prefixes as builds on
# common bases do.  With the defaults this gives ~1,000 images over ~2,600
# distinct layers.  One generator for the archive and the snapshot: each
# image's new layers, then the image, in the order the archive holds them.
def generate(images: int = 1000, seed: int = 7, untagged_every: int = 25) -> Iterator[NewLayer | NewImage]:
    """The host's layers and images, in archive order."""
    rng = random.Random(seed)
    diff_ids: list[str] = []
    chains: list[list[int]] = []
    for n in range(images):
        if not chains or rng.random() < 0.08:
            chain, new = [], 1
        else:
            chain, new = list(rng.choice(chains)), rng.choice((1, 2, 3, 3, 4, 4))
        for _ in range(new):
            tar, size = layer_tar(len(diff_ids), rng)
            diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
            chain.append(len(diff_ids) - 1)
            yield NewLayer(diff_ids[-1], tar, size)
        chains.append(chain)
        history = []
        for depth, idx in enumerate(chain):
            history.append({"created": HISTORY_CREATED, "created_by": f"/bin/sh -c step {idx}"})
            if depth % 3 == 2:
                history.append({"created": HISTORY_CREATED,
                                "created_by": f"/bin/sh -c #(nop)  ENV STEP={idx}", "empty_layer": True})
        config = {"architecture": "amd64", "os": "linux", "created": f"2024-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z",
                  "config": {"Cmd": ["/bin/sh"], "Labels": {"bench": str(n)}},
                  "history": history, "rootfs": {"type": "layers", "diff_ids": [diff_ids[i] for i in chain]}}
        blob = json.dumps(config, sort_keys=True).encode()
        tags = [] if n % untagged_every == untagged_every - 1 else [f"bench/img{n:04d}:latest"]
        yield NewImage(hashlib.sha256(blob).hexdigest() + ".json", config, blob, tags, [diff_ids[i] for i in chain])


def make_archive(path: str, images: int = 1000, seed: int = 7, untagged_every: int = 25) -> tuple[int, int]:
    """Write the archive; returns (images, distinct layers)."""
    layers = 0
    manifest = []
    with tarfile.open(path, "w") as out:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), MTIME
            out.addfile(info, io.BytesIO(data))

        for item in generate(images, seed, untagged_every):
            if isinstance(item, NewLayer):
                layers += 1
                add(f"{item.diff_id[7:]}/layer.tar", item.tar)
            else:
                add(item.config_name, item.blob)
                manifest.append({"Config": item.config_name, "RepoTags": item.tags,
                                 "Layers": [f"{d[7:]}/layer.tar" for d in item.diff_ids]})
        add("manifest.json", json.dumps(manifest).encode())
    return images, layers


def archive_snapshot(images: int = 1000, seed: int = 7, untagged_every: int = 25) -> Snapshot:
    """The archive's host as dockerd 20.10 reports it once it loaded the archive (a layer's size is the bytes of
    its files; history newest first, the top row carrying the image ID), without writing the archive."""
    size: dict[str, int] = {}
    out = []
    for item in generate(images, seed, untagged_every):
        if isinstance(item, NewLayer):
            size[item.diff_id] = item.size
            continue
        rows, below = [], iter(item.diff_ids)
        for h in item.config["history"]:
            made = 0 if h.get("empty_layer") else size[next(below)]
            rows.append(HistoryRow("<missing>", HISTORY_CREATED_UNIX, h["created_by"], made))
        image_id = "sha256:" + item.config_name[:-len(".json")]
        rows[-1] = HistoryRow(image_id, rows[-1].created, rows[-1].created_by, rows[-1].size)
        out.append(Image(image_id, tuple(item.tags), (), "",
                         item.config["created"], sum(size[d] for d in item.diff_ids), tuple(item.diff_ids),
                         tuple(reversed(rows)), cmd=tuple(item.config["config"]["Cmd"]),
                         labels=tuple(sorted(item.config["config"]["Labels"].items()))))
    return Snapshot(DaemonInfo(), tuple(out), source="file")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print("images=%d layers=%d" % make_archive(a.out, a.images, a.seed))
