"""Layerscope: see what Docker really stores on disk.  GUI by default; headless sub-commands never import Qt."""
from __future__ import annotations

import argparse
import json
import sys

from model import delete_cli, export_cli
from model.snapshot import Snapshot, SnapshotError
from model.source import DaemonError, connect, read_snapshot

HEADLESS = ("snapshot", "rmi", "prune", "log", "export")


def load_snapshot(args: argparse.Namespace) -> Snapshot:
    """The snapshot a headless command works on: --snapshot FILE, else the daemon."""
    if getattr(args, "snapshot", None):
        return Snapshot.load(args.snapshot)
    return read_snapshot(connect(args.host))


def cmd_snapshot(args: argparse.Namespace) -> int:
    """`snapshot`: read the daemon (or a file) and print the report, or save the snapshot."""
    from model.analysis import Analysis
    from model.report import snapshot_report

    snap = load_snapshot(args)
    if args.save:
        snap.save(args.save)
        print(f"saved {len(snap.images)} images to {args.save}", file=sys.stderr)
    if args.json or not args.save:
        # compact output uses json's C encoder (indenting is ~10x slower on 1,000 images)
        text = json.dumps(snapshot_report(Analysis(snap)), indent=1 if sys.stdout.isatty() else None)
        sys.stdout.write(text + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line: GUI options plus the headless sub-commands."""
    parser = argparse.ArgumentParser(prog="layerscope", description=__doc__)
    parser.add_argument("--host", help="daemon URL (default: DOCKER_HOST, else the current docker context)")
    parser.add_argument("--snapshot", metavar="FILE", help="open a saved snapshot instead of a daemon")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo snapshot")
    parser.add_argument("--read-only", action="store_true", help="disable every destructive action")
    sub = parser.add_subparsers(dest="command")

    snap = sub.add_parser("snapshot", help="print or save a snapshot of the daemon")
    snap.add_argument("--json", action="store_true", help="print the report as JSON (indented on a terminal)")
    snap.add_argument("--save", metavar="FILE", help="write the snapshot file")
    snap.add_argument("--host", default=argparse.SUPPRESS, help="daemon URL")
    snap.add_argument("--snapshot", metavar="FILE", default=argparse.SUPPRESS, help="read a saved snapshot")
    snap.set_defaults(func=cmd_snapshot)

    delete_cli.add_parsers(sub)
    export_cli.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the GUI or a headless command; errors become one line on stderr."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        from gui.app import run_gui
        return run_gui(args)
    try:
        return args.func(args)
    except (DaemonError, SnapshotError) as exc:
        print(f"layerscope: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
