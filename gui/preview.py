"""Read model.simulate's `docker rmi` prediction into the sets the views mark (no delete rules here)."""
from __future__ import annotations

from dataclasses import dataclass, field

from model.analysis import Analysis
from model.reference import InvalidReference, normalize
from model.simulate import RmiOutcome, rmi
from model.sizes import human
from model.snapshot import Container


@dataclass
class PreviewResult:
    """The simulator's answer for some refs, sorted into what the graph and the list show."""

    refs: list[str]
    outcomes: list[RmiOutcome]
    lines: list[tuple[str, str]] = field(default_factory=list)     # ("Untagged" | "Deleted", value) in order
    untagged_refs: list[str] = field(default_factory=list)
    untagged_images: set[str] = field(default_factory=set)        # images that lose a tag
    deleted_images: set[str] = field(default_factory=set)
    deleted_layers: set[str] = field(default_factory=set)         # chain IDs
    freed_bytes: int = 0
    errors: list[str] = field(default_factory=list)
    blocking_containers: list[Container] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every ref would succeed."""
        return not self.errors

    @property
    def summary(self) -> str:
        """One line for the status bar and the list head."""
        if self.errors:
            return "would fail: " + self.errors[0].split(" - ")[0]
        if not self.deleted_images and not self.deleted_layers:
            return f"only untags {len(self.untagged_refs)} tag(s): nothing is deleted, 0B freed"
        return (f"untags {len(self.untagged_refs)}, deletes {len(self.deleted_images)} image(s) and "
                f"{len(self.deleted_layers)} layer(s), frees {human(self.freed_bytes)}")


def _norm(ref: str) -> str:
    try:
        return normalize(ref)
    except (InvalidReference, ValueError):
        return ref


def preview_rmi(analysis: Analysis, refs: list[str], force: bool = False, noprune: bool = False) -> PreviewResult:
    """Ask model.simulate.rmi what `docker rmi REF...` would answer and sort its answer for display."""
    snap = analysis.snapshot
    outcomes, _after = rmi(snap, refs, force=force, noprune=noprune)
    res = PreviewResult(list(refs), outcomes)
    owner: dict[str, str] = {}
    for img in snap.images:
        for text in img.repo_tags + img.repo_digests:
            owner[_norm(text)] = img.id
    for out in outcomes:
        if out.unpredictable:
            res.errors.append(f"{out.ref}: cannot be predicted exactly — {out.unpredictable}")
            continue
        if out.status != 200:
            res.errors.append(out.message)
            texts = (out.message,) + tuple(out.alternatives)
            for ctr in snap.containers:
                if any(ctr.id[:12] in t for t in texts) and ctr not in res.blocking_containers:
                    res.blocking_containers.append(ctr)
            continue
        for item in out.response:
            for kind, value in item.items():
                res.lines.append((kind, value))
                if kind == "Untagged":
                    res.untagged_refs.append(value)
                    if _norm(value) in owner:
                        res.untagged_images.add(owner[_norm(value)])
                elif value in snap.by_id:
                    res.deleted_images.add(value)
                else:
                    res.deleted_layers.add(value)
    res.freed_bytes = sum(analysis.layer_sizes.get(c, 0) for c in res.deleted_layers)
    return res
