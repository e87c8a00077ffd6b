"""The one palette every picture is drawn with, as hex colours: the window (gui/theme.py) and the exports."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..core.classify import DANGLING, INTERMEDIATE, TAGGED, UNTAGGED


@dataclass(frozen=True)
class Colours:
    """Every colour a view or an export draws with (``#rrggbb``)."""

    layer_unique: str
    layer_unique_edge: str
    layer_shared: str
    layer_shared_edge: str
    layer_collapsed: str
    image_fills: Mapping[str, str]      # by status: tagged, untagged, intermediate, dangling
    image_text: str
    in_use: str
    selected: str                       # marks
    deleted: str
    deleted_fill: str
    untagged_mark: str
    flash: str                          # new or changed after a live update or a what-if step
    edge: str
    text: str
    text_dim: str
    background: str
    whatif: str

    def image_fill(self, status: str) -> str:
        """The fill of an image badge of ``status`` (a tagged image's for an unknown status)."""
        return self.image_fills.get(status, self.image_fills[TAGGED])


NORMAL = Colours(
    layer_unique="#e3eaf3", layer_unique_edge="#6b84a3", layer_shared="#cfeedd", layer_shared_edge="#2f8a5b",
    layer_collapsed="#eef0f2",
    image_fills=MappingProxyType({TAGGED: "#2563a8", UNTAGGED: "#7c5cbf", INTERMEDIATE: "#9aa5b1",
                                  DANGLING: "#d9772b"}),
    image_text="#ffffff", in_use="#18a558", selected="#f5b700", deleted="#d64545", deleted_fill="#f9d4d4",
    untagged_mark="#e08a00", flash="#ff3fa4", edge="#9aa7b6", text="#1f2933", text_dim="#52606d",
    background="#fafbfc", whatif="#6d28d9",
)
# High contrast (presentation mode): darker fills and edges, pure black text on white.
HIGH_CONTRAST = dataclasses.replace(
    NORMAL,
    layer_unique="#ffffff", layer_unique_edge="#1f2933", layer_shared="#b4f0cc", layer_shared_edge="#00642e",
    layer_collapsed="#f2f2f2",
    image_fills=MappingProxyType({TAGGED: "#0b3d91", UNTAGGED: "#4c1d95", INTERMEDIATE: "#4b5563",
                                  DANGLING: "#b45309"}),
    edge="#3e4c59", text="#000000", text_dim="#1f2933", background="#ffffff", selected="#ffb000",
)
