"""Podman 4.3 (Docker-compatible API over libimage / containers-storage): ``docker rmi`` and ``docker image prune``.

Ported from libimage (``image.go`` removeRecursive, ``layer_tree.go``, ``runtime.go`` RemoveImages) and
the compat handlers; checked against a real Podman 4.3.1 by tests/engine/test_podman.py, and for
repo@digest references (images pushed to and pulled from a private registry: pulled by digest,
Podman names an image ``repo@sha256:…``) by tests/engine/test_registry.py.

Not visible in any API, and assumed absent: a second manifest digest of an image without names
(containers-storage adds one when the same image is pulled or loaded again from another manifest;
Podman shows it only with a name, while the image's Digest stays the first).
"""
from __future__ import annotations

import re
from typing import Callable

from ..core.reference import (ERR_INVALID_FORMAT, ERR_UPPERCASE, InvalidReference, Reference, parse,
                              parse_normalized_named, path_is_clean)
from ..core.chain import short_id
from ..core.snapshot import Container, HistoryRow, Image, Snapshot
from .filters import rfc3339_ns
from .outcome import DaemonRefusal, Item, PruneResult, Unpredictable, replace_image
from .podman_filters import prune_filters
from .store import Store

# Podman keeps no parent pointers: libimage derives them on every call from the
# layer tree (layer_tree.go).  Y is a parent of X when areParentAndChild(Y, X):
#   Y's diff IDs are a prefix of X's, X has exactly one history entry more, and
#   the shared history entries are equal (Created to the ns, CreatedBy, Author,
#   Comment, EmptyLayer).
#   parent(X)    = first image, in store order, on X's top-layer node or on the
#                  node of X's parent layer, that is a parent of X;
#   children(P)  = images on P's node or on a child node of it of which P is a parent;
#   dangling(P)  = no names and no children.
# A snapshot holds history rows with Created in seconds and without Author or
# EmptyLayer, so the relation is recomputed from those and then checked against
# the parent Podman itself reported for every image: if they disagree the
# snapshot cannot tell, and every prediction says so.
PODMAN_MODELLED = ("4.3",)      # major.minor versions whose compat answers were checked (4.3.1)
PODMAN_IN_USE = "image is in use by a container: consider listing external containers and force-removing image"


class PodmanStore(Store):
    """Mutable working copy of Podman's store: images in store order, their names, the containers."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        created = {}
        for img in snap.images:
            try:
                created[img.id] = rfc3339_ns(img.created)
            except ValueError:
                created[img.id] = 0
        # store order = creation order (images.json appends); the config Created stands in for it
        self.order = [i.id for i in sorted(snap.images, key=lambda i: (created[i.id], i.id))]
        self.images: dict[str, Image] = dict(snap.by_id)
        self.names: dict[str, list[str]] = {i.id: [str(parse_normalized_named(t)) for t in i.repo_tags]
                                            for i in snap.images}
        self.containers: list[Container] = list(snap.containers)
        self._users: dict[str, list[Container]] = {}
        for ctr in self.containers:
            self._users.setdefault(ctr.image_id, []).append(ctr)
        # manifest digests, seen through RepoDigests (names × digests) and Podman's own Digest of the image
        # (the one an image without names shows)
        self.digests: dict[str, set[str]] = {i.id: {parse_normalized_named(d).digest for d in i.repo_digests}
                                             | ({i.digest} if i.digest else set()) for i in snap.images}
        # layer-tree nodes: images by top layer, and by the layer under their top layer (store order),
        # each also keyed by the length of the image's history: a parent has exactly one row less
        # than its child, so only those are ever compared (many images on one layer stay linear)
        self.on_top: dict[tuple[str, int], list[str]] = {}
        self.on_below: dict[tuple[str, int], list[str]] = {}
        for image_id in self.order:
            img = self.images[image_id]
            chain, rows = img.chain_ids, len(img.history)
            if chain:
                self.on_top.setdefault((chain[-1], rows), []).append(image_id)
            if len(chain) > 1:
                self.on_below.setdefault((chain[-2], rows), []).append(image_id)
        self.doubt = self._check_parents()

    # -- the store protocol (model.engine.simulate) -----------------------------
    @staticmethod
    def unmodelled(snapshot: Snapshot) -> str:
        """Why this Podman's answers are not modelled ("" when they are): other versions changed
        the compat handlers (prune's dangling handling, rmi -f and containers, message texts)."""
        version = snapshot.info.version
        if ".".join(version.split(".")[:2]) in PODMAN_MODELLED:
            return ""
        return (f"Podman {version or '(version unknown)'}: only Podman {', '.join(PODMAN_MODELLED)} is modelled "
                "(checked against 4.3.1); other versions changed the compat rmi/prune handlers")

    def delete(self, arg: str, force: bool, prune_parents: bool) -> list[Item]:
        """One ``DELETE /images/{arg}``: the response list, or DaemonRefusal; prune_parents (noprune) is ignored."""
        return _podman_delete(self, arg, force)

    @classmethod
    def prune(cls, snapshot: Snapshot, filters: dict[str, list[str]], all_: bool, now_ns: int,
              sizes: dict[str, int] | None) -> tuple[PruneResult, Snapshot]:
        """``POST /images/prune``: Podman's own filter handling (sizes unused: SpaceReclaimed is the images' Size)."""
        return _podman_prune(snapshot, filters, all_, now_ns)

    # -- the layer tree ---------------------------------------------------------
    def is_parent(self, p: str, x: str) -> bool:
        """areParentAndChild(p, x) from what the snapshot holds."""
        pi, xi = self.images[p], self.images[x]
        hp, hx = pi.history, xi.history                 # newest first: x's rows but its newest are p's
        return (len(pi.diff_ids) <= len(xi.diff_ids) and xi.diff_ids[:len(pi.diff_ids)] == pi.diff_ids
                and len(hp) + 1 == len(hx) and (hx[1:] == hp or _compared(hx[1:]) == _compared(hp)))

    def _live(self) -> list[str]:
        return [i for i in self.order if i in self.images]

    def parent(self, x: str) -> str | None:
        """layerTree.parent: same top layer first, then the parent layer's images, each in store order."""
        img = self.images[x]
        if not img.diff_ids:
            raise Unpredictable(f"image {img.short_id} has no layers (Podman compares configs of empty images)")
        chain, rows = img.chain_ids, len(img.history) - 1
        cands = [i for i in self.on_top.get((chain[-1], rows), ()) if i != x]
        if len(chain) > 1:
            cands += self.on_top.get((chain[-2], rows), ())
        return next((c for c in cands if self.is_parent(c, x)), None)

    def has_children(self, p: str) -> bool:
        """layerTree.children(p) is not empty: on p's node or a child node of it."""
        top = self.images[p].top_layer
        if top is None:
            raise Unpredictable(f"image {self.images[p].short_id} has no layers")
        rows = len(self.images[p].history) + 1
        return any(x != p and self.is_parent(p, x)
                   for x in self.on_top.get((top, rows), []) + self.on_below.get((top, rows), []))

    def dangling(self, p: str) -> bool:
        """Image.IsDangling: no names and no children."""
        return not self.names[p] and not self.has_children(p)

    def _check_parents(self) -> str:
        """"" when the snapshot reproduces Podman's view, else why it cannot."""
        for img in self.snap.images:
            repos = {parse_normalized_named(t).name for t in img.repo_tags}
            extra = [d for d in img.repo_digests if parse_normalized_named(d).name not in repos]
            if extra:
                # Podman lists a repo@digest per name; one without a tag of its repo is a
                # digest-only name, which RepoTags does not show (nor dangling-ness)
                return f"image {img.short_id} has a name Podman does not list as a tag ({extra[0]})"
            try:
                mine = self.parent(img.id) or ""
            except Unpredictable as why:
                return str(why)
            if mine != img.parent:
                return (f"the parent of {img.short_id} derived from the snapshot ({short_id(mine) or 'none'}) is not "
                        f"the one Podman reports ({short_id(img.parent) or 'none'}): the snapshot's history rows "
                        "(Created in seconds, no Author/EmptyLayer) cannot decide Podman's layer tree here")
        return ""

    # -- mutations ---------------------------------------------------------------
    def users(self, image_id: str) -> list[Container]:
        """The containers of the image."""
        return list(self._users.get(image_id, ()))

    def remove_containers(self, image_id: str) -> None:
        """Remove every container of the image (rmi -f)."""
        if self._users.pop(image_id, None):
            self.containers = [c for c in self.containers if c.image_id != image_id]

    def delete_image(self, image_id: str) -> list[str]:
        """store.DeleteImage: refused while a container uses it; returns the names it had."""
        users = self.users(image_id)
        if users:
            raise _PodmanInUse(users)
        names = self.names.pop(image_id)
        img = self.images.pop(image_id)
        chain, rows = img.chain_ids, len(img.history)
        if chain:
            self.on_top[(chain[-1], rows)].remove(image_id)
        if len(chain) > 1:
            self.on_below[(chain[-2], rows)].remove(image_id)
        return names

    def to_snapshot(self) -> Snapshot:
        """The state after the steps, as a snapshot (source "what-if"); parents re-derived from the layer tree."""
        images = tuple(replace_image(img, repo_tags=tuple(self.names[img.id]),
                                      repo_digests=self._digests_kept(img), parent=self.parent(img.id) or "")
                       for img in self.snap.images if img.id in self.images)
        kept = set(c.id for c in self.containers)
        return self.snap.replace(images=images, containers=tuple(c for c in self.snap.containers if c.id in kept),
                                 source="what-if")

    def _digests_kept(self, img: Image) -> tuple[str, ...]:
        """Its RepoDigests in the repositories it still has a name in."""
        repos = {parse_normalized_named(n).name for n in self.names[img.id]}
        if not repos:
            return ()
        return tuple(d for d in img.repo_digests if parse_normalized_named(d).name in repos)


def _compared(rows: tuple[HistoryRow, ...]) -> tuple[tuple[int, str, str], ...]:
    """What areParentAndChild compares of history rows that the snapshot holds."""
    return tuple((h.created, h.created_by, h.comment) for h in rows)


class _PodmanInUse(Exception):
    """containers-storage refused DeleteImage: ErrImageUsedByContainer (it names the first user)."""

    def __init__(self, users: list[Container]) -> None:
        super().__init__("image in use")
        self.users = users

    def texts(self, prefix: str = "") -> list[str]:
        return [f"{prefix}image used by {c.id}: {PODMAN_IN_USE}" for c in self.users]


# removeRecursive (libimage/image.go), one report per visited image:
#   referencedBy = the resolved name, or the full ID when the arg is an ID (prefix);
#   several names: by ID without force → error; by name → Untag it, and stop if names remain;
#   force → remove every container of the image (running ones too);
#   hasChildren and parent are computed BEFORE the delete; DeleteImage fails while a
#   container uses the image (409 through the compat handler, earlier deletes stay done);
#   Untagged += the remaining names; Removed (→ "Deleted") only without children;
#   then the parent, if it is now dangling, goes the same way (referencedBy "").
# The compat handler answers every "Deleted" (hex ID) first, then every "Untagged"
# (full names).  noprune is ignored by Podman 4.3.
def _podman_remove(s: PodmanStore, image_id: str, referenced_by: str, force: bool,
                   reports: list[tuple[str, bool, list[str]]]) -> None:
    while True:                     # libimage recurses into the parent; a loop, for chains of any depth
        names = s.names[image_id]
        untagged: list[str] = []
        if referenced_by and len(names) != 1:
            by_id = image_id.split(":", 1)[1].startswith(referenced_by)
            if not force and by_id and len(names) > 1:
                raise DaemonRefusal(500, f'unable to delete image "{image_id.split(":", 1)[1]}" by ID with more '
                                         f"than one tag ([{' '.join(names)}]): please force removal")
            if not by_id:
                if referenced_by not in names:         # repo@digest found by its digest: Untag fails
                    raise DaemonRefusal(500, f"{referenced_by}: tag not known")
                names.remove(referenced_by)
                untagged.append(referenced_by)
                if names:
                    reports.append((image_id, False, untagged))
                    return
        if force:
            s.remove_containers(image_id)
        has_children = s.has_children(image_id)
        parent = s.parent(image_id)
        report = (image_id, not has_children, untagged)
        try:
            untagged += s.delete_image(image_id)
        except _PodmanInUse:
            if untagged:
                reports.append(report)
            raise
        reports.append(report)
        if not (parent and s.dangling(parent)):
            return
        image_id, referenced_by = parent, ""


# NormalizeToDockerHub + LookupImage (pkg/api/handlers/utils, libimage/runtime.go) for one
# rmi argument → (image ID, referencedBy) or the compat handler's error:
#   "sha256:" + not 64 hex                → 500 "<arg>: invalid format: no 64-byte hexadecimal value"
#   full ID (with or without sha256:) / a unique hex prefix of an ID → that image, by ID
#   a name → docker.io-normalised, ":latest" added; found → that image by that name
#   not found → 404 "failed to find image <arg>: <ParseNormalizedNamed(arg)>: image not known",
#   or 500 when the name does not parse (64 hex: ParseNormalizedNamed's message).
# Short names may also resolve to "localhost/…", to registries.conf search
# registries or by repository suffix: when the snapshot holds such a name, unpredictable.
def _podman_resolve(s: PodmanStore, arg: str) -> tuple[str, str]:
    norm = "normalizing image: normalizing name for compat API: "
    if arg.startswith("sha256:"):
        hexpart = arg[7:]
        if not IDENTIFIER_HEX.fullmatch(hexpart):
            raise DaemonRefusal(500, f"{norm}{arg}: invalid format: no 64-byte hexadecimal value")
        if "sha256:" + hexpart in s.images:
            return "sha256:" + hexpart, hexpart
        return _podman_not_found(arg, arg)
    if IDENTIFIER_HEX.fullmatch(arg):
        if "sha256:" + arg in s.images:
            return "sha256:" + arg, arg
        raise DaemonRefusal(500, f'normalizing image: normalizing name "{arg}" (orig: "{arg}") for compat API: '
                                 f"invalid repository name ({arg}), cannot specify 64-byte hexadecimal strings")
    try:
        parse(arg)
        ref = parse_normalized_named(arg)
    except InvalidReference as exc:
        text = str(exc)
        if text == ERR_UPPERCASE:
            raise DaemonRefusal(500, norm + "repository name must be lowercase") from None
        if text == ERR_INVALID_FORMAT:
            raise DaemonRefusal(500, norm + text) from None
        raise Unpredictable(f"Podman's message for the reference {arg!r} ({text}) is not modelled") from None
    if ref.digest:
        return _podman_resolve_digest(s, arg, ref.trim_tag_if_digest())
    full = str(ref.tag_name_only())
    owner = {n: image_id for image_id, ns in s.names.items() for n in ns}

    def by_name(name: str) -> tuple[str, str]:
        image_id = owner[name]
        if image_id.split(":", 1)[1].startswith(arg):
            return image_id, image_id.split(":", 1)[1]     # NormalizeToDockerHub: an ID prefix wins
        return image_id, name

    first = arg.split("/")[0]
    if "/" in arg and ("." in first or ":" in first or first == "localhost"):
        if full in owner:                                   # fully qualified: that name or nothing
            return by_name(full)
        return _podman_not_found(arg, str(ref))
    # A short name.  LookupImage tries "localhost/<path>:<tag>", the registries.conf search
    # registries (unknown to a snapshot) and docker.io, then a (unique) ID prefix, then any
    # name whose repository ends in "/<path>" with that tag (lookupImageInDigestsAndRepoTags).
    path, _, tag = arg.rpartition(":") if ":" in arg.split("/")[-1] else (arg, "", "")
    tag = tag or "latest"
    exact = [n for n in (f"localhost/{path}:{tag}", full) if n in owner]
    searchable = _searchable(owner, path, lambda r: r.tag == tag)
    hex_hits = [i for i in s.images if i.split(":", 1)[1].startswith(arg)] if re.fullmatch(r"[a-f0-9]+", arg) else []
    _refuse_short_name_doubt(arg, exact, searchable if exact or len(hex_hits) == 1 else [])
    if exact:
        return by_name(exact[0])
    if len(hex_hits) == 1:
        return hex_hits[0], hex_hits[0].split(":", 1)[1]
    # several IDs start with it: containers-storage does not pick one, the lookup goes on
    parsed = {n: parse_normalized_named(n) for n in owner}
    suffix = sorted(n for n, r in parsed.items() if r.tag == tag and ("/" + r.name).endswith("/" + path))
    if len(suffix) > 1:
        raise Unpredictable(f"Podman matches the short name {arg!r} by repository suffix; {suffix[0]} and "
                            f"{suffix[1]} both end in /{path} (the first in store order wins)")
    if suffix:
        return by_name(suffix[0])
    return _podman_not_found(arg, str(ref))


# LookupImage for repo@digest (a tag beside the digest is dropped first): an image that bears
# exactly that name (short names: as localhost/… or docker.io/…; other unqualified-search
# registries are unknown to a snapshot), else any image whose manifest digests include the
# digest, whatever its repository (lookupImageInDigestsAndRepoTags).  The compat API lists an
# image's digests only through its names (RepoDigests = names × digests); the snapshot also keeps
# Podman's own Digest of each image (Image.digest, from /libpod/images/json), so an image without
# names is searched too.  Where that was not read (an older snapshot file) an image without names
# may hold the digest unseen.  referencedBy is the full name either way.
def _podman_resolve_digest(s: PodmanStore, arg: str, ref: Reference) -> tuple[str, str]:
    full = str(ref)
    owner = {n: image_id for image_id, ns in s.names.items() for n in ns}
    first = arg.split("/")[0]
    if "/" in arg and ("." in first or ":" in first or first == "localhost"):
        exact = [full] if full in owner else []
    else:
        typed = arg.split("@", 1)[0]
        path = typed.rpartition(":")[0] if ":" in typed.split("/")[-1] else typed
        exact = [n for n in (f"localhost/{path}@{ref.digest}", full) if n in owner]
        _refuse_short_name_doubt(arg, exact, _searchable(owner, path, lambda r: r.digest == ref.digest))
    if exact:
        return owner[exact[0]], exact[0]
    holders = [i for i in s._live() if ref.digest in s.digests[i]]
    unseen = [i for i in s._live() if not s.snap.by_id[i].repo_tags and not s.snap.by_id[i].digest]
    if len(holders) > 1 or (not holders and unseen):
        other = short_id((holders[1:] or unseen)[0])
        raise Unpredictable(f"Podman looks {full} up among the manifest digests of every image, in store order; "
                            f"a snapshot shows them only through names, and {other} has none or shares the digest")
    if holders:
        return holders[0], full
    return _podman_not_found(arg, full)


def _searchable(owner: dict[str, str], path: str, same: Callable[[Reference], bool]) -> list[str]:
    """Names in a registry other than docker.io/localhost with this path that ``same`` accepts: where a
    registries.conf search registry could resolve a short name."""
    return [n for n in owner for r in (parse_normalized_named(n),)
            if r.domain not in ("docker.io", "localhost") and r.path == path and same(r)]


def _refuse_short_name_doubt(arg: str, exact: list[str], searchable: list[str]) -> None:
    """Unpredictable when a short name could resolve through registries.conf, or to two exact names."""
    if searchable:
        raise Unpredictable(f"Podman may resolve the short name {arg!r} to {searchable[0]} if registries.conf "
                            "lists that registry for unqualified searches")
    if len(exact) > 1:
        raise Unpredictable(f"Podman resolves the short name {arg!r} to localhost/ or docker.io in an order "
                            "not modelled")


def _podman_not_found(arg: str, normalized: str) -> tuple[str, str]:
    if arg.startswith("sha256:"):
        normalized = str(parse_normalized_named(arg))
    raise DaemonRefusal(404, f"failed to find image {arg}: {normalized}: image not known")


IDENTIFIER_HEX = re.compile(r"[a-f0-9]{64}")


def _podman_delete(s: PodmanStore, arg: str, force: bool) -> list[Item]:
    """One ``DELETE /images/{arg}`` on the working copy: the response list, or DaemonRefusal (changes stay made)."""
    if s.doubt:
        raise Unpredictable(s.doubt)
    if not arg.strip():
        raise Unpredictable("Podman's answer to a blank name is not modelled")
    if not path_is_clean(arg):
        raise Unpredictable(f"the API router rewrites the path /images/{arg} before Podman sees it")
    image_id, referenced_by = _podman_resolve(s, arg)
    reports: list[tuple[str, bool, list[str]]] = []
    try:
        _podman_remove(s, image_id, referenced_by, force, reports)
    except _PodmanInUse as err:
        msgs = err.texts(f"image {arg} is in use: ")
        raise DaemonRefusal(409, msgs[0], msgs) from None
    return ([{"Deleted": i.split(":", 1)[1]} for i, removed, _ in reports if removed]
            + [{"Untagged": n} for _, _, names in reports for n in names])


# Prune, compat handler → abi ImageEngine.Prune → libimage RemoveImages(filters):
#   filters = the client's + "dangling=true" (the compat handler of 4.3 never sets All, so
#   the CLI's -a, i.e. dangling=false, is refused: "specifying \"dangling\" filter more
#   than once with different values is not supported"), "containers=false", readonly=false;
#   unknown keys → 500 'unsupported image filter "<key>"'.
#   Round: candidates = ListImages(filters) on the current state, in store order; each is
#   removed with referencedBy "" (parents that become dangling follow, filters or not);
#   a container on such a parent fails that removal and the prune answers 500 with the
#   joined errors (after the round).  Rounds repeat until one removes nothing.
#   ImagesDeleted = {"Deleted": hex} per removed image; SpaceReclaimed = Σ their Size
#   (libimage Image.Size = the whole chain + config and manifest, the inspect Size).
def _podman_prune(snap: Snapshot, f: dict[str, list[str]], all_: bool, now_ns: int
                  ) -> tuple[PruneResult, Snapshot]:
    s = PodmanStore(snap)
    if s.doubt:
        raise Unpredictable(s.doubt)
    keep = prune_filters(f, all_, now_ns)
    groups: list[tuple[Item, ...]] = []
    space = 0
    while True:
        cands = [i for i in s._live() if s.dangling(i) and not s.users(i) and keep(s.images[i])]
        errors: list[_PodmanInUse] = []
        removed_this_round = 0
        for image_id in cands:
            if image_id not in s.images:
                continue                     # went as the dangling parent of an earlier candidate
            reports: list[tuple[str, bool, list[str]]] = []
            try:
                _podman_remove(s, image_id, "", False, reports)
            except _PodmanInUse as err:
                errors.append(err)
            for rid, _, _ in reports:
                groups.append(({"Deleted": rid.split(":", 1)[1]},))
                space += snap.by_id[rid].size
            removed_this_round += len(reports)
        if errors:
            if len(errors) > 1 or len(errors[0].users) > 1:
                raise Unpredictable("Podman's prune failed on images in use; the joined error text names "
                                    "containers in an order not modelled")
            return PruneResult(status=500, message=errors[0].texts()[0]), s.to_snapshot()
        if not removed_this_round:
            break
    return PruneResult(groups=tuple(groups), space_reclaimed=space), s.to_snapshot()
