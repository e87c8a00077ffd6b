"""``python main.py lesson --live --host URL``: the lesson performed on a practice daemon the teacher names (never
the default one), step by step on a terminal (or all at once with --yes), then reset: what the lesson made is
removed, each delete through DeleteCommand, and ubuntu:18.04 is loaded back if its rmi steps deleted it.  What the
daemon lacks for some steps (node:lts-alpine) is said before the first step; those steps play offline."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from model.commands.command import read_only_by_environment
from model.commands.deletelog import DeleteLog
from model.commands.lessonlive import LiveLesson, PracticeFailed, image_set
from model.commands.perform import CLI, predicted_json
from model.core.snapshot import Snapshot
from model.engine.plan import Plan
from model.lesson.play import facts, play, scenes_of
from resources import DEMO_SNAPSHOT, LESSON_BUILD, LESSON_EXPRESS, LESSON_SNAPSHOT

from .common import EXIT_FAIL, EXIT_USAGE, fail
from .delete import TerminalInteraction, _emit_rmi
from .lesson import text_lines


def _show(plan: Plan) -> None:
    print("  predicted (nothing sent yet):")
    _emit_rmi(predicted_json(plan), sys.stdout, indent="    ")


def _go_on(ask: bool, prompt: str) -> bool:
    """On a terminal, wait for Enter (q stops); with --yes, go on."""
    if not ask:
        return True
    sys.stderr.write(prompt)
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() not in ("q", "quit", "n", "no")


def run_live(args: argparse.Namespace) -> int:
    """Perform the lesson on ``--host``, then reset it; exit 0 when the daemon ends with the image set it began with."""
    if not getattr(args, "host", None):
        return fail(EXIT_USAGE, "--live needs --host URL: the practice daemon (the default daemon is never used)")
    if getattr(args, "read_only", False) or read_only_by_environment():
        return fail(EXIT_USAGE, "read-only mode: refusing to change the daemon")
    ask = not args.yes
    if ask and not sys.stdin.isatty():
        return fail(EXIT_USAGE, "--live asks before each step: run it on a terminal, or add --yes")
    from model.daemon.answers import DaemonError
    from model.daemon.source import open_link, read_snapshot
    try:
        link = open_link(args.host)
        client = link.sdk

        def read() -> Snapshot:
            return read_snapshot(link)
        steps = play(scenes_of(Snapshot.load(LESSON_SNAPSHOT), Snapshot.load(DEMO_SNAPSHOT)), args.lang)
        with tempfile.TemporaryDirectory(prefix="ls-lesson-") as tmp:
            live = LiveLesson(client, read, DeleteLog(), CLI, Path(tmp), LESSON_BUILD, LESSON_EXPRESS)
            for image in live.missing:          # said before the first step; nothing is pulled
                print(f"{image} is not on {args.host}: the steps that need it (the Express app's builds and its "
                      f"docker tag) are shown on the demo snapshot instead. To perform them live, pull it there "
                      f"first (docker pull {image}).\n")
            for step in steps:
                print("\n".join(text_lines(step)[:2]))
                if not _go_on(ask, "[Enter] performs it, q stops the lesson: "):
                    break
                done = live.run(step.script, TerminalInteraction(_show, ask))
                for line in done.lines:
                    print("  " + line)
                if done.note:
                    print(f"  ({'not performed' if not done.performed else 'refused'}: {done.note})")
                # the words, their figures read from the daemon as the step left it (offline ones otherwise)
                words = step.script.text[step.lang].format(**facts(read(), step.script)) \
                    if done.performed and step.answer is None else step.explanation
                print(words + "\n")
            plan = live.reset_plan()
            print("Reset lesson: " + ("; ".join(plan) if plan else "nothing to remove"))
            if plan and _go_on(ask, "[Enter] resets, q keeps what the lesson made: "):
                live.reset(TerminalInteraction(_show, False))
            same = image_set(read()) == live.before
            print("The daemon's images are as before the lesson." if same else
                  "The daemon's images differ from before the lesson.")
            return 0 if same else EXIT_FAIL
    except (PracticeFailed, DaemonError) as exc:
        return fail(EXIT_FAIL, str(exc))
