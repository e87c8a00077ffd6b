"""Export the layer graph (GraphML, DOT, SVG/PNG/PDF), the storage chart, the storage map and the snapshot;
Qt-free."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from ..core.analysis import Analysis
from ..core.chain import short_id
from ..core.classify import DANGLING, INTERMEDIATE, TAGGED, UNTAGGED
from ..core.graph import EDGE_PARENT, IMAGE, LAYER
from ..core.history import short_created_by
from ..core.layout import COLLAPSED, Layout, layout_forest
from ..core.sizes import human
from .chart import MAX_BARS, charted_images, fill_chart
from .formats import CHART_FORMATS, FORMATS, GRAPH_FORMATS, STORAGE_MAP_FORMATS
from .palette import NORMAL as C
from .storagelabels import place_labels
from .storagemap import STYLE_SHARED, arrange, layer_title, storage_tree


FONTS = ("NanumGothic", "DejaVu Sans")     # NanumGothic (when installed) renders Korean tags

# Drawing limits: one scene unit of model.layout is one pixel at DPI until the drawing would
# exceed MAX_INCHES on a side (less for rasters); then it is squeezed.  Labels go when boxes
# get too small to hold them, or when there are more nodes than anyone can read.
DPI = 100
MAX_INCHES = 150.0
MAX_INCHES_RASTER = 80.0     # 8,000 px a side at DPI
MIN_LABEL_PT = 40.0          # a box narrower than this (points) gets no label
MAX_LABELLED_NODES = 1500    # above this many boxes the picture is an overview: no labels


class ExportError(ValueError):
    """An export that cannot be made (unknown format, unwritable path)."""


# -- shared helpers -------------------------------------------------------------------------
def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def layer_holders(analysis: Analysis, chain_id: str) -> int:
    """How many images `docker images` lists hold a layer (intermediates left out); shared means more than one."""
    use = analysis.layer_use.get(chain_id)
    return len(use.listed_images) if use else 0


def image_title(analysis: Analysis, image_id: str) -> str:
    """An image's tags (first two, "+n more") or ``<none>`` with its short ID."""
    tags = analysis.snapshot.by_id[image_id].repo_tags
    if not tags:
        return f"<none> {short_id(image_id)}"
    more = f" +{len(tags) - 2}" if len(tags) > 2 else ""
    return ", ".join(tags[:2]) + more


def title_line(analysis: Analysis) -> str:
    """Title with counts and totals: "… 20 images, 18 layers · naive 1.07GB, stored 405MB"."""
    snap, tot = analysis.snapshot, analysis.totals
    layers = sum(1 for _, k in analysis.graph.nodes(data="kind") if k == LAYER)
    where = snap.info.host or snap.source
    approx = "" if tot.exact else " (some sizes unknown)"
    return (f"Layerscope — {where}: {len(snap.images)} images, {layers} layers · "
            f"naive {human(tot.naive_bytes)}, stored {human(tot.actual_bytes)}{approx}")


# -- GraphML --------------------------------------------------------------------------------
# GraphML only carries scalar attributes of one type per key: lists become
# space-separated strings, None becomes "" (or -1 for sizes), and status,
# "shared" and "in use" are added so the file stands on its own.
def export_graph(analysis: Analysis) -> nx.DiGraph:
    """A copy of the layer graph with GraphML-safe attributes plus status/shared/in-use."""
    g = nx.DiGraph()
    tot = analysis.totals
    g.graph.update(title=title_line(analysis), naive_bytes=tot.naive_bytes, actual_bytes=tot.actual_bytes,
                   host=analysis.snapshot.info.host, taken_at=analysis.snapshot.taken_at)
    for node, data in analysis.graph.nodes(data=True):
        if data["kind"] == LAYER:
            g.add_node(node, kind=LAYER, label=short_id(node), diff_id=data["diff_id"],
                       parent=data["parent"] or "", depth=int(data["depth"]),
                       size=-1 if data["size"] is None else int(data["size"]),
                       created_by=data["created_by"] or "", images=" ".join(data["images"]),
                       holders=layer_holders(analysis, node), shared=layer_holders(analysis, node) > 1)
        else:
            st = analysis.status[node]
            g.add_node(node, kind=IMAGE, label=image_title(analysis, node), tags=" ".join(data["tags"]),
                       size=int(data["size"]), status=st.status, in_use=st.in_use,
                       containers=" ".join(c.name for c in st.containers))
    for src, dst, kind in analysis.graph.edges(data="kind"):
        g.add_edge(src, dst, kind=kind)
    return g


def write_graphml(analysis: Analysis, path: str | Path) -> None:
    """Write the whole graph (layers + images) as GraphML."""
    nx.write_graphml(export_graph(analysis), str(path))


# -- DOT ------------------------------------------------------------------------------------
def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# DOT by hand (pydot is not a dependency): one flat digraph, bottom to top like
# `docker history` read upward; layers are boxes labelled with the short chain
# ID, CREATED BY and size, filled by shared/unique; images are filled by status,
# outlined green when a container uses them; parent links are dashed.
def to_dot(analysis: Analysis) -> str:
    """The graph as Graphviz DOT text."""
    lines = ["digraph layerscope {",
             f"  graph [rankdir=BT, labelloc=t, fontname=\"{FONTS[0]}\", label={_dot_str(title_line(analysis))}];",
             f"  node [shape=box, style=\"rounded,filled\", fontname=\"{FONTS[0]}\", fontsize=10];",
             f"  edge [color=\"{C.edge}\", arrowsize=0.6];"]
    for node, data in analysis.graph.nodes(data=True):
        if data["kind"] == LAYER:
            shared = layer_holders(analysis, node) > 1
            label = "\n".join(x for x in (short_id(node), _clip(short_created_by(data["created_by"] or ""), 48),
                                          human(data["size"]) + (f" · shared by {layer_holders(analysis, node)}"
                                                                 if shared else "")) if x)
            fill, edge = (C.layer_shared, C.layer_shared_edge) if shared else (C.layer_unique, C.layer_unique_edge)
            lines.append(f"  {_dot_str(node)} [label={_dot_str(label)}, fillcolor=\"{fill}\", color=\"{edge}\", "
                         f"penwidth={2 if shared else 1}];")
        else:
            st = analysis.status[node]
            ident = f"{short_id(node)} · " if data["tags"] else ""      # untagged titles carry the ID already
            label = f"{image_title(analysis, node)}\n{ident}{st.status} · {human(data['size'])}"
            if st.in_use:
                label += f"\nin use by {len(st.containers)} container(s)"
            fill = C.image_fills.get(st.status, C.text_dim)
            color = C.in_use if st.in_use else fill
            lines.append(f"  {_dot_str(node)} [label={_dot_str(label)}, shape=box, fillcolor=\"{fill}\", "
                         f"fontcolor=\"{C.image_text}\", color=\"{color}\", penwidth={3 if st.in_use else 1}];")
    for src, dst, kind in analysis.graph.edges(data="kind"):
        style = ", style=dashed, constraint=false" if kind == EDGE_PARENT else ""
        lines.append(f"  {_dot_str(src)} -> {_dot_str(dst)} [kind={kind}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(analysis: Analysis, path: str | Path) -> None:
    """Write the graph as a DOT file."""
    Path(path).write_text(to_dot(analysis), encoding="utf-8")


# -- matplotlib drawing ---------------------------------------------------------------------
def _fonts() -> list[str]:
    from matplotlib import font_manager
    have = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in FONTS if f in have] or ["sans-serif"]


def _rc() -> dict[str, Any]:
    # svg.fonttype none: text stays <text> in the SVG (searchable, small); PDF embeds TrueType.
    return {"font.family": _fonts(), "svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "layerscope"}


def _save(fig: Any, path: str | Path, fmt: str) -> None:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)          # a canvas of our own: never pyplot, never the Qt backend
    with matplotlib.rc_context(_rc()):
        fig.savefig(str(path), format=fmt, dpi=DPI, facecolor=fig.get_facecolor())


def _legend_handles() -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [Patch(facecolor=C.layer_shared, edgecolor=C.layer_shared_edge, lw=2, label="shared layer"),
            Patch(facecolor=C.layer_unique, edgecolor=C.layer_unique_edge, label="unique layer"),
            Patch(facecolor=C.layer_collapsed, edgecolor=C.layer_unique_edge, ls="--", label="run of layers"),
            *(Patch(facecolor=C.image_fills[s], label=f"{s} image")
              for s in (TAGGED, UNTAGGED, INTERMEDIATE, DANGLING)),
            Patch(facecolor="white", edgecolor=C.in_use, lw=2.5, label="in use (container)"),
            Line2D([], [], color=C.edge, lw=1, label="layer on layer / image on top")]


# Drawing technique: model.layout gives boxes in scene units (y down, bases at
# the bottom).  One scene unit is one pixel while the drawing fits MAX_INCHES;
# beyond that x and y are squeezed independently (1,000 images make a very
# wide forest when it is one tree).  Boxes and edges go in three collections
# (fast for thousands of nodes); texts are added only while a box is at least
# MIN_LABEL_PT wide and there are at most MAX_LABELLED_NODES boxes, so a dense
# export stays a valid overview picture without labels.
def draw_graph(analysis: Analysis, layout: Layout | None = None, max_inches: float = MAX_INCHES) -> Any:
    """A matplotlib Figure of the layer forest with image badges, legend and totals."""
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    layout = layout_forest(analysis.graph) if layout is None else layout
    header_in, margin_in = 1.25, 0.3
    width_px, height_px = max(layout.width, 400.0), max(layout.height, 100.0)
    sx = min(1.0, max_inches * DPI / width_px)
    sy = min(1.0, max_inches * DPI / height_px)
    fig_w = max(width_px * sx / DPI + 2 * margin_in, 9.0)
    fig_h = height_px * sy / DPI + header_in + margin_in
    fig = Figure(figsize=(fig_w, fig_h), dpi=DPI, facecolor=C.background)
    ax = fig.add_axes((margin_in / fig_w, margin_in / fig_h,
                       width_px * sx / DPI / fig_w, height_px * sy / DPI / fig_h))
    ax.set_xlim(0, width_px)
    ax.set_ylim(height_px, 0)
    ax.set_axis_off()

    box_pt_w = 190.0 * sx * 72 / DPI
    labels = (box_pt_w >= MIN_LABEL_PT and len(layout.nodes) <= MAX_LABELLED_NODES
              and layout.height * sy / max(layout.rows, 1) * 72 / DPI >= 14)
    fs = max(5.0, min(8.0, box_pt_w / 18))
    chars = max(8, int(box_pt_w / (fs * 0.62)))      # what fits on one line of a box
    graph, status = analysis.graph, analysis.status
    layer_patches, layer_style = [], ([], [], [], [])   # facecolor, edgecolor, width, linestyle
    image_patches, image_style = [], ([], [], [])
    for node in layout.nodes.values():
        rounding = min(node.w, node.h) * 0.12
        patch = FancyBboxPatch((node.x, node.y), node.w, node.h, boxstyle=f"round,pad=0,rounding_size={rounding}")
        if node.kind == IMAGE:
            st = status[node.id]
            image_patches.append(patch)
            image_style[0].append(C.image_fills.get(st.status, C.text_dim))
            image_style[1].append(C.in_use if st.in_use else C.image_fills.get(st.status, C.text_dim))
            image_style[2].append(2.5 if st.in_use else 0.5)
            if labels:
                sub = f"{st.status} · {human(graph.nodes[node.id]['size'])}"
                if st.in_use:
                    sub += f" · {len(st.containers)} ctr"
                ax.text(node.x + node.w / 2, node.y + node.h * 0.36, _clip(image_title(analysis, node.id), chars - 4),
                        ha="center", va="center", fontsize=fs, color=C.image_text, fontweight="bold", clip_on=True)
                ax.text(node.x + node.w / 2, node.y + node.h * 0.72, sub, ha="center", va="center",
                        fontsize=fs * 0.85, color=C.image_text, clip_on=True)
            continue
        top = node.members[-1]
        holders = layer_holders(analysis, top)
        shared = holders > 1
        layer_patches.append(patch)
        layer_style[0].append(C.layer_collapsed if node.kind == COLLAPSED
                              else C.layer_shared if shared else C.layer_unique)
        layer_style[1].append(C.layer_shared_edge if shared else C.layer_unique_edge)
        layer_style[2].append(2.0 if shared else 1.0)
        layer_style[3].append("--" if node.kind == COLLAPSED else "-")
        if labels:
            if node.kind == COLLAPSED:
                total = sum(graph.nodes[m]["size"] or 0 for m in node.members)
                head, size = f"⋯ {len(node.members)} layers", human(total)
            else:
                data = graph.nodes[node.id]
                head = short_created_by(data["created_by"] or "") or f"layer {short_id(node.id)}"
                size = human(data["size"])
            detail = f"{size} · shared by {holders}" if shared else size
            ax.text(node.x + 6, node.y + node.h * 0.34, _clip(head, chars), ha="left", va="center",
                    fontsize=fs, color=C.text, clip_on=True)
            ax.text(node.x + 6, node.y + node.h * 0.74, _clip(f"{detail} · {short_id(node.id)}", int(chars / 0.85)),
                    ha="left", va="center", fontsize=fs * 0.85, color=C.layer_shared_edge if shared else C.text_dim,
                    clip_on=True)
    segments = []
    for edge in layout.edges:
        a, b = layout.nodes[edge.source], layout.nodes[edge.target]
        x0, x1 = a.x + a.w / 2, b.x + b.w / 2
        mid = (a.y + b.y + b.h) / 2
        segments.append([(x0, a.y), (x0, mid), (x1, mid), (x1, b.y + b.h)])
    ax.add_collection(LineCollection(segments, colors=C.edge, linewidths=1.0 if labels else 0.5, zorder=1))
    if layer_patches:
        ax.add_collection(PatchCollection(layer_patches, facecolors=layer_style[0], edgecolors=layer_style[1],
                                          linewidths=layer_style[2], linestyles=layer_style[3], zorder=2))
    if image_patches:
        ax.add_collection(PatchCollection(image_patches, facecolors=image_style[0], edgecolors=image_style[1],
                                          linewidths=image_style[2], zorder=2))
    for t in ax.texts:
        t.set_zorder(3)
    top_y = 1 - 0.12 / fig_h
    fig.text(margin_in / fig_w, top_y, title_line(analysis), ha="left", va="top", fontsize=12,
             fontweight="bold", color=C.text)
    note = "" if labels else "   (labels hidden: too many nodes to label at this size)"
    taken = analysis.snapshot.taken_at
    fig.text(margin_in / fig_w, top_y - 0.3 / fig_h,
             (f"snapshot {taken} · " if taken else "") + "bases at the bottom, images on top" + note,
             ha="left", va="top", fontsize=8, color=C.text_dim)
    fig.legend(handles=_legend_handles(), loc="upper left", ncol=5, fontsize=8, frameon=False,
               bbox_to_anchor=(margin_in / fig_w, top_y - 0.48 / fig_h), borderaxespad=0, handlelength=1.6)
    return fig


def write_graph_image(analysis: Analysis, path: str | Path, fmt: str = "svg") -> None:
    """Draw the layer graph and write it as svg, png or pdf."""
    if fmt not in GRAPH_FORMATS:
        raise ExportError(f"unknown picture format {fmt!r} (use {', '.join(GRAPH_FORMATS)})")
    _save(draw_graph(analysis, max_inches=MAX_INCHES_RASTER if fmt == "png" else MAX_INCHES), path, fmt)


# -- storage chart (model.render.chart draws it) -----------------------------------------------
def draw_chart(analysis: Analysis, max_bars: int = MAX_BARS) -> Any:
    """A matplotlib Figure of shared vs unique per image and naive vs actual totals, titled with the host."""
    from matplotlib.figure import Figure

    bars = len(charted_images(analysis, max_bars))
    fig = Figure(figsize=(9, 2.4 + 0.3 * max(bars, 3)), dpi=DPI, facecolor="#ffffff", layout="constrained")
    fill_chart(fig, analysis, max_bars=max_bars)
    fig.suptitle(title_line(analysis), fontsize=9, x=0.01, ha="left")
    return fig


def write_chart(analysis: Analysis, path: str | Path, fmt: str = "png") -> None:
    """Write the storage chart as png or svg."""
    if fmt not in ("png", "svg"):
        raise ExportError(f"the chart is written as png or svg, not {fmt!r}")
    _save(draw_chart(analysis), path, fmt)


# -- storage map (model.render.storagemap lays it out, as in the window) -------------------------
MAP_SIZE = (1600, 1000)      # pixels at DPI: the map itself, under a header


class FontMetrics:
    """model.render.textfit.TextMetrics from FreeType (the font matplotlib draws with), at DPI."""

    def __init__(self, dpi: float = DPI) -> None:
        from matplotlib import font_manager

        self.dpi = dpi
        self.font = font_manager.get_font(font_manager.findfont(font_manager.FontProperties(family=_fonts())))
        self._cache: dict[tuple[str, float], float] = {}
        try:                                    # matplotlib ≥ 3.10
            from matplotlib.ft2font import LoadFlags
            self._flags = LoadFlags.NO_HINTING
        except ImportError:
            from matplotlib.ft2font import LOAD_NO_HINTING
            self._flags = LOAD_NO_HINTING

    def width(self, text: str, size: float) -> float:
        """Advance width of ``text`` in pixels."""
        key = (text, size)
        if key not in self._cache:
            self.font.set_size(size, self.dpi)
            self.font.set_text(text, 0.0, flags=self._flags)
            self._cache[key] = self.font.get_width_height()[0] / 64.0
        return self._cache[key]

    def line(self, size: float) -> float:
        """Line spacing in pixels (matplotlib's 1.2 em)."""
        return size * self.dpi / 72.0 * 1.2


def _map_colours(analysis: Analysis, box: Any) -> tuple[str, str, str]:
    """Fill, edge and text colour of a storage-map box: the window's (gui/storagemap.py)."""
    if box.image is not None:
        return C.image_fill(box.style), C.edge, C.image_text
    if box.style == STYLE_SHARED:
        return C.layer_shared, C.layer_shared_edge, C.text
    return C.layer_unique, C.layer_unique_edge, C.text


# The storage map as the window draws it fitted: the same boxes (arrange) and
# names (place_labels, here with FreeType's metrics at DPI), in one
# PolyCollection per picture; names are <text> in the SVG.
def draw_storage_map(analysis: Analysis, size: tuple[int, int] = MAP_SIZE) -> Any:
    """A matplotlib Figure of the storage map (every layer once, area ∝ bytes on disk) with a header."""
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    width, height = size
    header = 70
    fig = Figure(figsize=(width / DPI, (height + header) / DPI), dpi=DPI, facecolor=C.background)
    ax = fig.add_axes((0, 0, 1, height / (height + header)))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    tree = storage_tree(analysis)
    smap = arrange(tree, width, height)
    metrics, family = FontMetrics(), _fonts()       # (the names are measured in the font they are drawn in)
    labels = place_labels(smap, metrics, layer_text=lambda c: layer_title(analysis, c))
    shown = [i for i in smap.order if i != smap.root and smap.visible(i)]
    colours = {i: _map_colours(analysis, tree.boxes[i]) for i in shown}
    polys, faces, edges, widths = [], [], [], []
    for i in shown:
        x, y, w, h = smap.rects[i]
        polys.append([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
        faces.append(colours[i][0])
        edges.append(colours[i][1] if tree.boxes[i].children else C.background)
        widths.append(0.8 if tree.boxes[i].children else 0.5)
    ax.add_collection(PolyCollection(polys, facecolors=faces, edgecolors=edges, linewidths=widths))
    for lab in labels:
        fill, edge, text = colours.get(lab.box) or _map_colours(analysis, tree.boxes[lab.box])
        if lab.tab:
            ax.add_patch(_tab_patch(lab.x, lab.y, lab.w, lab.h, fill, edge))
        line = metrics.line(lab.size)
        for k, t in enumerate(lab.lines):
            title = k < lab.title_lines
            ax.text(lab.x + 2, lab.y + 1 + k * line + line / 2, t, ha="left", va="center",
                    fontsize=lab.size if title else lab.size - 1, color=text if title or lab.tab else C.text_dim,
                    fontfamily=family, zorder=3)
    fig.text(0.01, 1 - 8 / (height + header), title_line(analysis), ha="left", va="top", fontsize=12,
             fontweight="bold", color=C.text)
    fig.text(0.01, 1 - 32 / (height + header),
             "storage map: every layer once, area ∝ bytes on disk; what is built on a layer nests in its box",
             ha="left", va="top", fontsize=8, color=C.text_dim)
    fig.legend(handles=[Patch(facecolor=C.layer_shared, edgecolor=C.layer_shared_edge, label="shared layer"),
                        Patch(facecolor=C.layer_unique, edgecolor=C.layer_unique_edge, label="layer of one image"),
                        *(Patch(facecolor=C.image_fills[s], label=f"{s} image's own layers")
                          for s in (TAGGED, UNTAGGED, INTERMEDIATE, DANGLING))],
               loc="upper right", ncol=3, fontsize=7, frameon=False, bbox_to_anchor=(0.995, 1 - 4 / (height + header)))
    return fig


def _tab_patch(x: float, y: float, w: float, h: float, fill: str, edge: str) -> Any:
    """A filled rectangle patch above the boxes (a name's tab)."""
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=fill, edgecolor=edge, linewidth=0.8, zorder=2)


def write_storage_map(analysis: Analysis, path: str | Path, fmt: str = "svg") -> None:
    """Write the storage map as svg or png."""
    if fmt not in ("svg", "png"):
        raise ExportError(f"the storage map is written as png or svg, not {fmt!r}")
    _save(draw_storage_map(analysis), path, fmt)


# -- one entry point ------------------------------------------------------------------------
def export(analysis: Analysis, path: str | Path, fmt: str) -> None:
    """Write ``analysis`` to ``path`` in one of FORMATS."""
    if fmt in GRAPH_FORMATS:
        write_graph_image(analysis, path, fmt)
    elif fmt == "graphml":
        write_graphml(analysis, path)
    elif fmt == "dot":
        write_dot(analysis, path)
    elif fmt == "json":
        analysis.snapshot.save(path)
    elif fmt in CHART_FORMATS:
        write_chart(analysis, path, fmt.split("-", 1)[1])
    elif fmt in STORAGE_MAP_FORMATS:
        write_storage_map(analysis, path, fmt.split("-", 1)[1])
    else:
        raise ExportError(f"unknown export format {fmt!r} (use one of {', '.join(FORMATS)})")
