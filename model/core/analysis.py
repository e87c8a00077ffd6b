"""Everything derived from one Snapshot, computed once: graph, statuses, layer use, sizes, totals."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .classify import ImageStatus, LayerUse, image_status, layer_use
from .history import LayerMapping, layer_sizes, map_all
from .sizes import ImageSizes, Totals, image_sizes, totals
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

    def history_mapping(self, image_id: str) -> LayerMapping:
        """Which history row of an image made which of its layers."""
        return self.mappings[image_id]
