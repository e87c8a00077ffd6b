"""How an error is worded on one line, the same in the window and on the command line."""
from __future__ import annotations

MESSAGE_LIMIT = 300        # characters of an error message shown on one line


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, cut to MESSAGE_LIMIT characters ("" when it has none)."""
    lines = str(exc).splitlines()
    first = lines[0] if lines else ""
    return first if len(first) <= MESSAGE_LIMIT else first[:MESSAGE_LIMIT - 1] + "…"


def fault(exc: BaseException) -> str:
    """An unexpected exception as ``Type: first line`` (just ``Type`` when it has no message)."""
    line = first_line(exc)
    return f"{type(exc).__name__}: {line}" if line else type(exc).__name__
