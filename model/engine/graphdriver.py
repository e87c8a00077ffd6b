"""The classic (graphdriver) image store of dockerd 20.10 … 28: ``docker rmi`` and ``docker image prune``.

Ported from moby ``daemon/images/image_delete.go``, ``image_prune.go``, ``reference/store.go`` and
``layer/layer_store.go``; checked against dockerd 20.10 by tests/engine/test_differential.py, and for
digest references (RepoDigests of images pushed to and pulled from a private registry) by
tests/engine/test_registry.py.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from functools import lru_cache

from ..core.reference import (Ambiguous, DigestSet, InvalidReference, Reference, is_image_id_prefix, parse_any,
                              parse_normalized_named, path_is_clean)
from ..core.chain import short_id
from ..core.snapshot import Container, Image, Snapshot
from .filters import Keep
from .outcome import (ACTIVE_REF, CHILD, HARD, RUNNING, SOFT, STOPPED, DaemonRefusal, Item, PruneResult,
                      Unpredictable, not_found, replace_image)
from .store import Store


class _Conflict:
    """imageDeleteConflict: hard/soft, whether a container is the cause, possible messages."""

    def __init__(self, image_id: str, hard: bool, used: bool, texts: list[str]) -> None:
        self.hard, self.used = hard, used
        force = "cannot be forced" if hard else "must be forced"
        self.messages = [f"conflict: unable to delete {short_id(image_id)} ({force}) - {t}" for t in texts]

    def error(self) -> DaemonRefusal:
        return DaemonRefusal(409, self.messages[0], self.messages)


class GraphdriverStore(Store):
    """Mutable working copy of the classic store: refstore, image store (parents), layer store."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.images: dict[str, Image] = dict(snap.by_id)
        self.refs: dict[str, dict[str, Reference]] = {}        # image ID → {full ref string: ref}
        self.refstore: dict[str, str] = {}                     # full ref string → image ID
        # per image, kept with ``refs``: how many tags (refs without a digest) it has per repository, and
        # its digest refs per repository, so a step never scans every reference of an image
        self.tag_names: dict[str, dict[str, int]] = {}
        self.digest_refs: dict[str, dict[str, dict[str, Reference]]] = {}
        self.digest_total: Counter = Counter()                 # image ID → how many of its refs have a digest
        self._sorted: dict[str, list[Reference]] = {}          # references(), until the image's refs change
        self._touched: set[str] = set()                        # images whose references changed here
        self._reparented: set[str] = set()                     # images whose parent was deleted here
        self._unsorted: set[str] = set()                       # images whose references to_snapshot re-sorts
        # An image's three tables are those _ref_tables keeps for its list of references,
        # shared (with the cache and with images of the same list) until a step changes
        # them: _own copies them first, so a prediction copies only what it changes.
        self._owned: set[str] = set()
        refstore = self.refstore
        for img in snap.images:
            texts = img.repo_tags + img.repo_digests
            if not texts:
                continue
            refs, names, digests, digest_total, familiar = _ref_tables(texts)   # (one _add_ref per reference)
            if familiar != (img.repo_tags, img.repo_digests):
                self._unsorted.add(img.id)
            for key in refs:
                refstore[key] = img.id
            self.refs[img.id] = refs
            if names:
                self.tag_names[img.id] = names
            if digests:
                self.digest_refs[img.id] = digests
                self.digest_total[img.id] = digest_total
        self.parent = {i.id: i.parent for i in snap.images if i.parent}
        self.missing_parents = {p for p in self.parent.values() if p not in self.images}
        self.children: dict[str, set[str]] = {}
        for child, par in self.parent.items():
            self.children.setdefault(par, set()).add(child)
        self._ids: DigestSet | None = None                     # the short-ID search, made when first needed
        self.containers = list(snap.containers)
        self.users: dict[str, list[Container]] = {}
        for ctr in snap.containers:
            self.users.setdefault(ctr.image_id, []).append(ctr)
        # layer store: reference counts = images on top + child layers + container RW layers
        self.layer_parent: dict[str, str | None] = {}
        self.layer_kids: dict[str, int] = {}                    # chain ID → how many child layers it has
        self.layer_tops: Counter = Counter()
        self.layer_pins: Counter = Counter()
        self.unknown_pins: list[str] = []
        tops: dict[str, int] = {}
        for img in snap.images:
            chain = img.chain_ids
            if chain:
                self._add_image_chain(chain)
                tops[chain[-1]] = tops.get(chain[-1], 0) + 1
        self.layer_tops.update(tops)
        # A container pins its image's top layer; one whose image was force-removed pins
        # the chain the snapshot recorded for it (Container.layer_chain), or an unknown one.
        for ctr in snap.containers:
            chain = self.images[ctr.image_id].chain_ids if ctr.image_id in self.images else ctr.layer_chain
            if chain is None:
                self.unknown_pins.append(ctr.id)
                continue
            self._add_chain(chain)
            if chain:
                self.layer_pins[chain[-1]] += 1

    def _add_chain(self, chain: tuple[str, ...]) -> None:
        prev = None
        for cid in chain:
            if cid not in self.layer_parent:
                self.layer_parent[cid] = prev
                if prev:
                    self.layer_kids[prev] = self.layer_kids.get(prev, 0) + 1
            prev = cid

    def _add_image_chain(self, chain: tuple[str, ...]) -> None:
        """_add_chain for an image's own chain IDs, from the top down to the first layer already known:
        a chain ID names its whole prefix, so everything below that one is known too."""
        parents, kids = self.layer_parent, self.layer_kids
        for j in range(len(chain) - 1, -1, -1):
            cid = chain[j]
            if cid in parents:
                return
            below = chain[j - 1] if j else None
            parents[cid] = below
            if below:
                kids[below] = kids.get(below, 0) + 1

    # Forking.  A window predicts again and again on the snapshot it shows, and
    # building the tables above walks every image and layer (~50 ms on 10,000
    # images).  A fork copies the top-level tables (C-level dict copies) and shares
    # what lies inside them: the reference tables until _own copies them, each
    # image's set of child images until a step replaces it (delete_image never
    # changes one in place), the images, containers and sorted references as they are.
    def fork(self) -> "GraphdriverStore":
        """A working copy of the same snapshot and steps so far, sharing this one's tables until either changes
        them."""
        g = object.__new__(GraphdriverStore)
        self._owned = set()             # (the reference tables this one owned are shared now: copied before a change)
        g.snap, g.images, g.refstore, g.parent = self.snap, dict(self.images), dict(self.refstore), dict(self.parent)
        g.refs, g.tag_names = dict(self.refs), dict(self.tag_names)
        g.digest_refs, g.digest_total = dict(self.digest_refs), self.digest_total.copy()
        g._sorted, g._owned = dict(self._sorted), set()
        g._touched, g._reparented, g._unsorted = set(self._touched), set(self._reparented), self._unsorted
        g.missing_parents, g.children = self.missing_parents, dict(self.children)
        g._ids, g.containers, g.users = None, self.containers, self.users
        g.layer_parent, g.layer_kids = dict(self.layer_parent), dict(self.layer_kids)
        g.layer_tops, g.layer_pins = self.layer_tops.copy(), self.layer_pins.copy()
        g.unknown_pins = self.unknown_pins
        return g

    @property
    def ids(self) -> DigestSet:
        """The image IDs still in the store, for the daemon's short-ID search."""
        if self._ids is None:
            self._ids = DigestSet(list(self.images))
        return self._ids

    def _own(self, image_id: str) -> None:
        """Make this image's reference tables its own before a step changes them (see __init__)."""
        if image_id in self._owned:
            return
        self._owned.add(image_id)
        if image_id in self.refs:
            self.refs[image_id] = dict(self.refs[image_id])
        if image_id in self.tag_names:
            self.tag_names[image_id] = dict(self.tag_names[image_id])
        if image_id in self.digest_refs:
            self.digest_refs[image_id] = {name: dict(keys) for name, keys in self.digest_refs[image_id].items()}

    def _add_ref(self, image_id: str, key: str, ref: Reference) -> None:
        self._own(image_id)
        refs = self.refs.get(image_id)
        if refs is None:
            refs = self.refs[image_id] = {}
        elif key in refs:
            self._drop_ref(image_id, key)
            refs = self.refs.setdefault(image_id, {})
        refs[key] = ref
        if ref.digest:
            self.digest_refs.setdefault(image_id, {}).setdefault(ref.name, {})[key] = ref
            self.digest_total[image_id] += 1
        else:
            names = self.tag_names.get(image_id)
            if names is None:
                names = self.tag_names[image_id] = {}
            name = ref.name
            names[name] = names.get(name, 0) + 1
        self._sorted.pop(image_id, None)

    def _drop_ref(self, image_id: str, key: str) -> None:
        self._own(image_id)
        ref = self.refs[image_id].pop(key, None)
        if ref is None:
            return
        self._touched.add(image_id)
        if ref.digest:
            same = self.digest_refs[image_id][ref.name]
            del same[key]
            if not same:
                del self.digest_refs[image_id][ref.name]
            self.digest_total[image_id] -= 1
        else:
            self.tag_names[image_id][ref.name] -= 1
            if not self.tag_names[image_id][ref.name]:
                del self.tag_names[image_id][ref.name]
        if not self.refs[image_id]:
            del self.refs[image_id]
        self._sorted.pop(image_id, None)

    # -- the store protocol (model.engine.store; dockerd 20.10 … 28 answer alike) ----------
    def delete(self, arg: str, force: bool, prune_parents: bool) -> list[Item]:
        """One ``DELETE /images/{arg}``: the response list, or DaemonRefusal (changes made stay made)."""
        return _gd_delete(self, arg, force, prune_parents)

    @staticmethod
    def prune_images(snapshot: Snapshot, dangling: bool, keep: Keep, sizes: dict[str, int] | None
                     ) -> tuple[PruneResult, Snapshot]:
        """ImagesPrune of the classic store: the answer and the state after."""
        return _gd_prune(snapshot, dangling, keep, sizes)

    # -- lookups ------------------------------------------------------------
    def references(self, image_id: str) -> list[Reference]:
        """refstore.References: sorted by the full normalised string."""
        if image_id not in self._sorted:
            self._sorted[image_id] = [r for _, r in sorted(self.refs.get(image_id, {}).items())]
        return list(self._sorted[image_id])

    def digest_references(self, image_id: str, name: str) -> list[Reference]:
        """The image's digest references in repository ``name``, in references() order."""
        return [r for _, r in sorted(self.digest_refs.get(image_id, {}).get(name, {}).items())]

    def has_tag_in(self, image_id: str, name: str) -> bool:
        """Whether the image keeps a tag (a reference without a digest) in repository ``name``."""
        return bool(self.tag_names.get(image_id, {}).get(name))

    def single_reference(self, image_id: str) -> bool:
        """isSingleReference of its references: exactly one, or at most one tag with every digest
        reference in that one repository (the first reference's when there is no tag)."""
        refs = self.refs.get(image_id, {})
        if len(refs) <= 1:
            return len(refs) == 1
        tags = self.tag_names.get(image_id, {})
        digest_repos = self.digest_refs.get(image_id, {})
        if len(refs) - self.digest_total[image_id] > 1:
            return False                                # two tags
        return len(digest_repos) == 1 and (not tags or next(iter(tags)) in digest_repos)

    def get_image(self, arg: str) -> str:
        """daemon.GetImage: digest → exact ID; name → refstore; else a unique ID prefix."""
        try:
            ref = parse_any(arg)
        except InvalidReference as exc:
            raise DaemonRefusal(400, str(exc)) from None
        if not ref.is_named:
            if ref.digest in self.images:
                return ref.digest
            raise DaemonRefusal(404, f"No such image: {ref.digest}")
        key = str(ref.trim_tag_if_digest() if ref.digest else ref.tag_name_only())
        if key in self.refstore:
            return self.refstore[key]
        try:
            found = self.ids.lookup(arg)
        except Ambiguous:
            found = None            # GetImage turns every Search error into "No such image"
        if found:
            return found
        raise not_found(ref)

    def conflict(self, image_id: str, mask: int) -> _Conflict | None:
        """checkImageDeleteConflict, in the daemon's order."""
        if mask & CHILD and self.children.get(image_id):
            return _Conflict(image_id, True, False, ["image has dependent child images"])
        users = self.users.get(image_id, [])
        running = [c for c in users if c.running]
        if mask & RUNNING and running:
            return _Conflict(image_id, True, True,
                             [f"image is being used by running container {short_id(c.id)}" for c in running])
        if mask & ACTIVE_REF and self.refs.get(image_id):
            return _Conflict(image_id, False, False, ["image is referenced in multiple repositories"])
        stopped = [c for c in users if not c.running]
        if mask & STOPPED and stopped:
            return _Conflict(image_id, False, True,
                             [f"image is being used by stopped container {short_id(c.id)}" for c in stopped])
        return None

    def dangling(self, image_id: str) -> bool:
        """No references and no child images."""
        return not self.refs.get(image_id) and not self.children.get(image_id)

    # -- mutations ----------------------------------------------------------
    def untag(self, ref: Reference) -> Reference:
        """removeImageRef: TagNameOnly, then delete (name:tag@digest deletes name@digest)."""
        ref = ref.tag_name_only()
        key = str(ref.trim_tag_if_digest())
        image_id = self.refstore.pop(key, None)
        if image_id is None:
            raise DaemonRefusal(500, "reference does not exist")
        self._drop_ref(image_id, key)
        return ref

    def delete_image(self, image_id: str) -> list[str]:
        """imageStore.Delete + layerStore.Release: the released chain IDs, top first."""
        img = self.images.pop(image_id)
        if self._ids is not None:
            self._ids.remove(image_id)
        for kid in self.children.pop(image_id, ()):
            self.parent.pop(kid, None)
            self._reparented.add(kid)
        par = self.parent.pop(image_id, None)
        if par and par in self.children:
            self.children[par] = self.children[par] - {image_id}         # (a new set: see fork)
        top = img.top_layer
        if not top:
            return []
        self.layer_tops[top] -= 1
        removed: list[str] = []
        layer: str | None = top
        while layer is not None:
            if self.layer_tops[layer] > 0 or self.layer_kids.get(layer) or self.layer_pins[layer] > 0:
                break
            removed.append(layer)
            parent = self.layer_parent.pop(layer)
            self.layer_kids.pop(layer, None)
            if parent:
                self.layer_kids[parent] -= 1
            layer = parent
        if removed and self.unknown_pins:
            raise Unpredictable(f"container {short_id(self.unknown_pins[0])} uses a removed image whose layers the "
                                "daemon does not name; it may keep layers of this image alive")
        return removed

    def to_snapshot(self) -> Snapshot:
        """The state after the steps, as a snapshot (source "what-if"): the images no step changed are the
        snapshot's own."""
        kept, changed = self.images, self._touched | self._reparented | self._unsorted
        images = [img if img.id not in changed else self._image_after(img)
                  for img in self.snap.images if img.id in kept]
        # containers whose image went (rmi -f) keep its layers: record which, for the next step
        containers = tuple(
            dataclasses.replace(c, layer_chain=self.snap.by_id[c.image_id].chain_ids)
            if c.image_id in self.snap.by_id and c.image_id not in self.images else c
            for c in self.snap.containers)
        return self.snap.replace(images=tuple(images), containers=containers, source="what-if")

    def _image_after(self, img: Image) -> Image:
        """An image as the steps left it: its references (sorted, as the daemon prints them) and its parent."""
        if img.id in self._touched:
            refs = self.references(img.id)
            tags = tuple(r.familiar() for r in refs if r.tag)
            digests = tuple(r.familiar() for r in refs if r.digest)
        else:
            tags, digests = _ref_tables(img.repo_tags + img.repo_digests)[4]
        parent = self.parent.get(img.id, "")
        if (tags, digests, parent) == (img.repo_tags, img.repo_digests, img.parent):
            return img
        return replace_image(img, repo_tags=tags, repo_digests=digests, parent=parent)


# Parsing an image's references.  A working copy is made for every prediction on a
# snapshot, and a window predicts again and again on the one it shows: an image's
# references, parsed and normalised, and the form the daemon prints them in, are
# kept per list of references (pure functions, like reference.parse_normalized_named).
@lru_cache(maxsize=1 << 16)
def _keyed_refs(texts: tuple[str, ...]) -> tuple[tuple[str, Reference], ...]:
    """Each reference (TagNameOnly) with its full normalised string, the refstore's key."""
    refs = (parse_normalized_named(text).tag_name_only() for text in texts)
    return tuple((str(ref), ref) for ref in refs)


@lru_cache(maxsize=1 << 16)
def _ref_tables(texts: tuple[str, ...]) -> tuple[dict[str, Reference], dict[str, int],
                                                 dict[str, dict[str, Reference]], int, tuple[tuple[str, ...], ...]]:
    """What _add_ref makes of an image's references one by one (a reference met twice counts once): by full
    string, the tag count per repository, the digest references per repository and how many there are
    (shared: GraphdriverStore._own copies them before a change); and the image's tags and digests as
    to_snapshot gives them when no step touched it (by full string, each as the daemon prints it)."""
    refs = dict(_keyed_refs(texts))
    names: dict[str, int] = {}
    digests: dict[str, dict[str, Reference]] = {}
    for key, ref in refs.items():
        if ref.digest:
            digests.setdefault(ref.name, {})[key] = ref
        else:
            names[ref.name] = names.get(ref.name, 0) + 1
    printed = [ref for _, ref in sorted(refs.items())]
    familiar = (tuple(r.familiar() for r in printed if r.tag), tuple(r.familiar() for r in printed if r.digest))
    return refs, names, digests, sum(len(keys) for keys in digests.values()), familiar


# ImageDelete (image_delete.go), graphdriver:
#   img = GetImage(arg); refs = References(img) sorted by full string
#   by name: unless force, a single reference used by any container → 409 "must force";
#            untag it (+ the repo's digest refs when its last tag goes); refs left → done;
#            else helper(quiet) — conflicts then end it silently
#   by ID:   single reference → check HARD (+STOPPED unless force), untag all refs;
#            helper(loud) — any conflict is the error
#   helper:  conflict HARD (+SOFT unless force); untag what is left; Deleted(id);
#            Deleted(chain) per released layer top→bottom; then, unless noprune,
#            helper(parent, force=False, quiet) — the untagged parents without other children.
def _gd_delete(g: GraphdriverStore, arg: str, force: bool, prune_parents: bool) -> list[Item]:
    if not arg.strip():
        raise DaemonRefusal(400, "image name cannot be blank")
    if not path_is_clean(arg):
        raise Unpredictable(f"the API router rewrites the path /images/{arg} before the daemon sees it")
    image_id = g.get_image(arg)
    out: list[Item] = []
    if not is_image_id_prefix(image_id, arg):
        if not force and g.single_reference(image_id):
            users = g.users.get(image_id, [])
            if users:
                msgs = [f'conflict: unable to remove repository reference "{arg}" (must force) - container '
                        f"{short_id(c.id)} is using its referenced image {short_id(image_id)}" for c in users]
                raise DaemonRefusal(409, msgs[0], msgs)
        parsed = parse_normalized_named(arg)
        removed = g.untag(parsed)
        out.append({"Untagged": removed.familiar()})
        if not removed.digest and not g.has_tag_in(image_id, removed.name):
            for r in g.digest_references(image_id, removed.name):
                g.untag(r)
                out.append({"Untagged": r.familiar()})
        if g.refs.get(image_id):
            return out
        quiet = True
    else:
        quiet = False
        if g.single_reference(image_id):
            c = g.conflict(image_id, HARD | (0 if force else STOPPED))
            if c:
                raise c.error()
            for r in g.references(image_id):
                out.append({"Untagged": g.untag(r).familiar()})
    _gd_helper(g, image_id, out, force, prune_parents, quiet)
    return out


def _gd_helper(g: GraphdriverStore, image_id: str, out: list[Item], force: bool, prune_parents: bool,
               quiet: bool) -> None:
    while True:                     # the daemon recurses into the parent; a loop, for chains of any depth
        if image_id in g.missing_parents:
            raise Unpredictable(f"parent image {short_id(image_id)} is not in the snapshot")
        c = g.conflict(image_id, HARD | (0 if force else SOFT))
        if c:
            if quiet and (not g.dangling(image_id) or c.used):
                return
            raise c.error()
        parent = g.parent.get(image_id, "")
        for r in g.references(image_id):
            out.append({"Untagged": g.untag(r).familiar()})
        layers = g.delete_image(image_id)
        out.append({"Deleted": image_id})
        out.extend({"Deleted": cid} for cid in layers)
        if not (prune_parents and parent):
            return
        image_id, force, quiet = parent, False, True


# ImagesPrune (image_prune.go), graphdriver:
#   cands = dangling ? Heads() (no children) : Map() (all)
#   drop untagged images with children, then apply until (config Created) and labels
#   for each candidate (Go map order = random):
#     refs → (all, or dangling and none is a tag) ImageDelete(ref.String(), force=False, prune=True) per ref
#     none → ImageDelete(hex ID, …);  every error is skipped (images in use survive)
#   SpaceReclaimed = Σ DiffSize of pre-existing layers listed as Deleted.
# The final state and the multiset of entries do not depend on the order; we
# process candidates by ID and keep each one's entries as a group.
def _gd_prune(snap: Snapshot, dangling: bool, keep: Keep, sizes: dict[str, int] | None
              ) -> tuple[PruneResult, Snapshot]:
    g = GraphdriverStore(snap)
    layers_before = set(g.layer_parent)
    cands = [i for i in snap.images if not dangling or not g.children.get(i.id)]
    top = [i for i in cands if not (not g.refs.get(i.id) and g.children.get(i.id)) and keep(i)]
    groups: list[tuple[Item, ...]] = []
    for img in sorted(top, key=lambda i: i.id):
        group: list[Item] = []
        refs = g.references(img.id)
        if refs:
            if not dangling or not any(r.tag for r in refs):
                for r in refs:
                    group += _try_delete(g, str(r))
        else:
            group += _try_delete(g, img.id.split(":", 1)[1])
        if group:
            groups.append(tuple(group))
    if sizes is None:
        from ..core.history import layer_sizes
        sizes = layer_sizes(snap)
    gone = [i["Deleted"] for grp in groups for i in grp if i.get("Deleted") in layers_before]
    unknown = [cid for cid in gone if cid not in sizes]
    space = None if unknown else sum(sizes[cid] for cid in gone)
    why = f"size of layer {unknown[0]} is unknown" if unknown else ""
    return PruneResult(groups=tuple(groups), space_reclaimed=space, unpredictable=why), g.to_snapshot()


def _try_delete(g: GraphdriverStore, arg: str) -> list[Item]:
    try:
        return _gd_delete(g, arg, force=False, prune_parents=True)
    except DaemonRefusal:
        return []
