"""The command line's shape: every sub-command and its options.  A handler's module is imported only when its
command runs, so parsing imports no model code beyond the format names."""
from __future__ import annotations

import argparse
import importlib
from typing import Any, Callable

from model.render.formats import FORMATS


def handler(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """The handler ``module.name``, its module imported when the command runs."""
    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), name)(args)
    return run


def snapshot_parser(sub: argparse._SubParsersAction) -> None:
    """Register `snapshot` on main.py's sub-parsers."""
    p = sub.add_parser("snapshot", help="print or save a snapshot of the daemon")
    p.add_argument("--json", action="store_true", help="print the report as JSON (indented on a terminal)")
    p.add_argument("--save", metavar="FILE", help="write the snapshot file")
    p.add_argument("--with-files", action="store_true",
                   help="with --save: carry the file index of every image's layers (read with docker save, "
                        "then from the cache), so files and diff work offline on the file")
    p.add_argument("--host", default=argparse.SUPPRESS, help="daemon URL")
    p.add_argument("--snapshot", metavar="FILE", default=argparse.SUPPRESS, help="read a saved snapshot")
    p.set_defaults(func=handler("cli.snapshot", "run_snapshot"))


def delete_parsers(subparsers: Any) -> None:
    """Register the ``rmi``, ``prune`` and ``log`` subcommands on an argparse subparsers object."""
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
    codes = ("exit codes: 0 done as predicted (or nothing to do, or declined); 1 the daemon refused or would "
             "refuse (not sent), or cannot be reached; 2 refused as used; 3 the daemon answered differently "
             "from the prediction; 4 cannot be predicted exactly: refused, nothing sent")

    p = subparsers.add_parser("rmi", parents=[common], help="predict (and run) docker rmi exactly", epilog=codes,
                              description="Predict docker rmi's exact answer and print it; without --dry-run, "
                                          "then run it — unless a step cannot be predicted exactly or is "
                                          "predicted to fail — and check the daemon agreed.")
    p.add_argument("-f", "--force", action="store_true", help="like docker rmi -f")
    p.add_argument("--no-prune", action="store_true", help="do not delete untagged parents")
    p.add_argument("refs", nargs="+", metavar="REF", help="image references (tags, IDs, short IDs)")
    p.set_defaults(func=handler("cli.delete", "run_rmi"))

    p = subparsers.add_parser("prune", parents=[common], help="predict (and run) docker image prune exactly",
                              epilog=codes,
                              description="List exactly what docker image prune would untag and delete, ask "
                                          "[y/N], run it and check the daemon agreed (ImagesDeleted as a "
                                          "multiset).  Refused when it cannot be predicted exactly.")
    p.add_argument("-a", "--all", action="store_true", help="remove all images not used by containers")
    p.add_argument("-f", "--force", action="store_true", help="do not ask for confirmation")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                   help="until=<time>, label=<k[=v]>, label!=<k[=v]> (repeatable)")
    p.set_defaults(func=handler("cli.delete", "run_prune"))

    p = subparsers.add_parser("log", help="show the delete history (every refused and performed delete)")
    p.add_argument("--json", action="store_true", help="print the records as JSON")
    p.add_argument("-n", type=int, default=0, metavar="N", help="only the newest N records")
    p.set_defaults(func=handler("cli.delete", "run_log"))


def export_parser(sub: argparse._SubParsersAction) -> None:
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
    p.set_defaults(func=handler("cli.export", "cmd_export"))


def files_parsers(sub: argparse._SubParsersAction) -> None:
    """Register ``files`` and ``diff`` on main.py's sub-parsers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON")
    # SUPPRESS: the top-level --host/--snapshot/--demo stay valid when not repeated here
    common.add_argument("--host", default=argparse.SUPPRESS, help="daemon URL")
    common.add_argument("--snapshot", metavar="FILE", default=argparse.SUPPRESS,
                        help="read a snapshot saved with --with-files instead of a daemon")
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help="use the bundled demo snapshot")
    p = sub.add_parser("files", parents=[common], help="list what each layer of an image adds, changes and deletes",
                       description="Every layer of the image, bottom first, with the files it adds, modifies and "
                                   "deletes, and the wasted bytes (file versions the image never shows). Read "
                                   "with one docker save of the image, then from the cache.")
    p.add_argument("ref", metavar="REF", help="the image: a tag, a name, a full or short ID")
    p.set_defaults(func=handler("cli.files", "run_files"))
    p = sub.add_parser("diff", parents=[common], help="compare two images: shared layers and the files that differ",
                       description="The layers two images share (stored once), where they diverge, each one's own "
                                   "layers, and the files that differ in their merged filesystems.")
    p.add_argument("a", metavar="A", help="the first image")
    p.add_argument("b", metavar="B", help="the second image")
    p.set_defaults(func=handler("cli.files", "run_diff"))


def lesson_parser(sub: argparse._SubParsersAction) -> None:
    """Register `lesson` on main.py's sub-parsers."""
    p = sub.add_parser("lesson", help="the seed tutorial's steps, each rmi's exact answer predicted offline",
                       description="Print the lesson: the tutorial's commands in order, their explanation, and for "
                                   "each docker rmi the exact Untagged/Deleted lines and the bytes freed, predicted "
                                   "on the bundled lesson snapshot. Never contacts a daemon.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", choices=("en", "ko"), default="en", help="the explanations' language (default: en)")
    p.add_argument("--live", action="store_true",
                   help="perform the lesson on the practice daemon --host names (never the default one): the "
                        "commits for real, each rmi through the usual predict/confirm/perform/compare; then reset "
                        "it (ubuntu:18.04 must be there first)")
    p.add_argument("--yes", action="store_true", help="with --live: do not wait at each step or ask before a delete")
    p.add_argument("--host", default=argparse.SUPPRESS, help="with --live: the practice daemon's URL")
    p.set_defaults(func=handler("cli.lesson", "run_lesson"))


def desktop_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``install-desktop-entry`` on main.py's sub-parsers."""
    p = sub.add_parser("install-desktop-entry", help="add Layerscope to the desktop's menu (for this user)",
                       description="Write a freedesktop .desktop file and the app's icon (hicolor: SVG and PNG "
                                   "sizes) under $XDG_DATA_HOME (default ~/.local/share), so Layerscope appears in "
                                   "the desktop's menu; --uninstall removes exactly those files.")
    p.add_argument("--uninstall", action="store_true", help="remove the files install-desktop-entry wrote")
    p.set_defaults(func=handler("cli.desktop", "run_desktop_entry"))
