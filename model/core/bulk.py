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
# paused.  When the outermost pause ends, everything alive is frozen (gc.freeze):
# moved out of the collector's generations, so neither the young collections
# that would otherwise walk every object just made nor the full ones that follow
# walk it again.  Frozen objects are still freed by reference counting when
# dropped; a cycle among them would never be, which is why what bulk builds makes
# none (graph.LayerForest; tests/core/test_bulk.py drops each structure and checks
# it is gone without a collection).  Cyclic garbage made between two pauses is
# not frozen with the rest: the outermost pause starts with a full collection,
# which walks only what is not frozen yet (what was made since the last pause).
# Threads: whoever paused it (found it enabled) freezes and enables it again; one
# that found it paused leaves it so.
@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the body without cyclic garbage collection (reference counting still frees everything)."""
    was = gc.isenabled()
    if was:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.enable()


def bulk(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function that builds a large acyclic structure: it runs under paused_gc()."""
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_gc():
            return fn(*args, **kwargs)
    return run

