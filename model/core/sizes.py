"""Sizes as `docker system df -v` computes them, and naive vs actual totals."""
from __future__ import annotations

from dataclasses import dataclass

from .bulk import bulk
from .classify import LayerUse, counted_ids, layer_use, listed_ids, listed_ids_of, moved_holders
from .history import layer_sizes
from .snapshot import STORE_CONTAINERD, STORE_PODMAN, Image, Snapshot


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
    actual_bytes: int      # each layer once: Σ DiffSize over distinct chain IDs, or the engine's LayersSize
    exact: bool
    counts_content: bool = False   # True on the containerd store: compressed blobs + unpacked layers


# SHARED SIZE, classic store and Podman (moby daemon/images Images(..., withExtraAttrs)):
# count, over the counted images (listed ones on Engine < 23, every image from 23),
# how many hold each chain ID; an image's SHARED SIZE is the DiffSize sum of its
# chain IDs counted more than once, UNIQUE SIZE = SIZE − SHARED SIZE.  An image
# outside the counted set (an intermediate on 20.10) is given the figure it would
# have if it were counted.
#
# Podman 4.3 (libimage's disk usage) does not count layers at all: an image with
# child images shares its whole SIZE, one with a parent shares the parent's SIZE,
# any other shares nothing (parents and children from Podman's own layer tree,
# which its inspect reports as Parent).
#
# The containerd store (Engine 29) counts differently: SIZE is content (compressed
# blobs) + unpacked snapshots of every platform, and SHARED SIZE adds, to the
# snapshots shared by chain ID, every blob digest other listed images also hold.
# Which blobs images share is not visible through the API, so that figure is the
# engine's own (/system/df, read into Image.shared_size); an image the engine did
# not size (an intermediate, or one whose sharing a what-if changed) gets the
# shared snapshots only, marked not exact.  Never negative: UNIQUE is clamped at 0
# and marked not exact if the figures ever disagree.
@bulk
def image_sizes(snapshot: Snapshot, use: dict[str, LayerUse] | None = None,
                sizes: dict[str, int] | None = None) -> dict[str, ImageSizes]:
    """Image ID → ImageSizes equal to `docker system df -v`'s figures."""
    use = layer_use(snapshot) if use is None else use
    sizes = layer_sizes(snapshot) if sizes is None else sizes
    counted = counted_ids(snapshot)
    return {img.id: _image_sizes(snapshot, img, use, sizes, counted) for img in snapshot.images}


def _image_sizes(snapshot: Snapshot, img: Image, use: dict[str, LayerUse], sizes: dict[str, int],
                 counted: set[str]) -> ImageSizes:
    """One image's figures (see image_sizes)."""
    extra = 0 if img.id in counted else 1
    shared = 0
    exact = True
    for chain_id in img.chain_ids:
        if use[chain_id].counted + extra > 1:
            if chain_id not in sizes:
                exact = False
            shared += sizes.get(chain_id, 0)
    store = snapshot.info.image_store
    if store == STORE_CONTAINERD:
        exact = exact and img.shared_size is not None
        shared = img.shared_size if img.shared_size is not None else shared
    elif store == STORE_PODMAN:
        parent = snapshot.by_id.get(img.parent)
        exact = True
        shared = img.size if img.id in snapshot.children else parent.size if parent else 0
    size = image_size(img)
    if shared > size:
        shared, exact = size, False
    return ImageSizes(size, shared, size - shared, len(snapshot.containers_by_image.get(img.id, ())), exact)


# Sizes after a change of references (classify.same_images): an image's figures
# change only when it became or stopped being counted, when one of its layers is
# now counted for more or fewer images, or when its containers changed; the
# others are carried over (the same object).  On Podman a figure follows parents
# and children: there every image is looked at again.
def image_sizes_after(before: Snapshot, before_use: dict[str, LayerUse], figures: dict[str, ImageSizes],
                      after: Snapshot, use: dict[str, LayerUse], sizes: dict[str, int],
                      changed: list[tuple[Image, Image]]) -> dict[str, ImageSizes]:
    """image_sizes(after, use, sizes) from ``figures`` = image_sizes(before, before_use, sizes), where
    same_images(before, after) with the retagged images ``changed`` and ``use`` = layer_use(after)."""
    if after.info.image_store == STORE_PODMAN:
        return image_sizes(after, use, sizes)
    again = {img.id for img in moved_holders(before, after, changed)}
    if use is not before_use:
        for chain_id, now in use.items():
            if now is not before_use[chain_id] and now.counted != before_use[chain_id].counted:
                again.update(now.images)
    if before.containers != after.containers:
        ctrs, had = after.containers_by_image, before.containers_by_image
        again.update(i for i in ctrs.keys() | had.keys() if len(ctrs.get(i, ())) != len(had.get(i, ())))
    if not again:
        return figures
    by_id, counted = after.by_id, counted_ids(after)
    out = dict(figures)
    for image_id in again:
        if image_id in by_id:
            out[image_id] = _image_sizes(after, by_id[image_id], use, sizes, counted)
    return out


def image_size(img: Image) -> int:
    """SIZE as `docker images` and `docker system df -v` print it (disk usage on the containerd store)."""
    return img.disk_usage if img.disk_usage is not None else img.size


def totals(snapshot: Snapshot, sizes: dict[str, int] | None = None) -> Totals:
    """Naive sum of listed image sizes against the bytes actually stored."""
    sizes = layer_sizes(snapshot) if sizes is None else sizes
    naive = _naive(snapshot)
    chains = {cid for img in snapshot.images for cid in img.chain_ids}
    if snapshot.info.image_store == STORE_CONTAINERD:
        if snapshot.layers_size is not None:
            return Totals(naive, snapshot.layers_size, True, counts_content=True)
        return Totals(naive, sum(sizes.get(c, 0) for c in chains), False, counts_content=True)
    return Totals(naive, sum(sizes.get(c, 0) for c in chains), all(c in sizes for c in chains))


def _naive(snapshot: Snapshot) -> int:
    """Σ SIZE of the images `docker images` lists."""
    listed = listed_ids(snapshot)
    return sum(image_size(img) for img in snapshot.images if img.id in listed)


def totals_after(totals_before: Totals, before: Snapshot, after: Snapshot, changed: list[tuple[Image, Image]]
                 ) -> Totals:
    """totals(after) from ``totals_before`` = totals(before), where same_images(before, after) with the
    retagged images ``changed``: the bytes stored are the same; the naive sum changes by the retagged images
    that became or stopped being listed."""
    listed, was_listed = listed_ids_of(after, [n for _, n in changed]), listed_ids_of(before, [o for o, _ in changed])
    naive = totals_before.naive_bytes + sum(image_size(new) for _, new in changed if new.id in listed) \
        - sum(image_size(old) for old, _ in changed if old.id in was_listed)
    return Totals(naive, totals_before.actual_bytes, totals_before.exact, totals_before.counts_content)


# What a derived state (an rmi/prune prediction, a what-if step) keeps of the
# containerd store's engine figures: an image's SharedSize stays the engine's when
# every chain ID it holds is held by as many counted images as before (nothing it
# shared went away); otherwise it is dropped (recomputed from snapshots, not exact).
# LayersSize goes whenever an image went away (freed blob sizes are not known).
def carry_engine_sizes(before: Snapshot, after: Snapshot) -> Snapshot:
    """``after`` with the engine's size figures kept only where ``before``'s still hold."""
    if after.info.image_store != STORE_CONTAINERD or after is before:
        return after
    old, new = layer_use(before), layer_use(after)
    images = []
    for img in after.images:
        keep = all(old[c].counted == new[c].counted for c in img.chain_ids if c in old)
        images.append(img if keep or img.shared_size is None else _without_shared(img))
    same_ids = set(before.by_id) == set(after.by_id)
    return after.replace(images=tuple(images), layers_size=before.layers_size if same_ids else None)


def _without_shared(img: Image) -> Image:
    values = {k: getattr(img, k) for k in img.__dataclass_fields__}
    values["shared_size"] = None
    return Image(**values)


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
