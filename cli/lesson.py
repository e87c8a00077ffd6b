"""The headless ``lesson`` command: the seed tutorial's steps, offline, each rmi's exact answer predicted on the
bundled lesson snapshot (as JSON, or as text a teacher can read before class)."""
from __future__ import annotations

import argparse
import json

from model.core.sizes import human
from model.core.snapshot import Snapshot
from model.lesson.play import LessonStep, lesson_json, play, scenes_of
from resources import DEMO_SNAPSHOT, LESSON_SNAPSHOT


def run_lesson(args: argparse.Namespace) -> int:
    """Print the lesson's steps in the tutorial's order (``--json``: the JSON form); exit 0.  ``--live`` performs
    it on a practice daemon (cli.lessonlive)."""
    if getattr(args, "live", False):
        from .lessonlive import run_live
        return run_live(args)
    steps = play(scenes_of(Snapshot.load(LESSON_SNAPSHOT), Snapshot.load(DEMO_SNAPSHOT)), args.lang)
    if args.json:
        print(json.dumps(lesson_json(steps, args.lang), indent=2, ensure_ascii=False))
        return 0
    for step in steps:
        print("\n".join(text_lines(step)) + "\n")
    return 0


def text_lines(step: LessonStep) -> list[str]:
    """One step as plain text: number and title, the command, the words, the predicted answer."""
    out = [f"{step.number}. {step.title}", f"$ {step.command}", step.explanation]
    if step.answer is not None:
        out += ["  " + line for line in step.answer.lines]
        out.append(f"  freed: {human(step.answer.freed_bytes)}")
    return out
