"""The containerd image store (Engine 25+): ``docker rmi`` and ``docker image prune``.

Ported from the engine's source (``daemon/containerd/image_delete.go``, ``image_prune.go``,
``image.go`` resolveAllReferences, ``soft_delete.go``, ``image_list.go``) and checked against a
real Docker Engine 29.7 by tests/engine/test_differential.py (random states of imports,
classic and BuildKit builds, commits, save/load, multi-platform OCI indexes, tags and
containers) and tests/engine/test_containerd.py (one test per surprising behaviour).
Engine 24's experimental store is refused.  Beside it: its records (containerd_records.py), its prune
filters (containerd_filters.py) and what a removal frees (containerd_space.py).

The store keeps image *records*: a name (``docker.io/library/a:1``, or ``moby-dangling@<digest>``
for an image without one) pointing at a target, the image's index or manifest digest (its ID).
A snapshot lists, per target, the familiar names as RepoTags; a target without any is one
``moby-dangling@`` record.  RepoDigests are not records: the engine makes one,
``<repo of the last name>@<ID>``, from the names it lists.  Parents are the classic builder's
``org.mobyproject.image.parent`` label (Image.parent), which each *record* carries or not: a pull makes a
record without it, ``docker tag`` copies the first record's labels, a ``moby-dangling@`` record those of the
record it replaces (Image.parent_unlabelled names the records without it).  rmi's parent walk reads the
first record of each image, the child check any record, and inspect's Parent any record: an image whose
labelled records are all gone has no parent any more.

Not predictable from a snapshot, and said so (``Unpredictable``), never guessed:

* prune's ``until``: it compares each record's containerd creation time (when that name was
  made), which no list or inspect field carries; only a cut-off well after the snapshot was read
  is decided (every record passes);
* prune's ``label`` / ``label!`` on an index with several platforms, where the labels of a
  platform other than the host's decide (a snapshot reads one config per image);
* several invalid prune filters or conflicting ``dangling`` values (the engine names one of them
  in map order), a label filter longer than containerd's 4096-byte limit, an ``until`` value the
  engine cannot parse (its message), an rmi argument whose first path component has capitals
  (Engine 29's reference parser takes it for a registry host);
* prune of an image the snapshot read without its manifest list (before API 1.47): which
  manifest blobs go (its ``Deleted`` lines) is then unknown;
* SpaceReclaimed, where the freed bytes are not fixed by the figures the engine reports — the
  sizes of the index and manifest blobs, each manifest's content size, the history's snapshot
  sizes and /system/df's SHARED SIZE.  Configs and compressed layers have no size of their own
  in any API, so when some of an image's layers (or BuildKit's attestation config) stay with a
  surviving image while its other blobs go, their sum is known only where the equations between
  those figures fix it.  Also: a platform other than the host's that is unpacked (its snapshots
  are not listed), a manifest not all present, a container whose image is gone (its snapshots
  hold layers a snapshot does not name), a blob an image's walk visits a different number of times
  than another's.  ImagesDeleted and the state after are still predicted then.

Assumed, as the engine's own figures bear out for images made by import, load, commit and both
builders: a compressed layer blob is the same wherever its diff ID appears (images built on one
another reference their parent's blobs); a config belongs to one manifest; the layers of
platforms other than the host's belong to their manifest alone; BuildKit's attestation manifests
share one config blob.  Not visible to a snapshot at all: BuildKit's build cache, which holds
layer blobs no image lists (SpaceReclaimed then comes out smaller), a second ``moby-dangling@``
record beside an image's names (left by ``docker load`` over the same name), and containers
that mount an image as a volume.  Prune keeps the name a container was created with: that is
Container.image (``Config.Image``), which must not be the container list's ``Image`` where the
engine has replaced a moved name by the image ID.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter

from ..core.chain import short_id
from ..core.reference import (InvalidReference, Reference, is_image_id_prefix, parse_any,
                              parse_normalized_named)
from ..core.snapshot import Container, Snapshot
from .containerd_filters import PruneSelect, prune_filters
from .containerd_records import (DANGLING_PREFIX, familiar, is_dangling, listed_name, listed_refs,
                                 record_names)
from .containerd_space import space_reclaimed, walk
from .outcome import ACTIVE_REF, RUNNING, SOFT, STOPPED, DaemonRefusal, Item, PruneResult, Unpredictable, \
    replace_image
from .store import Store

_TRUNCATED_ID = re.compile(r"(?:sha256:)?([a-f0-9]{4,64})")
_UPPERCASE = "invalid reference format: repository name must be lowercase"


class ContainerdStore(Store):
    """Image records (name → target) as the containerd store keeps them."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.images = dict(snap.by_id)
        self.records: dict[str, str] = {}          # containerd image name → target (image ID); change it
        self.names_on: dict[str, set[str]] = {}    # target → its record names   (through add / remove)
        self.labelled: set[str] = set()            # the records that carry their target's parent label
        for img in snap.images:
            unlabelled = set(img.parent_unlabelled)
            names = list(img.repo_tags) or [""]
            for tag, name in zip(names, record_names(img)):
                self.add(name, img.id, bool(img.parent) and tag not in unlabelled)
        # lookups that stay fixed while records come and go: child images by parent label, the
        # containers of each image (running, stopped), and every target's hex digest, sorted
        self.children: dict[str, list[str]] = {}
        for img in snap.images:
            if img.parent:
                self.children.setdefault(img.parent, []).append(img.id)
        self.users: dict[str, list[Container]] = {}
        for ctr in snap.containers:
            self.users.setdefault(ctr.image_id, []).append(ctr)
        self.hexes = sorted((img.id.split(":", 1)[-1], img.id) for img in snap.images)
        self._by_state: dict[str, tuple[list[Container], list[Container]]] = {}

    def users_by_state(self, target: str) -> tuple[list[Container], list[Container]]:
        """The containers of ``target``: (running, stopped), in the snapshot's order."""
        if target not in self._by_state:
            users = self.users.get(target, [])
            self._by_state[target] = ([c for c in users if c.running], [c for c in users if not c.running])
        return self._by_state[target]

    def add(self, name: str, target: str, labelled: bool) -> None:
        """Make (or move) the record ``name``, pointing at ``target``, with the parent label or without."""
        if name in self.records:
            self.remove(name)
        self.records[name] = target
        self.names_on.setdefault(target, set()).add(name)
        if labelled:
            self.labelled.add(name)

    def remove(self, name: str) -> None:
        """Delete the record ``name``."""
        names = self.names_on[self.records.pop(name)]
        names.discard(name)
        self.labelled.discard(name)

    def parent_of(self, target: str) -> str:
        """The parent a live ``target`` has now: its label on any of its records ("" when none carries it)."""
        return self.images[target].parent if self.labelled & self.names_on.get(target, set()) else ""

    def live(self, target: str) -> bool:
        """Whether any record points at ``target``."""
        return bool(self.names_on.get(target))

    def targets_with_prefix(self, hexpart: str) -> list[str]:
        """The targets (with a record) whose digest's hex part starts with ``hexpart``, by hex."""
        out = []
        for i in range(bisect.bisect_left(self.hexes, (hexpart, "")), len(self.hexes)):
            hexdigits, target = self.hexes[i]
            if not hexdigits.startswith(hexpart):
                break
            if self.live(target):
                out.append(target)
        return out

    # -- the store protocol (model.engine.simulate) ---------------------------
    @staticmethod
    def unmodelled(snapshot: Snapshot) -> str:
        """Why this engine's rmi answers are not modelled ("" when they are): Engine 24's store is not."""
        if 0 < snapshot.info.major_version < 25:
            return "Engine 24's experimental containerd store is not modelled"
        return ""

    def delete(self, arg: str, force: bool, prune_parents: bool) -> list[Item]:
        """One ``DELETE /images/{arg}``: the response list, or DaemonRefusal (changes made stay made)."""
        return _delete(self, arg, force, prune_parents)

    @classmethod
    def prune(cls, snapshot: Snapshot, filters: dict[str, list[str]], all_: bool, now_ns: int,
              sizes: dict[str, int] | None) -> tuple[PruneResult, Snapshot]:
        """``POST /images/prune`` on this store: its own filter checks, then the prune."""
        dangling, select = prune_filters(snapshot, filters, all_, now_ns)
        return _prune(snapshot, dangling, select, sizes)

    def all_of(self, target: str) -> list[str]:
        """The names of every record on ``target``, in the store's (byte) order."""
        return sorted(self.names_on.get(target, ()))

    def to_snapshot(self) -> Snapshot:
        """The state after the steps, listed as the engine lists it (source "what-if")."""
        images = []
        for img in self.snap.images:
            names = self.all_of(img.id)
            if names:
                tags, digests = listed_refs(img, names)
                parent = self.parent_of(img.id)
                unlabelled = tuple(listed_name(n) for n in names
                                   if parent and n not in self.labelled and not is_dangling(n, img.id))
                images.append(replace_image(img, repo_tags=tags, repo_digests=digests, parent=parent,
                                            parent_unlabelled=unlabelled))
        return self.snap.replace(images=tuple(images), source="what-if")


# ---------------------------------------------------------------------------
# rmi

def _parse_any(arg: str) -> Reference:
    """reference.ParseAnyReference as Engine 29 vendors it (distribution/reference v0.6), or its 400."""
    first, slash, _ = arg.partition("/")
    if slash and first.lower() != first and first != "localhost" and not any(c in first for c in ".:"):
        raise Unpredictable("containerd store: a first path component with capitals, which Engine 29's reference "
                            "parser takes for a registry host")
    try:
        return parse_any(arg)
    except InvalidReference as exc:
        message = str(exc)
        if message == _UPPERCASE:       # v0.6 names the repository path in this message
            message = f"invalid reference format: repository name ({_remote(arg)}) must be lowercase"
        raise DaemonRefusal(400, message) from None


def _remote(text: str) -> str:
    """The repository path ParseNormalizedNamed checks for capitals (splitDockerDomain, tag cut off)."""
    first, slash, rest = text.partition("/")
    if not slash:
        domain, remainder = "docker.io", text
    elif first == "localhost":
        domain, remainder = first, rest
    elif first == "index.docker.io":
        domain, remainder = "docker.io", rest
    elif any(c in first for c in ".:"):
        domain, remainder = first, rest
    else:
        domain, remainder = "docker.io", text
    if domain == "docker.io" and "/" not in remainder:
        remainder = "library/" + remainder
    return remainder.split(":", 1)[0]


def _no_such(ref: Reference) -> DaemonRefusal:
    return DaemonRefusal(404, f"No such image: {ref.tag_name_only().familiar()}")


# resolveAllReferences (image.go): an arg that looks like an ID (4-64 hex, maybe sha256:)
# matches by digest (full) or by the name it would also be, or by target prefix (short; two
# targets → 404 "ambiguous reference"); anything else is a name, found exactly (its target
# wins over a digest given with it) or, with a digest, left to the records on that digest.
# Returns (the record named exactly, or None; every record on the target; the parsed arg).
def _resolve(s: ContainerdStore, arg: str) -> tuple[str | None, list[str], Reference]:
    parsed = _parse_any(arg)
    img: str | None = None
    short = _TRUNCATED_ID.fullmatch(arg)
    if short and not parsed.is_named:
        dgst = parsed.digest
    elif short:
        # every record named ``name`` or on a target with that hex prefix; two targets → ambiguous
        name = str(parsed.tag_name_only())
        targets = set(s.targets_with_prefix(short.group(1)))
        if name in s.records:
            img = name
            targets.add(s.records[name])
        if len(targets) > 1:
            raise DaemonRefusal(404, "ambiguous reference")
        if not targets:
            raise _no_such(parsed)
        dgst = targets.pop()
    else:
        if not parsed.is_named:
            raise DaemonRefusal(400, "invalid name reference")
        dgst = parsed.digest
        name = str(parsed.tag_name_only())
        if name in s.records:
            img, dgst = name, s.records[name]
        elif not dgst:
            raise _no_such(parsed)
    all_names = s.all_of(dgst)
    if not all_names:
        raise _no_such(parsed)
    return img, all_names, parsed


# ImageDelete (image_delete.go), containerd store:
#   no record named exactly arg (an ID, a prefix, repo@digest): "same" = the records getSameReferences
#     keeps for the name given (none → 404); some of them → untag those; all → delete the image;
#   a record named arg: by its ID-looking name → delete the image; else its "same" records are
#     not all → untag them; a container on the image → 409 (-f: untag, the image kept as
#     moby-dangling@ when that was its last name); else delete the image.
# Deleting the image (deleteAll) removes every record after the conflict check (running
# container: hard; stopped or several names: soft), answers Deleted(ID) — even when a
# moby-dangling@ record stays because a child image names it as parent — and with prune follows
# the parent labels, deleting each parent whose first record is dangling while its conflict
# check (with the deleted image's record count!) passes.  No chain-ID lines: containerd's
# garbage collector frees the content.
def _delete(s: ContainerdStore, arg: str, force: bool, prune: bool) -> list[Item]:
    if not arg.strip():
        raise DaemonRefusal(400, "image name cannot be blank")
    img, all_names, parsed = _resolve(s, arg)
    c = 0 if force else SOFT
    if img is None:
        target = s.records[all_names[0]]
        named: Reference | None = None
        if not is_image_id_prefix(target, arg):
            try:
                named = parse_normalized_named(arg)
            except InvalidReference:
                named = None
        same = _same_references(named, all_names, target)
        if not same and named is not None:
            raise _no_such(named)
        if len(same) == len(all_names) and not force:
            c &= ~ACTIVE_REF
        if named is not None and same and len(same) != len(all_names):
            return _untag(s, same)
        return _delete_all(s, target, all_names, c, prune)
    target = s.records[img]
    explicit_dangling = arg.startswith(DANGLING_PREFIX) and is_dangling(img, target)
    if is_image_id_prefix(target, arg) or explicit_dangling:
        return _delete_all(s, target, all_names, c, prune)
    named = parse_normalized_named(img)
    same = _same_references(named, all_names, target)
    if len(same) != len(all_names):
        return _untag(s, same)
    if len(all_names) > 1 and not force:
        c &= ~ACTIVE_REF
    users = s.users.get(target, [])
    if users:
        if not force:
            msgs = [f"conflict: unable to delete {named.familiar()} (must be forced) - container "
                    f"{short_id(u.id)} is using its referenced image {short_id(target)}" for u in users]
            raise DaemonRefusal(409, msgs[0], msgs)
        if len(all_names) == 1 and DANGLING_PREFIX + target not in s.records:   # softImageDelete keeps the
            s.add(DANGLING_PREFIX + target, target, img in s.labelled)         # content named, labels copied
        s.remove(img)
        return [{"Untagged": named.familiar()}]
    return _delete_all(s, target, all_names, c, prune)


# getSameReferences: the records that are "the same" as a name — same repository and tag; a
# digest-only name of that repository while no other tag of it is on the target; every name of
# the repository when a digest was given; always the moby-dangling@ records.  With no name
# given, the first named record decides.
def _same_references(named: Reference | None, all_names: list[str], target: str) -> list[str]:
    tag, all_tags = "", False
    if named is not None:
        if named.tag:
            tag = named.tag
        elif named.digest:
            all_tags = True
    same: list[str] = []
    digest_refs: list[str] | None = []
    for n in all_names:
        if not is_dangling(n, target):
            try:
                repo = parse_normalized_named(n)
            except InvalidReference:
                continue
            if named is None:
                named, tag = repo, repo.tag
            elif named.name != repo.name:
                continue
            elif not all_tags:
                if repo.tag:
                    if not tag:
                        tag = repo.tag
                    elif tag != repo.tag:
                        digest_refs = None
                        continue
                else:
                    if digest_refs is not None:
                        digest_refs.append(n)
                    continue
        same.append(n)
    return same + (digest_refs or [])


def _untag(s: ContainerdStore, names: list[str]) -> list[Item]:
    out: list[Item] = []
    for n in names:
        s.remove(n)
        try:
            out.append({"Untagged": familiar(n)})
        except InvalidReference:
            pass
    return out


def _conflict(s: ContainerdStore, target: str, all_names: list[str], mask: int) -> None:
    """checkImageDeleteConflict: raise the engine's 409 (every container it may name) or return."""
    running, stopped = s.users_by_state(target)
    if mask & RUNNING and running:
        msgs = [f"conflict: unable to delete {short_id(target)} (cannot be forced) - image is being used by "
                f"running container {short_id(ctr.id)}" for ctr in running]
        raise DaemonRefusal(409, msgs[0], msgs)
    if mask & STOPPED and stopped:
        msgs = [f"conflict: unable to delete {short_id(target)} (must be forced) - image is being used by "
                f"stopped container {short_id(ctr.id)}" for ctr in stopped]
        raise DaemonRefusal(409, msgs[0], msgs)
    if mask & ACTIVE_REF and len(all_names) > 1:
        raise DaemonRefusal(409, f"conflict: unable to delete {short_id(target)} (must be forced) - image is "
                                 "referenced in multiple repositories")


def _delete_one(s: ContainerdStore, name: str, target: str, all_names: list[str], out: list[Item],
                extra: int) -> None:
    """imageDeleteHelper: one record, after the conflict check (a named last record of a parent stays dangling)."""
    _conflict(s, target, all_names, RUNNING | extra)
    dangling = is_dangling(name, target)
    if not dangling and len(all_names) == 1 and extra & ACTIVE_REF and _has_children(s, target) \
            and DANGLING_PREFIX + target not in s.records:
        s.add(DANGLING_PREFIX + target, target, name in s.labelled)
    s.remove(name)
    if not dangling:
        out.append({"Untagged": familiar(name)})


def _has_children(s: ContainerdStore, target: str) -> bool:
    """Children(): some record's parent label names ``target``."""
    return any(s.parent_of(child) == target for child in s.children.get(target, ()))


def _first_label(s: ContainerdStore, target: str) -> str:
    """The parent label of ``target``'s first record (resolveImage by digest: the first in name order)."""
    return s.images[target].parent if min(s.names_on[target]) in s.labelled else ""


def _parents(s: ContainerdStore, target: str) -> list[tuple[str, str]]:
    """parents(): (first record, target) up the first records' parent labels; none at all when one is missing."""
    out = []
    seen = {target}
    parent = _first_label(s, target)
    while parent:
        if not s.live(parent) or parent not in s.images or parent in seen:
            return []                                   # resolveImage fails: the walk gives nothing
        seen.add(parent)                                # (a parent cycle cannot come from an engine)
        out.append((min(s.names_on[parent]), parent))
        parent = _first_label(s, parent)
    return out


def _delete_all(s: ContainerdStore, target: str, all_names: list[str], c: int, prune: bool) -> list[Item]:
    parents = _parents(s, target) if prune else []
    out: list[Item] = []
    for name in all_names:
        _delete_one(s, name, target, all_names, out, c)
    out.append({"Deleted": target})
    for name, parent in parents:
        if not is_dangling(name, parent):
            break
        try:
            _delete_one(s, name, parent, all_names, out, SOFT)
        except DaemonRefusal:
            break
        out.append({"Deleted": parent})
    return out


# ---------------------------------------------------------------------------
# prune

# ImagePrune → pruneUnused (image_prune.go): candidates are records (every one with -a, else
# the moby-dangling@ ones) that pass the filters; a container keeps its image's dangling
# record, the name it was created with, and — when made from an ID or name@digest — the last
# record (in name order) of its target.  Each candidate is removed on its own: Untagged
# (its familiar name, or the digest for a dangling record), then Deleted for every index or
# manifest blob no remaining record reaches, and SpaceReclaimed adds every blob and every
# snapshot that went.  The engine takes the candidates in map order: the groups' contents may
# move between candidates, the multiset does not.
def _prune(snap: Snapshot, dangling: bool, select: PruneSelect, sizes: dict[str, int] | None
           ) -> tuple[PruneResult, Snapshot]:
    s = ContainerdStore(snap)
    cand = {n: t for n, t in s.records.items()
            if (not dangling or is_dangling(n, t)) and select(n, s.images[t])}
    used: set[str] = set()
    for ctr in snap.containers:
        cand.pop(DANGLING_PREFIX + ctr.image_id, None)
        bare = ctr.image[7:] if ctr.image.startswith("sha256:") else ctr.image
        if ctr.image_id.startswith("sha256:" + bare) or ctr.image.endswith("@" + ctr.image_id):
            used.add(ctr.image_id)
        try:
            ref = parse_normalized_named(ctr.image)
        except InvalidReference:
            continue
        cand.pop(str(ref.tag_name_only()), None)
        if ref.digest and ref.tag:
            cand.pop(str(Reference(ref.domain, ref.path, ref.tag)), None)
    refcount = Counter(s.records.values())
    for name in sorted(cand):
        target = cand[name]
        if refcount[target] > 1:
            refcount[target] -= 1
        elif target in used:
            del cand[name]
    if not cand:
        return PruneResult(), snap
    groups: list[list[Item]] = []
    for name in sorted(cand):
        s.remove(name)
        groups.append([{"Untagged": cand[name] if is_dangling(name, cand[name]) else listed_name(name)}])
    gone = sorted({t for t in cand.values() if not s.live(t)})         # other names keep the rest
    missing = [t for t in gone if not s.images[t].manifests]
    if missing:
        raise Unpredictable(f"containerd store: image {short_id(missing[0])} was read without its manifest list "
                            "(API < 1.47): which blobs prune deletes is unknown")
    survivors = [img for img in snap.images if s.live(img.id)]
    kept_blobs = {b for img in survivors for b in walk(img)}
    last_of = {cand[n]: i for i, n in enumerate(sorted(cand))}
    for target in gone:
        blobs = dict.fromkeys(walk(s.images[target]))
        groups[last_of[target]] += [{"Deleted": b[1]} for b in blobs if b[0] in ("index", "manifest")
                                    and b not in kept_blobs]
    try:
        space: int | None = space_reclaimed(snap, s.images, gone, survivors, sizes)
        why = ""
    except Unpredictable as unknown:               # ImagesDeleted and the state after still hold
        space, why = None, str(unknown)
    result = PruneResult(groups=tuple(tuple(g) for g in groups), space_reclaimed=space, unpredictable=why)
    return result, s.to_snapshot()
