"""The command line: the window's options and the headless sub-commands, each failure one line on stderr."""
from __future__ import annotations

import argparse
import gc
import os
import traceback

from model.core.errors import fault
from model.core.snapshot import SnapshotError
from model.daemon.answers import DaemonError

from .common import EXIT_FAIL, fail
from .parsers import delete_parsers, desktop_parser, export_parser, files_parsers, lesson_parser, snapshot_parser

HEADLESS = ("snapshot", "rmi", "prune", "log", "export", "files", "diff", "lesson", "install-desktop-entry")
EXIT_INTERNAL = 70          # EX_SOFTWARE: a fault of Layerscope's own, not of the input


class VersionAction(argparse.Action):
    """--version: print ``layerscope VERSION`` and exit; the version is read only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=str(kwargs.get("help")))

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from resources.version import version
        print(f"layerscope {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The command line: GUI options plus the headless sub-commands."""
    parser = argparse.ArgumentParser(prog="layerscope",
                                     description="Layerscope: see what Docker really stores on disk. The window "
                                                 "by default; the sub-commands never import Qt.")
    parser.add_argument("--host", help="daemon URL (default: DOCKER_HOST, else the current docker context)")
    parser.add_argument("--snapshot", metavar="FILE", help="open a saved snapshot instead of a daemon")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo snapshot")
    parser.add_argument("--read-only", action="store_true", help="disable every destructive action")
    parser.add_argument("--lesson", action="store_true",
                        help="open the window on the lesson: the seed tutorial step by step, offline")
    parser.add_argument("--exit-after-first-paint", action="store_true",
                        help="benchmark: print the milliseconds from process start to the first painted map, then exit")
    parser.add_argument("--version", action=VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", title="headless commands (no window)", metavar="COMMAND")
    snapshot_parser(sub)
    delete_parsers(sub)
    export_parser(sub)
    files_parsers(sub)
    lesson_parser(sub)
    desktop_parser(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the parsed headless command; every failure becomes one line on stderr, never a traceback.

    A daemon or snapshot file that cannot be used exits 1; anything else that escapes a command is a
    fault of ours and exits 70 (its traceback only with LAYERSCOPE_DEBUG=1)."""
    # A headless command is one pass that builds large acyclic structures (a host's history
    # rows, layers and report) and exits: the cyclic collector would only scan them again
    # and again.  Reference counting still frees everything; nothing here lives on.
    gc.disable()
    try:
        return args.func(args)
    except (DaemonError, SnapshotError) as exc:
        return fail(EXIT_FAIL, str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last resort: the real errors are named before they get here
        if "LAYERSCOPE_DEBUG" in os.environ:
            traceback.print_exc()
        return fail(EXIT_INTERNAL, f"internal error: {fault(exc)} (run with LAYERSCOPE_DEBUG=1 for the traceback)")
