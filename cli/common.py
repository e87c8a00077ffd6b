"""What every headless command shares: where its snapshot comes from, and one-line failures."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from model.core.snapshot import Snapshot
from resources import DEMO_SNAPSHOT


EXIT_FAIL, EXIT_USAGE = 1, 2


def fail(code: int, message: str) -> int:
    """Print ``layerscope: message`` (its first line only) on stderr and return ``code``."""
    print(f"layerscope: {(message.splitlines() or [''])[0]}", file=sys.stderr)
    return code


def load(args: argparse.Namespace) -> tuple[Snapshot, Any]:
    """The snapshot a command works on (--demo, --snapshot FILE, else the daemon) and the daemon's Link, if any
    (its ``sdk`` client is made only by the commands that send or stream)."""
    if getattr(args, "demo", False):
        return Snapshot.load(DEMO_SNAPSHOT), None
    if getattr(args, "snapshot", None):
        snap = Snapshot.load(args.snapshot)
        for warning in snap.warnings:           # a file that opened with repairs says so
            print(f"layerscope: warning: {warning}", file=sys.stderr)
        return snap, None
    from model.daemon.source import open_link, read_snapshot
    link = open_link(getattr(args, "host", None))
    return read_snapshot(link), link
