"""Classification: tagged / intermediate / dangling / in use per image, and who holds each layer."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .bulk import bulk
from .snapshot import STORE_CONTAINERD, Container, Image, Snapshot

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
def _status(img: Image, has_children: bool) -> str:
    """One image's status by the rules above."""
    if img.repo_tags:
        return TAGGED
    if not has_children:
        return DANGLING
    return INTERMEDIATE if not img.repo_digests else UNTAGGED


@bulk
def image_status(snapshot: Snapshot) -> dict[str, ImageStatus]:
    """Image ID → its status and the containers using it."""
    children, using = snapshot.children, snapshot.containers_by_image
    return {img.id: ImageStatus(_status(img, img.id in children), using.get(img.id, ())) for img in snapshot.images}


def dangling_ids(snapshot: Snapshot) -> set[str]:
    """Exactly the IDs `docker images -f dangling=true` lists."""
    children = snapshot.children
    return {img.id for img in snapshot.images if _status(img, img.id in children) == DANGLING}


def listed_ids(snapshot: Snapshot) -> set[str]:
    """The IDs `docker images` (without -a) lists."""
    return listed_ids_of(snapshot, snapshot.images)


def listed_ids_of(snapshot: Snapshot, images: Iterable[Image]) -> set[str]:
    """Of ``images`` (of the snapshot), the IDs `docker images` (without -a) lists."""
    children = snapshot.children
    return {img.id for img in images if _status(img, img.id in children) != INTERMEDIATE}


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


def held_layers(img: Image) -> tuple[str, ...]:
    """The chain IDs an image holds: its own stack's, and on the containerd store every platform's read."""
    return img.all_chain_ids if img.manifests else img.chain_ids


# Holders: each image's chain IDs (every platform's on the containerd store) in
# image order; most layers have one holder, whose tuple is shared by every layer
# it alone holds.  Every image that holds a layer holds the layer under it, so a
# layer held by as many images as the one under it is held by the same ones, in
# the same order: it shares that layer's LayerUse (on a large host, a base image's
# layers are held by thousands of images each).  The tagged, listed and counted
# holders are filtered with set lookups done in C (filter with __contains__).
@bulk
def layer_use(snapshot: Snapshot) -> dict[str, LayerUse]:
    """Chain ID → the images and tagged images holding it."""
    kinds = _holder_kinds(snapshot)
    holders: dict[str, list[str]] = {}
    under: dict[str, str] = {}                 # chain ID → the one under it (of a stack met first as an image's own)
    alone: dict[str, LayerUse] = {}            # image ID → the LayerUse of a layer it alone holds
    for img in snapshot.images:
        get = holders.get
        below = None
        for chain_id in img.chain_ids:
            ids = get(chain_id)
            if ids is None:
                holders[chain_id] = [img.id]
                if below is not None:
                    under[chain_id] = below
            else:
                ids.append(img.id)
            below = chain_id
        if img.manifests:                       # other platforms' stacks: the layers not already counted
            for chain_id in held_layers(img)[len(img.chain_ids):]:
                ids = get(chain_id)
                if ids is None:
                    holders[chain_id] = [img.id]
                else:
                    ids.append(img.id)
    out: dict[str, LayerUse] = {}
    for cid, ids in holders.items():
        if len(ids) == 1:
            use = alone.get(ids[0])
            if use is None:
                use = alone[ids[0]] = _use(ids, *kinds)
            out[cid] = use
        else:
            below = under.get(cid)
            out[cid] = out[below] if below is not None and len(holders[below]) == len(ids) else _use(ids, *kinds)
    return out


def _holder_kinds(snapshot: Snapshot) -> tuple[set[str], set[str], set[str]]:
    """The image IDs that are tagged, counted and listed: what a layer's holders are sorted into."""
    return {img.id for img in snapshot.images if img.repo_tags}, counted_ids(snapshot), listed_ids(snapshot)


def _use(ids: list[str] | tuple[str, ...], tagged: set[str], counted: set[str], listed: set[str]) -> LayerUse:
    """The LayerUse of a layer held by ``ids`` (in snapshot order)."""
    if len(ids) == 1:
        one = ids[0]
        return LayerUse((one,), (one,) if one in tagged else (), 1 if one in counted else 0,
                        (one,) if one in listed else ())
    return LayerUse(tuple(ids), tuple(filter(tagged.__contains__, ids)), len(tuple(filter(counted.__contains__, ids))),
                    tuple(filter(listed.__contains__, ids)))


def same_images(before: Snapshot, after: Snapshot) -> bool:
    """True when ``after`` holds the images of ``before`` in the same order, differing at most in their
    references (tags, digests): the same layers, history, parents and engine figures (a live tag or untag,
    or containers that came and went)."""
    if len(before.images) != len(after.images) or before.info != after.info or \
            before.layers_size != after.layers_size:
        return False
    for old, new in zip(before.images, after.images):
        if old is not new and (old.id != new.id or old != _with_refs(new, old)):
            return False
    return True


def _with_refs(img: Image, like: Image) -> Image:
    """``img`` with the references of ``like`` (to compare everything else)."""
    values = {k: getattr(img, k) for k in img.__dataclass_fields__}
    values.update(repo_tags=like.repo_tags, repo_digests=like.repo_digests)
    return Image(**values)


def retagged(before: Snapshot, after: Snapshot) -> list[tuple[Image, Image]]:
    """Where same_images(before, after): the images whose references may differ (before, after)."""
    return [(old, new) for old, new in zip(before.images, after.images) if old is not new]


# Statuses after a change of references (same_images).  An image's status follows
# from its references and its children (the same), so only a retagged image's can
# change; the others keep theirs (the same object) unless containers changed.
def image_status_after(before: Snapshot, status: dict[str, ImageStatus], after: Snapshot,
                       changed: list[tuple[Image, Image]]) -> dict[str, ImageStatus]:
    """image_status(after), from ``status`` = image_status(before) where same_images(before, after)."""
    if before.containers != after.containers:
        return image_status(after)
    out = dict(status)
    children, using = after.children, after.containers_by_image
    for _, img in changed:
        out[img.id] = ImageStatus(_status(img, img.id in children), using.get(img.id, ()))
    return out


def _kinds_of(snapshot: Snapshot, img: Image) -> tuple[bool, bool, bool]:
    """Whether one image is tagged, counted and listed (see _holder_kinds)."""
    listed = _status(img, img.id in snapshot.children) != INTERMEDIATE
    every = snapshot.info.major_version >= 23 and snapshot.info.image_store != STORE_CONTAINERD
    return bool(img.repo_tags), every or listed, listed


def moved_holders(before: Snapshot, after: Snapshot, changed: list[tuple[Image, Image]]) -> list[Image]:
    """Of the retagged images, those that became or stopped being tagged, counted or listed."""
    return [new for old, new in changed if _kinds_of(before, old) != _kinds_of(after, new)]


# Layer use after a change of references (same_images).  A layer's holders are the
# same; only its tagged, listed and counted holders can differ, and only for layers
# of an image that became or stopped being tagged, listed or counted.  Those layers
# are sorted again; every other LayerUse is carried over (the same object).
def layer_use_after(before: Snapshot, use: dict[str, LayerUse], after: Snapshot,
                    changed: list[tuple[Image, Image]]) -> dict[str, LayerUse]:
    """layer_use(after), from ``use`` = layer_use(before) where same_images(before, after)."""
    moved = moved_holders(before, after, changed)
    if not moved:
        return use
    kinds = _holder_kinds(after)
    out = dict(use)
    for img in moved:
        for chain_id in held_layers(img):
            out[chain_id] = _use(use[chain_id].images, *kinds)
    return out
