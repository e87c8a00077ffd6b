"""Layerscope: see what Docker really stores on disk.  The window by default; headless sub-commands never import Qt."""
from __future__ import annotations

import sys

from cli.main import build_parser, run


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the window or a headless command."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        from cli.qtplatform import platform_problem
        problem = platform_problem()           # before Qt: a missing library is named, not Qt's abort
        if problem:
            print(f"layerscope: {problem}", file=sys.stderr)
            return 1
        from gui.app import run_gui
        return run_gui(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
