"""image_files: what each layer adds, modifies and deletes, the merged filesystem, and the wasted bytes."""
from __future__ import annotations

import random

import pytest

from model.core.chain import chain_ids
from model.core.layerfiles import (ADDED, DELETED, DIR, FILE, HARDLINK, MODIFIED, OPAQUE, OTHER, SYMLINK, WHITEOUT,
                                   Entry, FilesError, LayerFiles)
from model.core.snapshot import Image
from model.files.stack import MAX_WASTED_FILES, Change, Node, WastedFile, image_files


def digest(n: int) -> str:
    return f"sha256:{n:064x}"


def image_of(layers: list[list[Entry]], ids: list[int] | None = None) -> tuple[Image, dict[str, LayerFiles]]:
    """An image whose layers hold ``layers`` (diff IDs ``ids``: repeat one to repeat a layer)."""
    ids = ids or list(range(1, len(layers) + 1))
    files = {digest(i): LayerFiles(digest(i), tuple(entries)) for i, entries in zip(ids, layers)}
    image = Image(digest(999), ("app:1",), (), "", "2024-01-01T00:00:00Z", 0, tuple(digest(i) for i in ids))
    return image, files


def E(path, kind=FILE, size=0, mode=0o644, link="", crc=None):  # noqa: N802
    if kind == FILE and crc is None:
        crc = size * 7 % 2**32
    return Entry(path, kind, size, mode, link, crc if kind == FILE else None)


def flat(root: Node) -> dict[str, tuple]:
    """The merged tree as path → (type, size, mode, link, layer)."""
    out, stack = {}, [root]
    while stack:
        node = stack.pop()
        for child in node.children.values():
            assert child.path == (f"{node.path}/{child.name}" if node.path else child.name)
            out[child.path] = (child.type, child.size, child.mode, child.link, child.layer)
            stack.append(child)
    return out


# The Dockerfile the issue lists, as layer tars would hold it:
#   FROM scratch + ADD rootfs  (layer 0)
#   RUN echo … > /etc/motd && rm /etc/hosts && dd … /big  (layer 1: overwrite, delete, big file)
#   RUN rm -rf /app && mkdir /app && echo > /app/new && ln /bin/tool /bin/tool2 …  (layer 2: opaque, links)
#   RUN rm /big && echo > /opt (a file where a directory was)  (layer 3)
L0 = [E("bin", DIR, mode=0o755), E("bin/tool", FILE, 5000, 0o755), E("bin/sh", SYMLINK, link="tool", mode=0o777),
      E("etc", DIR, mode=0o755), E("etc/motd", FILE, 10), E("etc/hosts", FILE, 20),
      E("app", DIR, mode=0o755), E("app/a.js", FILE, 300), E("app/lib", DIR), E("app/lib/x.js", FILE, 40),
      E("opt", DIR), E("opt/sub", DIR), E("opt/sub/deep.txt", FILE, 70)]
L1 = [E("etc", DIR, mode=0o755), E("etc/motd", FILE, 12), E("etc/hosts", WHITEOUT), E("big", FILE, 1_000_000)]
L2 = [E("app", DIR, mode=0o755), E("app", OPAQUE), E("app/a.js", FILE, 301), E("app/new", FILE, 3),
      E("bin", DIR, mode=0o755), E("bin/tool2", HARDLINK, link="bin/tool"), E("dev/fifo", OTHER)]
L3 = [E("big", WHITEOUT), E("opt", FILE, 9)]


def test_every_change_of_the_issue_list():
    image, files = image_of([L0, L1, L2, L3])
    result = image_files(image, files)
    changes = [[(c.path, c.type, c.size, c.change) for c in lc.changes] for lc in result.layers]
    assert changes[0] == [(e.path, e.type, e.size, ADDED) for e in L0]
    assert changes[1] == [("etc", DIR, 0, MODIFIED), ("etc/motd", FILE, 12, MODIFIED),
                          ("etc/hosts", FILE, 0, DELETED), ("big", FILE, 1_000_000, ADDED)]
    assert changes[2] == [("app", DIR, 0, MODIFIED), ("app/lib", DIR, 0, DELETED),   # (a.js is written again)
                          ("app/a.js", FILE, 301, MODIFIED), ("app/new", FILE, 3, ADDED),
                          ("bin", DIR, 0, MODIFIED), ("bin/tool2", HARDLINK, 0, ADDED), ("dev/fifo", OTHER, 0, ADDED)]
    assert changes[3] == [("big", FILE, 0, DELETED), ("opt", FILE, 9, MODIFIED)]
    # wasted: L0 etc/motd 10 (modified), etc/hosts 20 (deleted), app/a.js 300 (modified), app/lib/x.js 40
    # (opaque), opt/sub/deep.txt 70 (a file replaced its directory); L1 big (deleted)
    assert [lc.wasted for lc in result.layers] == [10 + 20 + 300 + 40 + 70, 1_000_000, 0, 0]
    assert result.wasted_bytes == 1_000_440
    assert result.wasted_files == (WastedFile("big", 1, 1_000_000), WastedFile("app/a.js", 0, 300),
                                   WastedFile("opt/sub/deep.txt", 0, 70), WastedFile("app/lib/x.js", 0, 40),
                                   WastedFile("etc/hosts", 0, 20), WastedFile("etc/motd", 0, 10))
    assert flat(result.root) == {
        "bin": (DIR, 0, 0o755, "", 2), "bin/tool": (FILE, 5000, 0o755, "", 0), "bin/sh": (SYMLINK, 0, 0o777, "tool", 0),
        "bin/tool2": (HARDLINK, 0, 0o644, "bin/tool", 2), "etc": (DIR, 0, 0o755, "", 1),
        "etc/motd": (FILE, 12, 0o644, "", 1), "app": (DIR, 0, 0o755, "", 2), "app/a.js": (FILE, 301, 0o644, "", 2),
        "app/new": (FILE, 3, 0o644, "", 2), "dev": (DIR, 0, 0o755, "", 2), "dev/fifo": (OTHER, 0, 0o644, "", 2),
        "opt": (FILE, 9, 0o644, "", 3)}


def test_layer_sizes_and_json_shape():
    image, files = image_of([L0, L1])
    sized = image_files(image, files, {image.chain_ids[0]: 123_456})
    assert [lc.size for lc in sized.layers] == [123_456, 1_000_012]     # (no size given: its file bytes)
    data = sized.to_json()
    assert list(data) == ["image", "layers", "wasted_bytes"] and data["image"] == image.id
    assert data["wasted_bytes"] == 30
    for layer, lc, chain in zip(data["layers"], sized.layers, chain_ids(image.diff_ids)):
        assert list(layer) == ["chain_id", "diff_id", "size", "files"]
        assert (layer["chain_id"], layer["diff_id"], layer["size"]) == (chain, lc.diff_id, lc.size)
        assert all(list(f) == ["path", "type", "size", "change"] for f in layer["files"])
    assert data["layers"][1]["files"][2] == {"path": "etc/hosts", "type": "file", "size": 0, "change": "deleted"}


def test_a_repeated_diff_id_is_a_layer_at_each_position():
    image, files = image_of([L0, L1, L0], ids=[1, 2, 1])
    result = image_files(image, files)
    assert [lc.diff_id for lc in result.layers] == [digest(1), digest(2), digest(1)]
    assert len({lc.chain_id for lc in result.layers}) == 3
    # the second copy writes back etc/hosts (deleted by layer 1: added) and everything else (modified)
    third = {c.path: c.change for c in result.layers[2].changes}
    assert third["etc/hosts"] == ADDED and third["etc/motd"] == MODIFIED and third["bin/tool"] == MODIFIED
    assert result.layers[0].wasted == sum(e.size for e in L0 if e.type == FILE)
    assert result.layers[1].wasted == 12        # etc/motd, written again on top; big stays


def test_whiteout_of_a_directory_is_one_deleted_entry():
    image, files = image_of([[E("d", DIR), E("d/a", FILE, 5), E("d/b", DIR), E("d/b/c", FILE, 6)], [E("d", WHITEOUT)]])
    result = image_files(image, files)
    assert [(c.path, c.type, c.size, c.change) for c in result.layers[1].changes] == [("d", DIR, 0, DELETED)]
    assert result.wasted_bytes == 11 and flat(result.root) == {}


def test_whiteouts_and_opaque_markers_of_absent_paths_list_nothing():
    image, files = image_of([[E("a", FILE, 1)], [E("ghost", WHITEOUT), E("new", DIR), E("new", OPAQUE)]])
    result = image_files(image, files)
    assert [(c.path, c.change) for c in result.layers[1].changes] == [("new", ADDED)]
    assert result.wasted_bytes == 0


def test_an_opaque_root_hides_everything():
    image, files = image_of([[E("a", FILE, 1), E("d", DIR), E("d/x", FILE, 2)], [E("", OPAQUE), E("b", FILE, 3)]])
    result = image_files(image, files)
    assert [(c.path, c.change) for c in result.layers[1].changes] == [("a", DELETED), ("d", DELETED), ("b", ADDED)]
    assert result.wasted_bytes == 3 and set(flat(result.root)) == {"b"}


def test_parents_a_layer_does_not_list_are_made_by_it():
    image, files = image_of([[E("x/y/z", FILE, 4)]])
    assert flat(image_files(image, files).root) == {"x": (DIR, 0, 0o755, "", 0), "x/y": (DIR, 0, 0o755, "", 0),
                                                    "x/y/z": (FILE, 4, 0o644, "", 0)}


def test_a_missing_layer_index_is_one_line():
    image, files = image_of([L0, L1])
    del files[digest(2)]
    with pytest.raises(FilesError, match="no file index for layer"):
        image_files(image, files)


def test_worst_files_are_capped_largest_first():
    layer = [E(f"f{n:03}", FILE, n + 1) for n in range(MAX_WASTED_FILES + 50)]
    image, files = image_of([layer, [E(e.path, WHITEOUT) for e in layer]])
    result = image_files(image, files)
    assert len(result.wasted_files) == MAX_WASTED_FILES
    assert [w.size for w in result.wasted_files] == list(range(MAX_WASTED_FILES + 50, 50, -1))


# --- Against an oracle: the issue's definitions, written the slow and obvious way ---

def naive(layers: list[list[Entry]]) -> tuple[list[list[tuple]], list[int], dict[str, tuple]]:
    """Changes per layer, wasted bytes per layer and the merged filesystem, straight from the definitions."""
    fs: dict[str, tuple] = {}           # path → (type, size, mode, link, layer)
    all_changes = []
    for n, entries in enumerate(layers):
        below = dict(fs)
        written = {e.path for e in entries if e.type not in (WHITEOUT, OPAQUE)}
        changes, listed = [], set()
        for e in entries:
            if e.type == WHITEOUT:
                if e.path in below and e.path not in written and e.path not in listed:
                    listed.add(e.path)
                    changes.append((e.path, below[e.path][0], 0, DELETED))
            elif e.type == OPAQUE:
                if not (e.path == "" or below.get(e.path, (None,))[0] == DIR):
                    continue
                if e.path and e.path not in written and e.path not in listed:
                    listed.add(e.path)
                    changes.append((e.path, DIR, 0, MODIFIED))
                prefix = f"{e.path}/" if e.path else ""
                for p in sorted(p for p in below if p.startswith(prefix) and "/" not in p[len(prefix):]):
                    if p not in written and p not in listed:
                        listed.add(p)
                        changes.append((p, below[p][0], 0, DELETED))
            else:
                changes.append((e.path, e.type, e.size, MODIFIED if e.path in below else ADDED))
        all_changes.append(changes)
        for e in entries:
            if e.type == WHITEOUT:
                fs = {p: v for p, v in fs.items() if p != e.path and not p.startswith(e.path + "/")}
            elif e.type == OPAQUE and (e.path == "" or fs.get(e.path, (None,))[0] == DIR):
                fs = {p: v for p, v in fs.items() if not p.startswith(e.path + "/" if e.path else "")}
                if e.path:
                    fs[e.path] = fs[e.path][:4] + (n,)
        for e in entries:
            if e.type in (WHITEOUT, OPAQUE):
                continue
            parts = e.path.split("/")
            for i in range(1, len(parts)):
                parent = "/".join(parts[:i])
                if fs.get(parent, (None,))[0] != DIR:
                    fs = {p: v for p, v in fs.items() if not p.startswith(parent + "/")}
                    fs[parent] = (DIR, 0, 0o755, "", n)
            old = fs.get(e.path)
            if e.type == DIR and old is not None and old[0] == DIR:
                fs[e.path] = (DIR, 0, e.mode, "", n)
            else:
                fs = {p: v for p, v in fs.items() if not p.startswith(e.path + "/")}
                fs[e.path] = (e.type, e.size, e.mode, e.link, n)
    wasted = []
    for i, entries in enumerate(layers):
        total = 0
        for e in entries:
            if e.type != FILE:
                continue
            for above in layers[i + 1:]:
                if any(modifies(f, e.path) for f in above):
                    total += e.size
                    break
        wasted.append(total)
    return all_changes, wasted, fs


def modifies(f: Entry, path: str) -> bool:
    """Whether entry ``f`` of a higher layer modifies or deletes ``path``: an entry or a whiteout at it, or a
    whiteout, an opaque marker or a non-directory at one of its ancestors."""
    if f.path == path and f.type != OPAQUE:
        return True
    below = path.startswith(f.path + "/") or (f.type == OPAQUE and f.path == "")
    return below and f.type != DIR


def random_stack(rng: random.Random, depth: int = 8) -> list[list[Entry]]:
    """Layers over a small set of names, so paths collide: every kind of entry, docker-like or not."""
    names = ["a", "b", "c"]
    paths = [p for d in (1, 2, 3) for p in ("/".join(t) for t in _product(names, d))]
    layers = []
    for _ in range(rng.randint(1, depth)):
        chosen = rng.sample(paths, rng.randint(1, 12))
        entries, taken = [], []
        for p in sorted(chosen, key=lambda p: p.count("/")):
            if any(p.startswith(t + "/") for t in taken):
                continue        # (a layer never holds a path below one of its own files)
            kind = rng.choice([FILE, FILE, FILE, DIR, DIR, SYMLINK, HARDLINK, OTHER, WHITEOUT, OPAQUE])
            if kind == OPAQUE:
                entries += [E(p, DIR), E(p, OPAQUE)]
                continue
            entries.append(E(p, kind, rng.randint(1, 1000) if kind == FILE else 0,
                             link="a" if kind in (SYMLINK, HARDLINK) else ""))
            if kind not in (DIR,):
                taken.append(p)
        if rng.random() < 0.05:
            entries.append(E("", OPAQUE))
        layers.append(entries)
    return layers


def _product(names: list[str], n: int):
    if n == 0:
        yield ()
        return
    for head in names:
        for rest in _product(names, n - 1):
            yield (head, *rest)


@pytest.mark.parametrize("seed", range(300))
def test_random_stacks_match_the_definitions(seed):
    layers = random_stack(random.Random(seed))
    image, files = image_of(layers)
    result = image_files(image, files)
    changes, wasted, fs = naive(layers)
    assert [[(c.path, c.type, c.size, c.change) for c in lc.changes] for lc in result.layers] == changes
    assert [lc.wasted for lc in result.layers] == wasted and result.wasted_bytes == sum(wasted)
    assert flat(result.root) == fs
    assert all(isinstance(c, Change) and (c.size == 0 if c.change == DELETED else True)
               for lc in result.layers for c in lc.changes)

