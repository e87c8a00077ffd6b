"""The lesson played on its snapshots: each step's words filled from the snapshot, what to highlight resolved to
image and chain IDs, and each rmi's exact answer predicted by the simulator on the state the earlier steps left."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..core.history import layer_sizes
from ..core.reference import InvalidReference, normalize
from ..core.sizes import human, image_size, totals
from ..core.snapshot import Image, Snapshot
from ..engine.plan import Plan, plan_rmi
from .script import ALL, COMMIT, LANGUAGES, SHARED, STEPS, TOP, TUTORIAL, ScriptStep


@dataclass(frozen=True)
class Answer:
    """What the daemon answers to a step's ``docker rmi``, as predicted: its lines and what they amount to."""

    lines: tuple[str, ...]             # "Untagged: …" / "Deleted: sha256:…", as the docker CLI prints them
    untag_only: bool                   # nothing deleted: only names removed
    deleted_images: int
    deleted_layers: int
    freed_bytes: int | None            # None when a freed layer's size is unknown
    exact: bool                        # False when the simulator could not predict it exactly (then lines say why)

    def to_json(self) -> dict[str, Any]:
        """The answer as the headless ``lesson --json`` prints it."""
        return {"answer": list(self.lines), "untag_only": self.untag_only, "deleted_images": self.deleted_images,
                "deleted_layers": self.deleted_layers, "freed_bytes": self.freed_bytes, "exact": self.exact}


@dataclass(frozen=True)
class LessonStep:
    """One step ready to show: the script's step, its words in one language, what to highlight, its answer."""

    number: int                        # 1-based
    script: ScriptStep
    title: str
    explanation: str
    images: tuple[str, ...] = ()       # image IDs to highlight
    layers: tuple[str, ...] = ()       # chain IDs to highlight
    select: str = ""                   # the image ID whose row is selected ("" when it is not there)
    answer: Answer | None = None
    plan: Plan | None = field(default=None, compare=False)    # the rmi's prediction (the what-if step)
    state: Snapshot | None = field(default=None, compare=False)  # the state the step is shown on (before its rmi)
    lang: str = "en"

    @property
    def command(self) -> str:
        """The command as the tutorial types it."""
        return self.script.command

    @property
    def scene(self) -> str:
        """COMMIT or TUTORIAL: the snapshot the step plays on."""
        return self.script.scene

    def to_json(self) -> dict[str, Any]:
        """The step as ``lesson --json`` prints it."""
        out: dict[str, Any] = {"n": self.number, "key": self.script.key, "scene": self.scene,
                               "command": self.command, "title": self.title, "explanation": self.explanation,
                               "look_at": list(self.script.look_at), "select": self.script.select,
                               "highlight_images": list(self.images), "highlight_layers": list(self.layers)}
        if self.answer is not None:
            out.update(self.answer.to_json())
        return out


def find(snapshot: Snapshot, ref: str) -> Image | None:
    """The image a tag reference names in ``snapshot`` (None when no image holds it)."""
    try:
        want = normalize(ref)
    except (InvalidReference, ValueError):
        return None
    for img in snapshot.images:
        for tag in img.repo_tags:
            try:
                if normalize(tag) == want:
                    return img
            except (InvalidReference, ValueError):
                continue
    return None


# Playing the script.  The steps of a scene run in order on that scene's snapshot:
# each rmi step is predicted (plan_rmi, the simulator) on the state the scene's
# earlier rmi steps left, and that prediction's state is the next step's.  The
# words' {fields} are read from the state the step is shown on.
def play(scenes: Mapping[str, Snapshot], lang: str = "en") -> list[LessonStep]:
    """Every step of the lesson, in the tutorial's order, in ``lang`` ("en" or "ko"), on ``scenes``
    (COMMIT → the lesson snapshot, TUTORIAL → the whole tutorial's)."""
    lang = lang if lang in LANGUAGES else "en"
    state = dict(scenes)
    out: list[LessonStep] = []
    for number, step in enumerate(STEPS, 1):
        snap = state[step.scene]
        plan = plan_rmi(snap, [step.rmi]) if step.rmi else None
        images = tuple(img.id for ref in step.look_at if (img := find(snap, ref)) is not None)
        chosen = find(snap, step.select) if step.select else None
        out.append(LessonStep(number, step, step.title[lang], step.text[lang].format(**facts(snap, step)),
                              images, highlighted_layers(snap, images, step.layers),
                              chosen.id if chosen else "", answer_of(plan) if plan else None, plan, snap, lang))
        if plan is not None and plan.ok:
            state[step.scene] = plan.after
    return out


def scenes_of(commit: Snapshot, tutorial: Snapshot) -> dict[str, Snapshot]:
    """The scenes mapping ``play`` takes."""
    return {COMMIT: commit, TUTORIAL: tutorial}


def highlighted_layers(snap: Snapshot, image_ids: tuple[str, ...], mode: str) -> tuple[str, ...]:
    """The chain IDs to highlight for the images looked at: their top layers, all, or those shared."""
    by_id = snap.by_id
    imgs = [by_id[i] for i in image_ids if i in by_id]
    if mode == TOP:
        return tuple(dict.fromkeys(img.top_layer for img in imgs if img.top_layer))
    if mode == ALL:
        return tuple(dict.fromkeys(c for img in imgs for c in img.chain_ids))
    if mode == SHARED:
        held: dict[str, int] = {}
        for img in snap.images:
            for c in img.chain_ids:
                held[c] = held.get(c, 0) + 1
        return tuple(dict.fromkeys(c for img in imgs for c in img.chain_ids if held[c] > 1))
    return ()


def facts(snap: Snapshot, step: ScriptStep) -> dict[str, str]:
    """The figures a step's words quote, read from ``snap`` ("?" where the image is not there)."""
    sizes = layer_sizes(snap)
    first = find(snap, step.look_at[0]) if step.look_at else None
    second = find(snap, step.look_at[1]) if len(step.look_at) > 1 else None
    held = {c for img in snap.images if img is not first for c in img.chain_ids}
    tot = totals(snap, sizes)
    listed = [img for img in snap.images if img.repo_tags]
    return {
        "count": str(len(listed)), "naive": human(tot.naive_bytes), "actual": human(tot.actual_bytes),
        "top": human(sizes.get(first.top_layer)) if first and first.top_layer else "?",
        "layers": str(len(first.diff_ids)) if first else "?",
        "shared": str(sum(1 for c in first.chain_ids if c in held)) if first else "?",
        "size": human(image_size(first)) if first else "?",
        "base": human(image_size(second)) if second else "?",
        "short": first.short_id if first else "?",
    }


def answer_of(plan: Plan) -> Answer:
    """A prediction (or a performed delete's plan) as the lesson shows it."""
    if not plan.ok:
        why = plan.unpredictable or plan.errors
        return Answer(tuple(why), False, 0, 0, None, False)
    lines = tuple(f"{kind}: {value}" for kind, value in plan.lines)
    return Answer(lines, not plan.deleted_images and not plan.deleted_layers, len(plan.deleted_images),
                  len(plan.deleted_layers), plan.freed_bytes, True)


def lesson_json(steps: list[LessonStep], lang: str) -> dict[str, Any]:
    """The whole lesson as ``python main.py lesson --json`` prints it."""
    return {"lesson": "build-docker-image-tutorial", "lang": lang, "steps": [s.to_json() for s in steps]}
