"""Containers from the Engine API, with the layers that containers of force-removed images still pin."""
from __future__ import annotations

from typing import Any, Iterable

from ..core.snapshot import STORE_GRAPHDRIVER, Container, DaemonInfo, Image, Snapshot
from . import answers
from .answers import Get


def list_containers(get: Get) -> list[dict[str, Any]]:
    """The checked answer of ``/containers/json?all=1`` (every state)."""
    return answers.read(get, "/containers/json?all=1", answers.CONTAINERS)


def containers_from_api(listed: list[dict[str, Any]], images: Iterable[Image], info: DaemonInfo, get: Get,
                        previous: Snapshot | None = None) -> tuple[Container, ...]:
    """The containers of the checked ``/containers/json?all=1``; orphans (image force-removed) get their
    ``layer_chain``."""
    out = [Container(id=c["Id"], names=tuple(c["Names"]), image=created_from(c, get), image_id=c["ImageID"],
                     state=c["State"]) for c in listed]
    images = tuple(images)
    ids = {img.id for img in images}
    orphans = [c for c in out if c.image_id and c.image_id not in ids]
    if not orphans or info.image_store != STORE_GRAPHDRIVER:
        return tuple(out)
    known = previous_chains(previous)
    resolver = _DirResolver(images, get)
    chains = {c.id: known.get((c.id, c.image_id)) or resolver.chain_of(c.id) for c in orphans}
    return tuple(Container(c.id, c.names, c.image, c.image_id, c.state, chains[c.id]) if c.id in chains else c
                 for c in out)


def created_from(listed: dict[str, Any], get: Get) -> str:
    """The reference a container was created with (``Config.Image``).

    The container list shows the image ID instead once that name has moved to another image (or
    was removed); only then is the container inspected, to read the name it was really created with
    (the containerd store's prune keeps that name for it)."""
    image, image_id = listed["Image"], listed["ImageID"]
    bare = image.removeprefix("sha256:")
    if not bare or not image_id.removeprefix("sha256:").startswith(bare):
        return image
    inspect = answers.read(get, f"/containers/{listed['Id']}/json", answers.CONTAINER_INSPECT, missing_ok=True)
    return (inspect["Config"]["Image"] if inspect is not None else "") or image


def previous_chains(snapshot: Snapshot | None) -> dict[tuple[str, str], tuple[str, ...]]:
    """(container ID, image ID) → the chain it pins, as far as an earlier snapshot of the same daemon knew it."""
    if snapshot is None:
        return {}
    out = {}
    for ctr in snapshot.containers:
        img = snapshot.by_id.get(ctr.image_id)
        chain = img.chain_ids if img is not None else ctr.layer_chain
        if chain is not None:
            out[(ctr.id, ctr.image_id)] = chain
    return out


# Which layers does a container of a force-removed image pin?  `docker rmi -f` of an
# image that a stopped container uses deletes the image but not its layers: the
# container's read-write layer still stands on them, and the API no longer names them.
# Overlay-style drivers (overlay2, fuse-overlayfs) show the layers' directories:
# a container's GraphDriver.Data.LowerDir lists its own "-init" layer, then its image's
# layers, top first; an image's inspect lists UpperDir (its top layer) then LowerDir.
# Walking the layer forest from the roots, one level per directory of the container
# (bottom first), the child whose directory matches is the next pinned layer; the walk
# ends where no layer the snapshot knows matches.  Each image inspect teaches the
# directories of its whole chain, so at most one inspect per forest node is needed.
# Drivers that name no directories (vfs, btrfs, zfs…) leave the chain unknown (None):
# the simulator then refuses only the deletes that would release a layer.
class _DirResolver:
    """Map a container's layer directories to chain IDs through the images' GraphDriver data."""

    def __init__(self, images: tuple[Image, ...], get: Get) -> None:
        self.get = get
        self.kids: dict[str | None, list[str]] = {}
        self.holder: dict[str, Image] = {}          # chain ID → the longest image holding it
        for img in sorted(images, key=lambda i: -len(i.chain_ids)):
            parent: str | None = None
            for cid in img.chain_ids:
                if cid not in self.holder:
                    self.holder[cid] = img
                    self.kids.setdefault(parent, []).append(cid)
                parent = cid
        self.dir_of: dict[str, str] = {}
        self.learned: set[str] = set()

    def _learn(self, img: Image) -> bool:
        if img.id in self.learned:
            return False
        self.learned.add(img.id)
        data = answers.read(self.get, f"/images/{img.id}/json", answers.LAYER_DIRS, missing_ok=True)
        dirs = layer_dirs(data, container=False) if data is not None else None
        if dirs is None or len(dirs) != len(img.chain_ids):
            return False
        for cid, d in zip(img.chain_ids, dirs):
            self.dir_of.setdefault(cid, d)
        return True

    def chain_of(self, container_id: str) -> tuple[str, ...] | None:
        """The chain IDs (bottom first) a container pins, as far as the snapshot knows them; None if unknown."""
        data = answers.read(self.get, f"/containers/{container_id}/json", answers.LAYER_DIRS, missing_ok=True)
        dirs = layer_dirs(data, container=True) if data is not None else None
        if dirs is None:
            return None
        chain: list[str] = []
        parent: str | None = None
        for d in dirs:
            found, unsure = None, False
            for cid in self.kids.get(parent, ()):
                if cid not in self.dir_of and not self._learn(self.holder[cid]):
                    unsure = True
                    continue
                if self.dir_of[cid] == d:
                    found = cid
                    break
            if found is None:
                return None if unsure else tuple(chain)
            chain.append(found)
            parent = found
        return tuple(chain)


def layer_dirs(inspect: dict[str, Any], container: bool) -> list[str] | None:
    """The layer directories, bottom first, of a checked image or container inspect (None when the driver names
    none)."""
    data = inspect["GraphDriver"]["Data"]          # the driver's own keys: any may be absent
    lower = [d for d in data.get("LowerDir", "").split(":") if d]
    if container:
        if not lower or not lower[0].endswith("-init/diff"):
            return None
        return lower[:0:-1]
    upper = data.get("UpperDir")
    if not upper:
        return None
    return ([upper] + lower)[::-1]
