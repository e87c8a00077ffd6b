"""What a host holds, in one look: engine, counts by status, naive sum against bytes on disk, the biggest savings."""
from __future__ import annotations

from dataclasses import dataclass

from .analysis import Analysis
from .classify import DANGLING, INTERMEDIATE, TAGGED

TOP = 5         # images listed as freeing the most


@dataclass(frozen=True)
class HostSummary:
    """The figures of a host's summary (the status bar shows the same counts and totals)."""

    engine: str
    version: str
    image_store: str                 # graphdriver | containerd | podman
    storage_driver: str
    images: int                      # every image, intermediates included
    tagged: int
    dangling: int
    intermediate: int
    in_use: int                      # images some container (running or stopped) was created from
    layers: int                      # distinct layers (chain IDs)
    naive_bytes: int                 # Σ SIZE (or DISK USAGE) of the images `docker images` lists
    actual_bytes: int                # each layer (blob) counted once
    counts_content: bool             # True on the containerd store (compressed content + unpacked layers)
    most_freed: tuple[tuple[str, int], ...]    # (image ID, UNIQUE SIZE), largest first


# The images whose removal would free the most: an image's UNIQUE SIZE is the
# bytes of the layers no other image holds, which is what removing it (every
# tag; `docker rmi` of its last tag) gives back.  Intermediate images are left
# out (docker images does not list them) and so are images that free nothing;
# ties go by the order the snapshot lists the images.
def host_summary(analysis: Analysis, top: int = TOP) -> HostSummary:
    """The summary of ``analysis``'s host."""
    snap, status = analysis.snapshot, analysis.status
    kinds = [s.status for s in status.values()]
    most_freed: tuple[tuple[str, int], ...] = ()
    if top > 0:                 # (the status bar asks for top=0: its figures need no image sizes)
        sizes = analysis.image_sizes
        listed = [img.id for img in snap.images if status[img.id].status != INTERMEDIATE]
        ranked = sorted((i for i in listed if sizes[i].unique_size > 0), key=lambda i: -sizes[i].unique_size)
        most_freed = tuple((i, sizes[i].unique_size) for i in ranked[:top])
    t = analysis.totals
    return HostSummary(
        engine=snap.info.engine, version=snap.info.version, image_store=snap.info.image_store,
        storage_driver=snap.info.storage_driver, images=len(kinds), tagged=kinds.count(TAGGED),
        dangling=kinds.count(DANGLING), intermediate=kinds.count(INTERMEDIATE),
        in_use=sum(1 for s in status.values() if s.in_use), layers=len(analysis.layer_use),
        naive_bytes=t.naive_bytes, actual_bytes=t.actual_bytes, counts_content=t.counts_content,
        most_freed=most_freed)
