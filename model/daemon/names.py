"""Per-name facts the image list does not give, read fresh on every load: on the containerd store, which of
an image's names carry its parent; on Podman, each image's own manifest digest (shown through its names only).

The containerd store keeps the classic builder's parent as the ``org.mobyproject.image.parent`` label of
each name's *record*, not of the image: a pull makes a record without it, and ``docker tag`` copies the
labels of the target's first record.  The engine answers from different records: inspect's ``Parent``
from any of them, the list's ``ParentId`` from the last named one, rmi's parent walk from the first one.
None of that is content-addressed (it changes as names come and go), so none of it goes in the image
cache.
"""
from __future__ import annotations

import json
import urllib.parse
from dataclasses import replace
from typing import Any

from ..core.reference import InvalidReference, parse_normalized_named
from ..core.snapshot import STORE_CONTAINERD, DaemonInfo, Image
from . import answers
from .answers import Get, request_line


# The record of one name, seen alone: the list filtered by ``reference`` keeps only
# the records whose name matches, so the one summary it answers carries that record's
# ParentId.  The filter is a glob (path.Match) over the familiar and full forms; a
# full name (``docker.io/library/a:1``, ``reg:5000/a@sha256:…``) holds no glob
# characters and matches that record only.
def record_parent(get: Get, name: str, image_id: str) -> str | None:
    """The parent label of the record ``name`` (RepoTags spelling) on ``image_id``: "" when it carries none,
    None when the record is not there (gone or moved since the list) or the name does not parse."""
    try:
        full = str(parse_normalized_named(name))
    except InvalidReference:
        return None
    query = urllib.parse.quote(json.dumps({"reference": [full]}, separators=(",", ":")))
    path = f"/images/json?all=1&filters={query}"
    listed = answers.read(get, path, answers.IMAGES)
    answers.unique_ids(listed, request_line("GET", path))
    if len(listed) != 1 or listed[0]["Id"] != image_id:
        return None
    return listed[0]["ParentId"]


# Which records carry the parent, and the parent inspect would give now (any record's
# label).  An image with one record (one name, or its moby-dangling@ record) has it
# from the fresh list (its ParentId is that record's label); an image with several
# names and a parent (by the list or by inspect, which may come from the cache) has
# each name's record read alone.  Elsewhere nothing can differ: no record has a label.
def with_record_parents(get: Get, info: DaemonInfo, listed: list[dict[str, Any]],
                        images: tuple[Image, ...]) -> tuple[Image, ...]:
    """``images`` with each one's parent and unlabelled names as the containerd store's records say now
    (unchanged on other stores)."""
    if info.image_store != STORE_CONTAINERD:
        return images
    listed_parent = {s["Id"]: s["ParentId"] for s in listed}
    out = []
    for img in images:
        parent, unlabelled = img.parent, ()
        if len(img.repo_tags) <= 1:
            parent = listed_parent.get(img.id, img.parent)
        elif img.parent or listed_parent.get(img.id):
            labels = {name: record_parent(get, name, img.id) for name in img.repo_tags}
            found = [value for value in labels.values() if value]
            if found or all(value == "" for value in labels.values()):
                parent = found[0] if found else ""
            unlabelled = tuple(name for name, value in labels.items() if value == "")
        if parent != img.parent or unlabelled:
            img = replace(img, parent=parent, parent_unlabelled=unlabelled)
        out.append(img)
    return tuple(out)


# Podman finds ``repo@digest`` among the manifest digests of every image (libimage's
# lookupImageInDigestsAndRepoTags); the compat API lists an image's digests only with
# its names.  Podman's own list gives each image's Digest in one call: the digest of
# an image without names too.  A service without that list (not Podman's own) leaves
# the digests unknown, as an older snapshot has them: predictions that need them say so.
def with_podman_digests(get: Get, info: DaemonInfo, images: tuple[Image, ...]) -> tuple[Image, ...]:
    """``images`` with Podman's own digest of each one (unchanged on other engines)."""
    if info.engine != "podman":
        return images
    path = "/libpod/images/json?all=true"
    status, body = get(path, timeout=answers.LIBPOD_IMAGES.timeout, limit=answers.LIBPOD_IMAGES.limit)
    if status != 200:
        return images
    digests = {"sha256:" + e["Id"].removeprefix("sha256:"): e["Digest"]
               for e in answers.checked(answers.LIBPOD_IMAGES.spec, body, request_line("GET", path))}
    return tuple(replace(img, digest=digests[img.id]) if digests.get(img.id) else img for img in images)
