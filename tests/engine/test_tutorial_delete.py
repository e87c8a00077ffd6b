"""The seed tutorial's deletions and conflicts: the simulator's prediction equals dockerd's real answer."""
from __future__ import annotations

import docker
import pytest

import builders
from model.engine import simulate
from model.daemon.source import read_snapshot


def real_rmi(client: docker.DockerClient, ref: str, force: bool = False, noprune: bool = False) -> dict:
    """The daemon's answer in RmiOutcome.to_json() shape."""
    try:
        return {"ref": ref, "response": client.api.remove_image(ref, force=force, noprune=noprune)}
    except docker.errors.APIError as exc:
        return {"ref": ref, "error": {"status": exc.response.status_code, "message": exc.explanation}}


def predict_then_run(client, ref, force=False, noprune=False):
    snap = read_snapshot(client)
    [outcome], after = simulate.rmi(snap, [ref], force=force, noprune=noprune)
    actual = real_rmi(client, ref, force, noprune)
    assert outcome.matches(actual), (outcome.to_json(), actual)
    real_ids = {i.id for i in read_snapshot(client).images}
    assert {i.id for i in after.images} == real_ids
    return outcome, actual


@pytest.fixture
def tut(daemon):
    client = daemon.client()
    ids = builders.tutorial(client)
    return client, ids


def layers_of(client, ref):
    from model.core.chain import chain_ids
    return chain_ids(client.api.inspect_image(ref)["RootFS"]["Layers"])


def test_tutorial_three_deletions(tut):
    client, ids = tut
    base_layers = layers_of(client, "ubuntu:18.04")
    apache_layers = layers_of(client, "ubuntu_apache")
    page_layers = layers_of(client, "iscreamedu_apache")

    # 1. ubuntu:18.04 is the parent of ubuntu_apache: only untagged
    _, actual = predict_then_run(client, "ubuntu:18.04")
    assert actual["response"] == [{"Untagged": "ubuntu:18.04"}]

    # 2. iscreamedu_apache: its image and its one layer
    _, actual = predict_then_run(client, "iscreamedu_apache")
    assert actual["response"] == [{"Untagged": "iscreamedu_apache:latest"},
                                  {"Deleted": ids["iscreamedu_apache:latest"]},
                                  {"Deleted": page_layers[-1]}]

    # 3. ubuntu_apache: its image and layer, then the now-untagged base and its layers
    _, actual = predict_then_run(client, "ubuntu_apache")
    assert actual["response"] == ([{"Untagged": "ubuntu_apache:latest"},
                                   {"Deleted": ids["ubuntu_apache:latest"]},
                                   {"Deleted": apache_layers[-1]},
                                   {"Deleted": ids["ubuntu:18.04"]}]
                                  + [{"Deleted": c} for c in reversed(base_layers)])
    assert client.api.images(all=True) == []


def test_running_and_stopped_container_conflicts(tut):
    client, ids = tut
    run = builders.run_container(client, "iscreamedu_apache", running=True)
    _, actual = predict_then_run(client, "iscreamedu_apache")
    assert actual["error"]["status"] == 409 and run[:12] in actual["error"]["message"]
    _, actual = predict_then_run(client, ids["iscreamedu_apache:latest"], force=True)
    assert "cannot be forced" in actual["error"]["message"]
    # -f by name on a running image only untags it
    _, actual = predict_then_run(client, "iscreamedu_apache", force=True)
    assert actual["response"] == [{"Untagged": "iscreamedu_apache:latest"}]

    stopped = builders.run_container(client, "ubuntu_apache", running=False)
    _, actual = predict_then_run(client, ids["ubuntu_apache:latest"])
    assert actual["error"]["status"] == 409
    # ubuntu_apache has a child (the untagged iscreamedu image): hard conflict even with -f
    _, actual = predict_then_run(client, ids["ubuntu_apache:latest"], force=True)
    assert "image has dependent child images" in actual["error"]["message"]
    assert stopped


def test_dependent_child_conflict(tut):
    client, ids = tut
    _, actual = predict_then_run(client, ids["ubuntu:18.04"])
    assert actual["error"] == {
        "status": 409,
        "message": f"conflict: unable to delete {ids['ubuntu:18.04'][7:19]} (cannot be forced) - "
                   "image has dependent child images"}


def test_stopped_container_force_keeps_layers(tut):
    client, ids = tut
    builders.run_container(client, "iscreamedu_apache", running=False)
    _, actual = predict_then_run(client, "iscreamedu_apache")
    assert "must force" in actual["error"]["message"]
    _, actual = predict_then_run(client, ids["iscreamedu_apache:latest"], force=True)
    # the stopped container's RW layer still holds the image's top layer: no chain-ID lines
    assert actual["response"] == [{"Untagged": "iscreamedu_apache:latest"},
                                  {"Deleted": ids["iscreamedu_apache:latest"]}]
    # the parent, now without children, goes by the simulator's knowledge of the pinned layer
    _, actual = predict_then_run(client, "ubuntu_apache")
    assert {"Deleted": ids["ubuntu_apache:latest"]} in actual["response"]
