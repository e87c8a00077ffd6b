"""The command line: the window's options and the headless sub-commands, each failure one line on stderr."""
from __future__ import annotations

import argparse
import sys

from model.core.snapshot import SnapshotError
from model.daemon.source import DaemonError

from . import delete, export, snapshot

HEADLESS = ("snapshot", "rmi", "prune", "log", "export")


def build_parser() -> argparse.ArgumentParser:
    """The command line: GUI options plus the headless sub-commands."""
    parser = argparse.ArgumentParser(prog="layerscope",
                                     description="Layerscope: see what Docker really stores on disk. The window "
                                                 "by default; the sub-commands never import Qt.")
    parser.add_argument("--host", help="daemon URL (default: DOCKER_HOST, else the current docker context)")
    parser.add_argument("--snapshot", metavar="FILE", help="open a saved snapshot instead of a daemon")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo snapshot")
    parser.add_argument("--read-only", action="store_true", help="disable every destructive action")
    sub = parser.add_subparsers(dest="command")
    snapshot.add_parser(sub)
    delete.add_parsers(sub)
    export.add_parsers(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the parsed headless command; daemon and snapshot failures become one line on stderr."""
    try:
        return args.func(args)
    except (DaemonError, SnapshotError) as exc:
        print(f"layerscope: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
