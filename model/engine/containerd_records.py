"""The containerd store's image records: which records an image stands for, and what the image list shows
of them (Engine 29's ``image_list.go``); model/engine/containerd.py's rmi and prune work on these records."""
from __future__ import annotations

from ..core.reference import InvalidReference, Reference, parse_normalized_named
from ..core.snapshot import Image

DANGLING_PREFIX = "moby-dangling@"


def record_names(img: Image) -> list[str]:
    """The records an image stands for: one per name it lists, else its ``moby-dangling@`` record."""
    names = []
    for t in img.repo_tags:
        try:
            names.append(str(parse_normalized_named(t)))
        except InvalidReference:
            names.append(t)                        # the engine lists a name it cannot parse as it is
    return names or [DANGLING_PREFIX + img.id]


# image_list.go: RepoTags = the familiar form of every name on the target (store order);
# RepoDigests = one reference, the repository of the record the list kept for the target
# (the last name in store order) with the target's digest — or the bare digest when no
# platform of the image matches the host (then the engine lists it as it was).
def listed_refs(img: Image, names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(RepoTags, RepoDigests) the engine lists for ``img`` with these record names."""
    named = [n for n in names if not is_dangling(n, img.id)]
    tags = [listed_name(n) for n in named]
    if img.repo_digests == (img.id,):
        return tuple(tags), img.repo_digests
    digests: tuple[str, ...] = ()
    if named:
        try:
            last = parse_normalized_named(named[-1])
            digests = (Reference(last.domain, last.path, "", img.id).familiar(),)
        except InvalidReference:
            pass
    return tuple(tags), digests


def is_dangling(name: str, target: str) -> bool:
    """True when ``name`` is ``target``'s ``moby-dangling@`` record."""
    return name == DANGLING_PREFIX + target


def familiar(name: str) -> str:
    """The familiar form of a record's name (InvalidReference when it does not parse)."""
    return parse_normalized_named(name).familiar()


def listed_name(name: str) -> str:
    """imageFamiliarName: the familiar form of a record's name, or the name as it is when it does not parse."""
    try:
        return familiar(name)
    except InvalidReference:
        return name
