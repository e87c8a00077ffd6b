"""The headless `snapshot` command: print the report of a daemon (or a file) as JSON, or save the snapshot."""
from __future__ import annotations

import argparse
import json
import sys

from .common import EXIT_FAIL, EXIT_USAGE, fail, load


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `snapshot` on main.py's sub-parsers."""
    p = sub.add_parser("snapshot", help="print or save a snapshot of the daemon")
    p.add_argument("--json", action="store_true", help="print the report as JSON (indented on a terminal)")
    p.add_argument("--save", metavar="FILE", help="write the snapshot file")
    p.add_argument("--with-files", action="store_true",
                   help="with --save: carry the file index of every image's layers (read with docker save, "
                        "then from the cache), so files and diff work offline on the file")
    p.add_argument("--host", default=argparse.SUPPRESS, help="daemon URL")
    p.add_argument("--snapshot", metavar="FILE", default=argparse.SUPPRESS, help="read a saved snapshot")
    p.set_defaults(func=run_snapshot)


def run_snapshot(args: argparse.Namespace) -> int:
    """`snapshot`: read the daemon (or a file) and print the report, or save the snapshot."""
    from model.core.analysis import Analysis
    from model.render.report import snapshot_report

    if args.with_files and not args.save:
        return fail(EXIT_USAGE, "--with-files needs --save FILE")
    snap, client = load(args)
    if args.with_files:
        from model.core.layerfiles import NoFileIndex

        from .files import with_files
        try:
            snap = with_files(snap, client)
        except NoFileIndex as exc:
            return fail(EXIT_FAIL, str(exc))
    if args.save:
        snap.save(args.save)
        print(f"saved {len(snap.images)} images to {args.save}", file=sys.stderr)
    if args.json or not args.save:
        # compact output uses json's C encoder (indenting is ~10x slower on 1,000 images)
        text = json.dumps(snapshot_report(Analysis(snap)), indent=1 if sys.stdout.isatty() else None)
        sys.stdout.write(text + "\n")
    return 0
