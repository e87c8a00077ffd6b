"""The image cache: one file per daemon (two daemons on one host share dockerd's ID), checked when read, and
discarded with a warning — never trusted — when damaged."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import builders
from daemon import DaemonUnavailable, PrivateDaemon, start_private
from model.core.snapshot import Snapshot
from model.daemon.imagecache import CACHE_VERSION, ImageCache
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


def test_two_daemons_on_one_host_get_two_cache_files(daemon, second_daemon, cache_home):
    """Two dockerds on one host report one ID; each still gets its own cache file, holding its own images."""
    second_daemon.wipe()
    one = builders.import_image(daemon.client(), "one:1", {"a": builders.noise(2000, 1)})
    two = builders.import_image(second_daemon.client(), "two:1", {"b": builders.noise(2000, 2)})
    snaps = [read_snapshot(connect(d.url)) for d in (daemon, second_daemon)]
    assert snaps[0].info.daemon_id == snaps[1].info.daemon_id        # the premise: dockerd 20.10's host-wide ID
    files = sorted(cache_home.glob("images-*.json"))
    assert len(files) == 2
    held = [set(json.loads(f.read_text())["images"]) for f in files]
    assert {frozenset(h) for h in held} == {frozenset({one}), frozenset({two})}
    keys = {json.loads(f.read_text())["daemon"] for f in files}
    assert {daemon.url in k for k in keys} == {True, False} and {second_daemon.url in k for k in keys} == {True, False}
    again = [read_snapshot(connect(d.url)) for d in (daemon, second_daemon)]    # from the caches: same answers
    assert [comparable(s) for s in again] == [comparable(s) for s in snaps]
    assert all(not s.warnings for s in again)
    second_daemon.wipe()


def damage_cases(image_id: str, entry: list, key: str) -> dict[str, object]:
    """Cache files that must be discarded: valid JSON of the wrong shape, and entries with wrong content."""
    def with_entry(inspect_change: dict, drop: str = "", filed_under: str = image_id) -> dict:
        inspect = {k: v for k, v in {**entry[0], **inspect_change}.items() if k != drop}
        return {"version": CACHE_VERSION, "daemon": key, "images": {filed_under: [inspect, entry[1]]}}
    other = "sha256:" + "e" * 64
    return {
        "a list": [],
        "images a list": {"version": CACHE_VERSION, "daemon": key, "images": []},
        "entry not a pair": {"version": CACHE_VERSION, "daemon": key, "images": {image_id: {"Id": image_id}}},
        "size -7": with_entry({"Size": -7}),
        "no layers": with_entry({}, drop="RootFS"),
        "wrong Id": with_entry({"Id": other}),
        "filed under another ID": with_entry({}, filed_under=other),
        "history row size a string": {"version": CACHE_VERSION, "daemon": key, "images": {
            image_id: [entry[0], [dict(entry[1][0], Size="12")]]}},
        "another daemon's": {"version": CACHE_VERSION, "daemon": "not this one", "images": {}},
        "not JSON": "{\"version\": 2, \"images\": {",
    }


def test_a_damaged_cache_is_discarded_with_a_warning(daemon, cache_home):
    """Each damage: the read warns, ignores the file (the snapshot equals a fresh read) and writes it anew."""
    base = builders.import_image(daemon.client(), "base:1", {"f": builders.noise(3000, 3)})
    first = read_snapshot(connect(daemon.url))
    [path] = cache_home.glob("images-*.json")
    good = json.loads(path.read_text())
    truth = comparable(fresh(daemon.url))
    assert comparable(first) == truth and not first.warnings
    for name, content in damage_cases(base, good["images"][base], good["daemon"]).items():
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        snap = read_snapshot(connect(daemon.url))
        warnings = [w for w in snap.warnings if w.startswith(f"the image cache {path} was damaged and was discarded: ")]
        assert len(warnings) == 1 and "\n" not in warnings[0], (name, snap.warnings)
        assert comparable(snap) == truth, name
        assert snap.by_id[base].size > 0 and snap.by_id[base].diff_ids, name
        rewritten = json.loads(path.read_text())
        assert rewritten == good, name                                  # the next start trusts a good file again
        assert not read_snapshot(connect(daemon.url)).warnings, name


def test_an_older_cache_version_is_replaced_without_a_warning(daemon, cache_home):
    """A cache of an older Layerscope is not damage: it is replaced quietly."""
    builders.import_image(daemon.client(), "old:1", {"o": b"o"})
    read_snapshot(connect(daemon.url))
    [path] = cache_home.glob("images-*.json")
    path.write_text(json.dumps({"version": CACHE_VERSION - 1, "images": {"x": [1, 2]}}))
    snap = read_snapshot(connect(daemon.url))
    assert not snap.warnings and comparable(snap) == comparable(fresh(daemon.url))
    assert json.loads(path.read_text())["version"] == CACHE_VERSION
