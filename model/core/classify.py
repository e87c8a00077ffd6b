"""Classification: tagged / intermediate / dangling / in use per image, and who holds each layer."""
from __future__ import annotations

from dataclasses import dataclass

from .snapshot import STORE_CONTAINERD, Container, Snapshot

TAGGED = "tagged"               # has at least one repo:tag
INTERMEDIATE = "intermediate"   # no tag, no digest, has child images: hidden by `docker images`, shown by -a
DANGLING = "dangling"           # no tag and no child images: `docker images -f dangling=true`
UNTAGGED = "untagged"           # no tag but a digest, with child images: listed, yet neither of the above


@dataclass(frozen=True)
class ImageStatus:
    """How Docker would describe one image."""

    status: str
    containers: tuple[Container, ...]

    @property
    def in_use(self) -> bool:
        """True when any container (running or stopped) was created from the image."""
        return bool(self.containers)

    @property
    def running(self) -> tuple[Container, ...]:
        """The running containers using it."""
        return tuple(c for c in self.containers if c.running)


# Status rules of the classic image store (moby image_list.go):
#   dangling  = no tag refs and no children (digest refs allowed);
#   listed by `docker images` = everything except images with no refs at all
#   that have children (those are the intermediates `-a` adds).
def image_status(snapshot: Snapshot) -> dict[str, ImageStatus]:
    """Image ID → its status and the containers using it."""
    out: dict[str, ImageStatus] = {}
    for img in snapshot.images:
        has_children = img.id in snapshot.children
        if img.repo_tags:
            status = TAGGED
        elif not has_children:
            status = DANGLING
        elif not img.repo_digests:
            status = INTERMEDIATE
        else:
            status = UNTAGGED
        out[img.id] = ImageStatus(status, snapshot.containers_by_image.get(img.id, ()))
    return out


def dangling_ids(snapshot: Snapshot) -> set[str]:
    """Exactly the IDs `docker images -f dangling=true` lists."""
    return {i for i, s in image_status(snapshot).items() if s.status == DANGLING}


def listed_ids(snapshot: Snapshot) -> set[str]:
    """The IDs `docker images` (without -a) lists."""
    return {i for i, s in image_status(snapshot).items() if s.status != INTERMEDIATE}


@dataclass(frozen=True)
class LayerUse:
    """The images that hold one layer (chain ID)."""

    images: tuple[str, ...]          # every image whose chain contains it, intermediates included
    tagged_images: tuple[str, ...]   # those of them with a tag
    counted: int                     # holders counted for sharing, as the engine counts them
    listed_images: tuple[str, ...] = ()   # those `docker images` lists (intermediates left out)

    @property
    def shared(self) -> bool:
        """True when the engine counts the layer as shared (SHARED SIZE)."""
        return self.counted > 1


def counted_ids(snapshot: Snapshot) -> set[str]:
    """Images the engine counts for SHARED SIZE: listed ones before Engine 23 and on the containerd store,
    all from 23 on (classic store)."""
    if snapshot.info.major_version >= 23 and snapshot.info.image_store != STORE_CONTAINERD:
        return set(snapshot.by_id)
    return listed_ids(snapshot)


def layer_use(snapshot: Snapshot) -> dict[str, LayerUse]:
    """Chain ID → the images and tagged images holding it."""
    counted = counted_ids(snapshot)
    listed = listed_ids(snapshot)
    holders: dict[str, list[str]] = {}
    for img in snapshot.images:
        for chain_id in img.all_chain_ids:      # every platform's layers (containerd store)
            holders.setdefault(chain_id, []).append(img.id)
    by_id = snapshot.by_id
    return {cid: LayerUse(tuple(ids), tuple(i for i in ids if by_id[i].repo_tags),
                          sum(1 for i in ids if i in counted), tuple(i for i in ids if i in listed))
            for cid, ids in holders.items()}
