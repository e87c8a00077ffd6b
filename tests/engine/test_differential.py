"""Differential test: random states on a private engine, one random rmi/prune, prediction == engine answer.

Both moby image stores: dockerd 20.10 (classic store) and Engine 29 (containerd image store;
its states add BuildKit image indexes with attestations and a multi-platform index loaded from
an OCI layout); on both some images are also pushed to the private registry and pulled back by tag
or by digest, so registry digests join the references the operations pick.  20 seeds each by default; LAYERSCOPE_LONG=1 runs 300.  Prune's ImagesDeleted
is compared as a multiset (the engine's order is random); everything else exactly, and the
predicted state (IDs, RepoTags, RepoDigests, parents) must equal a fresh read.

Where the containerd store's answer depends on what no snapshot holds, the prediction says
so instead of guessing; the only reasons allowed here are ones its module docstring lists
(NOTHING_KNOWN, SPACE_UNKNOWN), and what is still predicted then (ImagesDeleted, the state
after) must hold.  Each test records its kind of agreement (``agreement`` property in a JUnit
report): exact, all but SpaceReclaimed, or unknowable."""
from __future__ import annotations

import os

import pytest

from engine29 import Engine29
from model.engine import simulate
from model.engine.outcome import multiset
from random_states import SPACE_UNKNOWN, make_state, prune_answer, random_operation, read, rmi_answer, state_view

SEEDS = range(300 if os.environ.get("LAYERSCOPE_LONG") == "1" else 20)
ENGINES = [pytest.param("dockerd", marks=pytest.mark.daemon), pytest.param("engine29", marks=pytest.mark.engine29)]
# containerd store: what a snapshot cannot know (model/engine/containerd.py's docstring) —
# reasons that leave nothing predicted, and the one that leaves all but SpaceReclaimed
NOTHING_KNOWN = ("until compares the record's CreatedAt", "depends on the labels of a platform other than the host's")


@pytest.fixture
def engine(request):
    """(kind, client, docker CLI environment or None, the emptied private registry) of the emptied private
    engine for this parameter."""
    kind = request.param
    if kind == "engine29":
        service = request.getfixturevalue("private_engine29")
        if not service.running:
            service.start()
        cli_env = service.cli_env()
    else:
        service = request.getfixturevalue("private_daemon")
        if service.proc is None or service.proc.poll() is not None:
            service.start()
        cli_env = None
        if Engine29.why_unavailable() is None:      # the buildx plugin ships with Engine 29's binaries
            plugin_dir = request.getfixturevalue("private_engine29").docker_config
            cli_env = dict(os.environ, DOCKER_HOST=service.url, DOCKER_CONFIG=plugin_dir)
    service.wipe()
    # registry digests join the states of both engines (on Engine 29 a pulled record carries no parent
    # label: the snapshot reads which names' records do, model/daemon/names.py)
    return kind, service.client(), cli_env, request.getfixturevalue("registry")


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
@pytest.mark.parametrize("seed", SEEDS)
def test_prediction_equals_daemon(engine, seed, record_property):
    kind, client, cli_env, registry = engine
    st = make_state(client, seed, kind, cli_env, registry)
    op = random_operation(client, st, seed)
    before = read(client)
    if op.kind == "rmi":
        outcomes, after = simulate.rmi(before, op.refs, force=op.force, noprune=op.noprune)
        actual = [rmi_answer(client, r, op.force, op.noprune) for r in op.refs]
        for predicted, real in zip(outcomes, actual):
            assert not predicted.unpredictable, (str(op), predicted.unpredictable)
            assert predicted.matches(real), (seed, str(op), predicted.to_json(), real)
    else:
        result, after = simulate.prune(before, all=op.all, filters=op.filters)
        if kind == "engine29" and any(r in result.unpredictable for r in NOTHING_KNOWN):
            record_property("agreement", "unknowable: " + result.unpredictable)
            return                                   # nothing predicted: nothing to compare
        real = prune_answer(client, op.all, op.filters)
        if kind == "engine29" and result.unpredictable.startswith(SPACE_UNKNOWN):
            record_property("agreement", "all but SpaceReclaimed: " + result.unpredictable)
            assert result.space_reclaimed is None
            assert multiset(real.get("ImagesDeleted")) == multiset(result.images_deleted), \
                (seed, str(op), result.images_deleted, real)
        else:
            assert not result.unpredictable, (str(op), result.unpredictable)
            assert result.matches(real), (seed, str(op), result.to_json(), real)
    assert state_view(after) == state_view(read(client)), (seed, str(op))
    record_property("agreement", "exact")
