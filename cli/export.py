"""The headless `export` sub-command: graph, chart, storage map or snapshot to a file, without a display or Qt."""
from __future__ import annotations

import argparse
import sys

from model.core.snapshot import Snapshot, SnapshotError
from model.render.formats import format_from_path

from .common import EXIT_FAIL, EXIT_USAGE, fail, load


def cmd_export(args: argparse.Namespace) -> int:
    """`export`: read the snapshot (demo, file or daemon), write OUT, report one line on stderr."""
    fmt = args.format or format_from_path(args.out)
    if fmt is None:
        return fail(EXIT_USAGE, f"cannot tell the format from {args.out!r}; pass --format")
    snap, _ = load(args)
    try:
        if fmt == "json":                   # the snapshot file itself: the drawing stack is not needed
            snap.save(args.out)
        else:
            _draw(snap, args.out, fmt)
    except SnapshotError as exc:            # json: the snapshot's own atomic save names the file
        return fail(EXIT_FAIL, str(exc))
    except OSError as exc:
        return fail(EXIT_FAIL, f"cannot write {args.out}: {exc.strerror or exc}")
    except ValueError as exc:               # ExportError
        return fail(EXIT_FAIL, f"export failed: {exc}")
    print(f"wrote {fmt} of {len(snap.images)} images to {args.out}", file=sys.stderr)
    return 0


def _draw(snap: Snapshot, out: str, fmt: str) -> None:
    """Draw the graph, chart or storage map of ``snap`` to ``out``."""
    from model.core.analysis import Analysis
    from model.render.export import export
    export(Analysis(snap), out, fmt)
