"""The what-if sandbox on the replayed tutorial: its outcomes equal the daemon's later real answers."""
from __future__ import annotations

import docker

import builders
from model.core.chain import chain_ids
from model.daemon.imagecache import ImageCache
from model.daemon.source import read_snapshot
from model.engine.plan import PRUNE, RMI, UNTAG, Request
from model.engine.whatif import DO, REDO, RESET, UNDO, WhatIf


def real_rmi(client: docker.DockerClient, ref: str) -> dict:
    """The daemon's answer in RmiOutcome.to_json() shape (low-level API: the list is kept)."""
    try:
        return {"ref": ref, "response": client.api.remove_image(ref)}
    except docker.errors.APIError as exc:
        return {"ref": ref, "error": {"status": exc.response.status_code, "message": exc.explanation}}


def image_list(client: docker.DockerClient) -> list[tuple[str, tuple[str, ...]]]:
    """Every image (intermediates too) with its tags, as the daemon lists them."""
    return sorted((i["Id"], tuple(sorted(i["RepoTags"] or ()))) for i in client.api.images(all=True))


def test_tutorial_sandbox_then_real(daemon):
    client = daemon.client()
    ids = builders.tutorial(client)
    base_layers = chain_ids(client.api.inspect_image("ubuntu:18.04")["RootFS"]["Layers"])
    apache_layers = chain_ids(client.api.inspect_image("ubuntu_apache")["RootFS"]["Layers"])
    page_layers = chain_ids(client.api.inspect_image("iscreamedu_apache")["RootFS"]["Layers"])
    original = read_snapshot(client, cache=ImageCache(None))
    before = image_list(client)

    sandbox = WhatIf(original)
    changes = []
    unsubscribe = sandbox.subscribe(changes.append)
    assert not sandbox.can_undo and not sandbox.can_redo and sandbox.current is original

    # 1. the base is a parent: rmi only untags it
    [untag] = sandbox.do(Request(RMI, ("ubuntu:18.04",))).outcomes
    assert untag.ok and list(untag.response) == [{"Untagged": "ubuntu:18.04"}]
    assert {i.id for i in sandbox.current.images} == set(ids.values())
    assert sandbox.current.by_id[ids["ubuntu:18.04"]].repo_tags == ()
    # 2. the top image: itself and its one layer
    [top] = sandbox.do(Request(RMI, ("iscreamedu_apache",))).outcomes
    assert list(top.response) == [{"Untagged": "iscreamedu_apache:latest"},
                                  {"Deleted": ids["iscreamedu_apache:latest"]}, {"Deleted": page_layers[-1]}]
    # 3. the middle image: itself, its layer, the untagged base and the base's layers
    [rest] = sandbox.do(Request(RMI, ("ubuntu_apache",))).outcomes
    assert list(rest.response) == ([{"Untagged": "ubuntu_apache:latest"}, {"Deleted": ids["ubuntu_apache:latest"]},
                                    {"Deleted": apache_layers[-1]}, {"Deleted": ids["ubuntu:18.04"]}]
                                   + [{"Deleted": c} for c in reversed(base_layers)])
    assert sandbox.current.images == () and sandbox.current.source == "what-if"
    assert sandbox.labels == [
        "docker rmi ubuntu:18.04", "docker rmi iscreamedu_apache", "docker rmi ubuntu_apache"]
    after_three = [s.after for s in sandbox.steps]

    # the sandbox never touched the daemon
    assert image_list(client) == before

    # undo all three: back to the very original snapshot
    for expected in reversed(after_three):
        assert sandbox.current == expected
        assert sandbox.undo() is not None
    assert sandbox.current == original and not sandbox.can_undo and sandbox.can_redo
    assert sandbox.undo() is None
    # redo all three: the same states again
    for expected in after_three:
        sandbox.redo()
        assert sandbox.current == expected
    assert not sandbox.can_redo and sandbox.redo() is None
    assert [c.kind for c in changes] == [DO] * 3 + [UNDO] * 3 + [REDO] * 3
    assert all(c.current is not None for c in changes)
    assert image_list(client) == before

    # a new command after undo drops the redo stack
    sandbox.undo()
    sandbox.do(Request(UNTAG, ("ubuntu_apache",)))
    assert not sandbox.can_redo and sandbox.labels[-1] == "untag ubuntu_apache"
    sandbox.undo()
    sandbox.redo()
    unsubscribe()
    n = len(changes)
    assert sandbox.reset() == original and sandbox.current == original and sandbox.labels == []
    assert len(changes) == n                        # unsubscribed: no more notifications
    assert image_list(client) == before

    # now the same three commands for real: each answer is what the sandbox predicted
    for label, outcome in zip(("ubuntu:18.04", "iscreamedu_apache", "ubuntu_apache"), (untag, top, rest)):
        actual = real_rmi(client, label)
        assert outcome.matches(actual), (outcome.to_json(), actual)
    assert client.api.images(all=True) == []


def test_untag_of_one_of_two_tags_and_prune(daemon):
    client = daemon.client()
    builders.import_image(client, "base:1", {"opt/a": builders.noise(2000, 7)})
    client.api.tag("base:1", "base", "2")
    builders.build(client, "FROM base:1\nRUN echo one > /one\n", tag="app:1")
    builders.build(client, "FROM base:1\nRUN echo two > /two\n", tag="app:1")     # the first app:1 dangles
    snap = read_snapshot(client, cache=ImageCache(None))
    before = image_list(client)
    sandbox = WhatIf(snap)
    seen = []
    sandbox.subscribe(lambda change: seen.append((change.kind, len(change.current.images))))

    [out] = sandbox.do(Request(UNTAG, ("base:2",))).outcomes
    assert list(out.response) == [{"Untagged": "base:2"}]
    assert len(sandbox.current.images) == len(snap.images)
    result = sandbox.do(Request(PRUNE)).prune
    assert result.unpredictable == "" and result.status == 200
    assert len(sandbox.current.images) == len(snap.images) - 1      # the dangling first app:1
    assert sandbox.labels[-1] == "docker image prune"
    assert seen == [(DO, len(snap.images)), (DO, len(snap.images) - 1)]
    assert image_list(client) == before

    # the daemon agrees when asked for real
    assert out.matches(real_rmi(client, "base:2"))
    real = client.api.prune_images()
    assert result.matches(real), (result.to_json(), real)
    sandbox.reset()
    assert seen[-1] == (RESET, len(snap.images))
