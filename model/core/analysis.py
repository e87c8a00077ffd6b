"""Everything derived from one Snapshot, computed once: graph, statuses, layer use, sizes, totals."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .classify import (ImageStatus, LayerUse, image_status, image_status_after, layer_use, layer_use_after,
                       retagged, same_images)
from .history import LayerMapping, layer_sizes, map_all
from .sizes import ImageSizes, Totals, image_sizes, image_sizes_after, totals, totals_after
from .snapshot import Snapshot

if TYPE_CHECKING:          # networkx is imported only by what draws or walks the graph
    import networkx as nx


@dataclass(frozen=True)
class Analysis:
    """A snapshot with its derived views; each is computed on first use and kept."""

    snapshot: Snapshot

    @cached_property
    def mappings(self) -> dict[str, LayerMapping]:
        """Image ID → which history row made which layer."""
        return map_all(self.snapshot)

    @cached_property
    def layer_sizes(self) -> dict[str, int]:
        """Chain ID → DiffSize."""
        return layer_sizes(self.snapshot, self.mappings)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The shared-layer forest with images attached."""
        from .graph import build_graph
        return build_graph(self.snapshot, self.mappings, self.layer_sizes)

    @cached_property
    def status(self) -> dict[str, ImageStatus]:
        """Image ID → status (tagged, intermediate, dangling, untagged) and containers."""
        return image_status(self.snapshot)

    @cached_property
    def layer_use(self) -> dict[str, LayerUse]:
        """Chain ID → images holding it."""
        return layer_use(self.snapshot)

    @cached_property
    def image_sizes(self) -> dict[str, ImageSizes]:
        """Image ID → SIZE / SHARED SIZE / UNIQUE SIZE / CONTAINERS."""
        return image_sizes(self.snapshot, self.layer_use, self.layer_sizes)

    @cached_property
    def totals(self) -> Totals:
        """Naive sum against actual bytes stored."""
        return totals(self.snapshot, self.layer_sizes)

    # The next state of the same daemon.  Image IDs name their content, so an
    # image's history mapping is carried over wherever its ID is still there.  When
    # only references or containers changed (classify.same_images: a live tag or
    # untag) everything else follows from this analysis too: layer sizes and the
    # forest's layers as they are, the layer use and sizes of the images concerned
    # (classify.layer_use_after, sizes.image_sizes_after).  Statuses are taken again.
    def following(self, snapshot: Snapshot) -> "Analysis":
        """The analysis of ``snapshot``, a later state of this one's daemon, reusing what did not change."""
        after = Analysis(snapshot)
        derived = after.__dict__              # where each cached_property keeps its value
        if not same_images(self.snapshot, snapshot):
            derived["mappings"] = map_all(snapshot, previous=(self.snapshot, self.mappings))
            return after
        from .graph import graph_after
        changed = retagged(self.snapshot, snapshot)
        derived["mappings"], derived["layer_sizes"] = self.mappings, self.layer_sizes
        derived["status"] = image_status_after(self.snapshot, self.status, snapshot, changed)
        derived["layer_use"] = layer_use_after(self.snapshot, self.layer_use, snapshot, changed)
        derived["image_sizes"] = image_sizes_after(self.snapshot, self.layer_use, self.image_sizes, snapshot,
                                                   derived["layer_use"], self.layer_sizes, changed)
        derived["totals"] = totals_after(self.totals, self.snapshot, snapshot, changed)
        derived["graph"] = graph_after(self.graph, snapshot, changed)
        return after

    def history_mapping(self, image_id: str) -> LayerMapping:
        """Which history row of an image made which of its layers."""
        return self.mappings[image_id]
