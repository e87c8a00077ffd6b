"""What every image store implements for the simulator: a working copy that rmi steps change, and its prune."""
from __future__ import annotations

from ..core.snapshot import Snapshot
from .filters import Keep, image_prune_filters
from .outcome import Item, PruneResult


class Store:
    """One image store's working copy of a snapshot (subclasses: graphdriver, containerd, Podman)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snap = snapshot

    def fork(self) -> "Store":
        """A working copy of the same snapshot, to run other steps on (this one is left as it is)."""
        return type(self)(self.snap)

    @staticmethod
    def unmodelled(snapshot: Snapshot) -> str:
        """Why this engine's rmi and prune answers are not modelled ("" when they are)."""
        return ""

    def delete(self, arg: str, force: bool, prune_parents: bool) -> list[Item]:
        """One ``DELETE /images/{arg}``: the response list; raises DaemonRefusal or Unpredictable."""
        raise NotImplementedError

    def to_snapshot(self) -> Snapshot:
        """The state after the steps so far."""
        raise NotImplementedError

    @classmethod
    def prune(cls, snapshot: Snapshot, filters: dict[str, list[str]], all_: bool, now_ns: int,
              sizes: dict[str, int] | None) -> tuple[PruneResult, Snapshot]:
        """``POST /images/prune``: the Engine's filter checks, then the store's own prune."""
        dangling, keep = image_prune_filters(snapshot, filters, all_, now_ns)
        return cls.prune_images(snapshot, dangling, keep, sizes)

    @staticmethod
    def prune_images(snapshot: Snapshot, dangling: bool, keep: Keep, sizes: dict[str, int] | None
                     ) -> tuple[PruneResult, Snapshot]:
        """The prune itself, once the filters are read: the answer and the state after."""
        raise NotImplementedError
