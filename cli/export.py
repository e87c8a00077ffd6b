"""The headless `export` sub-command: graph, chart, storage map or snapshot to a file, without a display or Qt."""
from __future__ import annotations

import argparse
import sys

from model.core.snapshot import SnapshotError
from model.render.formats import FORMATS, format_from_path

from .common import EXIT_FAIL, EXIT_USAGE, fail, load


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register `export` on main.py's sub-parsers."""
    p = sub.add_parser("export", help="export the layer graph, the storage chart or map, or the snapshot to a file",
                       description="Write the layer graph (svg, png, pdf, graphml, dot), the storage chart "
                                   "(chart-png, chart-svg), the storage map (storagemap-svg, storagemap-png) or "
                                   "the snapshot (json). Never needs a display.")
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
    from model.core.analysis import Analysis
    from model.render.export import ExportError, export

    fmt = args.format or format_from_path(args.out)
    if fmt is None:
        return fail(EXIT_USAGE, f"cannot tell the format from {args.out!r}; pass --format")
    snap, _ = load(args)
    try:
        export(Analysis(snap), args.out, fmt)
    except SnapshotError as exc:            # json: the snapshot's own atomic save names the file
        return fail(EXIT_FAIL, str(exc))
    except OSError as exc:
        return fail(EXIT_FAIL, f"cannot write {args.out}: {exc.strerror or exc}")
    except ExportError as exc:
        return fail(EXIT_FAIL, f"export failed: {exc}")
    print(f"wrote {fmt} of {len(snap.images)} images to {args.out}", file=sys.stderr)
    return 0
