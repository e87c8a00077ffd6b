"""What a prediction answers, shared by every store: RmiOutcome, PruneResult, the daemon's refusals.

``Unpredictable`` is raised wherever a snapshot cannot decide the answer; ``DaemonRefusal``
is the daemon's own error answer (status + message) on the way to an outcome.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from ..core.reference import Reference
from ..core.snapshot import Image

Item = dict[str, str]          # {"Untagged": ref} or {"Deleted": id}


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


class DaemonRefusal(Exception):
    """The daemon's error answer: an HTTP status, its message, every message it may pick at random."""

    def __init__(self, status: int, message: str, alternatives: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        alts = tuple(dict.fromkeys(alternatives))
        self.alternatives = alts if len(alts) > 1 else ()


def not_found(ref: Reference) -> DaemonRefusal:
    """The moby daemon's 404 for a name it does not hold."""
    return DaemonRefusal(404, f"No such image: {ref.tag_name_only().familiar()}")


def replace_image(img: Image, **changes: Any) -> Image:
    """A copy of ``img`` with some fields changed (the working copies' ``to_snapshot``)."""
    values = {k: getattr(img, k) for k in img.__dataclass_fields__}
    values.update(changes)
    return Image(**values)


# checkImageDeleteConflict's conflict types (image_delete.go), shared by both moby stores:
# a dependent child or a running container is a hard conflict, -f cannot override it.
CHILD, RUNNING, ACTIVE_REF, STOPPED = 1, 2, 4, 8
HARD, SOFT = CHILD | RUNNING, ACTIVE_REF | STOPPED
