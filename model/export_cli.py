"""The headless `export` sub-command: graph, chart or snapshot to a file, without a display or Qt."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .export import FORMATS, ExportError, export, format_from_path

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo" / "tutorial.json"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `export` on main.py's sub-parsers."""
    p = sub.add_parser("export", help="export the layer graph, the storage chart or the snapshot to a file",
                       description="Write the layer graph (svg, png, pdf, graphml, dot), the storage chart "
                                   "(chart-png, chart-svg) or the snapshot (json). Never needs a display.")
    p.add_argument("--format", "-f", choices=FORMATS, help="output format (default: from OUT's extension)")
    # SUPPRESS: the top-level --host/--snapshot/--demo stay valid when not repeated here
    p.add_argument("--host", default=argparse.SUPPRESS, help="daemon URL")
    p.add_argument("--snapshot", metavar="FILE", default=argparse.SUPPRESS, help="read a saved snapshot")
    p.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                   help="use the bundled demo snapshot (the tutorial's images)")
    p.add_argument("out", metavar="OUT", help="file to write")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """`export`: read the snapshot (demo, file or daemon), write OUT, report one line on stderr."""
    from .analysis import Analysis
    from .snapshot import Snapshot

    fmt = args.format or format_from_path(args.out)
    if fmt is None:
        print(f"layerscope: cannot tell the format from {args.out!r}; pass --format", file=sys.stderr)
        return 2
    if getattr(args, "demo", False):
        snap = Snapshot.load(DEMO)
    elif getattr(args, "snapshot", None):
        snap = Snapshot.load(args.snapshot)
    else:
        from .source import connect, read_snapshot
        snap = read_snapshot(connect(getattr(args, "host", None)))
    try:
        export(Analysis(snap), args.out, fmt)
    except (ExportError, OSError) as exc:
        print(f"layerscope: export failed: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {fmt} of {len(snap.images)} images to {args.out}", file=sys.stderr)
    return 0
