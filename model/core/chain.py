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
    out: list[str] = []
    previous = ""
    for diff_id in diff_ids:
        if not previous:
            previous = diff_id
        else:
            previous = "sha256:" + hashlib.sha256(f"{previous} {diff_id}".encode()).hexdigest()
        out.append(previous)
    return tuple(out)


def short_id(digest: str, length: int = 12) -> str:
    """Return the familiar short form of an ID: 12 hex digits without ``sha256:``."""
    return digest.split(":", 1)[-1][:length]
