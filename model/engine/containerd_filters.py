"""The containerd store's prune filters (Engine 29's ``image_prune.go`` ImagePrune checks and setupFilters):
which records a ``docker image prune --filter …`` may take, or why that cannot be known from a snapshot."""
from __future__ import annotations

import datetime as _dt
from typing import Iterable

from ..core.snapshot import MANIFEST_ATTESTATION, Image, Snapshot
from .containerd_space import best
from .filters import CLOCK_MARGIN_NS, PRUNE_FILTERS, BadTime, until_ns
from .outcome import DaemonRefusal, Unpredictable

LABEL_MAX_BYTES = 4096                                  # containerd labels.Validate: key + value


def prune_filters(snapshot: Snapshot, f: dict[str, list[str]], all_: bool, now_ns: int
                  ) -> tuple[bool, "PruneSelect"]:
    """ImagePrune's checks (Validate, GetBoolOrDefault, setupFilters) → (dangling only?, the filter)."""
    bad = sorted(k for k in f if k not in PRUNE_FILTERS)
    if len(bad) > 1:
        raise Unpredictable(f"several invalid filters ({', '.join(bad)}): the engine names one at random")
    if bad:
        raise DaemonRefusal(400, f"invalid filter '{bad[0]}'")
    dangling = not all_
    if "dangling" in f:
        vals = set(f["dangling"])
        is_false, is_true = bool(vals & {"0", "false"}), bool(vals & {"1", "true"})
        if is_false == is_true:
            if len(vals) > 1:
                raise Unpredictable("conflicting dangling values: the engine lists them in map order")
            raise DaemonRefusal(400, f"invalid filter 'dangling=[{' '.join(vals)}]'")
        dangling = is_true
    return dangling, PruneSelect(snapshot, f, now_ns)


class PruneSelect:
    """setupFilters for prune: until (record creation time) and label / label! (any config)."""

    def __init__(self, snapshot: Snapshot, f: dict[str, list[str]], now_ns: int) -> None:
        self.snapshot = snapshot
        self.until: list[tuple[int, bool]] = []
        for value in f.get("until", []):
            try:
                self.until.append(until_ns(value, now_ns))
            except BadTime:
                raise Unpredictable(f"until={value!r}: this engine's message for a value it cannot parse "
                                    "is not modelled") from None
        self.checks: list[tuple[str, str, bool, bool]] = []      # key, value, only exists, negate
        for kind in ("label", "label!"):
            for text in f.get(kind, []):
                key, eq, value = text.partition("=")
                if len(key) + len(value) > LABEL_MAX_BYTES:
                    raise Unpredictable("a label filter over containerd's 4096-byte limit (its message is not "
                                        "modelled)")
                negate = kind == "label!"
                if key.endswith("!"):
                    key, negate = key[:-1], not negate
                self.checks.append((key, value, not eq, negate))

    def __call__(self, name: str, img: Image) -> bool:
        """Whether the record ``name`` on ``img`` passes the filters (Unpredictable where unknown)."""
        return self._labels(img) and all(self._until(cutoff) for cutoff, _ in self.until)

    def _labels(self, img: Image) -> bool:
        if not self.checks or _config_matches(self.checks, img.label_map):
            return True
        host = best(img)
        others = [m for m in img.manifests if m.kind != MANIFEST_ATTESTATION and m is not host]
        if img.is_index and others:
            raise Unpredictable(f"containerd store: the label filter on image {img.short_id} depends on the labels "
                                "of a platform other than the host's, which a snapshot does not read")
        return False

    def _until(self, cutoff: int) -> bool:
        taken = _taken_ns(self.snapshot)        # every record was made before the snapshot was read
        if taken and cutoff > taken + CLOCK_MARGIN_NS:
            return True
        raise Unpredictable("containerd store: until compares the record's CreatedAt (when the name was made), "
                            "which no list or inspect field carries")


def _taken_ns(snapshot: Snapshot) -> int:
    """When the snapshot was read (ns), 0 when unknown."""
    try:
        taken = _dt.datetime.fromisoformat(snapshot.taken_at)
    except ValueError:
        return 0
    if taken.tzinfo is None:
        return 0
    return int(taken.timestamp()) * 10**9


def _config_matches(checks: Iterable[tuple[str, str, bool, bool]], labels: dict[str, str]) -> bool:
    """setupLabelFilter's test of one config's labels."""
    for key, value, only_exists, negate in checks:
        exists = key in labels
        if only_exists:
            if exists == negate:
                return False
            continue
        if not exists:
            if negate:
                continue
            return False
        if (labels[key] == value) == negate:
            return False
    return True
