"""Exact prediction of ``docker rmi`` and ``docker image prune`` as pure functions of a Snapshot.

Per image store (``snapshot.info.image_store``):

* graphdriver (classic store, dockerd 20.10 … 28): ported from moby
  ``daemon/images/image_delete.go``, ``image_prune.go``, ``reference/store.go``,
  ``layer/layer_store.go``; checked here against dockerd 20.10 by the
  differential tests (tests/test_differential.py).  Identical up to v29.
* containerd store (Engine 25+): ported from ``daemon/containerd/image_delete.go``,
  ``image_prune.go``, ``image.go`` and ``soft_delete.go``, and checked against a real
  Engine 29.7 by the differential tests (tests/engine/test_differential.py: imports,
  classic and BuildKit builds, commits, save/load, multi-platform OCI indexes, tags,
  containers) and one test per surprising behaviour (tests/engine/test_containerd.py).
  What a snapshot cannot know there (record times for ``until``, other platforms' labels,
  some SpaceReclaimed figures) is listed in that module.  Engine 24's store is refused.
* Podman 4.3 (Docker-compatible API, ``podman system service``): ported from
  libimage (``image.go`` removeRecursive, ``layer_tree.go``, ``runtime.go``
  RemoveImages) and the compat handlers, and checked against Podman 4.3.1 by
  tests/test_podman.py (random states of imports, buildah builds, commits, tags
  and containers; rmi by name / ID / short ID / bad references, -f; prune with
  dangling / label / label! filters and the refused -a).  Podman derives parents
  from its layer tree on every call; the simulator re-derives them from the
  snapshot and, where that disagrees with the parents Podman reported, says
  unpredictable.  Also unpredictable: short names that localhost/, registries.conf
  or a repository suffix could resolve, repo@digest arguments, ambiguous ID
  prefixes, ``until`` within seconds of an image's creation, image-less images,
  filters other than dangling/label/label!/until, error texts that join
  several in-use failures, and every Podman other than 4.3 (its compat handlers
  changed later: prune -a, rmi -f with containers, message texts).  Not visible
  to a snapshot: containers of other tools on the same storage (buildah's working
  containers), which make Podman refuse a delete the prediction allows.

A snapshot cannot see layers held only by BuildKit's cache (graphdriver mode): with
BuildKit builds on the host, fewer chain-ID lines may come back than predicted.

Whatever a snapshot cannot decide is reported, never guessed: an ``RmiOutcome``
or ``PruneResult`` then carries ``unpredictable`` = the reason.  Where the
daemon itself picks at random (which container a conflict message names, the
order of prune's ImagesDeleted), the prediction carries every possibility.

The engine, one module per part (this one is the facade: ``rmi``, ``prune`` and the store protocol):

* ``outcome``     — RmiOutcome, PruneResult, Unpredictable, DaemonRefusal, shared helpers;
* ``filters``     — prune's until / label / dangling filters (Go durations and times);
* ``graphdriver`` — the classic store; ``containerd`` — the containerd store (``containerd_space``: its
  prune's SpaceReclaimed); ``podman`` — Podman 4.3.
"""
from __future__ import annotations

import time
from types import MappingProxyType
from typing import Any, Mapping

from ..core.sizes import carry_engine_sizes
from ..core.snapshot import STORE_CONTAINERD, STORE_GRAPHDRIVER, STORE_PODMAN, Snapshot
from .containerd import ContainerdStore
from .filters import filter_values, rfc3339_ns
from .graphdriver import GraphdriverStore
from .outcome import DaemonRefusal, Item, PruneResult, RmiOutcome, Unpredictable, multiset
from .podman import PodmanStore
from .store import Store

__all__ = ["Item", "PruneResult", "RmiOutcome", "Store", "STORES", "Unpredictable", "multiset", "prune",
           "rfc3339_ns", "rmi", "unmodelled", "working_copy"]


# snapshot.info.image_store → its store
STORES: Mapping[str, type[Store]] = MappingProxyType({STORE_GRAPHDRIVER: GraphdriverStore,
                                                     STORE_CONTAINERD: ContainerdStore, STORE_PODMAN: PodmanStore})


def unmodelled(snapshot: Snapshot) -> str:
    """Why rmi and prune cannot be predicted on this snapshot's image store ("" when they can)."""
    store_class = STORES.get(snapshot.info.image_store)
    if store_class is None:
        return f"unknown image store {snapshot.info.image_store!r}"
    return store_class.unmodelled(snapshot)


def working_copy(snapshot: Snapshot) -> Store:
    """The store's working copy of ``snapshot``, to predict on (check unmodelled() first)."""
    return STORES[snapshot.info.image_store](snapshot)


def rmi(snapshot: Snapshot, refs: list[str], force: bool = False, noprune: bool = False,
        base: Store | None = None) -> tuple[list[RmiOutcome], Snapshot]:
    """Predict ``docker rmi [-f] [--no-prune] REF...``: one outcome per ref, and the state after.

    ``base``: a working copy of ``snapshot`` kept for many predictions; the steps run on a fork of it."""
    why = unmodelled(snapshot)
    if why:
        return [RmiOutcome(r, unpredictable=why) for r in refs], snapshot
    state = working_copy(snapshot) if base is None else base.fork()
    outcomes: list[RmiOutcome] = []
    broken = ""
    for arg in refs:
        if broken:
            outcomes.append(RmiOutcome(arg, unpredictable=f"follows an unpredictable step ({broken})"))
            continue
        try:
            outcomes.append(RmiOutcome(arg, response=tuple(state.delete(arg, force, not noprune))))
        except DaemonRefusal as err:
            outcomes.append(RmiOutcome(arg, status=err.status, message=err.message, alternatives=err.alternatives))
        except Unpredictable as why:
            broken = str(why)
            outcomes.append(RmiOutcome(arg, unpredictable=broken))
    return outcomes, (snapshot if broken else carry_engine_sizes(snapshot, state.to_snapshot()))


def prune(snapshot: Snapshot, all: bool = False, filters: dict[str, Any] | None = None,
          now: float | None = None, sizes: dict[str, int] | None = None) -> tuple[PruneResult, Snapshot]:
    """Predict ``docker image prune [-a] [--filter …]``: ImagesDeleted (as groups), SpaceReclaimed, the state after."""
    f = filter_values(filters)
    now_ns = int((time.time() if now is None else now) * 10**9)
    why = unmodelled(snapshot)
    if why:
        return PruneResult(unpredictable=why), snapshot
    try:
        result, after = STORES[snapshot.info.image_store].prune(snapshot, f, all, now_ns, sizes)
        return result, carry_engine_sizes(snapshot, after)
    except DaemonRefusal as err:
        return PruneResult(status=err.status, message=err.message), snapshot
    except Unpredictable as why:
        return PruneResult(unpredictable=str(why)), snapshot
