"""Differential test: random states on the private dockerd, one random rmi/prune, prediction == daemon answer.

20 seeds by default; LAYERSCOPE_LONG=1 runs 300.  Prune's ImagesDeleted is compared as a
multiset (the daemon's order is random); everything else exactly."""
from __future__ import annotations

import os

import docker
import pytest

from model.engine import simulate
from model.daemon.source import read_snapshot
from random_states import make_state, random_operation

SEEDS = range(300 if os.environ.get("LAYERSCOPE_LONG") == "1" else 20)


def _rmi(client, ref, force, noprune):
    try:
        return {"ref": ref, "response": client.api.remove_image(ref, force=force, noprune=noprune)}
    except docker.errors.APIError as exc:
        return {"ref": ref, "error": {"status": exc.response.status_code, "message": exc.explanation}}


def _prune(client, all_, filters):
    f = dict(filters or {})
    if all_:
        f["dangling"] = False
    try:
        return client.api.prune_images(filters=f or None)
    except docker.errors.APIError as exc:
        return {"error": {"status": exc.response.status_code, "message": exc.explanation}}


def _state_view(snap):
    return sorted((i.id, tuple(sorted(i.repo_tags)), tuple(sorted(i.repo_digests)), i.parent)
                  for i in snap.images)


@pytest.mark.parametrize("seed", SEEDS)
def test_prediction_equals_daemon(private_daemon, seed):
    if private_daemon.proc is None or private_daemon.proc.poll() is not None:
        private_daemon.start()
    private_daemon.wipe()
    client = private_daemon.client()
    st = make_state(client, seed)
    op = random_operation(client, st, seed)
    before = read_snapshot(client)
    if op.kind == "rmi":
        outcomes, after = simulate.rmi(before, op.refs, force=op.force, noprune=op.noprune)
        actual = [_rmi(client, r, op.force, op.noprune) for r in op.refs]
        for predicted, real in zip(outcomes, actual):
            assert not predicted.unpredictable, (str(op), predicted.unpredictable)
            assert predicted.matches(real), (seed, str(op), predicted.to_json(), real)
    else:
        result, after = simulate.prune(before, all=op.all, filters=op.filters)
        assert not result.unpredictable, (str(op), result.unpredictable)
        real = _prune(client, op.all, op.filters)
        assert result.matches(real), (seed, str(op), result.to_json(), real)
    assert _state_view(after) == _state_view(read_snapshot(client)), (seed, str(op))
