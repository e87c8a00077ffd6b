"""Exact prediction of ``docker rmi`` and ``docker image prune`` as pure functions of a Snapshot.

Per image store (``snapshot.info.image_store``):

* graphdriver (classic store, dockerd 20.10 … 28): ported from moby
  ``daemon/images/image_delete.go``, ``image_prune.go``, ``reference/store.go``,
  ``layer/layer_store.go``; checked here against dockerd 20.10 by the
  differential tests (tests/test_differential.py).  Identical up to v29.
* containerd store (Engine 25+): taken from the engine source
  (``daemon/containerd/image_delete.go``, ``image_prune.go``), NOT tested here
  (no such daemon on this machine).  Engine 24's experimental store is refused.
* Podman 4.3 (Docker-compatible API, ``podman system service``): ported from
  libimage (``image.go`` removeRecursive, ``layer_tree.go``, ``runtime.go``
  RemoveImages) and the compat handlers, and checked against Podman 4.3.1 by
  tests/test_podman.py (random states of imports, buildah builds, commits, tags
  and containers; rmi by name / ID / short ID / bad references, -f; prune with
  dangling / label / label! filters and the refused -a).  Podman derives parents
  from its layer tree on every call; the simulator re-derives them from the
  snapshot and, where that disagrees with the parents Podman reported, says
  unpredictable.  Also unpredictable: short names that localhost/, registries.conf
  or a repository suffix could resolve, repo@digest arguments, ambiguous ID
  prefixes, ``until`` within seconds of an image's creation, image-less images,
  filters other than dangling/label/label!/until, error texts that join
  several in-use failures, and every Podman other than 4.3 (its compat handlers
  changed later: prune -a, rmi -f with containers, message texts).  Not visible
  to a snapshot: containers of other tools on the same storage (buildah's working
  containers), which make Podman refuse a delete the prediction allows.

A snapshot cannot see layers held only by BuildKit's cache (graphdriver mode): with
BuildKit builds on the host, fewer chain-ID lines may come back than predicted.

Whatever a snapshot cannot decide is reported, never guessed: an ``RmiOutcome``
or ``PruneResult`` then carries ``unpredictable`` = the reason.  Where the
daemon itself picks at random (which container a conflict message names, the
order of prune's ImagesDeleted), the prediction carries every possibility.
"""
from __future__ import annotations

import dataclasses
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from ..core.reference import (ERR_INVALID_FORMAT, ERR_UPPERCASE, Ambiguous, DigestSet, InvalidReference, Reference,
                        is_image_id_prefix, parse, parse_any, parse_normalized_named, path_is_clean)
from ..core.snapshot import STORE_CONTAINERD, STORE_GRAPHDRIVER, STORE_PODMAN, Container, Image, Snapshot

Item = dict[str, str]          # {"Untagged": ref} or {"Deleted": id}
PRUNE_FILTERS = ("dangling", "label", "label!", "until")
CLOCK_MARGIN_NS = 5 * 10**9    # relative ``until`` this close to an image's Created → unpredictable

class Unpredictable(Exception):
    """The snapshot does not hold enough to predict the daemon's answer exactly."""


@dataclass(frozen=True)
class RmiOutcome:
    """What ``DELETE /images/{ref}`` answers: the response list, an error, or why it is unknown."""

    ref: str
    response: tuple[Item, ...] = ()
    status: int = 200
    message: str = ""                      # the error message (status != 200)
    alternatives: tuple[str, ...] = ()     # every message the daemon may send when it picks at random
    unpredictable: str = ""                # non-empty: no exact prediction, and why

    @property
    def ok(self) -> bool:
        """True when the prediction is a successful response list."""
        return self.status == 200 and not self.unpredictable

    def to_json(self) -> dict[str, Any]:
        """``{"ref", "response"}`` or ``{"ref", "error": {"status", "message"}}`` (+ ``unpredictable``)."""
        if self.unpredictable:
            return {"ref": self.ref, "unpredictable": self.unpredictable}
        if self.status != 200:
            err: dict[str, Any] = {"status": self.status, "message": self.message}
            if self.alternatives:
                err["alternatives"] = list(self.alternatives)
            return {"ref": self.ref, "error": err}
        return {"ref": self.ref, "response": [dict(i) for i in self.response]}

    def matches(self, actual: dict[str, Any]) -> bool:
        """True when the daemon's real answer (same JSON shape) is exactly this prediction."""
        if self.unpredictable:
            return False
        if self.status != 200:
            err = actual.get("error") or {}
            allowed = self.alternatives or (self.message,)
            return err.get("status") == self.status and err.get("message") in allowed
        return "error" not in actual and [dict(i) for i in self.response] == list(actual.get("response", ()))


@dataclass(frozen=True)
class PruneResult:
    """What ``POST /images/prune`` answers; the daemon's order is random, so groups are per candidate."""

    groups: tuple[tuple[Item, ...], ...] = ()   # one per image prune processed (each in the daemon's order)
    space_reclaimed: int | None = 0             # None when a deleted layer's size is unknown
    unpredictable: str = ""
    status: int = 200
    message: str = ""

    @property
    def images_deleted(self) -> list[Item]:
        """All entries, flattened (the daemon may list the groups in any order)."""
        return [dict(i) for g in self.groups for i in g]

    def to_json(self) -> dict[str, Any]:
        """``{"ImagesDeleted": [...], "SpaceReclaimed": N}`` (or the error / the reason)."""
        if self.unpredictable:
            return {"unpredictable": self.unpredictable}
        if self.status != 200:
            return {"error": {"status": self.status, "message": self.message}}
        return {"ImagesDeleted": self.images_deleted or None, "SpaceReclaimed": self.space_reclaimed}

    def matches(self, actual: dict[str, Any]) -> bool:
        """True when the daemon's answer equals the prediction, ImagesDeleted compared as a multiset."""
        if self.unpredictable:
            return False
        if self.status != 200:
            return (actual.get("error") or {}) == {"status": self.status, "message": self.message}
        return (multiset(actual.get("ImagesDeleted")) == multiset(self.images_deleted)
                and actual.get("SpaceReclaimed") == self.space_reclaimed)


def multiset(items: Iterable[Item] | None) -> Counter:
    """A response list as a multiset of (key, value) pairs."""
    return Counter(tuple(sorted(i.items())) for i in items or ())


class _Err(Exception):
    def __init__(self, status: int, message: str, alternatives: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        alts = tuple(dict.fromkeys(alternatives))
        self.alternatives = alts if len(alts) > 1 else ()


def _short(image_id: str) -> str:
    return image_id.split(":", 1)[-1][:12]


def _not_found(ref: Reference) -> _Err:
    return _Err(404, f"No such image: {ref.tag_name_only().familiar()}")


# ===========================================================================
# Graphdriver store
# ===========================================================================
class _Conflict:
    """imageDeleteConflict: hard/soft, whether a container is the cause, possible messages."""

    def __init__(self, image_id: str, hard: bool, used: bool, texts: list[str]) -> None:
        self.hard, self.used = hard, used
        force = "cannot be forced" if hard else "must be forced"
        self.messages = [f"conflict: unable to delete {_short(image_id)} ({force}) - {t}" for t in texts]

    def error(self) -> _Err:
        return _Err(409, self.messages[0], self.messages)


CHILD, RUNNING, ACTIVE_REF, STOPPED = 1, 2, 4, 8
HARD, SOFT = CHILD | RUNNING, ACTIVE_REF | STOPPED


class _Graph:
    """Mutable working copy of the classic store: refstore, image store (parents), layer store."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.images: dict[str, Image] = dict(snap.by_id)
        self.refs: dict[str, dict[str, Reference]] = {}        # image ID → {full ref string: ref}
        self.refstore: dict[str, str] = {}                     # full ref string → image ID
        for img in snap.images:
            for text in img.repo_tags + img.repo_digests:
                ref = parse_normalized_named(text).tag_name_only()
                self.refs.setdefault(img.id, {})[str(ref)] = ref
                self.refstore[str(ref)] = img.id
        self.parent = {i.id: i.parent for i in snap.images if i.parent}
        self.missing_parents = {p for p in self.parent.values() if p not in self.images}
        self.children: dict[str, set[str]] = {}
        for child, par in self.parent.items():
            self.children.setdefault(par, set()).add(child)
        self.ids = DigestSet([i.id for i in snap.images])
        self.containers = list(snap.containers)
        self.users: dict[str, list[Container]] = {}
        for ctr in snap.containers:
            self.users.setdefault(ctr.image_id, []).append(ctr)
        # layer store: reference counts = images on top + child layers + container RW layers
        self.layer_parent: dict[str, str | None] = {}
        self.layer_kids: dict[str, set[str]] = {}
        self.layer_tops: Counter = Counter()
        self.layer_pins: Counter = Counter()
        self.unknown_pins: list[str] = []
        for img in snap.images:
            self._add_chain(img.chain_ids)
            if img.top_layer:
                self.layer_tops[img.top_layer] += 1
        # A container pins its image's top layer; one whose image was force-removed pins
        # the chain the snapshot recorded for it (Container.layer_chain), or an unknown one.
        for ctr in snap.containers:
            chain = self.images[ctr.image_id].chain_ids if ctr.image_id in self.images else ctr.layer_chain
            if chain is None:
                self.unknown_pins.append(ctr.id)
                continue
            self._add_chain(chain)
            if chain:
                self.layer_pins[chain[-1]] += 1
        self.layers_before = set(self.layer_parent)

    def _add_chain(self, chain: tuple[str, ...]) -> None:
        prev = None
        for cid in chain:
            if cid not in self.layer_parent:
                self.layer_parent[cid] = prev
                if prev:
                    self.layer_kids.setdefault(prev, set()).add(cid)
            prev = cid

    # -- lookups ------------------------------------------------------------
    def references(self, image_id: str) -> list[Reference]:
        """refstore.References: sorted by the full normalised string."""
        return [r for _, r in sorted(self.refs.get(image_id, {}).items())]

    def get_image(self, arg: str) -> str:
        """daemon.GetImage: digest → exact ID; name → refstore; else a unique ID prefix."""
        try:
            ref = parse_any(arg)
        except InvalidReference as exc:
            raise _Err(400, str(exc)) from None
        if not ref.is_named:
            if ref.digest in self.images:
                return ref.digest
            raise _Err(404, f"No such image: {ref.digest}")
        key = str(ref.trim_tag_if_digest() if ref.digest else ref.tag_name_only())
        if key in self.refstore:
            return self.refstore[key]
        try:
            found = self.ids.lookup(arg)
        except Ambiguous:
            found = None            # GetImage turns every Search error into "No such image"
        if found:
            return found
        raise _not_found(ref)

    def conflict(self, image_id: str, mask: int) -> _Conflict | None:
        """checkImageDeleteConflict, in the daemon's order."""
        if mask & CHILD and self.children.get(image_id):
            return _Conflict(image_id, True, False, ["image has dependent child images"])
        users = self.users.get(image_id, [])
        running = [c for c in users if c.running]
        if mask & RUNNING and running:
            return _Conflict(image_id, True, True,
                             [f"image is being used by running container {c.id[:12]}" for c in running])
        if mask & ACTIVE_REF and self.refs.get(image_id):
            return _Conflict(image_id, False, False, ["image is referenced in multiple repositories"])
        stopped = [c for c in users if not c.running]
        if mask & STOPPED and stopped:
            return _Conflict(image_id, False, True,
                             [f"image is being used by stopped container {c.id[:12]}" for c in stopped])
        return None

    def dangling(self, image_id: str) -> bool:
        return not self.refs.get(image_id) and not self.children.get(image_id)

    # -- mutations ----------------------------------------------------------
    def untag(self, ref: Reference) -> Reference:
        """removeImageRef: TagNameOnly, then delete (name:tag@digest deletes name@digest)."""
        ref = ref.tag_name_only()
        key = str(ref.trim_tag_if_digest())
        image_id = self.refstore.pop(key, None)
        if image_id is None:
            raise _Err(500, "reference does not exist")
        self.refs[image_id].pop(key, None)
        if not self.refs[image_id]:
            del self.refs[image_id]
        return ref

    def delete_image(self, image_id: str) -> list[str]:
        """imageStore.Delete + layerStore.Release: the released chain IDs, top first."""
        img = self.images.pop(image_id)
        self.ids.remove(image_id)
        for kid in self.children.pop(image_id, ()):
            self.parent.pop(kid, None)
        par = self.parent.pop(image_id, None)
        if par and par in self.children:
            self.children[par].discard(image_id)
        top = img.top_layer
        if not top:
            return []
        self.layer_tops[top] -= 1
        removed: list[str] = []
        layer: str | None = top
        while layer is not None:
            if self.layer_tops[layer] > 0 or self.layer_kids.get(layer) or self.layer_pins[layer] > 0:
                break
            removed.append(layer)
            parent = self.layer_parent.pop(layer)
            self.layer_kids.pop(layer, None)
            if parent:
                self.layer_kids[parent].discard(layer)
            layer = parent
        if removed and self.unknown_pins:
            raise Unpredictable(f"container {self.unknown_pins[0][:12]} uses a removed image whose layers the "
                                "daemon does not name; it may keep layers of this image alive")
        return removed

    def to_snapshot(self) -> Snapshot:
        images = []
        for img in self.snap.images:
            if img.id not in self.images:
                continue
            refs = self.references(img.id)
            tags = tuple(r.familiar() for r in refs if r.tag)
            digests = tuple(r.familiar() for r in refs if r.digest)
            parent = self.parent.get(img.id, "")
            if (tags, digests, parent) != (img.repo_tags, img.repo_digests, img.parent):
                img = _replace_image(img, repo_tags=tags, repo_digests=digests, parent=parent)
            images.append(img)
        # containers whose image went (rmi -f) keep its layers: record which, for the next step
        containers = tuple(
            dataclasses.replace(c, layer_chain=self.snap.by_id[c.image_id].chain_ids)
            if c.image_id in self.snap.by_id and c.image_id not in self.images else c
            for c in self.snap.containers)
        return self.snap.replace(images=tuple(images), containers=containers, source="what-if")


def _replace_image(img: Image, **changes: Any) -> Image:
    values = {k: getattr(img, k) for k in img.__dataclass_fields__}
    values.update(changes)
    return Image(**values)


# ImageDelete (image_delete.go), graphdriver:
#   img = GetImage(arg); refs = References(img) sorted by full string
#   by name: unless force, a single reference used by any container → 409 "must force";
#            untag it (+ the repo's digest refs when its last tag goes); refs left → done;
#            else helper(quiet) — conflicts then end it silently
#   by ID:   single reference → check HARD (+STOPPED unless force), untag all refs;
#            helper(loud) — any conflict is the error
#   helper:  conflict HARD (+SOFT unless force); untag what is left; Deleted(id);
#            Deleted(chain) per released layer top→bottom; then, unless noprune,
#            helper(parent, force=False, quiet) — the untagged parents without other children.
def _gd_delete(g: _Graph, arg: str, force: bool, prune: bool) -> list[Item]:
    if not arg.strip():
        raise _Err(400, "image name cannot be blank")
    if not path_is_clean(arg):
        raise Unpredictable(f"the API router rewrites the path /images/{arg} before the daemon sees it")
    image_id = g.get_image(arg)
    refs = g.references(image_id)
    out: list[Item] = []
    if not is_image_id_prefix(image_id, arg):
        if not force and _single_reference(refs):
            users = g.users.get(image_id, [])
            if users:
                msgs = [f'conflict: unable to remove repository reference "{arg}" (must force) - container '
                        f"{c.id[:12]} is using its referenced image {_short(image_id)}" for c in users]
                raise _Err(409, msgs[0], msgs)
        parsed = parse_normalized_named(arg)
        removed = g.untag(parsed)
        out.append({"Untagged": removed.familiar()})
        refs = g.references(image_id)
        if not removed.digest and not any(r.name == removed.name and not r.digest for r in refs):
            for r in refs:
                if r.digest and r.name == removed.name:
                    g.untag(r)
                    out.append({"Untagged": r.familiar()})
            refs = g.references(image_id)
        if refs:
            return out
        quiet = True
    else:
        quiet = False
        if _single_reference(refs):
            c = g.conflict(image_id, HARD | (0 if force else STOPPED))
            if c:
                raise c.error()
            for r in refs:
                out.append({"Untagged": g.untag(r).familiar()})
    _gd_helper(g, image_id, out, force, prune, quiet)
    return out


def _gd_helper(g: _Graph, image_id: str, out: list[Item], force: bool, prune: bool, quiet: bool) -> None:
    if image_id in g.missing_parents:
        raise Unpredictable(f"parent image {_short(image_id)} is not in the snapshot")
    c = g.conflict(image_id, HARD | (0 if force else SOFT))
    if c:
        if quiet and (not g.dangling(image_id) or c.used):
            return
        raise c.error()
    parent = g.parent.get(image_id, "")
    for r in g.references(image_id):
        out.append({"Untagged": g.untag(r).familiar()})
    layers = g.delete_image(image_id)
    out.append({"Deleted": image_id})
    out.extend({"Deleted": cid} for cid in layers)
    if prune and parent:
        _gd_helper(g, parent, out, False, True, True)


def _single_reference(refs: list[Reference]) -> bool:
    """isSingleReference: one ref, or ≤1 tag and all digest refs in that one repository."""
    if len(refs) <= 1:
        return len(refs) == 1
    single: Reference | None = None
    digest_repos: set[str] = set()
    for r in refs:
        if r.digest:
            digest_repos.add(r.name)
        elif single is None:
            single = r
        else:
            return False
    if single is None:
        single = refs[0]
    return len(digest_repos) == 1 and single.name in digest_repos


# ImagesPrune (image_prune.go), graphdriver:
#   cands = dangling ? Heads() (no children) : Map() (all)
#   drop untagged images with children, then apply until (config Created) and labels
#   for each candidate (Go map order = random):
#     refs → (all, or dangling and none is a tag) ImageDelete(ref.String(), force=False, prune=True) per ref
#     none → ImageDelete(hex ID, …);  every error is skipped (images in use survive)
#   SpaceReclaimed = Σ DiffSize of pre-existing layers listed as Deleted.
# The final state and the multiset of entries do not depend on the order; we
# process candidates by ID and keep each one's entries as a group.
def _gd_prune(snap: Snapshot, dangling: bool, keep: "_Keep", sizes: dict[str, int] | None
              ) -> tuple[PruneResult, Snapshot]:
    g = _Graph(snap)
    cands = [i for i in snap.images if not dangling or not g.children.get(i.id)]
    top = [i for i in cands if not (not g.refs.get(i.id) and g.children.get(i.id)) and keep(i)]
    groups: list[tuple[Item, ...]] = []
    for img in sorted(top, key=lambda i: i.id):
        group: list[Item] = []
        refs = g.references(img.id)
        if refs:
            if not dangling or not any(r.tag for r in refs):
                for r in refs:
                    group += _try_delete(g, str(r))
        else:
            group += _try_delete(g, img.id.split(":", 1)[1])
        if group:
            groups.append(tuple(group))
    if sizes is None:
        from ..core.history import layer_sizes
        sizes = layer_sizes(snap)
    gone = [i["Deleted"] for grp in groups for i in grp if i.get("Deleted") in g.layers_before]
    unknown = [cid for cid in gone if cid not in sizes]
    space = None if unknown else sum(sizes[cid] for cid in gone)
    why = f"size of layer {unknown[0]} is unknown" if unknown else ""
    return PruneResult(groups=tuple(groups), space_reclaimed=space, unpredictable=why), g.to_snapshot()


def _try_delete(g: _Graph, arg: str) -> list[Item]:
    try:
        return _gd_delete(g, arg, force=False, prune=True)
    except _Err:
        return []


# ===========================================================================
# Prune filters (until / label), as image_prune.go and timetypes apply them
# ===========================================================================
_DURATION = re.compile(r"[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+")
_UNIT_NS = {"ns": 1, "us": 10**3, "µs": 10**3, "μs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
            "h": 3600 * 10**9}
_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)")


GO_INT64_MAX = 2**63 - 1
GO_ZERO_TIME_UNIX = -62135596800        # time.Time{}: an until equal to it is ignored (IsZero)


class _BadTime(Exception):
    """The daemon cannot parse an until value (the engine's own message is the text)."""


# time.ParseDuration, step by step as Go computes it: each component's integer part in
# uint64 (overflow past 1<<63 is an error), its fraction scaled through a float64, the
# sum limited to 1<<63 (and to 1<<63 - 1 when positive).
def _duration_ns(text: str) -> int | None:
    """time.ParseDuration in nanoseconds, or None where Go reports overflow ("invalid duration")."""
    neg = text.startswith("-")
    total = 0
    for whole, frac, unit in re.findall(r"(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)", text.lstrip("+-")):
        value = 0
        for digit in whole:
            if value > (1 << 63) // 10:
                return None
            value = value * 10 + int(digit)
            if value > 1 << 63:
                return None
        f, scale = 0, 1.0
        for digit in frac:                      # leadingFraction: digits past overflow are ignored
            if f > (GO_INT64_MAX // 10) or f * 10 + int(digit) > 1 << 63:
                break
            f, scale = f * 10 + int(digit), scale * 10
        unit_ns = _UNIT_NS[unit]
        if value > (1 << 63) // unit_ns:
            return None
        value *= unit_ns
        if f > 0:
            value += int(float(f) * (float(unit_ns) / scale))
            if value > 1 << 63:
                return None
        total += value
        if total > 1 << 63:
            return None
    if neg:
        return -total
    return None if total > GO_INT64_MAX else total


def _go_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None where it fails."""
    if not re.fullmatch(r"[+-]?\d+", text):
        return None
    value = int(text)
    return value if -GO_INT64_MAX - 1 <= value <= GO_INT64_MAX else None


# timetypes.GetTimestamp, then ParseTimestamps, as the daemon turns an until value into
# a time: a Go duration (not "0") counts back from the daemon's clock; a value with a
# "-" is parsed as an RFC 3339-like time (in the daemon's time zone when it names none);
# any other value is a unix time "sec[.frac]" of two Go int64s, or the error
# 'failed to parse value as time or duration: "<value>"'.
def rfc3339_ns(text: str) -> int:
    """Unix nanoseconds of an RFC 3339 timestamp (full nanosecond precision, any offset)."""
    m = _RFC3339.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    import calendar
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "").ljust(9, "0")
    secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    zone = m.group(8)
    if zone != "Z":
        off = int(zone[1:3]) * 3600 + int(zone[4:6]) * 60
        secs -= off if zone[0] == "+" else -off
    return secs * 10**9 + int(frac)


def _until_ns(value: str, now_ns: int) -> tuple[int, bool]:
    """timetypes.GetTimestamp + ParseTimestamps → (cutoff ns, relative to the daemon's clock?)."""
    if value != "0" and _DURATION.fullmatch(value):
        duration = _duration_ns(value)
        if duration is not None:
            return (now_ns - duration) // 10**9 * 10**9, True
    if "-" in value:
        if _RFC3339.fullmatch(value):
            return rfc3339_ns(value), False
        raise Unpredictable(f"until={value!r}: local-time or malformed timestamps depend on the daemon's time "
                            "zone and parser; use a duration, a unix time or RFC 3339 with a zone")
    secs_text, dot, frac_text = value.partition(".")
    secs = _go_int64(secs_text)
    frac = _go_int64(frac_text) if dot else 0
    if secs is None or frac is None:
        raise _BadTime(f'failed to parse value as time or duration: "{value}"')
    if dot:
        frac = int(float(frac) * math.pow(10, 9 - len(frac_text)))
    if secs > GO_INT64_MAX + GO_ZERO_TIME_UNIX or secs == GO_ZERO_TIME_UNIX:
        raise Unpredictable(f"until={value!r} lies outside Go's time range (or is its zero time)")
    return secs * 10**9 + frac, False


def _filter_values(filters: dict[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in (filters or {}).items():
        vals = value if isinstance(value, (list, tuple, set)) else [value]
        out[key] = [("true" if v else "false") if isinstance(v, bool) else str(v) for v in vals]
    return out


class _Keep:
    """The until/label part of the prune filter, as a predicate on images."""

    def __init__(self, f: dict[str, list[str]], now_ns: int, created_of=None) -> None:
        self.labels = f.get("label", [])
        self.not_labels = f.get("label!", [])
        self.until: int | None = None
        self.relative = False
        self.created_of = created_of or (lambda img: rfc3339_ns(img.created))
        if "until" in f:
            vals = sorted(set(f["until"]))
            if len(vals) > 1:
                raise _Err(500, "more than one until filter specified")
            self.until, self.relative = _until_ns(vals[0], now_ns)

    def __call__(self, img: Image) -> bool:
        if self.until is not None:
            created = self.created_of(img)
            if self.relative and abs(created - self.until) < CLOCK_MARGIN_NS:
                raise Unpredictable(f"image {img.short_id} was created within a few seconds of the until "
                                    "cut-off, which the daemon computes from its own clock")
            if created > self.until:
                return False
        labels = img.label_map
        if not _match_kv(self.labels, labels):
            return False
        if self.not_labels and _match_kv(self.not_labels, labels):
            return False
        return True


def _match_kv(wanted: list[str], labels: dict[str, str]) -> bool:
    """filters.Args.MatchKVList: every ``k`` / ``k=v`` must match (true when none is given)."""
    if not wanted:
        return True
    if not labels:
        return False
    for w in set(wanted):
        k, eq, v = w.partition("=")
        if k not in labels or (eq and labels[k] != v):
            return False
    return True


def _dangling_only(f: dict[str, list[str]], all_: bool) -> bool:
    if "dangling" not in f:
        return not all_
    vals = set(f["dangling"])
    if vals in ({"false"}, {"0"}) or vals == {"false", "0"}:
        return False
    if vals <= {"true", "1"}:
        return True
    if vals & {"false", "0"}:                       # ExactMatch: any value equal counts
        return False
    raise _Err(400, f"Invalid filter 'dangling=[{' '.join(sorted(vals))}]'")


# ===========================================================================
# containerd image store (Engine 25+), from daemon/containerd — not tested here
# ===========================================================================
DANGLING_PREFIX = "moby-dangling@"
PARENT_LABEL = "org.mobyproject.image.parent"
_TRUNCATED_ID = re.compile(r"(sha256:)?([a-f0-9]{4,64})")


class _Ctrd:
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

    def all_of(self, target: str) -> list[str]:
        return sorted(n for n, t in self.records.items() if t == target)

    def to_snapshot(self) -> Snapshot:
        images = []
        for img in self.snap.images:
            names = self.all_of(img.id)
            if not names:
                continue
            refs = [parse_normalized_named(n) for n in names if not n.startswith(DANGLING_PREFIX)]
            tags = tuple(r.familiar() for r in refs if r.tag)
            digests = tuple(r.familiar() for r in refs if r.digest)
            images.append(_replace_image(img, repo_tags=tags, repo_digests=digests))
        return self.snap.replace(images=tuple(images), source="what-if")


def _ctrd_conflict_check(s: _Ctrd, target: str, all_names: list[str], c: int) -> None:
    users = [ctr for ctr in s.snap.containers if ctr.image_id == target]
    running = [ctr for ctr in users if ctr.running]
    if running:
        msgs = [f"conflict: unable to delete {_short(target)} (cannot be forced) - image is being used by "
                f"running container {ctr.id[:12]}" for ctr in running]
        raise _Err(409, msgs[0], msgs)
    stopped = [ctr for ctr in users if not ctr.running]
    if c & STOPPED and stopped:
        msgs = [f"conflict: unable to delete {_short(target)} (must be forced) - image is being used by "
                f"stopped container {ctr.id[:12]}" for ctr in stopped]
        raise _Err(409, msgs[0], msgs)
    if c & ACTIVE_REF and len(all_names) > 1:
        raise _Err(409, f"conflict: unable to delete {_short(target)} (must be forced) - image is referenced "
                        "in multiple repositories")


# ImageDelete, containerd store (daemon/containerd/image_delete.go):
#   resolve arg → the record named exactly arg (or none for an ID) and all records of its target;
#   a name on a target with other names → untag only; by ID → every name goes, Deleted(target)
#   once; no chain-ID lines (content goes through containerd GC); parents (label) follow
#   while dangling.  Containers: running → hard, stopped → soft, in-use by name → soft delete.
def _ctrd_delete(s: _Ctrd, arg: str, force: bool, prune: bool) -> list[Item]:
    if not arg.strip():
        raise _Err(400, "image name cannot be blank")
    try:
        ref = parse_any(arg)
    except InvalidReference as exc:
        raise _Err(400, str(exc)) from None
    if ref.is_named and ref.digest:
        raise Unpredictable("containerd store: repo@digest arguments match records by target; not modelled")
    img_name: str | None = None
    if not ref.is_named:
        target = ref.digest if ref.digest in s.images else None
        if target is None:
            raise _Err(404, f"No such image: {ref.digest}")
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
            raise _not_found(ref)
    all_names = s.all_of(target)
    c = 0 if force else ACTIVE_REF | STOPPED
    if img_name is None or is_image_id_prefix(target, arg):
        return _ctrd_delete_all(s, target, all_names, c, prune)
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
            msgs = [f"conflict: unable to delete {arg} (must be forced) - container {u.id[:12]} is using its "
                    f"referenced image {_short(target)}" for u in users]
            raise _Err(409, msgs[0], msgs)
        if len(all_names) == 1:
            s.records[DANGLING_PREFIX + target] = target
        del s.records[img_name]
        return [{"Untagged": _ctrd_familiar(img_name)}]
    return _ctrd_delete_all(s, target, all_names, c, prune)


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


def _ctrd_delete_all(s: _Ctrd, target: str, all_names: list[str], c: int, prune: bool) -> list[Item]:
    _ctrd_conflict_check(s, target, all_names, c)
    out: list[Item] = []
    for n in all_names:
        del s.records[n]
        if not n.startswith(DANGLING_PREFIX):
            out.append({"Untagged": _ctrd_familiar(n)})
    if any(ch.parent == target for ch in s.snap.images if s.all_of(ch.id)):
        s.records[DANGLING_PREFIX + target] = target     # survives as a parent, yet reported Deleted
    out.append({"Deleted": target})
    parent = s.images[target].parent if prune else ""
    while parent and parent in s.images:
        names = s.all_of(parent)
        if names != [DANGLING_PREFIX + parent]:
            break
        try:
            _ctrd_conflict_check(s, parent, names, STOPPED)
        except _Err:
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
def _ctrd_prune(snap: Snapshot, dangling: bool, keep: _Keep) -> tuple[PruneResult, Snapshot]:
    s = _Ctrd(snap)
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


# ===========================================================================
# Podman 4.3 (Docker-compatible API over libimage / containers-storage),
# checked against a real Podman 4.3.1 by tests/test_podman.py
# ===========================================================================
# Podman keeps no parent pointers: libimage derives them on every call from the
# layer tree (layer_tree.go).  Y is a parent of X when areParentAndChild(Y, X):
#   Y's diff IDs are a prefix of X's, X has exactly one history entry more, and
#   the shared history entries are equal (Created to the ns, CreatedBy, Author,
#   Comment, EmptyLayer).
#   parent(X)    = first image, in store order, on X's top-layer node or on the
#                  node of X's parent layer, that is a parent of X;
#   children(P)  = images on P's node or on a child node of it of which P is a parent;
#   dangling(P)  = no names and no children.
# A snapshot holds history rows with Created in seconds and without Author or
# EmptyLayer, so the relation is recomputed from those and then checked against
# the parent Podman itself reported for every image: if they disagree the
# snapshot cannot tell, and every prediction says so.
PODMAN_IN_USE = "image is in use by a container: consider listing external containers and force-removing image"


class _Podman:
    """Mutable working copy of Podman's store: images in store order, their names, the containers."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        created = {}
        for img in snap.images:
            try:
                created[img.id] = rfc3339_ns(img.created)
            except ValueError:
                created[img.id] = 0
        # store order = creation order (images.json appends); the config Created stands in for it
        self.order = [i.id for i in sorted(snap.images, key=lambda i: (created[i.id], i.id))]
        self.images: dict[str, Image] = dict(snap.by_id)
        self.names: dict[str, list[str]] = {i.id: [str(parse_normalized_named(t)) for t in i.repo_tags]
                                            for i in snap.images}
        self.containers: list[Container] = list(snap.containers)
        self._hist = {i.id: tuple((h.created, h.created_by, h.comment) for h in reversed(i.history))
                      for i in snap.images}
        # layer-tree nodes: images by top layer, and by the layer under their top layer (store order)
        self.on_top: dict[str, list[str]] = {}
        self.on_below: dict[str, list[str]] = {}
        for image_id in self.order:
            chain = self.images[image_id].chain_ids
            if chain:
                self.on_top.setdefault(chain[-1], []).append(image_id)
            if len(chain) > 1:
                self.on_below.setdefault(chain[-2], []).append(image_id)
        self.doubt = self._check_parents()

    # -- the layer tree ---------------------------------------------------------
    def is_parent(self, p: str, x: str) -> bool:
        """areParentAndChild(p, x) from what the snapshot holds."""
        pi, xi = self.images[p], self.images[x]
        hp, hx = self._hist[p], self._hist[x]
        return (len(pi.diff_ids) <= len(xi.diff_ids) and xi.diff_ids[:len(pi.diff_ids)] == pi.diff_ids
                and len(hp) + 1 == len(hx) and hx[:len(hp)] == hp)

    def _live(self) -> list[str]:
        return [i for i in self.order if i in self.images]

    def parent(self, x: str) -> str | None:
        """layerTree.parent: same top layer first, then the parent layer's images, each in store order."""
        img = self.images[x]
        if not img.diff_ids:
            raise Unpredictable(f"image {img.short_id} has no layers (Podman compares configs of empty images)")
        chain = img.chain_ids
        cands = [i for i in self.on_top.get(chain[-1], ()) if i != x]
        if len(chain) > 1:
            cands += self.on_top.get(chain[-2], ())
        return next((c for c in cands if self.is_parent(c, x)), None)

    def has_children(self, p: str) -> bool:
        """layerTree.children(p) is not empty: on p's node or a child node of it."""
        top = self.images[p].top_layer
        if top is None:
            raise Unpredictable(f"image {self.images[p].short_id} has no layers")
        return any(x != p and self.is_parent(p, x)
                   for x in self.on_top.get(top, []) + self.on_below.get(top, []))

    def dangling(self, p: str) -> bool:
        """Image.IsDangling: no names and no children."""
        return not self.names[p] and not self.has_children(p)

    def _check_parents(self) -> str:
        """"" when the snapshot reproduces Podman's view, else why it cannot."""
        for img in self.snap.images:
            repos = {parse_normalized_named(t).name for t in img.repo_tags}
            extra = [d for d in img.repo_digests if parse_normalized_named(d).name not in repos]
            if extra:
                # Podman lists a repo@digest per name; one without a tag of its repo is a
                # digest-only name, which RepoTags does not show (nor dangling-ness)
                return f"image {img.short_id} has a name Podman does not list as a tag ({extra[0]})"
            try:
                mine = self.parent(img.id) or ""
            except Unpredictable as why:
                return str(why)
            if mine != img.parent:
                return (f"the parent of {img.short_id} derived from the snapshot ({_short(mine) or 'none'}) is not "
                        f"the one Podman reports ({_short(img.parent) or 'none'}): the snapshot's history rows "
                        "(Created in seconds, no Author/EmptyLayer) cannot decide Podman's layer tree here")
        return ""

    # -- mutations ---------------------------------------------------------------
    def users(self, image_id: str) -> list[Container]:
        return [c for c in self.containers if c.image_id == image_id]

    def delete(self, image_id: str) -> list[str]:
        """store.DeleteImage: refused while a container uses it; returns the names it had."""
        users = self.users(image_id)
        if users:
            raise _PodmanInUse(users)
        names = self.names.pop(image_id)
        chain = self.images.pop(image_id).chain_ids
        if chain:
            self.on_top[chain[-1]].remove(image_id)
        if len(chain) > 1:
            self.on_below[chain[-2]].remove(image_id)
        return names

    def to_snapshot(self) -> Snapshot:
        images = tuple(_replace_image(img, repo_tags=tuple(self.names[img.id]),
                                      repo_digests=tuple(d for d in img.repo_digests
                                                         if any(parse_normalized_named(d).name ==
                                                                parse_normalized_named(n).name
                                                                for n in self.names[img.id])),
                                      parent=self.parent(img.id) or "")
                       for img in self.snap.images if img.id in self.images)
        kept = set(c.id for c in self.containers)
        return self.snap.replace(images=images, containers=tuple(c for c in self.snap.containers if c.id in kept),
                                 source="what-if")


class _PodmanInUse(Exception):
    """containers-storage refused DeleteImage: ErrImageUsedByContainer (it names the first user)."""

    def __init__(self, users: list[Container]) -> None:
        super().__init__("image in use")
        self.users = users

    def texts(self, prefix: str = "") -> list[str]:
        return [f"{prefix}image used by {c.id}: {PODMAN_IN_USE}" for c in self.users]


# removeRecursive (libimage/image.go), one report per visited image:
#   referencedBy = the resolved name, or the full ID when the arg is an ID (prefix);
#   several names: by ID without force → error; by name → Untag it, and stop if names remain;
#   force → remove every container of the image (running ones too);
#   hasChildren and parent are computed BEFORE the delete; DeleteImage fails while a
#   container uses the image (409 through the compat handler, earlier deletes stay done);
#   Untagged += the remaining names; Removed (→ "Deleted") only without children;
#   then the parent, if it is now dangling, goes the same way (referencedBy "").
# The compat handler answers every "Deleted" (hex ID) first, then every "Untagged"
# (full names).  noprune is ignored by Podman 4.3.
def _podman_remove(s: _Podman, image_id: str, referenced_by: str, force: bool,
                   reports: list[tuple[str, bool, list[str]]]) -> None:
    names = s.names[image_id]
    untagged: list[str] = []
    if referenced_by and len(names) != 1:
        by_id = image_id.split(":", 1)[1].startswith(referenced_by)
        if not force and by_id and len(names) > 1:
            raise _Err(500, f'unable to delete image "{image_id.split(":", 1)[1]}" by ID with more than one tag '
                            f"([{' '.join(names)}]): please force removal")
        if not by_id:
            names.remove(referenced_by)
            untagged.append(referenced_by)
            if names:
                reports.append((image_id, False, untagged))
                return
    if force:
        s.containers = [c for c in s.containers if c.image_id != image_id]
    has_children = s.has_children(image_id)
    parent = s.parent(image_id)
    report = (image_id, not has_children, untagged)
    try:
        untagged += s.delete(image_id)
    except _PodmanInUse:
        if untagged:
            reports.append(report)
        raise
    reports.append(report)
    if parent and s.dangling(parent):
        _podman_remove(s, parent, "", force, reports)


# NormalizeToDockerHub + LookupImage (pkg/api/handlers/utils, libimage/runtime.go) for one
# rmi argument → (image ID, referencedBy) or the compat handler's error:
#   "sha256:" + not 64 hex                → 500 "<arg>: invalid format: no 64-byte hexadecimal value"
#   full ID (with or without sha256:) / a unique hex prefix of an ID → that image, by ID
#   a name → docker.io-normalised, ":latest" added; found → that image by that name
#   not found → 404 "failed to find image <arg>: <ParseNormalizedNamed(arg)>: image not known",
#   or 500 when the name does not parse (64 hex: ParseNormalizedNamed's message).
# Short names may also resolve to "localhost/…", to registries.conf search
# registries or by repository suffix: when the snapshot holds such a name, unpredictable.
def _podman_resolve(s: _Podman, arg: str) -> tuple[str, str]:
    norm = "normalizing image: normalizing name for compat API: "
    if arg.startswith("sha256:"):
        hexpart = arg[7:]
        if not IDENTIFIER_HEX.fullmatch(hexpart):
            raise _Err(500, f"{norm}{arg}: invalid format: no 64-byte hexadecimal value")
        if "sha256:" + hexpart in s.images:
            return "sha256:" + hexpart, hexpart
        return _podman_not_found(arg, arg)
    if IDENTIFIER_HEX.fullmatch(arg):
        if "sha256:" + arg in s.images:
            return "sha256:" + arg, arg
        raise _Err(500, f'normalizing image: normalizing name "{arg}" (orig: "{arg}") for compat API: invalid '
                        f"repository name ({arg}), cannot specify 64-byte hexadecimal strings")
    try:
        parse(arg)
        ref = parse_normalized_named(arg)
    except InvalidReference as exc:
        text = str(exc)
        if text == ERR_UPPERCASE:
            raise _Err(500, norm + "repository name must be lowercase") from None
        if text == ERR_INVALID_FORMAT:
            raise _Err(500, norm + text) from None
        raise Unpredictable(f"Podman's message for the reference {arg!r} ({text}) is not modelled") from None
    if ref.digest:
        if any(parse_normalized_named(n).name == ref.name for ns in s.names.values() for n in ns):
            raise Unpredictable("Podman: repo@digest arguments are not modelled")
        return _podman_not_found(arg, str(ref))
    full = str(ref.tag_name_only())
    owner = {n: image_id for image_id, ns in s.names.items() for n in ns}

    def by_name(name: str) -> tuple[str, str]:
        image_id = owner[name]
        if image_id.split(":", 1)[1].startswith(arg):
            return image_id, image_id.split(":", 1)[1]     # NormalizeToDockerHub: an ID prefix wins
        return image_id, name

    first = arg.split("/")[0]
    if "/" in arg and ("." in first or ":" in first or first == "localhost"):
        if full in owner:                                   # fully qualified: that name or nothing
            return by_name(full)
        return _podman_not_found(arg, str(ref))
    # A short name.  LookupImage tries "localhost/<path>:<tag>", the registries.conf search
    # registries (unknown to a snapshot) and docker.io, then a (unique) ID prefix, then any
    # name whose repository ends in "/<path>" with that tag (lookupImageInDigestsAndRepoTags).
    path, _, tag = arg.rpartition(":") if ":" in arg.split("/")[-1] else (arg, "", "")
    tag = tag or "latest"
    parsed = {n: parse_normalized_named(n) for n in owner}
    exact = [n for n in (f"localhost/{path}:{tag}", full) if n in owner]
    searchable = [n for n, r in parsed.items() if r.domain not in ("docker.io", "localhost")
                  and r.path == path and r.tag == tag]
    hex_hits = [i for i in s.images if i.split(":", 1)[1].startswith(arg)] if re.fullmatch(r"[a-f0-9]+", arg) else []
    if searchable and (exact or len(hex_hits) == 1):
        raise Unpredictable(f"Podman may resolve the short name {arg!r} to {searchable[0]} if registries.conf "
                            "lists that registry for unqualified searches")
    if len(exact) > 1:
        raise Unpredictable(f"Podman resolves the short name {arg!r} to localhost/ or docker.io in an order "
                            "not modelled")
    if exact:
        return by_name(exact[0])
    if len(hex_hits) == 1:
        return hex_hits[0], hex_hits[0].split(":", 1)[1]
    # several IDs start with it: containers-storage does not pick one, the lookup goes on
    suffix = sorted(n for n, r in parsed.items() if r.tag == tag and ("/" + r.name).endswith("/" + path))
    if len(suffix) > 1:
        raise Unpredictable(f"Podman matches the short name {arg!r} by repository suffix; {suffix[0]} and "
                            f"{suffix[1]} both end in /{path} (the first in store order wins)")
    if suffix:
        return by_name(suffix[0])
    return _podman_not_found(arg, str(ref))


def _podman_not_found(arg: str, normalized: str) -> tuple[str, str]:
    if arg.startswith("sha256:"):
        normalized = str(parse_normalized_named(arg))
    raise _Err(404, f"failed to find image {arg}: {normalized}: image not known")


IDENTIFIER_HEX = re.compile(r"[a-f0-9]{64}")


PODMAN_MODELLED = ("4.3",)      # major.minor versions whose compat answers were checked (4.3.1)


def _podman_unmodelled(snap: Snapshot) -> str:
    """Why this Podman's answers are not modelled ("" when they are): other versions changed
    the compat handlers (prune's dangling handling, rmi -f and containers, message texts)."""
    version = snap.info.version
    if ".".join(version.split(".")[:2]) in PODMAN_MODELLED:
        return ""
    return (f"Podman {version or '(version unknown)'}: only Podman {', '.join(PODMAN_MODELLED)} is modelled "
            "(checked against 4.3.1); other versions changed the compat rmi/prune handlers")


def _podman_delete(s: _Podman, arg: str, force: bool) -> list[Item]:
    """One ``DELETE /images/{arg}`` on the working copy: the response list, or _Err (changes made stay made)."""
    if s.doubt:
        raise Unpredictable(s.doubt)
    if not arg.strip():
        raise Unpredictable("Podman's answer to a blank name is not modelled")
    if not path_is_clean(arg):
        raise Unpredictable(f"the API router rewrites the path /images/{arg} before Podman sees it")
    image_id, referenced_by = _podman_resolve(s, arg)
    reports: list[tuple[str, bool, list[str]]] = []
    try:
        _podman_remove(s, image_id, referenced_by, force, reports)
    except _PodmanInUse as err:
        msgs = err.texts(f"image {arg} is in use: ")
        raise _Err(409, msgs[0], msgs) from None
    return ([{"Deleted": i.split(":", 1)[1]} for i, removed, _ in reports if removed]
            + [{"Untagged": n} for _, _, names in reports for n in names])


# Prune, compat handler → abi ImageEngine.Prune → libimage RemoveImages(filters):
#   filters = the client's + "dangling=true" (the compat handler of 4.3 never sets All, so
#   the CLI's -a, i.e. dangling=false, is refused: "specifying \"dangling\" filter more
#   than once with different values is not supported"), "containers=false", readonly=false;
#   unknown keys → 500 'unsupported image filter "<key>"'.
#   Round: candidates = ListImages(filters) on the current state, in store order; each is
#   removed with referencedBy "" (parents that become dangling follow, filters or not);
#   a container on such a parent fails that removal and the prune answers 500 with the
#   joined errors (after the round).  Rounds repeat until one removes nothing.
#   ImagesDeleted = {"Deleted": hex} per removed image; SpaceReclaimed = Σ their Size
#   (libimage Image.Size = the whole chain + config and manifest, the inspect Size).
PODMAN_PRUNE_FILTERS = ("dangling", "label", "label!", "until")
_LIBIMAGE_FILTERS = ("after", "since", "before", "containers", "dangling", "id", "intermediate", "label",
                     "readonly", "manifest", "reference", "until")
_GO_BOOLS = {**dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
             **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False)}


# libimage applyFilters: values of one key are ORed, keys are ANDed; "label!=v" is the
# negated label filter under the key "label" (so it is ORed with the label=… values);
# until keeps images whose store time is Before the cut-off (config Created stands in,
# hence the margin).
def _podman_keep(f: dict[str, list[str]], now_ns: int):
    """The label/label!/until part of a Podman prune filter, as a predicate on images."""
    labels = [(v, True) for v in f.get("label", [])] + [(v, False) for v in f.get("label!", [])]
    try:
        cutoffs = [_until_ns(v, now_ns)[0] for v in f.get("until", [])]
    except _BadTime:
        raise Unpredictable("Podman's message for an until value it cannot parse is not modelled") from None

    def keep(img: Image) -> bool:
        if labels and not any(_match_kv([v], img.label_map) == want for v, want in labels):
            return False
        if cutoffs:
            created = rfc3339_ns(img.created)
            for cut in cutoffs:
                if abs(created - cut) < CLOCK_MARGIN_NS:
                    raise Unpredictable(f"image {img.short_id} was created within a few seconds of the until "
                                        "cut-off; Podman compares its store time, not the config's Created")
            if not any(created < cut for cut in cutoffs):
                return False
        return True
    return keep


def _podman_prune(snap: Snapshot, f: dict[str, list[str]], all_: bool, now_ns: int
                  ) -> tuple[PruneResult, Snapshot]:
    s = _Podman(snap)
    if s.doubt:
        raise Unpredictable(s.doubt)
    if all_:
        f = dict(f)
        f["dangling"] = list(f.get("dangling", [])) + ["false"]
    # compileImageFilters walks the client's filters (a Go map: any order), then the
    # handler's own "dangling=true"; each dangling value must equal the first and parse as a bool.
    own_error: _Err | None = None
    seen = ""
    for value in f.get("dangling", []):
        if seen and value != seen:
            own_error = _Err(500, 'specifying "dangling" filter more than once with different values is not supported')
            break
        seen = value
        if value not in _GO_BOOLS:
            raise Unpredictable(f"Podman's message for dangling={value!r} is not modelled")
    unknown = [k for k in f if k not in PODMAN_PRUNE_FILTERS]
    if unknown:
        if len(unknown) > 1 or own_error is not None or unknown[0] in _LIBIMAGE_FILTERS:
            raise Unpredictable(f"Podman's handling of the filter {unknown[0]!r} here is not modelled "
                                "(or its error competes with another in map order)")
        raise _Err(500, f'unsupported image filter "{unknown[0]}"')
    if own_error is not None:
        raise own_error
    if seen and seen != "true":
        raise _Err(500, 'specifying "dangling" filter more than once with different values is not supported')
    keep = _podman_keep(f, now_ns)
    groups: list[tuple[Item, ...]] = []
    space = 0
    while True:
        cands = [i for i in s._live() if s.dangling(i) and not s.users(i) and keep(s.images[i])]
        errors: list[_PodmanInUse] = []
        removed_this_round = 0
        for image_id in cands:
            if image_id not in s.images:
                continue                     # went as the dangling parent of an earlier candidate
            reports: list[tuple[str, bool, list[str]]] = []
            try:
                _podman_remove(s, image_id, "", False, reports)
            except _PodmanInUse as err:
                errors.append(err)
            for rid, _, _ in reports:
                groups.append(({"Deleted": rid.split(":", 1)[1]},))
                space += snap.by_id[rid].size
            removed_this_round += len(reports)
        if errors:
            if len(errors) > 1 or len(errors[0].users) > 1:
                raise Unpredictable("Podman's prune failed on images in use; the joined error text names "
                                    "containers in an order not modelled")
            return PruneResult(status=500, message=errors[0].texts()[0]), s.to_snapshot()
        if not removed_this_round:
            break
    return PruneResult(groups=tuple(groups), space_reclaimed=space), s.to_snapshot()


# ===========================================================================
# Public API
# ===========================================================================
def rmi(snapshot: Snapshot, refs: list[str], force: bool = False, noprune: bool = False
        ) -> tuple[list[RmiOutcome], Snapshot]:
    """Predict ``docker rmi [-f] [--no-prune] REF...``: one outcome per ref, and the state after."""
    store = snapshot.info.image_store
    outcomes: list[RmiOutcome] = []
    if store == STORE_GRAPHDRIVER:
        state: Any = _Graph(snapshot)
        step = lambda a: _gd_delete(state, a, force, not noprune)     # noqa: E731
        finish = lambda: state.to_snapshot()                            # noqa: E731
    elif store == STORE_CONTAINERD:
        if 0 < snapshot.info.major_version < 25:
            return [RmiOutcome(r, unpredictable="Engine 24's experimental containerd store is not modelled")
                    for r in refs], snapshot
        state = _Ctrd(snapshot)
        step = lambda a: _ctrd_delete(state, a, force, not noprune)   # noqa: E731
        finish = lambda: state.to_snapshot()                            # noqa: E731
    elif store == STORE_PODMAN:
        why = _podman_unmodelled(snapshot)
        if why:
            return [RmiOutcome(r, unpredictable=why) for r in refs], snapshot
        state = _Podman(snapshot)                                       # noprune: ignored by Podman 4.3
        step = lambda a: _podman_delete(state, a, force)                # noqa: E731
        finish = lambda: state.to_snapshot()                            # noqa: E731
    else:
        return [RmiOutcome(r, unpredictable=f"unknown image store {store!r}") for r in refs], snapshot
    broken = ""
    for arg in refs:
        if broken:
            outcomes.append(RmiOutcome(arg, unpredictable=f"follows an unpredictable step ({broken})"))
            continue
        try:
            outcomes.append(RmiOutcome(arg, response=tuple(step(arg))))
        except _Err as err:
            outcomes.append(RmiOutcome(arg, status=err.status, message=err.message, alternatives=err.alternatives))
        except Unpredictable as why:
            broken = str(why)
            outcomes.append(RmiOutcome(arg, unpredictable=broken))
    return outcomes, (snapshot if broken else finish())


def prune(snapshot: Snapshot, all: bool = False, filters: dict[str, Any] | None = None,
          now: float | None = None, sizes: dict[str, int] | None = None) -> tuple[PruneResult, Snapshot]:
    """Predict ``docker image prune [-a] [--filter …]``: ImagesDeleted (as groups), SpaceReclaimed, the state after."""
    f = _filter_values(filters)
    now_ns = int((time.time() if now is None else now) * 10**9)
    try:
        if snapshot.info.image_store == STORE_PODMAN:
            why = _podman_unmodelled(snapshot)
            if why:
                raise Unpredictable(why)
            return _podman_prune(snapshot, f, all, now_ns)
        bad = sorted(k for k in f if k not in PRUNE_FILTERS)
        if bad:
            if len(bad) > 1:
                raise Unpredictable(f"several invalid filters ({', '.join(bad)}): the daemon names one at random")
            raise _Err(400, f"Invalid filter '{bad[0]}'")
        store = snapshot.info.image_store
        dangling = _dangling_only(f, all)
        try:
            keep = _Keep(f, now_ns)
        except _BadTime as bad:     # dockerd 20.10 answers 500; later engines may classify it otherwise
            if store == STORE_GRAPHDRIVER and snapshot.info.major_version == 20:
                raise _Err(500, str(bad)) from None
            raise Unpredictable(f"{bad}: the status this engine answers is not modelled (dockerd 20.10: 500)") \
                from None
        if store == STORE_GRAPHDRIVER:
            return _gd_prune(snapshot, dangling, keep, sizes)
        if store == STORE_CONTAINERD:
            return _ctrd_prune(snapshot, dangling, keep)
        raise Unpredictable(f"unknown image store {store!r}")
    except _Err as err:
        return PruneResult(status=err.status, message=err.message), snapshot
    except Unpredictable as why:
        return PruneResult(unpredictable=str(why)), snapshot
