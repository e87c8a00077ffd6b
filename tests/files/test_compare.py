"""compare: two images' common layer prefix, where they diverge, their own layers, and the files that differ."""
from __future__ import annotations

from model.core.layerfiles import DIR, FILE, SYMLINK, Entry, LayerFiles
from model.core.snapshot import Image
from model.files.compare import ADDED, CHANGED, MAX_LISTED, REMOVED, compare
from model.files.stack import image_files


def digest(n: int) -> str:
    return f"sha256:{n:064x}"


def E(path, kind=FILE, size=0, mode=0o644, link="", crc=0):  # noqa: N802
    return Entry(path, kind, size, mode, link, crc if kind == FILE else None)


BASE = [E("etc", DIR), E("etc/os-release", FILE, 100, crc=1), E("lib", DIR), E("lib/libc.so", FILE, 2000, crc=2)]
DEPS = [E("app", DIR), E("app/node_modules", DIR), E("app/node_modules/x.js", FILE, 5000, crc=3)]
SRC_A = [E("app/index.js", FILE, 50, crc=4), E("app/README", FILE, 9, crc=5), E("app/link", SYMLINK, link="index.js")]
SRC_B = [E("app/index.js", FILE, 50, crc=44), E("app/new.js", FILE, 70, crc=6), E("app/link", SYMLINK, link="new.js"),
         E("etc/os-release", FILE, 100, mode=0o600, crc=1)]
LAYERS = {1: BASE, 2: DEPS, 3: SRC_A, 4: SRC_B}
FILES = {digest(n): LayerFiles(digest(n), tuple(entries)) for n, entries in LAYERS.items()}


def image(n: int, ids: list[int], tag: str):
    img = Image(digest(900 + n), (tag,), (), "", "", 0, tuple(digest(i) for i in ids))
    sizes = {chain: 1000 * (k + 1) for k, chain in enumerate(img.chain_ids)}     # what the map would show
    return img, image_files(img, FILES, sizes)


def test_common_prefix_divergence_and_own_layers():
    img_a, a = image(1, [1, 2, 3], "app:old")
    img_b, b = image(2, [1, 2, 4], "app:new")
    c = compare(a, b, img_a, img_b)
    assert [lc.chain_id for lc in c.common] == list(img_a.chain_ids[:2]) == list(img_b.chain_ids[:2])
    assert c.diverge_at == 2 and c.common_bytes == 1000 + 2000
    assert [lc.diff_id for lc in c.only_a] == [digest(3)] and c.only_a_bytes == 3000
    assert [lc.diff_id for lc in c.only_b] == [digest(4)] and c.only_b_bytes == 3000
    assert [(f.path, f.type_b, f.size_b, f.layer_b) for f in c.added.listed] == [("app/new.js", FILE, 70, 2)]
    assert [(f.path, f.type_a, f.size_a, f.layer_a) for f in c.removed.listed] == [("app/README", FILE, 9, 2)]
    assert [(f.path, f.change) for f in c.changed.listed] == [
        ("app/index.js", CHANGED), ("app/link", CHANGED), ("etc/os-release", CHANGED)]   # crc, link, mode
    assert (c.added.count, c.added.bytes, c.removed.count, c.removed.bytes, c.changed.bytes) == (1, 70, 1, 9, 0)


def test_a_rebuilt_base_shares_nothing():
    """Same files, but the base was rebuilt: another diff ID, so no common prefix — and no file differs."""
    files = dict(FILES) | {digest(5): LayerFiles(digest(5), tuple(BASE))}
    img_a = Image(digest(901), (), (), "", "", 0, (digest(1), digest(2)))
    img_b = Image(digest(902), (), (), "", "", 0, (digest(5), digest(2)))
    c = compare(image_files(img_a, files), image_files(img_b, files), img_a, img_b)
    assert c.diverge_at == 0 and c.common == () and len(c.only_a) == len(c.only_b) == 2
    assert c.added.count == c.removed.count == c.changed.count == 0


def test_an_image_compared_with_itself():
    img_a, a = image(1, [1, 2, 3], "app:old")
    c = compare(a, a, img_a, img_a)
    assert c.diverge_at == 3 and c.only_a == c.only_b == ()
    assert c.added.count == c.removed.count == c.changed.count == 0


def test_a_huge_difference_stays_bounded_and_says_how_many_more():
    n = MAX_LISTED + 123
    big = [E("data", DIR)] + [E(f"data/f{i:05}", FILE, 1, crc=i) for i in range(n)]
    files = dict(FILES) | {digest(7): LayerFiles(digest(7), tuple(big))}
    img_a = Image(digest(901), (), (), "", "", 0, (digest(1),))
    img_b = Image(digest(902), (), (), "", "", 0, (digest(1), digest(7)))
    c = compare(image_files(img_a, files), image_files(img_b, files), img_a, img_b)
    assert c.added.count == n + 1 and len(c.added.listed) == MAX_LISTED and c.added.more == n + 1 - MAX_LISTED
    assert [f.path for f in c.added.listed[:3]] == ["data", "data/f00000", "data/f00001"]    # path order
    assert c.added.bytes == n
    out = c.to_json()["files"][ADDED]
    assert out["count"] == n + 1 and out["more"] == n + 1 - MAX_LISTED and len(out["files"]) == MAX_LISTED
    reverse = compare(image_files(img_b, files), image_files(img_a, files), img_b, img_a)
    assert reverse.removed.count == n + 1 and reverse.added.count == 0


def test_json_shape():
    img_a, a = image(1, [1, 2, 3], "app:old")
    img_b, b = image(2, [1, 2, 4], "app:new")
    data = compare(a, b, img_a, img_b).to_json()
    assert list(data) == ["a", "b", "common", "diverge_at", "files"]
    assert data["a"] == {"image": img_a.id, "tags": ["app:old"], "layers": 3,
                         "own_layers": [{"chain_id": img_a.chain_ids[2], "diff_id": digest(3), "size": 3000}],
                         "own_bytes": 3000}
    assert data["common"]["bytes"] == 3000 and len(data["common"]["layers"]) == 2
    assert list(data["files"]) == [ADDED, REMOVED, CHANGED]
    assert data["files"][REMOVED]["files"] == [{"path": "app/README", "type": "file", "size": 9}]
    assert data["files"][CHANGED]["files"][0] == {"path": "app/index.js", "type_a": "file", "type_b": "file",
                                                  "size_a": 50, "size_b": 50}
