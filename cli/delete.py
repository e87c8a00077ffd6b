"""The headless ``rmi``, ``prune`` and ``log`` commands: predict exactly, show it, refuse what is not exact, perform,
compare.

No Qt here.  Every delete runs as a ``model.commands.command.DeleteCommand`` (the window's path too).

Exit codes: 0 done as predicted, nothing to do, or declined at the prompt; 1 the daemon
refused or would refuse (a predicted error is not sent) or cannot be reached; 2 refused as
used (read-only, --snapshot without --dry-run, a bad snapshot or filter, no terminal to
confirm a prune without -f, the delete log cannot be written); 3 the daemon's answer
differed from the prediction; 4 refused because it cannot be predicted exactly (or the
daemon changed between prediction and confirmation): nothing was sent."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable, TextIO

from model.commands.command import DECLINED, DeleteCommand, Interaction, read_only_by_environment
from model.commands.deletelog import DeleteLog, describe_record
from model.commands.perform import CHANGED, CLI, NO_LOG, NOTHING, UNPREDICTABLE, Performed, predicted_json
from model.core.sizes import human
from model.core.snapshot import SnapshotError
from model.engine.plan import PRUNE, RMI, Plan, Request, make_plan

from .common import fail, load

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_MISMATCH, EXIT_UNPREDICTABLE = 0, 1, 2, 3, 4
REFUSAL_EXIT = {UNPREDICTABLE: EXIT_UNPREDICTABLE, CHANGED: EXIT_UNPREDICTABLE, NO_LOG: EXIT_USAGE}


# -- shared ------------------------------------------------------------------
def _usage_refusal(args: argparse.Namespace) -> int | None:
    """The exit code when the command must not run as asked, else None."""
    read_only = getattr(args, "read_only", False) or read_only_by_environment()
    if not args.dry_run and read_only:
        return fail(EXIT_USAGE, "read-only mode: refusing to change the daemon (use --dry-run)")
    if getattr(args, "snapshot", None) and not args.dry_run:
        return fail(EXIT_USAGE, "--snapshot predicts from a file and needs --dry-run")
    return None


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


class TerminalInteraction(Interaction):
    """The command line's Interaction: show the prediction, then go ahead, or ask [y/N] on a terminal."""

    def __init__(self, show: Callable[[Plan], None], ask: bool) -> None:
        self.show, self.ask = show, ask
        self.shown = False
        self.unconfirmed = ""           # why it could not ask (no terminal)

    def show_once(self, plan: Plan) -> None:
        """Print the prediction, once."""
        if not self.shown:
            self.shown = True
            self.show(plan)

    def confirm(self, plan: Plan) -> bool:
        """Print the prediction; True at once unless asked to ask, else the terminal's y/N."""
        self.show_once(plan)
        if not self.ask:
            return True
        if not sys.stdin.isatty():
            self.unconfirmed = "not confirmed: standard input is not a terminal; add -f to prune without asking"
            return False
        sys.stderr.write("Are you sure you want to continue? [y/N] ")
        sys.stderr.flush()
        return sys.stdin.readline().strip().lower() in ("y", "yes")


# The path of both commands: refuse what is not allowed as asked, read the snapshot,
# print the prediction alone (--dry-run), or run the one DeleteCommand: predict,
# refuse or confirm (re-reading the daemon when a person took time to answer),
# perform, compare; then word the outcome and pick the exit code.
def _run(args: argparse.Namespace, request: Request, show: Callable[[Plan], None], ask: bool,
         emit: Callable[[Any, TextIO], None]) -> int:
    from model.daemon.answers import DaemonError
    code = _usage_refusal(args)
    if code is not None:
        return code
    try:
        snap, link = load(args)
        client = None if link is None or args.dry_run else link.sdk
    except (SnapshotError, DaemonError) as exc:
        return fail(EXIT_USAGE if isinstance(exc, SnapshotError) else EXIT_FAIL, str(exc))
    if args.dry_run:
        predicted = predicted_json(make_plan(snap, request))
        if args.json:
            _print_json(predicted)
        else:
            emit(predicted, sys.stdout)
        return EXIT_OK
    interaction = TerminalInteraction(show, ask)
    from model.daemon.source import read_snapshot
    fresh = (lambda: read_snapshot(link)) if ask else None
    done = DeleteCommand(request, DeleteLog(), CLI).run(snap, interaction, client, fresh)
    if done.refused is not None:
        return _refused(done, args, interaction)
    if args.json:
        _print_json({"predicted": predicted_json(done.plan), "sent": done.sent, "answer": done.actual,
                     "agreed": done.matched, "failure": done.failure or None})
    else:
        emit(done.actual, sys.stdout)
    if done.log_error:
        print(f"layerscope: {done.log_error}", file=sys.stderr)
    if done.failure:
        return fail(EXIT_FAIL, done.failure)
    if done.differences:
        for diff in done.differences:
            print(f"layerscope: prediction differed: {diff}", file=sys.stderr)
        return EXIT_MISMATCH
    answers = done.actual if isinstance(done.actual, list) else [done.actual or {}]
    return EXIT_FAIL if any("error" in a for a in answers) else EXIT_OK


def _refused(done: Performed, args: argparse.Namespace, interaction: TerminalInteraction) -> int:
    """Word a refusal (nothing was sent) and pick its exit code."""
    why = done.refused
    if why.kind == NOTHING:                     # predicted exactly: nothing to delete, so nothing is sent
        if args.json:
            _print_json({"predicted": predicted_json(done.plan), "sent": [], "answer": None, "agreed": True})
        else:
            print("Total reclaimed space: 0B")
        return EXIT_OK
    if why.kind == DECLINED:
        if interaction.unconfirmed:
            return fail(EXIT_USAGE, interaction.unconfirmed)
        print("Nothing was deleted.", file=sys.stderr)
        return EXIT_OK
    if args.json:
        _print_json({"predicted": predicted_json(done.plan), "refused": {"kind": why.kind, "reason": why.reason}})
    elif args.command == "rmi":
        interaction.show_once(done.plan)
    return fail(REFUSAL_EXIT.get(why.kind, EXIT_FAIL), f"refused, nothing was sent: {why.reason}")


# -- rmi -----------------------------------------------------------------------
def run_rmi(args: argparse.Namespace) -> int:
    """Handler of ``rmi``: the prediction (dry run), or the prediction then the daemon's answer checked against it."""
    def show(plan: Plan) -> None:
        if not args.json:
            print("Predicted (nothing sent yet):", file=sys.stderr)
            _emit_rmi(predicted_json(plan), sys.stderr, indent="  ")

    request = Request(RMI, tuple(args.refs), force=args.force, noprune=args.no_prune)
    return _run(args, request, show, ask=False, emit=_emit_rmi)


def _emit_rmi(results: list[dict[str, Any]], out: TextIO, indent: str = "") -> None:
    """Answers per ref the way docker rmi prints them (errors on stderr, or indented with the rest)."""
    for r in results:
        for item in r.get("response", ()):
            for key, value in item.items():
                print(f"{indent}{key}: {value}", file=out)
        if "error" in r:
            print(f"{indent}Error response from daemon: {r['error']['message']}",
                  file=out if indent else sys.stderr)
        if "unpredictable" in r:
            print(f"{indent}Unpredictable ({r['ref']}): {r['unpredictable']}", file=out if indent else sys.stderr)


# -- prune -----------------------------------------------------------------------
def _parse_filters(items: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"bad --filter {item!r}: expected KEY=VALUE")
        out.append((key.strip(), value))
    return tuple(out)


def run_prune(args: argparse.Namespace) -> int:
    """Handler of ``prune``: the prediction (dry run), or list, confirm, perform and check."""
    try:
        request = Request(PRUNE, prune_all=args.all, filters=_parse_filters(args.filter))
    except ValueError as exc:
        return fail(EXIT_USAGE, str(exc))

    def show(plan: Plan) -> None:
        out = sys.stderr if args.json else sys.stdout
        what = "all images without at least one container associated to them" if args.all else "all dangling images"
        print(f"WARNING! This will remove {what}; exactly:", file=out)
        _emit_prune(plan.prune.to_json(), out, heading="Will delete:", total="Total reclaimable space")

    return _run(args, request, show, ask=not args.force, emit=_emit_prune)


def _emit_prune(data: dict[str, Any] | None, out: TextIO, heading: str = "Deleted Images:",
                total: str = "Total reclaimed space") -> None:
    """A (checked) answer of /images/prune the way docker image prune prints it; nothing when there was none."""
    if data is None:            # no answer, or one that could not be read: the failure line says so
        return
    if "error" in data:
        print(f"Error response from daemon: {data['error']['message']}", file=sys.stderr)
        return
    if "unpredictable" in data:
        print(f"Unpredictable: {data['unpredictable']}", file=sys.stderr)
        return
    items = data.get("ImagesDeleted") or []
    if items:
        print(heading, file=out)
        for item in items:
            for key, value in item.items():
                print(f"{key.lower()}: {value}", file=out)
        print(file=out)
    space = data.get("SpaceReclaimed")
    print(f"{total}: {human(space, 4) if space is not None else 'unknown'}", file=out)


# -- log -----------------------------------------------------------------------
def run_log(args: argparse.Namespace) -> int:
    """Handler of ``log``: the delete history, oldest first."""
    log = DeleteLog()
    try:
        records, bad = log.read()
    except OSError as exc:
        return fail(EXIT_FAIL, f"cannot read the delete log {log.path}: {exc.strerror or exc}")
    if args.n > 0:
        records = records[-args.n:]
    if args.json:
        _print_json(records)
    else:
        print(f"Delete history: {log.path} ({len(records)} record{'s' if len(records) != 1 else ''})")
        for record in records:
            print(describe_record(record))
    if bad:
        print(f"layerscope: {bad} unreadable line(s) in {log.path} were skipped", file=sys.stderr)
    return EXIT_OK
