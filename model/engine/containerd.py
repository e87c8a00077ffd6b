"""The containerd image store (Engine 25+): ``docker rmi`` and ``docker image prune``.

Taken from the engine source (``daemon/containerd/image_delete.go``, ``image_prune.go``), NOT
tested here (no such daemon on this machine).  Engine 24's experimental store is refused.
"""
from __future__ import annotations

import re
from collections import Counter

from ..core.reference import InvalidReference, Reference, is_image_id_prefix, parse_any, parse_normalized_named
from ..core.chain import short_id
from ..core.snapshot import Snapshot
from .filters import Keep
from .outcome import ACTIVE_REF, STOPPED, DaemonRefusal, Item, PruneResult, Unpredictable, not_found, replace_image
from .store import Store

DANGLING_PREFIX = "moby-dangling@"
PARENT_LABEL = "org.mobyproject.image.parent"
_TRUNCATED_ID = re.compile(r"(sha256:)?([a-f0-9]{4,64})")


class ContainerdStore(Store):
    """Image records (name → target) as the containerd store keeps them."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.records: dict[str, str] = {}          # full name → target (image ID)
        self.images = dict(snap.by_id)
        for img in snap.images:
            tags = [parse_normalized_named(t).tag_name_only() for t in img.repo_tags]
            repos = {t.name for t in tags}
            names = [str(t) for t in tags]
            for d in img.repo_digests:
                ref = parse_normalized_named(d)
                if ref.name not in repos:
                    names.append(str(ref))
            for n in names or [DANGLING_PREFIX + img.id]:
                self.records[n] = img.id

    # -- the store protocol (model.engine.simulate) ---------------------------
    @staticmethod
    def unmodelled(snapshot: Snapshot) -> str:
        """Why this engine's rmi answers are not modelled ("" when they are): Engine 24's store is not."""
        if 0 < snapshot.info.major_version < 25:
            return "Engine 24's experimental containerd store is not modelled"
        return ""

    def delete(self, arg: str, force: bool, prune_parents: bool) -> list[Item]:
        """One ``DELETE /images/{arg}``: the response list, or DaemonRefusal (changes made stay made)."""
        return _ctrd_delete(self, arg, force, prune_parents)

    @staticmethod
    def prune_images(snapshot: Snapshot, dangling: bool, keep: Keep, sizes: dict[str, int] | None
                     ) -> tuple[PruneResult, Snapshot]:
        """ImagesPrune of the containerd store (sizes unused: SpaceReclaimed is not in a snapshot)."""
        return _ctrd_prune(snapshot, dangling, keep)

    def all_of(self, target: str) -> list[str]:
        """The names of every record on ``target``, sorted."""
        return sorted(n for n, t in self.records.items() if t == target)

    def to_snapshot(self) -> Snapshot:
        """The state after the steps, as a snapshot (source "what-if")."""
        images = []
        for img in self.snap.images:
            names = self.all_of(img.id)
            if not names:
                continue
            refs = [parse_normalized_named(n) for n in names if not n.startswith(DANGLING_PREFIX)]
            tags = tuple(r.familiar() for r in refs if r.tag)
            digests = tuple(r.familiar() for r in refs if r.digest)
            images.append(replace_image(img, repo_tags=tags, repo_digests=digests))
        return self.snap.replace(images=tuple(images), source="what-if")


def _ctrd_conflict_check(s: ContainerdStore, target: str, all_names: list[str], c: int) -> None:
    users = [ctr for ctr in s.snap.containers if ctr.image_id == target]
    running = [ctr for ctr in users if ctr.running]
    if running:
        msgs = [f"conflict: unable to delete {short_id(target)} (cannot be forced) - image is being used by "
                f"running container {short_id(ctr.id)}" for ctr in running]
        raise DaemonRefusal(409, msgs[0], msgs)
    stopped = [ctr for ctr in users if not ctr.running]
    if c & STOPPED and stopped:
        msgs = [f"conflict: unable to delete {short_id(target)} (must be forced) - image is being used by "
                f"stopped container {short_id(ctr.id)}" for ctr in stopped]
        raise DaemonRefusal(409, msgs[0], msgs)
    if c & ACTIVE_REF and len(all_names) > 1:
        raise DaemonRefusal(409, f"conflict: unable to delete {short_id(target)} (must be forced) - image is "
                                 "referenced in multiple repositories")


# ImageDelete, containerd store (daemon/containerd/image_delete.go):
#   resolve arg → the record named exactly arg (or none for an ID) and all records of its target;
#   a name on a target with other names → untag only; by ID → every name goes, Deleted(target)
#   once; no chain-ID lines (content goes through containerd GC); parents (label) follow
#   while dangling.  Containers: running → hard, stopped → soft, in-use by name → soft delete.
def _ctrd_delete(s: ContainerdStore, arg: str, force: bool, prune_parents: bool) -> list[Item]:
    if not arg.strip():
        raise DaemonRefusal(400, "image name cannot be blank")
    try:
        ref = parse_any(arg)
    except InvalidReference as exc:
        raise DaemonRefusal(400, str(exc)) from None
    if ref.is_named and ref.digest:
        raise Unpredictable("containerd store: repo@digest arguments match records by target; not modelled")
    img_name: str | None = None
    if not ref.is_named:
        target = ref.digest if ref.digest in s.images else None
        if target is None:
            raise DaemonRefusal(404, f"No such image: {ref.digest}")
    else:
        name = str(ref.tag_name_only())
        target = s.records.get(name)
        if target is not None:
            img_name = name
        elif _TRUNCATED_ID.fullmatch(arg):
            hexpart = arg.split(":", 1)[-1]
            hits = {t for t in s.images if t.split(":", 1)[1].startswith(hexpart)}
            if len(hits) > 1:
                raise Unpredictable("containerd store: ambiguous short ID (message not modelled)")
            target = next(iter(hits), None)
        if target is None:
            raise not_found(ref)
    all_names = s.all_of(target)
    c = 0 if force else ACTIVE_REF | STOPPED
    if img_name is None or is_image_id_prefix(target, arg):
        return _ctrd_delete_all(s, target, all_names, c, prune_parents)
    same = _same_references(parse_normalized_named(img_name), all_names)
    if len(same) != len(all_names):
        out = []
        for n in same:
            del s.records[n]
            out.append({"Untagged": _ctrd_familiar(n)})
        return out
    if len(all_names) > 1 and not force:
        c &= ~ACTIVE_REF
    users = [ctr for ctr in s.snap.containers if ctr.image_id == target]
    if users:
        if not force:
            msgs = [f"conflict: unable to delete {arg} (must be forced) - container {short_id(u.id)} is using its "
                    f"referenced image {short_id(target)}" for u in users]
            raise DaemonRefusal(409, msgs[0], msgs)
        if len(all_names) == 1:
            s.records[DANGLING_PREFIX + target] = target
        del s.records[img_name]
        return [{"Untagged": _ctrd_familiar(img_name)}]
    return _ctrd_delete_all(s, target, all_names, c, prune_parents)


def _same_references(named: Reference, all_names: list[str]) -> list[str]:
    out, tag_seen = [], False
    for n in all_names:
        if n.startswith(DANGLING_PREFIX):
            out.append(n)
            continue
        r = parse_normalized_named(n)
        if r.name != named.name:
            continue
        if r.tag and r.tag == named.tag:
            out.append(n)
            tag_seen = True
        elif r.digest and not any(parse_normalized_named(o).tag for o in all_names
                                  if not o.startswith(DANGLING_PREFIX) and o != n
                                  and parse_normalized_named(o).name == r.name and o not in out):
            out.append(n)
    return out


def _ctrd_delete_all(s: ContainerdStore, target: str, all_names: list[str], c: int, prune_parents: bool
                     ) -> list[Item]:
    _ctrd_conflict_check(s, target, all_names, c)
    out: list[Item] = []
    for n in all_names:
        del s.records[n]
        if not n.startswith(DANGLING_PREFIX):
            out.append({"Untagged": _ctrd_familiar(n)})
    if any(ch.parent == target for ch in s.snap.images if s.all_of(ch.id)):
        s.records[DANGLING_PREFIX + target] = target     # survives as a parent, yet reported Deleted
    out.append({"Deleted": target})
    parent = s.images[target].parent if prune_parents else ""
    while parent and parent in s.images:
        names = s.all_of(parent)
        if names != [DANGLING_PREFIX + parent]:
            break
        try:
            _ctrd_conflict_check(s, parent, names, STOPPED)
        except DaemonRefusal:
            break
        del s.records[DANGLING_PREFIX + parent]
        out.append({"Deleted": parent})
        parent = s.images[parent].parent
    return out


def _ctrd_familiar(name: str) -> str:
    return parse_normalized_named(name).familiar()


# Prune, containerd store (daemon/containerd/image_prune.go): candidates are records
# (all with -a, else dangling ones) passing until (record CreatedAt) and labels; names
# a container was created from and targets in use are kept; each deletion lists
# Untagged(familiar name or "sha256:<dgst>") and Deleted(digest) for each
# manifest/index blob that disappears.  SpaceReclaimed is blob + snapshot usage,
# which a snapshot does not hold: reported as unknown.
def _ctrd_prune(snap: Snapshot, dangling: bool, keep: Keep) -> tuple[PruneResult, Snapshot]:
    s = ContainerdStore(snap)
    if keep.until is not None:
        raise Unpredictable("containerd store: until compares the record's CreatedAt, not in the snapshot")
    cand = {n: t for n, t in s.records.items()
            if (not dangling or n.startswith(DANGLING_PREFIX)) and keep(s.images[t])}
    used: set[str] = set()
    for ctr in snap.containers:
        cand.pop(DANGLING_PREFIX + ctr.image_id, None)
        try:
            cref = parse_normalized_named(ctr.image)
            cand.pop(str(cref.tag_name_only().trim_tag_if_digest() if cref.digest and not cref.tag
                         else Reference(cref.domain, cref.path, cref.tag or "latest")), None)
        except InvalidReference:
            pass
        if is_image_id_prefix(ctr.image_id, ctr.image) or ctr.image.endswith("@" + ctr.image_id):
            used.add(ctr.image_id)
    refcnt = Counter(s.records.values())
    for n in sorted(cand):
        t = cand[n]
        if refcnt[t] > 1:
            refcnt[t] -= 1
            del cand[n]
        elif t in used:
            del cand[n]
    groups = []
    for n, t in sorted(cand.items()):
        del s.records[n]
        label = ("sha256:" + t.split(":", 1)[1]) if n.startswith(DANGLING_PREFIX) else _ctrd_familiar(n)
        group: list[Item] = [{"Untagged": label}]
        if not s.all_of(t):
            group.append({"Deleted": t})
        groups.append(tuple(group))
    why = ("containerd store: manifests under an index and SpaceReclaimed (blob and snapshot sizes) "
           "are not in the snapshot")
    return PruneResult(groups=tuple(groups), space_reclaimed=None, unpredictable=why), s.to_snapshot()
