"""Live updates against the private dockerd: events in, incremental snapshots out, no full reloads."""
from __future__ import annotations

import threading
import time
from typing import Callable

import docker
import pytest

import builders
from model.daemon import source
from model.daemon.events import (CONNECTED, DISCONNECTED, STOPPED, EventFollower, LiveSnapshot, Published, apply_event,
                          event_time, refresh_incremental)
from model.daemon.imagecache import ImageCache
from model.core.snapshot import Snapshot

LATENCY = 0.300      # seconds from the daemon's event to the published snapshot reflecting it


def canonical(snap: Snapshot) -> Snapshot:
    """Order-free form: the daemon lists images created in the same second in any order."""
    return snap.replace(images=tuple(sorted(snap.images, key=lambda i: i.id)),
                        containers=tuple(sorted(snap.containers, key=lambda c: c.id)), taken_at="", warnings=())


class Counting:
    """The test's own client factory: real clients whose inspect/history calls are recorded."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.inspected: list[str] = []
        self.histories: list[str] = []

    def __call__(self) -> docker.DockerClient:
        client = docker.DockerClient(base_url=self.url, timeout=30)
        inspect, history = client.api.inspect_image, client.api.history

        def counted_inspect(image: str) -> dict:
            self.inspected.append(image)
            return inspect(image)

        def counted_history(image: str) -> list:
            self.histories.append(image)
            return history(image)

        client.api.inspect_image, client.api.history = counted_inspect, counted_history
        return client


@pytest.fixture
def full_reads(monkeypatch) -> list[int]:
    """Every call of model.daemon.source.read_snapshot during the test (the live path must make none)."""
    calls: list[int] = []
    real = source.read_snapshot

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(source, "read_snapshot", counting)
    return calls


_REAL_READ = source.read_snapshot      # kept before any test wraps it: the tests' own full reads


def fresh(client: docker.DockerClient) -> Snapshot:
    """A full read without any cache (the reference the incremental snapshot must equal)."""
    return _REAL_READ(client, cache=ImageCache(None))


def wait_until(cond: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll cond every 10 ms until it holds or timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


class Session:
    """A LiveSnapshot on the private daemon with everything it publishes recorded."""

    def __init__(self, daemon) -> None:
        self.client = daemon.client()
        self.factory = Counting(daemon.url)
        self.published: list[Published] = []
        self.states: list[str] = []
        self.live = LiveSnapshot(self.factory, fresh(self.client), self.published.append, self.states.append)
        self.live.start()
        assert wait_until(lambda: CONNECTED in self.states), self.states

    def reflect(self, what: str, pred: Callable[[Snapshot], bool], match: Callable[[dict], bool]) -> float:
        """Wait for the published snapshot satisfying pred; return its delay after the matching event."""
        assert wait_until(lambda: any(pred(p.snapshot) for p in self.published)), f"{what}: never reflected"
        first = next(p for p in self.published if pred(p.snapshot))
        assert wait_until(lambda: any(match(e) for _, e in list(self.live.received))), f"{what}: no event"
        event = [e for _, e in list(self.live.received) if match(e)][-1]
        latency = first.at - event_time(event)
        assert latency <= LATENCY, f"{what}: reflected {latency * 1000:.0f} ms after the event"
        print(f"{what}: reflected {latency * 1000:.0f} ms after the event")
        # and once the daemon is quiet, the live snapshot equals a fresh full read
        assert wait_until(lambda: self.live.wait_idle(1) and
                          canonical(self.live.snapshot) == canonical(fresh(self.client)), 5), what
        return latency

    def mark(self) -> None:
        """Forget what was published so far (the next reflect looks only at new snapshots)."""
        self.live.wait_idle(2)
        self.published.clear()


def tags(snap: Snapshot) -> dict[str, str]:
    """tag → image ID."""
    return {t: i.id for i in snap.images for t in i.repo_tags}


def is_image_event(action: str, image_id: str | None = None, name: str | None = None) -> Callable[[dict], bool]:
    """Matcher for an image event."""
    def match(e: dict) -> bool:
        actor = e.get("Actor") or {}
        return (e.get("Type") == "image" and e.get("Action") == action
                and (image_id is None or actor.get("ID") == image_id)
                and (name is None or (actor.get("Attributes") or {}).get("name") == name))
    return match


def test_refresh_incremental_equals_full_read(daemon, monkeypatch):
    from model.daemon import events
    read: list[str] = []            # images whose inspect + history the refresh read (model.daemon.source.read_image)

    def recording(get, image_id, summary, api_version):
        read.append(image_id)
        return source.read_image(get, image_id, summary, api_version)
    monkeypatch.setattr(events, "read_image", recording)
    client = daemon.client()
    ids = builders.tutorial(client)
    before = fresh(client)
    client.api.tag("ubuntu_apache", "web", "v1")
    client.api.remove_image("iscreamedu_apache")
    builders.build(client, "FROM ubuntu_apache\nRUN echo x > /x\n", tag="web:v2")
    builders.run_container(client, "web:v2", running=False)
    inc = refresh_incremental(before, client)
    full = fresh(client)
    assert inc.taken_at and inc.source == "daemon" and inc.info == full.info
    assert canonical(inc) == canonical(full)
    assert {i.id for i in inc.images} == {i.id for i in full.images}
    # only the new image(s) were inspected; the held ones came from the old snapshot
    new = {i.id for i in full.images} - {i.id for i in before.images}
    assert new and set(read) == new and len(read) == len(new)
    assert ids["iscreamedu_apache:latest"] not in inc.by_id
    assert inc.by_id[ids["ubuntu_apache:latest"]].repo_tags == ("ubuntu_apache:latest", "web:v1")
    # nothing changed: nothing inspected, same content
    read.clear()
    assert canonical(refresh_incremental(inc, client)) == canonical(full) and read == []


def test_follow_tag_untag_build_commit_rmi(daemon, full_reads):
    s = Session(daemon)
    client = s.client
    try:
        base = builders.import_image(client, "base:1", {"opt/a": builders.noise(5000, 3)})
        s.reflect("import", lambda sn: tags(sn).get("base:1") == base, is_image_event("import", base))

        s.mark()
        client.api.tag("base:1", "base", "2")
        s.reflect("tag", lambda sn: tags(sn).get("base:2") == base, is_image_event("tag", base, "base:2"))

        s.mark()
        assert client.api.remove_image("base:2") == [{"Untagged": "base:2"}]
        s.reflect("untag", lambda sn: "base:2" not in tags(sn) and base in sn.by_id, is_image_event("untag", base))

        s.mark()
        app = builders.build(client, "FROM base:1\nRUN echo hello > /hello\nENV A=1\n", tag="app:1")
        s.reflect("build", lambda sn: tags(sn).get("app:1") == app, is_image_event("tag", app, "app:1"))
        assert s.live.snapshot.by_id[app].parent != ""            # classic build: parent chain kept

        s.mark()
        committed = builders.commit(client, "app:1", "echo more > /more", "app:2")
        s.reflect("commit", lambda sn: tags(sn).get("app:2") == committed,
                  lambda e: e.get("Type") == "container" and e.get("Action") == "commit")

        s.mark()
        answer = client.api.remove_image("app:2")
        assert {"Deleted": committed} in answer
        s.reflect("rmi", lambda sn: committed not in sn.by_id, is_image_event("delete", committed))

        # no full reload anywhere on the live path; inspect+history only for images new at the time
        assert full_reads == []
        assert s.live.updates >= 6
        new_ids = {i.id for i in s.live.snapshot.images} | {committed}
        assert set(s.factory.histories) <= new_ids
        assert len(s.factory.histories) <= len(new_ids)
        assert not s.live.errors, s.live.errors
    finally:
        s.live.stop()
    assert s.states[-1] == STOPPED


def test_follower_survives_daemon_restart(daemon, full_reads):
    s = Session(daemon)
    client = s.client
    try:
        base = builders.import_image(client, "base:1", {"opt/b": builders.noise(3000, 4)})
        s.reflect("import", lambda sn: tags(sn).get("base:1") == base, is_image_event("import", base))
        connects = s.live.follower.connects
        daemon.restart()
        assert wait_until(lambda: s.live.follower.connects > connects, 30), (s.states, s.live.follower.last_error)
        after = s.states[s.states.index(CONNECTED) + 1:]
        assert after[:2] == [DISCONNECTED, CONNECTED], s.states

        client = daemon.client()
        s.client = client
        s.mark()
        client.api.tag("base:1", "base", "after-restart")
        s.reflect("tag after restart", lambda sn: tags(sn).get("base:after-restart") == base,
                  is_image_event("tag", base, "base:after-restart"))
        assert full_reads == []
    finally:
        s.live.stop()


def test_event_follower_stop_and_backoff(tmp_path):
    """A daemon that is not there: the follower reports disconnected, backs off, and stops promptly."""
    attempts: list[float] = []
    states: list[str] = []

    def factory() -> docker.DockerClient:
        attempts.append(time.monotonic())
        return docker.DockerClient(base_url=f"unix://{tmp_path}/absent.sock", timeout=2)

    follower = EventFollower(factory, lambda e: None, states.append)
    t = threading.Thread(target=follower.run, daemon=True)
    t.start()
    assert wait_until(lambda: len(attempts) >= 4, 10)
    follower.stop()
    t.join(5)
    assert not t.is_alive()
    assert states[0] == DISCONNECTED and states[-1] == STOPPED and CONNECTED not in states
    gaps = [b - a for a, b in zip(attempts, attempts[1:])]
    assert gaps[0] >= 0.18 and gaps[1] >= 0.38 and gaps[2] >= 0.78         # 0.2 s doubling …
    assert all(g < 2.5 for g in gaps)                                         # … up to 2 s


def test_apply_event_patches_moved_tag_and_delete(daemon):
    client = daemon.client()
    first = builders.import_image(client, "base:1", {"opt/c": builders.noise(2000, 5)})
    second = builders.import_image(client, "other:1", {"opt/d": builders.noise(2000, 6)})
    snap = fresh(client)
    counted = Counting(daemon.url)
    c = counted()

    def step(action: Callable[[], object], expect: str) -> dict:
        since = time.time()
        action()
        [event] = client.api.events(since=since, until=time.time() + 0.2, filters={"type": "image"}, decode=True)
        assert event["Action"] == expect
        return event

    # base:1 moves to the second image: the first loses it without an untag event of its own
    snap = apply_event(snap, c, step(lambda: client.api.tag("other:1", "base", "1"), "tag"))
    assert snap.by_id[second].repo_tags == ("base:1", "other:1") and snap.by_id[first].repo_tags == ()
    assert canonical(snap) == canonical(fresh(client))
    snap = apply_event(snap, c, step(lambda: client.api.remove_image("other:1"), "untag"))
    assert snap.by_id[second].repo_tags == ("base:1",)
    assert canonical(snap) == canonical(fresh(client))
    since = time.time()
    client.api.remove_image(first)                  # untagged already: only a delete event
    [event] = client.api.events(since=since, until=time.time() + 0.2, filters={"type": "image"}, decode=True)
    assert event["Action"] == "delete"
    snap = apply_event(snap, c, event)
    assert first not in snap.by_id and canonical(snap) == canonical(fresh(client))
    assert counted.histories == []                  # patched from single inspects, nothing re-read in full
    assert counted.inspected == [second, second, first]
