"""Headless ``rmi`` and ``prune`` commands: predict exactly, optionally perform, and check the daemon agreed.

No Qt here.  Exit codes: 0 ok; 1 the daemon refused a ref (like ``docker rmi``) or cannot be
reached; 2 usage refused (read-only, --snapshot without --dry-run, bad snapshot); 3 the
daemon's real answer differed from the prediction."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from . import simulate
from .snapshot import Snapshot, SnapshotError

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_MISMATCH = 0, 1, 2, 3


def add_parsers(subparsers: Any) -> None:
    """Register the ``rmi`` and ``prune`` subcommands on an argparse subparsers object."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dry-run", action="store_true", help="only predict; change nothing")
    common.add_argument("--json", action="store_true", help="print JSON instead of docker-style lines")
    # SUPPRESS: these may also come before the subcommand (main.py's global options)
    common.add_argument("--host", default=argparse.SUPPRESS,
                        help="daemon URL (default: DOCKER_HOST or the current docker context)")
    common.add_argument("--snapshot", metavar="FILE", default=argparse.SUPPRESS,
                        help="predict from a saved snapshot (dry run only)")
    common.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS,
                        help="refuse anything but --dry-run (also env LAYERSCOPE_READ_ONLY=1)")

    p = subparsers.add_parser("rmi", parents=[common], help="predict (and run) docker rmi exactly",
                              description="Predict docker rmi's exact answer; without --dry-run also run it "
                                          "and check the daemon agreed.")
    p.add_argument("-f", "--force", action="store_true", help="like docker rmi -f")
    p.add_argument("--no-prune", action="store_true", help="do not delete untagged parents")
    p.add_argument("refs", nargs="+", metavar="REF", help="image references (tags, IDs, short IDs)")
    p.set_defaults(func=run_rmi)

    p = subparsers.add_parser("prune", parents=[common], help="predict (and run) docker image prune exactly",
                              description="Predict docker image prune's exact answer; without --dry-run also "
                                          "run it and check the daemon agreed (ImagesDeleted as a multiset).")
    p.add_argument("-a", "--all", action="store_true", help="remove all images not used by containers")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="until=<time>, label=<k[=v]>, label!=<k[=v]> (repeatable)")
    p.set_defaults(func=run_prune)


# -- shared ------------------------------------------------------------------
def _fail(code: int, message: str) -> int:
    print(f"layerscope: {message}", file=sys.stderr)
    return code


def _refuse(args: argparse.Namespace) -> int | None:
    """The exit code when the command must not run as asked, else None."""
    read_only = getattr(args, "read_only", False) or os.environ.get("LAYERSCOPE_READ_ONLY", "") not in ("", "0")
    if not args.dry_run and read_only:
        return _fail(EXIT_USAGE, "read-only mode: refusing to change the daemon (use --dry-run)")
    if getattr(args, "snapshot", None) and not args.dry_run:
        return _fail(EXIT_USAGE, "--snapshot predicts from a file and needs --dry-run")
    return None


def _load(args: argparse.Namespace) -> tuple[Snapshot, Any]:
    """The snapshot to predict from, and a client when talking to a daemon."""
    if getattr(args, "snapshot", None):
        return Snapshot.load(args.snapshot), None
    from .source import connect, read_snapshot
    client = connect(getattr(args, "host", None))
    return read_snapshot(client), client


def _errors() -> tuple[type, ...]:
    from .source import DaemonError
    return (SnapshotError, DaemonError)


def _describe(exc: BaseException, args: argparse.Namespace) -> str:
    from .source import describe_error
    return describe_error(exc, getattr(args, "host", None) or "")


def _api_error(exc: Exception) -> dict[str, Any] | None:
    import docker
    if isinstance(exc, docker.errors.APIError) and exc.response is not None:
        return {"status": exc.response.status_code, "message": exc.explanation or str(exc)}
    return None


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2))


# -- rmi -----------------------------------------------------------------------
def run_rmi(args: argparse.Namespace) -> int:
    """Handler of ``rmi``: print the prediction (dry run) or the daemon's answer checked against it."""
    refused = _refuse(args)
    if refused is not None:
        return refused
    try:
        snap, client = _load(args)
    except _errors() as exc:
        return _fail(EXIT_USAGE if isinstance(exc, SnapshotError) else EXIT_FAIL, str(exc))
    outcomes, _ = simulate.rmi(snap, list(args.refs), force=args.force, noprune=args.no_prune)
    predicted = [o.to_json() for o in outcomes]
    if args.dry_run:
        _emit_rmi(predicted, args.json)
        return EXIT_OK
    actual: list[dict[str, Any]] = []
    for ref in args.refs:
        try:
            actual.append({"ref": ref, "response": client.api.remove_image(ref, force=args.force,
                                                                            noprune=args.no_prune)})
        except Exception as exc:  # APIError is an answer; anything else means the daemon went away
            err = _api_error(exc)
            if err is None:
                _emit_rmi(actual, args.json)
                return _fail(EXIT_FAIL, _describe(exc, args))
            actual.append({"ref": ref, "error": err})
    _emit_rmi(actual, args.json)
    code = EXIT_FAIL if any("error" in a for a in actual) else EXIT_OK
    for outcome, real in zip(outcomes, actual):
        if outcome.unpredictable:
            print(f"layerscope: {outcome.ref}: not predicted ({outcome.unpredictable})", file=sys.stderr)
        elif not outcome.matches(real):
            print(f"layerscope: prediction differed for {outcome.ref}: predicted "
                  f"{json.dumps(outcome.to_json())}, daemon answered {json.dumps(real)}", file=sys.stderr)
            code = EXIT_MISMATCH
    return code


def _emit_rmi(results: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        _print_json(results)
        return
    for r in results:
        for item in r.get("response", ()):
            for key, value in item.items():
                print(f"{key}: {value}")
        if "error" in r:
            print(f"Error response from daemon: {r['error']['message']}", file=sys.stderr)
        if "unpredictable" in r:
            print(f"Unpredictable ({r['ref']}): {r['unpredictable']}", file=sys.stderr)


# -- prune -----------------------------------------------------------------------
def _parse_filters(items: list[str], all_: bool) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"bad --filter {item!r}: expected KEY=VALUE")
        filters.setdefault(key.strip(), []).append(value)
    filters.setdefault("dangling", ["false" if all_ else "true"])   # as the docker CLI sends it
    return filters


def run_prune(args: argparse.Namespace) -> int:
    """Handler of ``prune``: print the prediction (dry run) or the daemon's answer checked against it."""
    refused = _refuse(args)
    if refused is not None:
        return refused
    try:
        filters = _parse_filters(args.filter, args.all)
    except ValueError as exc:
        return _fail(EXIT_USAGE, str(exc))
    try:
        snap, client = _load(args)
    except _errors() as exc:
        return _fail(EXIT_USAGE if isinstance(exc, SnapshotError) else EXIT_FAIL, str(exc))
    result, _ = simulate.prune(snap, all=args.all, filters=filters)
    if args.dry_run:
        _emit_prune(result.to_json(), args.json)
        return EXIT_OK
    try:
        actual = client.api.prune_images(filters=filters)
    except Exception as exc:
        err = _api_error(exc)
        if err is None:
            return _fail(EXIT_FAIL, _describe(exc, args))
        actual = {"error": err}
    _emit_prune(actual, args.json)
    if result.unpredictable:
        print(f"layerscope: prune not predicted ({result.unpredictable})", file=sys.stderr)
        return EXIT_FAIL if "error" in actual else EXIT_OK
    if not result.matches(actual):
        print(f"layerscope: prediction differed: predicted {json.dumps(result.to_json())}, "
              f"daemon answered {json.dumps(actual)}", file=sys.stderr)
        return EXIT_MISMATCH
    return EXIT_FAIL if "error" in actual else EXIT_OK


def _emit_prune(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _print_json(data)
        return
    if "error" in data:
        print(f"Error response from daemon: {data['error']['message']}", file=sys.stderr)
        return
    if "unpredictable" in data:
        print(f"Unpredictable: {data['unpredictable']}", file=sys.stderr)
        return
    items = data.get("ImagesDeleted") or []
    if items:
        print("Deleted Images:")
        for item in items:
            for key, value in item.items():
                print(f"{key.lower()}: {value}")
        print()
    space = data.get("SpaceReclaimed")
    print(f"Total reclaimed space: {human_size(space) if space is not None else 'unknown'}")


def human_size(n: float) -> str:
    """go-units HumanSize: decimal units, 4 significant digits (``1.234MB``)."""
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    i = 0
    n = float(n)
    while n >= 1000 and i < len(units) - 1:
        n /= 1000
        i += 1
    return f"{n:.4g}{units[i]}"
