"""The headless `snapshot` command: print the report of a daemon (or a file) as JSON, or save the snapshot."""
from __future__ import annotations

import argparse
import json
import sys

from .common import EXIT_FAIL, EXIT_USAGE, fail, load


def run_snapshot(args: argparse.Namespace) -> int:
    """`snapshot`: read the daemon (or a file) and print the report, or save the snapshot."""
    from model.core.analysis import Analysis
    from model.render.report import snapshot_report

    if args.with_files and not args.save:
        return fail(EXIT_USAGE, "--with-files needs --save FILE")
    snap, link = load(args)
    if args.with_files:
        from model.core.layerfiles import NoFileIndex

        from .files import with_files
        try:
            snap = with_files(snap, None if link is None else link.sdk)
        except NoFileIndex as exc:
            return fail(EXIT_FAIL, str(exc))
    if args.save:
        snap.save(args.save)
        print(f"saved {len(snap.images)} images to {args.save}", file=sys.stderr)
    if args.json or not args.save:
        # compact output uses json's C encoder (indenting is ~10x slower on 1,000 images)
        tty = sys.stdout.isatty()
        text = json.dumps(snapshot_report(Analysis(snap)), indent=1 if tty else None,
                          separators=None if tty else (",", ":"))
        sys.stdout.write(text + "\n")
    return 0
