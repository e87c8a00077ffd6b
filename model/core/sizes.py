"""Sizes as `docker system df -v` computes them, and naive vs actual totals."""
from __future__ import annotations

from dataclasses import dataclass

from .classify import LayerUse, counted_ids, layer_use, listed_ids
from .history import layer_sizes
from .snapshot import Snapshot


@dataclass(frozen=True)
class ImageSizes:
    """One image's SIZE, SHARED SIZE, UNIQUE SIZE and CONTAINERS."""

    size: int
    shared_size: int
    unique_size: int
    containers: int
    exact: bool            # False when a layer's size could not be read from history


@dataclass(frozen=True)
class Totals:
    """What the images would seem to take, against what is stored."""

    naive_bytes: int       # Σ SIZE of the images `docker images` lists
    actual_bytes: int      # Σ DiffSize over distinct chain IDs (each layer once)
    exact: bool


# SHARED SIZE (moby daemon/images Images(..., withExtraAttrs)): count, over the
# counted images (listed ones on Engine < 23, every image from 23), how many
# hold each chain ID; an image's SHARED SIZE is the DiffSize sum of its chain
# IDs counted more than once, UNIQUE SIZE = SIZE − SHARED SIZE.  An image
# outside the counted set (an intermediate on 20.10) is given the figure it
# would have if it were counted.
def image_sizes(snapshot: Snapshot, use: dict[str, LayerUse] | None = None,
                sizes: dict[str, int] | None = None) -> dict[str, ImageSizes]:
    """Image ID → ImageSizes equal to `docker system df -v`'s figures."""
    use = layer_use(snapshot) if use is None else use
    sizes = layer_sizes(snapshot) if sizes is None else sizes
    counted = counted_ids(snapshot)
    out: dict[str, ImageSizes] = {}
    for img in snapshot.images:
        extra = 0 if img.id in counted else 1
        shared = 0
        exact = True
        for chain_id in img.chain_ids:
            if use[chain_id].counted + extra > 1:
                if chain_id not in sizes:
                    exact = False
                shared += sizes.get(chain_id, 0)
        out[img.id] = ImageSizes(img.size, shared, img.size - shared,
                                 len(snapshot.containers_by_image.get(img.id, ())), exact)
    return out


def totals(snapshot: Snapshot, sizes: dict[str, int] | None = None) -> Totals:
    """Naive sum of listed image sizes against the bytes actually stored."""
    sizes = layer_sizes(snapshot) if sizes is None else sizes
    listed = listed_ids(snapshot)
    naive = sum(img.size for img in snapshot.images if img.id in listed)
    chains = {cid for img in snapshot.images for cid in img.chain_ids}
    return Totals(naive, sum(sizes.get(c, 0) for c in chains), all(c in sizes for c in chains))


def human(n: int | None, precision: int = 3) -> str:
    """Bytes the way the docker CLI prints them (go-units: decimal, ``precision`` significant digits).

    ``docker images`` uses 3 (86.7MB, 207MB); ``docker image prune``'s total uses 4 (1.234MB)."""
    if n is None:
        return "?"
    value = float(n)
    units = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
    i = 0
    while value >= 1000 and i < len(units) - 1:
        value /= 1000
        i += 1
    return f"{value:.{precision}g}{units[i]}"
