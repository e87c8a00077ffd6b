"""The immutable Snapshot of a daemon's images, containers and info, with JSON save/load."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from .chain import chain_ids, short_id
from .layerfiles import LayerFiles, layer_files_to_json

# 2: manifests, descriptor and engine-reported sizes (containerd store); 3: the images' file index
# ("layer_files", written only when carried); 4: the names whose record carries no parent label
# ("parent_unlabelled", containerd store) and Podman's own digest of each image ("digest"), both written only
# when set; 1 to 3 still open
SCHEMA_VERSION = 4
SNAPSHOT_KIND = "layerscope-snapshot"
# What one image may hold, in a file or a daemon's answer: an engine allows 127 layers (overlay2's lower
# directories); mapping history rows onto layers costs rows × layers.
MAX_LAYERS = 1_000
MAX_HISTORY = 10_000

# Image store kinds, as the simulator and classification tell them apart.
STORE_GRAPHDRIVER = "graphdriver"   # classic image store (dockerd 20.10, Engine <= 28 default)
STORE_CONTAINERD = "containerd"     # containerd image store (Engine 29 default)
STORE_PODMAN = "podman"             # Podman's Docker-compatible service


class SnapshotError(Exception):
    """A snapshot file that cannot be read: malformed, wrong kind or newer schema."""


class HistoryRow(NamedTuple):
    """One row of ``docker history`` (``/images/{id}/history``), newest first in an Image.

    (A NamedTuple: a host holds tens of thousands of rows, and a tuple is made ~5× faster than a frozen
    dataclass.)"""

    id: str                 # image ID of that step, or "<missing>"
    created: int            # unix seconds
    created_by: str
    size: int               # DiffSize of the layer this row made, 0 for rows without one
    comment: str = ""
    tags: tuple[str, ...] = ()


# Manifest kinds, as Engine 29's ``/images/json?manifests=1`` names them.
MANIFEST_IMAGE = "image"
MANIFEST_ATTESTATION = "attestation"
INDEX_MEDIA_TYPES = ("application/vnd.oci.image.index.v1+json",
                     "application/vnd.docker.distribution.manifest.list.v2+json")


@dataclass(frozen=True)
class Manifest:
    """One manifest under an image (containerd store): a platform's image, or an attestation of one."""

    id: str                         # manifest digest
    media_type: str
    size: int                       # the manifest blob's own size
    kind: str                       # image | attestation | unknown
    platform: str = ""              # "linux/amd64", "linux/arm64/v8"; "" for attestations
    available: bool = True          # all its content is present locally
    content_size: int = 0           # compressed blobs present (manifest, config, layers)
    unpacked_size: int = 0          # snapshot disk usage of its layers (0 when not unpacked)
    attestation_for: str = ""       # for an attestation: the digest of the manifest it describes
    containers: tuple[str, ...] = ()
    diff_ids: tuple[str, ...] = ()  # its RootFS.Layers, read for each platform of a multi-platform image

    @cached_property
    def chain_ids(self) -> tuple[str, ...]:
        """Chain IDs of this platform's layers, bottom first (empty when not read)."""
        return chain_ids(self.diff_ids)


@dataclass(frozen=True)
class Image:
    """One local image as the daemon reports it (inspect + history + list)."""

    id: str                                 # "sha256:<config digest>"
    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    parent: str                             # "" when the store keeps no parent
    created: str                            # config Created (RFC 3339)
    size: int                               # bytes, Σ DiffSize over the chain
    diff_ids: tuple[str, ...]               # RootFS.Layers, bottom first
    history: tuple[HistoryRow, ...] = ()    # newest first
    author: str = ""
    comment: str = ""
    cmd: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    labels: tuple[tuple[str, str], ...] = ()
    # containerd image store (Engine 29, API >= 1.47): what the engine itself reports
    manifests: tuple[Manifest, ...] = ()    # platform and attestation manifests, as listed
    media_type: str = ""                    # the image's own descriptor: an index or a manifest
    target_size: int = 0                    # that descriptor's size
    disk_usage: int | None = None           # list Size: content + unpacked snapshots, every platform
    shared_size: int | None = None          # /system/df SharedSize (None: the engine did not list it)
    # containerd store: the parent is a label on each name's record, not on the image; the names (as
    # RepoTags lists them) whose record carries none (a pull, or a tag copied from such a record)
    parent_unlabelled: tuple[str, ...] = ()
    # Podman: the manifest digest the image was stored with (libpod's Digest), which RepoDigests shows only
    # with a name; "" when unknown (other engines, older files)
    digest: str = ""

    @property
    def is_index(self) -> bool:
        """True when the image is an image index (multi-platform, or BuildKit's image + attestation)."""
        return self.media_type in INDEX_MEDIA_TYPES

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platforms of its image manifests (attestations left out), in the engine's order."""
        return tuple(m.platform for m in self.manifests if m.kind == MANIFEST_IMAGE and m.platform)

    @cached_property
    def platform_stacks(self) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
        """(platform, chain IDs, diff IDs) of each platform other than the one inspect describes
        whose layers were read (a multi-platform image), bottom first."""
        return tuple((m.platform, m.chain_ids, m.diff_ids) for m in self.manifests
                     if m.kind == MANIFEST_IMAGE and m.diff_ids and m.diff_ids != self.diff_ids)

    @cached_property
    def all_chain_ids(self) -> tuple[str, ...]:
        """Every chain ID the image holds, on every platform read (its own stack first)."""
        out = dict.fromkeys(self.chain_ids)
        for _, chains, _ in self.platform_stacks:
            out.update(dict.fromkeys(chains))
        return tuple(out)

    @property
    def content_size(self) -> int | None:
        """Compressed content of every manifest (CONTENT SIZE of ``docker image ls --tree``); None when unknown."""
        return sum(m.content_size for m in self.manifests) if self.manifests else None

    @property
    def unpacked_size(self) -> int | None:
        """Unpacked snapshots of every platform (what history sizes add up to); None when unknown."""
        return sum(m.unpacked_size for m in self.manifests) if self.manifests else None

    @cached_property
    def chain_ids(self) -> tuple[str, ...]:
        """Chain IDs of this image's layers, bottom first."""
        return chain_ids(self.diff_ids)

    @property
    def top_layer(self) -> str | None:
        """Chain ID of the top layer, or None for an image without layers."""
        return self.chain_ids[-1] if self.diff_ids else None

    @property
    def short_id(self) -> str:
        """The 12-digit ID ``docker images`` shows."""
        return short_id(self.id)

    @property
    def label_map(self) -> dict[str, str]:
        """Labels as a dict."""
        return dict(self.labels)


@dataclass(frozen=True)
class Container:
    """A container (any state) and the image it was created from."""

    id: str
    names: tuple[str, ...]
    image: str          # the reference it was created with (Config.Image)
    image_id: str
    state: str          # running, exited, created, paused, restarting, dead
    # Only when its image is gone (``docker rmi -f`` of an image a stopped container uses):
    # the chain IDs of the layers it still pins that this snapshot knows, bottom first
    # (``()`` = none of them); None = not known, or its image is still here.
    layer_chain: tuple[str, ...] | None = None

    @property
    def running(self) -> bool:
        """True when Docker counts it as running (paused and restarting count too)."""
        return self.state in ("running", "paused", "restarting")

    @property
    def name(self) -> str:
        """Its first name without the leading slash, or its short ID."""
        return self.names[0].lstrip("/") if self.names else short_id(self.id)


@dataclass(frozen=True)
class DaemonInfo:
    """What the daemon says of itself."""

    engine: str = "docker"          # docker | podman
    version: str = ""               # e.g. "20.10.24+dfsg1"
    api_version: str = ""
    storage_driver: str = ""
    image_store: str = STORE_GRAPHDRIVER
    host: str = ""
    daemon_id: str = ""
    os: str = ""

    @property
    def major_version(self) -> int:
        """The engine's major version number (0 when unknown)."""
        head = self.version.split(".", 1)[0]
        return int(head) if head.isdigit() else 0


@dataclass(frozen=True)
class Snapshot:
    """Everything Layerscope knows of one daemon at one moment; never mutated."""

    info: DaemonInfo
    images: tuple[Image, ...]
    containers: tuple[Container, ...] = ()
    taken_at: str = ""
    source: str = "daemon"          # daemon | file | demo | what-if
    warnings: tuple[str, ...] = ()  # things the reader saw but could not use
    layers_size: int | None = None  # /system/df LayersSize where the engine's own total is needed (containerd)
    layer_files: tuple[LayerFiles, ...] = ()    # the file index of (some of) its layers, one per diff ID

    @cached_property
    def files_by_diff_id(self) -> dict[str, LayerFiles]:
        """The file index it carries, keyed by diff ID."""
        return {lf.diff_id: lf for lf in self.layer_files}

    @cached_property
    def by_id(self) -> dict[str, Image]:
        """Images keyed by full ID."""
        return {img.id: img for img in self.images}

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        """Image ID → IDs of the images whose Parent it is."""
        kids: dict[str, list[str]] = {}
        for img in self.images:
            if img.parent and img.parent in self.by_id:
                kids.setdefault(img.parent, []).append(img.id)
        return {k: tuple(v) for k, v in kids.items()}

    @cached_property
    def containers_by_image(self) -> dict[str, tuple[Container, ...]]:
        """Image ID → containers created from it."""
        out: dict[str, list[Container]] = {}
        for ctr in self.containers:
            out.setdefault(ctr.image_id, []).append(ctr)
        return {k: tuple(v) for k, v in out.items()}

    def image(self, image_id: str) -> Image:
        """The image with this full ID (KeyError if absent)."""
        return self.by_id[image_id]

    def replace(self, **changes: Any) -> "Snapshot":
        """A new snapshot with some fields replaced."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Snapshot(**values)

    # -- JSON ---------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The snapshot as a JSON-ready dict carrying the schema version."""
        return {
            "kind": SNAPSHOT_KIND,
            "schema": SCHEMA_VERSION,
            "taken_at": self.taken_at,
            "source": self.source,
            "warnings": list(self.warnings),
            "info": asdict(self.info),
            "images": [_image_to_json(img) for img in self.images],
            "containers": [_container_to_json(c) for c in self.containers],
            **({} if self.layers_size is None else {"layers_size": self.layers_size}),
            **({"layer_files": [layer_files_to_json(lf) for lf in self.layer_files]} if self.layer_files else {}),
        }

    def save(self, path: str | Path) -> None:
        """Write the snapshot to ``path`` as JSON (atomically); SnapshotError with one line on failure."""
        from . import snapshotfile
        snapshotfile.save(self, path)

    @classmethod
    def from_json(cls, data: Any) -> "Snapshot":
        """Build a snapshot from parsed JSON, checked; raises SnapshotError naming the first problem."""
        from . import snapshotfile
        return snapshotfile.from_json(data)

    @classmethod
    def load(cls, path: str | Path) -> "Snapshot":
        """Read and check a snapshot file; raises SnapshotError with a one-line reason on failure."""
        from . import snapshotfile
        return snapshotfile.load(path)


# Fields a schema-1 file does not have; written only when set, so classic-store files stay as they were.
# (Podman's "digest" too.)
_CONTAINERD_FIELDS = {"manifests": (), "media_type": "", "target_size": 0, "disk_usage": None, "shared_size": None,
                      "parent_unlabelled": (), "digest": ""}


def _image_to_json(img: Image) -> dict[str, Any]:
    d = asdict(img)
    d["history"] = [row._asdict() for row in img.history]
    d["labels"] = dict(img.labels)
    for key, default in _CONTAINERD_FIELDS.items():
        if getattr(img, key) == default:
            del d[key]
    return d


def _container_to_json(c: Container) -> dict[str, Any]:
    d = asdict(c)
    if c.layer_chain is None:
        del d["layer_chain"]        # the common case: files stay as they were
    return d
