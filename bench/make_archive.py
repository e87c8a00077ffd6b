"""Write a `docker save`-format archive of N synthetic images sharing layers, for one fast `docker load`.

Both image stores load it as it is: dockerd 20.10's graphdriver store and Engine 29's containerd store
(whose `docker load` takes this layout as well as an OCI layout; untagged entries load as untagged images)."""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import tarfile


def layer_tar(index: int, rng: random.Random) -> bytes:
    """A tiny layer: one file with distinct content (its digest is the layer's diff ID)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = f"layer {index}\n".encode() + rng.randbytes(rng.randint(16, 4096))
        info = tarfile.TarInfo(f"l/{index}")
        info.size, info.mode, info.mtime = len(data), 0o644, 1_700_000_000
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


# Shape: each image either starts a new base (one layer) or extends an earlier
# image's whole chain by 1–4 new layers (2.8 on average), so images share prefixes as builds on
# common bases do.  With the defaults this gives ~1,000 images over ~2,600
# distinct layers.
def make_archive(path: str, images: int = 1000, seed: int = 7, untagged_every: int = 25) -> tuple[int, int]:
    """Write the archive; returns (images, distinct layers)."""
    rng = random.Random(seed)
    layers: list[tuple[str, bytes]] = []          # (diff ID, tar)
    chains: list[list[int]] = []
    manifest = []
    with tarfile.open(path, "w") as out:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_700_000_000
            out.addfile(info, io.BytesIO(data))

        def new_layer() -> int:
            tar = layer_tar(len(layers), rng)
            diff = "sha256:" + hashlib.sha256(tar).hexdigest()
            layers.append((diff, tar))
            add(f"{diff[7:]}/layer.tar", tar)
            return len(layers) - 1

        for n in range(images):
            if not chains or rng.random() < 0.08:
                chain = [new_layer()]
            else:
                chain = list(rng.choice(chains)) + [new_layer() for _ in range(rng.choice((1, 2, 3, 3, 4, 4)))]
            chains.append(chain)
            history = []
            for depth, idx in enumerate(chain):
                history.append({"created": "2024-01-01T00:00:00Z", "created_by": f"/bin/sh -c step {idx}"})
                if depth % 3 == 2:
                    history.append({"created": "2024-01-01T00:00:00Z",
                                    "created_by": f"/bin/sh -c #(nop)  ENV STEP={idx}", "empty_layer": True})
            config = {"architecture": "amd64", "os": "linux", "created": f"2024-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z",
                      "config": {"Cmd": ["/bin/sh"], "Labels": {"bench": str(n)}},
                      "history": history, "rootfs": {"type": "layers", "diff_ids": [layers[i][0] for i in chain]}}
            blob = json.dumps(config, sort_keys=True).encode()
            config_name = hashlib.sha256(blob).hexdigest() + ".json"
            add(config_name, blob)
            tags = [] if n % untagged_every == untagged_every - 1 else [f"bench/img{n:04d}:latest"]
            manifest.append({"Config": config_name, "RepoTags": tags,
                             "Layers": [f"{layers[i][0][7:]}/layer.tar" for i in chain]})
        add("manifest.json", json.dumps(manifest).encode())
    return images, len(layers)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print("images=%d layers=%d" % make_archive(a.out, a.images, a.seed))
