"""The shared-layer graph: a forest of layers keyed by chain ID, with images hanging off their top layer."""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

import networkx as nx

from .bulk import bulk
from .history import LayerMapping, created_by, layer_sizes, map_all
from .snapshot import Image, Snapshot

LAYER, IMAGE = "layer", "image"
EDGE_LAYER, EDGE_TOP, EDGE_PARENT = "layer", "top", "parent"
# An edge's data: one read-only mapping per kind, shared by every edge of that kind (a built forest is never
# changed), so the 37,000 edges of a 10,000-image host hold no dict of their own to allocate, walk and free.
EDGE_DATA = MappingProxyType({kind: MappingProxyType({"kind": kind}) for kind in (EDGE_LAYER, EDGE_TOP, EDGE_PARENT)})


# Why a DiGraph of our own.  networkx caches each view of a graph (nodes, succ,
# pred, edges, degree ...) on the graph itself, and each view refers back to the
# graph: a cycle, so a dropped graph and its hundreds of thousands of node and
# edge dicts wait for the cyclic collector.  The collector is kept out of what
# bulk builds make (bulk.paused_gc freezes it), so a forest must be freed by
# reference counting alone: its views are made on each use and never kept.
class LayerForest(nx.DiGraph):
    """The layer forest's DiGraph: networkx's, with views that are not cached on the graph."""


for _view in ("nodes", "adj", "succ", "pred", "edges", "out_edges", "in_edges", "degree", "in_degree",
              "out_degree"):
    setattr(LayerForest, _view, property(getattr(nx.DiGraph, _view).func, doc=f"networkx's {_view} view, uncached"))
del _view


# Graph construction.  Layers are a trie of chain IDs: walking each image's
# RootFS.Layers bottom-up, chain(Ln) is a child of chain(Ln-1); images that
# share a prefix share those nodes.  Each image is a node attached to the chain
# ID of its top layer ("top" edge).  Parent-image links ("parent" edges) are
# added only where the daemon keeps Parent (classic builder, docker commit):
# sharing never comes from them, since pulled/loaded images have none.
# A multi-platform image (containerd store) hangs off its host platform's top
# layer; each other platform whose layers were read adds its own stack to the
# trie, its layers marked with that platform (``platform``) and its top layer
# naming the image it tops (``platform_of``: image ID, platform).
@bulk
def build_graph(snapshot: Snapshot, mappings: dict[str, LayerMapping] | None = None,
                sizes: dict[str, int] | None = None) -> nx.DiGraph:
    """Build the layer forest with image attachments and parent-image links."""
    mappings = mappings if mappings is not None else map_all(snapshot)
    sizes = sizes if sizes is not None else layer_sizes(snapshot, mappings)
    made_by = created_by(snapshot, mappings)
    images_of: dict[str, list[str]] = {}        # chain ID → its node's "images" list
    nodes: list[tuple[str, dict]] = []          # in the order they are met; added at once (networkx's bulk path)
    edges: list[tuple[str, str, Mapping[str, str]]] = []
    platform_of: list[tuple[str, tuple[str, str]]] = []
    for img in snapshot.images:
        below = None
        depth = 0
        for chain_id, diff_id in zip(img.chain_ids, img.diff_ids):
            holders = images_of.get(chain_id)
            if holders is None:
                holders = images_of[chain_id] = []
                nodes.append((chain_id, {"kind": LAYER, "diff_id": diff_id, "parent": below, "depth": depth,
                                         "size": sizes.get(chain_id), "created_by": made_by.get(chain_id, ""),
                                         "images": holders}))
                if below is not None:
                    edges.append((below, chain_id, EDGE_DATA[EDGE_LAYER]))
            holders.append(img.id)
            below = chain_id
            depth += 1
        nodes.append((img.id, image_data(img)))
        if below is not None:
            edges.append((below, img.id, EDGE_DATA[EDGE_TOP]))
        if not img.manifests:
            continue
        holds = set(img.chain_ids)              # the layers that already list this image
        for platform, chains, diff_ids in img.platform_stacks:
            below = None
            for depth, (chain_id, diff_id) in enumerate(zip(chains, diff_ids)):
                if chain_id not in images_of:
                    images_of[chain_id] = []
                    nodes.append((chain_id, {"kind": LAYER, "diff_id": diff_id, "parent": below, "depth": depth,
                                             "size": sizes.get(chain_id), "created_by": made_by.get(chain_id, ""),
                                             "images": images_of[chain_id], "platform": platform}))
                    if below is not None:
                        edges.append((below, chain_id, EDGE_DATA[EDGE_LAYER]))
                if chain_id not in holds:
                    holds.add(chain_id)
                    images_of[chain_id].append(img.id)
                below = chain_id
            if below is not None:
                platform_of.append((below, (img.id, platform)))
    by_id = snapshot.by_id
    edges.extend((img.parent, img.id, EDGE_DATA[EDGE_PARENT]) for img in snapshot.images
                 if img.parent and img.parent in by_id)
    graph = _digraph(nodes, edges)
    for top, tops in platform_of:
        graph.nodes[top].setdefault("platform_of", []).append(tops)
    return graph


def image_data(img: Image) -> dict:
    """An image node's data: its tags, its size and the top layer it hangs off (None without layers; the "top"
    edge's source, for readers that walk the nodes rather than the edges)."""
    return {"kind": IMAGE, "tags": list(img.repo_tags), "size": img.size,
            "top": img.chain_ids[-1] if img.chain_ids else None}


# networkx's add_nodes_from and add_edges_from, for the forest's lists at once:
# the node and adjacency tables are filled directly (a node or an edge met again
# has its data updated, as networkx does), then handed to an empty DiGraph.
def _digraph(nodes: list[tuple[str, dict]], edges: list[tuple[str, str, Mapping[str, str]]]) -> nx.DiGraph:
    """A DiGraph of these nodes and edges (with their data dicts), in this order."""
    node: dict[str, dict] = {}
    succ: dict[str, dict[str, Mapping[str, str]]] = {}
    pred: dict[str, dict[str, Mapping[str, str]]] = {}
    for n, data in nodes:
        if n in node:
            node[n].update(data)
        else:
            node[n], succ[n], pred[n] = data, {}, {}
    for u, v, data in edges:
        for end in (u, v):
            if end not in node:
                node[end], succ[end], pred[end] = {}, {}, {}
        if v in succ[u]:
            succ[u][v] = pred[v][u] = {**succ[u][v], **data}      # (a new mapping: edge data may be shared)
        else:
            succ[u][v] = pred[v][u] = data
    graph = LayerForest()
    graph._node = node                          # noqa: SLF001 (networkx's own tables, as graph_after)
    graph._adj = succ                           # noqa: SLF001 (also its _succ)
    graph._pred = pred                          # noqa: SLF001
    return graph


# The forest after a change of references (classify.same_images: the same images
# in the same order, with the same layers and parents).  Nodes, edges and every
# layer's data are those of the graph before; only the image nodes' data is made
# again (their tags).  The per-node dicts of layers and edges are shared with the
# graph before, as built graphs are never changed; the graph's own tables are
# copies, so neither graph sees a node or edge added to the other.
def graph_after(before: nx.DiGraph, snapshot: Snapshot, changed: list[tuple[Image, Image]]) -> nx.DiGraph:
    """build_graph(snapshot), from ``before`` = build_graph of a snapshot with the same images, where
    ``changed`` are the retagged ones (classify.retagged)."""
    graph = LayerForest()
    graph.graph.update(before.graph)
    node = dict(before._node)                   # noqa: SLF001 (networkx's node table; see the comment above)
    for _, img in changed:
        node[img.id] = image_data(img)
    graph._node = node                          # noqa: SLF001
    graph._succ = graph._adj = dict(before._succ)   # noqa: SLF001
    graph._pred = dict(before._pred)            # noqa: SLF001
    return graph


def layer_nodes(graph: nx.DiGraph) -> list[str]:
    """Chain IDs of every layer node."""
    return [n for n, d in graph.nodes(data=True) if d["kind"] == LAYER]


def base_layers(graph: nx.DiGraph) -> list[str]:
    """Chain IDs of the bottom layers (roots of the forest)."""
    return [n for n, d in graph.nodes(data=True) if d["kind"] == LAYER and d["parent"] is None]


def lineage(graph: nx.DiGraph, image_id: str) -> list[str]:
    """The chain IDs under an image, bottom first."""
    tops = [u for u, _, k in graph.in_edges(image_id, data="kind") if k == EDGE_TOP]
    out: list[str] = []
    node = tops[0] if tops else None
    while node is not None:
        out.append(node)
        node = graph.nodes[node]["parent"]
    return out[::-1]
