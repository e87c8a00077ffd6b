"""Building large structures without the cyclic garbage collector's full passes in between."""
from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


# Why pause the collector.  A 10,000-image host keeps some 800,000 objects the
# cyclic collector tracks (history rows, the forest's attribute dicts, layout
# nodes, scene items).  Building an analysis, a layout or a scene allocates
# hundreds of thousands more, and CPython answers with full collections over the
# whole heap (0.3 s each on that host) that find nothing to free: what is built is
# kept, and makes no cycles.  While one such structure is built the collector is
# paused; afterwards it runs as before.  Threads: whoever paused it (found it
# enabled) enables it again; one that found it paused leaves it so.
@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the body without cyclic garbage collection (reference counting still frees everything)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def bulk(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function that builds a large acyclic structure: it runs under paused_gc()."""
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_gc():
            return fn(*args, **kwargs)
    return run
