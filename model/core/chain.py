"""Chain IDs: the identity of a layer at its position in an image's stack."""
from __future__ import annotations

import hashlib

# The digest of an empty tar stream: the diff ID of a layer that changed nothing.
EMPTY_LAYER_DIFF_ID = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"


# Chain ID algorithm (image-spec "ChainID", moby layer.CreateChainID):
#   chain(L1) = diff(L1)
#   chain(Ln) = "sha256:" + hex(sha256(chain(Ln-1) + " " + diff(Ln)))
# Both operands keep their "sha256:" prefix.  Two images share storage exactly
# where their chain IDs coincide, so layers form a trie keyed by chain ID.
def chain_ids(diff_ids: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Return the chain ID of every prefix of ``diff_ids`` (bottom layer first)."""
    return ChainIDs().of(diff_ids)


# Many stacks at once.  Images that share a layer share every diff ID below it,
# so on a host of 10,000 images some 190,000 chain IDs name 27,000 layers.
# ChainIDs hashes each (chain ID below, diff ID) once and hands the same string
# to every stack that has it: a seventh of the hashing, one string per layer
# (not one per image that holds it), and the dicts keyed by chain ID find their
# keys by identity.
class ChainIDs:
    """The chain IDs of many stacks (one snapshot's), each layer's computed once and shared."""

    def __init__(self) -> None:
        self._bases: dict[str, str] = {}                # a bottom layer's diff ID (its chain ID) → one string
        self._above: dict[str, dict[str, str]] = {}     # chain ID → diff ID → chain ID of the layer on it

    def of(self, diff_ids: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """The chain ID of every prefix of ``diff_ids``, bottom first (chain_ids, with shared strings)."""
        out: list[str] = []
        below = ""
        for diff_id in diff_ids:
            if not below:
                below = self._bases.setdefault(diff_id, diff_id)
            else:
                above = self._above.get(below)
                if above is None:
                    above = self._above[below] = {}
                chain_id = above.get(diff_id)
                if chain_id is None:
                    chain_id = above[diff_id] = "sha256:" + hashlib.sha256(f"{below} {diff_id}".encode()).hexdigest()
                below = chain_id
            out.append(below)
        return tuple(out)

    def learn(self, diff_ids: tuple[str, ...] | list[str], chains: tuple[str, ...]) -> None:
        """Remember a stack's chain IDs computed elsewhere, so the stacks met later share its strings."""
        if chains:
            self._bases.setdefault(chains[0], chains[0])
        for below, diff_id, chain_id in zip(chains, diff_ids[1:], chains[1:]):
            self._above.setdefault(below, {}).setdefault(diff_id, chain_id)


def short_id(digest: str, length: int = 12) -> str:
    """Return the familiar short form of an ID: 12 hex digits without ``sha256:``."""
    return digest.split(":", 1)[-1][:length]
