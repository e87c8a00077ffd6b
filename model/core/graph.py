"""The shared-layer graph: a forest of layers keyed by chain ID, with images hanging off their top layer."""
from __future__ import annotations

import networkx as nx

from .history import LayerMapping, created_by, layer_sizes, map_all
from .snapshot import Snapshot

LAYER, IMAGE = "layer", "image"
EDGE_LAYER, EDGE_TOP, EDGE_PARENT = "layer", "top", "parent"


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
def build_graph(snapshot: Snapshot, mappings: dict[str, LayerMapping] | None = None,
                sizes: dict[str, int] | None = None) -> nx.DiGraph:
    """Build the layer forest with image attachments and parent-image links."""
    graph = nx.DiGraph()
    mappings = mappings if mappings is not None else map_all(snapshot)
    sizes = sizes if sizes is not None else layer_sizes(snapshot, mappings)
    made_by = created_by(snapshot, mappings)
    images_of: dict[str, list[str]] = {}        # chain ID → its node's "images" list
    for img in snapshot.images:
        below = None
        for depth, (chain_id, diff_id) in enumerate(zip(img.chain_ids, img.diff_ids)):
            holders = images_of.get(chain_id)
            if holders is None:
                holders = images_of[chain_id] = []
                graph.add_node(chain_id, kind=LAYER, diff_id=diff_id, parent=below, depth=depth,
                               size=sizes.get(chain_id), created_by=made_by.get(chain_id, ""), images=holders)
                if below is not None:
                    graph.add_edge(below, chain_id, kind=EDGE_LAYER)
            holders.append(img.id)
            below = chain_id
        graph.add_node(img.id, kind=IMAGE, tags=list(img.repo_tags), size=img.size)
        if below is not None:
            graph.add_edge(below, img.id, kind=EDGE_TOP)
        holds = set(img.chain_ids)              # the layers that already list this image
        for platform, chains, diff_ids in img.platform_stacks:
            below = None
            for depth, (chain_id, diff_id) in enumerate(zip(chains, diff_ids)):
                if chain_id not in images_of:
                    images_of[chain_id] = []
                    graph.add_node(chain_id, kind=LAYER, diff_id=diff_id, parent=below, depth=depth,
                                   size=sizes.get(chain_id), created_by=made_by.get(chain_id, ""),
                                   images=images_of[chain_id], platform=platform)
                    if below is not None:
                        graph.add_edge(below, chain_id, kind=EDGE_LAYER)
                if chain_id not in holds:
                    holds.add(chain_id)
                    images_of[chain_id].append(img.id)
                below = chain_id
            if below is not None:
                graph.nodes[below].setdefault("platform_of", []).append((img.id, platform))
    for img in snapshot.images:
        if img.parent and img.parent in snapshot.by_id:
            graph.add_edge(img.parent, img.id, kind=EDGE_PARENT)
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
