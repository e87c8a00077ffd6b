"""The image cache: one sealed file per daemon (two daemons on one host share dockerd's ID), its seal checked when
read, and discarded with a warning — never trusted — when damaged."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import builders
from daemon import DaemonUnavailable, PrivateDaemon, start_private
from model.core.snapshot import Snapshot
from model.daemon.imagecache import CACHE_VERSION, ImageCache, seal
from model.daemon.source import connect, read_snapshot


@pytest.fixture(scope="module")
def second_daemon(private_daemon):
    """A second private dockerd on this host, started the same way as the session's (own socket and root)."""
    other = start_private(PrivateDaemon(), DaemonUnavailable)
    yield other
    other.cleanup()


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """A private cache directory ($LAYERSCOPE_CACHE), with caching on."""
    monkeypatch.delenv("LAYERSCOPE_NO_CACHE", raising=False)
    monkeypatch.setenv("LAYERSCOPE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def comparable(snap: Snapshot) -> Snapshot:
    """What two reads of an unchanged daemon share (not the time taken, not the warnings)."""
    return snap.replace(taken_at="", warnings=())


def fresh(url: str) -> Snapshot:
    """A read without any cache."""
    return read_snapshot(connect(url), cache=ImageCache(None))


def read_cache(path: Path) -> tuple[dict, dict]:
    """The header and the body of a sealed cache file."""
    head, _, body = path.read_bytes().partition(b"\n")
    return json.loads(head), json.loads(body)


def test_two_daemons_on_one_host_get_two_cache_files(daemon, second_daemon, cache_home):
    """Two dockerds on one host report one ID; each still gets its own cache file, holding its own images."""
    second_daemon.wipe()
    one = builders.import_image(daemon.client(), "one:1", {"a": builders.noise(2000, 1)})
    two = builders.import_image(second_daemon.client(), "two:1", {"b": builders.noise(2000, 2)})
    snaps = [read_snapshot(connect(d.url)) for d in (daemon, second_daemon)]
    assert snaps[0].info.daemon_id == snaps[1].info.daemon_id        # the premise: dockerd 20.10's host-wide ID
    files = sorted(cache_home.glob("images-*.json"))
    assert len(files) == 2
    held = [set(read_cache(f)[1]["images"]) for f in files]
    assert {frozenset(h) for h in held} == {frozenset({one}), frozenset({two})}
    keys = {read_cache(f)[0]["daemon"] for f in files}
    assert {daemon.url in k for k in keys} == {True, False} and {second_daemon.url in k for k in keys} == {True, False}
    again = [read_snapshot(connect(d.url)) for d in (daemon, second_daemon)]    # from the caches: same answers
    assert [comparable(s) for s in again] == [comparable(s) for s in snaps]
    assert all(not s.warnings for s in again)
    second_daemon.wipe()


def damage_cases(good: bytes, key: str) -> dict[str, bytes]:
    """Cache files that must be discarded: torn, edited after sealing, sealed for another daemon, not a cache,
    and sealed bodies of the wrong shape."""
    head, _, body = good.partition(b"\n")
    data = json.loads(body)
    image_id = next(iter(data["images"]))
    edited = body.replace(b'"Size":', b'"Size":1', 1)
    assert edited != body
    return {
        "torn in half": good[:len(good) // 2],
        "edited after sealing": head + b"\n" + edited,
        "header only": head,
        "a longer body": good + b" ",
        "sealed for another daemon": seal("not this one", data),
        "a list": b"[]",
        "not JSON": b"{\"version\": 3, \"images\": {",
        "images a list": seal(key, dict(data, images=[])),
        "entry not a pair": seal(key, dict(data, images={image_id: {"Id": image_id}})),
    }


def same_cache(a: bytes, b: bytes) -> bool:
    """Two cache files hold the same entries and listing (not the time the listing was taken)."""
    def parts(raw: bytes) -> tuple:
        head, _, body = raw.partition(b"\n")
        data = json.loads(body)
        data["last"]["taken_at"] = ""
        return json.loads(head)["daemon"], data
    return parts(a) == parts(b)


def test_a_damaged_cache_is_discarded_with_a_warning(daemon, cache_home):
    """Each damage: the read warns, ignores the file (the snapshot equals a fresh read) and writes it anew."""
    base = builders.import_image(daemon.client(), "base:1", {"f": builders.noise(3000, 3)})
    first = read_snapshot(connect(daemon.url))
    [path] = cache_home.glob("images-*.json")
    good = path.read_bytes()
    truth = comparable(fresh(daemon.url))
    assert comparable(first) == truth and not first.warnings
    for name, content in damage_cases(good, read_cache(path)[0]["daemon"]).items():
        path.write_bytes(content)
        snap = read_snapshot(connect(daemon.url))
        warnings = [w for w in snap.warnings if w.startswith(f"the image cache {path} was damaged and was discarded: ")]
        assert len(warnings) == 1 and "\n" not in warnings[0], (name, snap.warnings)
        assert comparable(snap) == truth, name
        assert snap.by_id[base].size > 0 and snap.by_id[base].diff_ids, name
        assert same_cache(path.read_bytes(), good), name                # the next start trusts a good file again
        assert not read_snapshot(connect(daemon.url)).warnings, name


def test_an_older_cache_version_is_replaced_without_a_warning(daemon, cache_home):
    """A cache of an older Layerscope is not damage: it is replaced quietly."""
    builders.import_image(daemon.client(), "old:1", {"o": b"o"})
    read_snapshot(connect(daemon.url))
    [path] = cache_home.glob("images-*.json")
    path.write_text(json.dumps({"version": CACHE_VERSION - 1, "images": {"x": [1, 2]}}))
    snap = read_snapshot(connect(daemon.url))
    assert not snap.warnings and comparable(snap) == comparable(fresh(daemon.url))
    assert read_cache(path)[0]["version"] == CACHE_VERSION
