"""What a deletion will do, read from model.simulate: the list a preview marks and a confirmation shows (Qt-free).

A ``Plan`` is the simulator's answer for one request (``docker rmi``, an untag, or ``docker image prune``),
sorted into what is untagged, which images and layers are deleted, the bytes freed, and — when the
daemon would refuse — the conflict and the containers behind it.  It also says whether the app may
perform it (never when a step cannot be predicted exactly) and compares the daemon's real answer
with the prediction afterwards.  No delete rules live here: they are all in ``model.simulate``.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from ..core.bulk import bulk
from ..core.chain import short_id
from ..core.history import layer_sizes, layer_sizes_of
from ..core.reference import InvalidReference, normalize
from ..core.snapshot import STORE_PODMAN, Container, Image, Snapshot
from . import simulate
from .simulate import PruneResult, RmiOutcome

RMI, UNTAG, PRUNE = "rmi", "untag", "prune"
MAX_CONTAINER_ROUNDS = 8     # removing stopped blockers may reveal more; stop after this many rounds


@dataclass
class Request:
    """What the user asked for; the confirmation dialog may change the options and re-plan."""

    action: str                                  # rmi | untag | prune
    refs: tuple[str, ...] = ()                   # rmi/untag: tags or image IDs, in order
    force: bool = False                          # docker rmi -f
    noprune: bool = False                        # docker rmi --no-prune
    prune_all: bool = False                      # docker image prune -a
    remove_containers: bool = False              # first remove the stopped containers that block it
    filters: tuple[tuple[str, str], ...] = ()    # prune: --filter KEY=VALUE, in order

    @property
    def command(self) -> str:
        """The docker CLI command this request stands for."""
        if self.action == PRUNE:
            flags = "".join(f" --filter {shlex.quote(k + '=' + v)}" for k, v in self.filters)
            return "docker image prune" + (" -a" if self.prune_all else "") + flags + " -f"
        flags = (" -f" if self.force else "") + (" --no-prune" if self.noprune else "")
        return f"docker rmi{flags} " + " ".join(shlex.quote(r) for r in self.refs)

    @property
    def label(self) -> str:
        """As a user would type it: the docker command, or "untag REF" (prune without its -f)."""
        if self.action == UNTAG:
            return f"untag {self.refs[0]}"
        return self.command.removesuffix(" -f") if self.action == PRUNE else self.command

    @property
    def prune_filters(self) -> dict[str, list[str]]:
        """The filters the docker CLI sends for this prune (its own ``dangling`` unless one is given)."""
        out: dict[str, list[str]] = {}
        for key, value in self.filters:
            out.setdefault(key, []).append(value)
        out.setdefault("dangling", ["false" if self.prune_all else "true"])
        return out


@dataclass
class Plan:
    """The simulator's prediction for a Request, sorted for display, and whether it may be performed."""

    request: Request
    before: Snapshot
    after: Snapshot
    outcomes: list[RmiOutcome] = field(default_factory=list)       # rmi / untag
    prune: PruneResult | None = None                                # prune
    lines: list[tuple[str, str]] = field(default_factory=list)     # ("Untagged" | "Deleted", value) in order
    untagged_refs: list[str] = field(default_factory=list)
    untagged_images: set[str] = field(default_factory=set)         # images that lose a tag and survive
    deleted_images: list[str] = field(default_factory=list)        # image IDs, in the daemon's order
    deleted_layers: list[str] = field(default_factory=list)        # chain IDs, in the daemon's order
    freed_bytes: int | None = 0                                    # None when a layer size is unknown
    layer_bytes: dict[str, int | None] = field(default_factory=dict)  # deleted chain ID → its size
    errors: list[str] = field(default_factory=list)                # the daemon's error messages
    unpredictable: list[str] = field(default_factory=list)         # why no exact prediction exists
    blocking_containers: list[Container] = field(default_factory=list)
    containers_to_remove: list[Container] = field(default_factory=list)   # removed first (request.remove_containers)

    @property
    def ok(self) -> bool:
        """True when every step is predicted to succeed."""
        return not self.errors and not self.unpredictable

    @property
    def can_perform(self) -> bool:
        """True when the app may run it: predicted exactly, no conflict, and it changes something."""
        return self.ok and bool(self.lines)

    @property
    def removable_blockers(self) -> list[Container]:
        """The stopped containers among the blockers (running containers are never removed by the app)."""
        return [c for c in self.blocking_containers if not c.running]

    @property
    def running_blockers(self) -> list[Container]:
        """Running containers behind a conflict."""
        return [c for c in self.blocking_containers if c.running]

    @property
    def changes_nothing(self) -> bool:
        """True when it would succeed and neither untag nor delete anything."""
        return self.ok and not self.lines

    @property
    def summary(self) -> str:
        """One English line (logs and CLI; the GUI builds its own translated line from the fields)."""
        if self.unpredictable:
            return "cannot be predicted exactly: " + self.unpredictable[0]
        if self.errors:
            return "would fail: " + self.errors[0].split(" - ")[0]
        freed = "?" if self.freed_bytes is None else str(self.freed_bytes)
        return (f"untags {len(self.untagged_refs)}, deletes {len(self.deleted_images)} image(s) and "
                f"{len(self.deleted_layers)} layer(s), frees {freed} bytes")

    # -- the daemon's real answer -----------------------------------------------------
    def compare(self, actual: Any) -> list[str]:
        """Differences between the daemon's answer and the prediction (empty when they agree).

        ``actual`` is, for rmi/untag, a list of ``{"ref", "response" | "error"}`` (RmiOutcome.to_json
        shape), one per ref; for prune, the ``/images/prune`` JSON (ImagesDeleted compared as a multiset)."""
        diffs: list[str] = []
        if self.request.action == PRUNE:
            if self.prune is None or not self.prune.matches(actual or {}):
                diffs.append("prune: predicted " + _brief(self.prune.to_json() if self.prune else None)
                             + ", daemon answered " + _brief(actual))
            return diffs
        answers = list(actual or [])
        if len(answers) != len(self.outcomes):
            diffs.append(f"{len(self.outcomes)} answers predicted, {len(answers)} received")
        for outcome, real in zip(self.outcomes, answers):
            if not outcome.matches(real):
                diffs.append(f"{outcome.ref}: predicted {_brief(outcome.to_json())}, daemon answered {_brief(real)}")
        return diffs


def _brief(data: Any, limit: int = 400) -> str:
    text = repr(data)
    return text if len(text) <= limit else text[:limit] + "…"


def _norm(ref: str) -> str:
    try:
        return normalize(ref)
    except (InvalidReference, ValueError):
        return ref


def snapshot_diff(before: Snapshot, after: Snapshot) -> set[str]:
    """IDs that differ: images added, removed or re-tagged, and layer chain IDs added or removed."""
    a, b = before.by_id, after.by_id
    out = {i for i in a.keys() ^ b.keys()}
    out.update(i for i in a.keys() & b.keys() if a[i].repo_tags != b[i].repo_tags)
    layers_a = {c for img in before.images for c in img.chain_ids}
    layers_b = {c for img in after.images for c in img.chain_ids}
    return out | (layers_a ^ layers_b)


def without_containers(snapshot: Snapshot, ids: set[str]) -> Snapshot:
    """The snapshot as it is once the containers ``ids`` are removed."""
    return snapshot.replace(containers=tuple(c for c in snapshot.containers if c.id not in ids))


# Sorting an answer.  Each response item is {"Untagged": ref} or {"Deleted": x};
# a Deleted value is an image ID when the snapshot holds such an image, else a
# layer chain ID (the daemon lists both in one list).  An untagged image is one
# that loses a tag and is not deleted.  Conflicts name their containers by the
# 12-digit short ID, in the message or in one of the alternative messages.
def _sort_items(plan: Plan, items: list[dict[str, str]]) -> None:
    snap = plan.before
    owner = {_norm(t): img.id for img in _refs_changed(plan) for t in img.repo_tags + img.repo_digests} \
        if any("Untagged" in item for item in items) else {}
    for item in items:
        for kind, value in item.items():
            plan.lines.append((kind, value))
            if kind == "Untagged":
                plan.untagged_refs.append(value)
                if _norm(value) in owner:
                    plan.untagged_images.add(owner[_norm(value)])
            elif value in snap.by_id:
                plan.deleted_images.append(value)
            elif "sha256:" + value in snap.by_id:           # Podman names deleted images in bare hex
                plan.deleted_images.append("sha256:" + value)
            else:
                plan.deleted_layers.append(value)
    plan.untagged_images -= set(plan.deleted_images)


# Who owned an untagged reference.  The reference the daemon untags is the one its
# refstore holds, whose image (the last in snapshot order holding it, as in the
# owner table) then loses it or goes: so the owner is found among the images the
# state after does not hold unchanged (the store keeps an untouched image's object).
def _refs_changed(plan: Plan) -> list[Image]:
    """The images of ``plan.before`` that ``plan.after`` does not hold as they were, in snapshot order (all of
    them when the prediction stopped short and ``after`` is ``before``)."""
    if plan.after is plan.before:
        return list(plan.before.images)
    kept = {id(img) for img in plan.after.images}
    return [img for img in plan.before.images if id(img) not in kept]


def _short_ids(snap: Snapshot) -> dict[int, dict[str, list[int]]]:
    """Short ID length → short ID → the positions of the containers that have it."""
    index: dict[int, dict[str, list[int]]] = {}
    for n, ctr in enumerate(snap.containers):
        sid = short_id(ctr.id)
        index.setdefault(len(sid), {}).setdefault(sid, []).append(n)
    return index


def _blockers(snap: Snapshot, outcome: RmiOutcome, index: dict[int, dict[str, list[int]]]) -> list[Container]:
    """The containers a conflict's messages name (by short ID), in the snapshot's order: each substring
    of the texts as long as a short ID is looked up in ``index`` (_short_ids), so the cost is the length
    of the messages, not containers × messages."""
    texts = (outcome.message,) + tuple(outcome.alternatives)
    hits: set[int] = set()
    for n, by_sid in index.items():
        for text in texts:
            for i in range(len(text) - n + 1):
                found = by_sid.get(text[i:i + n])
                if found:
                    hits.update(found)
    return [snap.containers[n] for n in sorted(hits)]


def _predict(snapshot: Snapshot, request: Request, sizes: dict[str, int] | None, base: simulate.Store | None = None
             ) -> Plan:
    if request.action == PRUNE:
        result, after = simulate.prune(snapshot, all=request.prune_all, filters=request.prune_filters, sizes=sizes)
        plan = Plan(request, snapshot, after, prune=result)
        if result.unpredictable:
            plan.unpredictable.append(result.unpredictable)
        elif result.status != 200:
            plan.errors.append(result.message)
        else:
            _sort_items(plan, result.images_deleted)
    else:
        outcomes, after = simulate.rmi(snapshot, list(request.refs), force=request.force,
                                       noprune=request.noprune, base=base)
        plan = Plan(request, snapshot, after, outcomes=outcomes)
        items: list[dict[str, str]] = []
        blocking: set[str] = set()
        index: dict[int, dict[str, list[int]]] | None = None
        for out in outcomes:
            if out.unpredictable:
                plan.unpredictable.append(f"{out.ref}: {out.unpredictable}")
            elif out.status != 200:
                plan.errors.append(out.message)
                index = _short_ids(snapshot) if index is None else index
                for ctr in _blockers(snapshot, out, index):
                    if ctr.id not in blocking:
                        blocking.add(ctr.id)
                        plan.blocking_containers.append(ctr)
            else:
                items += (dict(i) for i in out.response)
        _sort_items(plan, items)
    gone = plan.deleted_layers
    if snapshot.info.image_store == STORE_PODMAN:
        # Podman's answers name no layers: those it frees are the ones no image holds any more
        held = {c for img in plan.after.images for c in img.all_chain_ids}
        gone = [c for c in dict.fromkeys(c for img in snapshot.images for c in img.all_chain_ids) if c not in held]
    sizes = sizes if sizes is not None else layer_sizes_of(snapshot, gone)
    plan.layer_bytes = {c: sizes.get(c) for c in gone}
    known = list(plan.layer_bytes.values())
    plan.freed_bytes = None if any(s is None for s in known) else sum(known)
    return plan


@bulk
def make_plan(snapshot: Snapshot, request: Request, sizes: dict[str, int] | None = None,
              base: simulate.Store | None = None) -> Plan:
    """Predict ``request`` on ``snapshot``; with ``remove_containers``, on the state without its stopped blockers.

    Without ``sizes``, the layer sizes are read from history: every layer's for a prune, the freed layers'
    for an rmi (history.layer_sizes_of).  ``base``: a working copy of ``snapshot`` kept for many rmi
    predictions (Predictor)."""
    if sizes is None and request.action == PRUNE:
        sizes = layer_sizes(snapshot)
    plan = _predict(snapshot, request, sizes, base)
    removed: list[Container] = []
    rounds = 0
    while request.remove_containers and plan.removable_blockers and rounds < MAX_CONTAINER_ROUNDS:
        removed.extend(plan.removable_blockers)
        state = without_containers(snapshot, {c.id for c in removed})
        plan = _predict(state, request, sizes)
        rounds += 1
    plan.containers_to_remove = removed
    if removed:
        plan.before = snapshot        # what is on screen; the prediction ran on the state without them
    return plan


class Predictor:
    """The rmi predictions a window makes on the snapshot it shows: the store's working copy of that snapshot
    is built at the first one and forked for each one after (Store.fork), not built again."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._base: simulate.Store | None = None

    def plan(self, request: Request, sizes: dict[str, int] | None = None) -> Plan:
        """make_plan(snapshot, request, sizes); an rmi or untag runs on a fork of the kept working copy."""
        if request.action == PRUNE or simulate.unmodelled(self.snapshot):
            return make_plan(self.snapshot, request, sizes)
        if self._base is None:
            self._base = simulate.working_copy(self.snapshot)
        return make_plan(self.snapshot, request, sizes, self._base)


def plan_rmi(snapshot: Snapshot, refs: list[str] | tuple[str, ...], force: bool = False, noprune: bool = False,
             sizes: dict[str, int] | None = None) -> Plan:
    """The plan of ``docker rmi [-f] [--no-prune] REF...``."""
    return make_plan(snapshot, Request(RMI, tuple(refs), force=force, noprune=noprune), sizes)


def plan_prune(snapshot: Snapshot, all: bool = False, sizes: dict[str, int] | None = None) -> Plan:
    """The plan of ``docker image prune [-a]``."""
    return make_plan(snapshot, Request(PRUNE, prune_all=all), sizes)
