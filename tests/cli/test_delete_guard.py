"""`python main.py rmi|prune|log` on real dockerd 20.10 engines: shown before done, refused when not exact, recorded.

The states are the ones a user meets: a reference the API router rewrites, a blank name,
prune filters the daemon parses its own way, a stopped container whose image was
force-removed (overlay2, whose layer directories name the pinned layers, and vfs, which
names none), and a prune confirmed on a terminal while the daemon changes."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

import docker
import pytest

import builders
from commands import ROOT, cli, image_state
from daemon import DaemonUnavailable, PrivateDaemon, start_private
from model.commands.deletelog import DeleteLog
from model.daemon.source import read_snapshot


def _records(state) -> list[dict]:
    records, bad = DeleteLog(state / "deletes.jsonl").read()
    assert bad == 0
    return records


def test_rmi_of_a_path_the_router_rewrites_is_refused(daemon, private_state):
    client = daemon.client()
    builders.import_image(client, "leaf2:1")
    builders.import_image(client, "other:1", {"o": b"1"})
    before = image_state(client)
    for refs in (["x/../leaf2:1"], ["other:1", "x/../leaf2:1"], ["x/../leaf2:1", "other:1"]):
        dry = cli("rmi", "--dry-run", "--json", "--host", daemon.url, "--", *refs)
        assert dry.returncode == 0 and any("unpredictable" in o for o in json.loads(dry.stdout))
        res = cli("rmi", "--host", daemon.url, "--", *refs)
        assert res.returncode == 4, res.stderr
        assert res.stdout == "" and res.stderr.splitlines()[-1].startswith(
            "layerscope: refused, nothing was sent: cannot be predicted exactly: ")
        assert image_state(client) == before
    records = _records(private_state)
    assert [r["refused"]["kind"] for r in records] == ["unpredictable"] * 3
    assert all("sent" not in r and r["front_end"] == "cli" for r in records)
    log = cli("log")
    assert log.returncode == 0 and log.stdout.count("refused (unpredictable)") == 3


def test_predicted_errors_are_the_daemons_and_are_not_sent(daemon):
    client = daemon.client()
    builders.import_image(client, "keep:1")
    builders.commit(client, "keep:1", "echo a > /tmp/a", None)             # dangling: a prune would take it
    before = image_state(client)
    # a blank name: what the daemon answers to DELETE /images/ (the SDK itself refuses to send it)
    raw = client.api._delete(client.api._url("/images/"))
    dry = cli("rmi", "--dry-run", "--json", "--host", daemon.url, "--", "")
    assert json.loads(dry.stdout) == [{"ref": "", "error": {"status": raw.status_code,
                                                             "message": raw.json()["message"]}}]
    res = cli("rmi", "--host", daemon.url, "--", "")
    assert res.returncode == 1 and res.stderr.splitlines()[-1] == \
        "layerscope: refused, nothing was sent: the daemon would refuse it: image name cannot be blank"
    # an until beyond Go's durations: the daemon refuses it before deleting anything
    for until in ("10000000000000000000000h", "2562047h47m16.854775808s", "1e3h", "5."):
        with pytest.raises(docker.errors.APIError) as real:
            client.api.prune_images(filters={"until": until, "dangling": "true"})
        dry = cli("prune", "--dry-run", "--json", "--filter", f"until={until}", "--host", daemon.url)
        assert json.loads(dry.stdout) == {"error": {"status": real.value.response.status_code,
                                                    "message": real.value.explanation}}, until
        res = cli("prune", "-f", "--filter", f"until={until}", "--host", daemon.url)
        assert res.returncode == 1 and "the daemon would refuse it: failed to parse value" in res.stderr
    for until in ("9223372036854775807ns", "2562047h47m16.854775807s", "+5", "1.1234567891"):   # valid edges
        assert client.api.prune_images(filters={"until": until, "dangling": "true"})["ImagesDeleted"] is None
        dry = cli("prune", "--dry-run", "--json", "--filter", f"until={until}", "--host", daemon.url)
        assert json.loads(dry.stdout) == {"ImagesDeleted": None, "SpaceReclaimed": 0}, until
    assert image_state(client) == before


def test_prune_filters_the_daemon_decides_alone_are_refused(daemon):
    client = daemon.client()
    builders.import_image(client, "keep:1")
    builders.commit(client, "keep:1", "echo a > /tmp/a", None)             # dangling, created just now
    created = client.api.inspect_image(next(i["Id"] for i in client.api.images(filters={"dangling": True})))
    before = image_state(client)
    age_ms = int((time.time() - _unix(created["Created"])) * 1000) + 1000   # the cut-off lands on it
    cases = [("--filter", "until=2021-01-01"),                     # read in the daemon's time zone
             ("--filter", "bogus=1", "--filter", "other=2"),       # the daemon names one of them at random
             ("--filter", f"until={age_ms}ms")]                    # within seconds of the daemon's clock
    for args in cases:
        res = cli("prune", "-f", *args, "--host", daemon.url)
        assert res.returncode == 4, (args, res.stderr)
        assert "refused, nothing was sent: cannot be predicted exactly" in res.stderr
    assert image_state(client) == before


def _unix(created: str) -> float:
    from model.engine.simulate import rfc3339_ns
    return rfc3339_ns(created) / 1e9


def _orphan_host(client) -> None:
    """base:1 ← leaf:1 ← leaf5:1 (a stopped container uses it, then `rmi -f`), and unrelated images."""
    builders.import_image(client, "base:1")
    builders.commit(client, "base:1", "echo a > /tmp/a", "leaf:1")
    builders.commit(client, "leaf:1", "echo b > /tmp/b", "leaf5:1")
    builders.import_image(client, "other:1", {"o": b"1"})
    builders.commit(client, "other:1", "echo c > /tmp/c", None)           # dangling
    builders.commit(client, "other:1", "echo d > /tmp/d", "unrelated:1")
    builders.run_container(client, "leaf5:1", running=False)
    client.api.remove_image("leaf5:1", force=True)                         # the container keeps its layers


def test_orphaned_container_keeps_every_prediction_exact_on_overlay2(daemon):
    client = daemon.client()
    _orphan_host(client)
    snap = read_snapshot(client)
    [orphan] = [c for c in snap.containers if c.image_id not in snap.by_id]
    leaf = next(i for i in snap.images if "leaf:1" in i.repo_tags)
    assert orphan.layer_chain == leaf.chain_ids           # named through overlay2's layer directories
    # unrelated deletes, then the ones that reach the pinned chain: each predicted, performed, agreed
    for args in (("rmi", "unrelated:1"), ("prune", "-f"), ("rmi", "leaf:1"), ("prune", "-a", "-f")):
        res = cli(*args, "--json", "--host", daemon.url)
        assert res.returncode == 0, (args, res.stderr)
        done = json.loads(res.stdout)
        assert done["agreed"] is True and done["sent"], args
    # leaf:1's own layer stayed (the orphan pins it): no chain-ID line named it
    deleted = {v for r in [done["answer"]] for i in r["ImagesDeleted"] for k, v in i.items() if k == "Deleted"}
    assert not set(leaf.chain_ids) & deleted
    assert {i["Id"] for i in client.api.images(all=True)} == set()


@pytest.fixture(scope="module")
def vfs_daemon():
    """A private dockerd on the vfs driver, whose inspect data names no layer directories."""
    dockerd = start_private(PrivateDaemon(storage_driver="vfs"), DaemonUnavailable)
    yield dockerd
    dockerd.cleanup()


def test_orphan_whose_layers_are_unnamed_refuses_only_deletes_that_release_layers(vfs_daemon):
    client = vfs_daemon.client()
    vfs_daemon.wipe()
    _orphan_host(client)
    client.api.tag("base:1", "base", "2")
    snap = read_snapshot(client)
    assert [c.layer_chain for c in snap.containers] == [None]        # vfs names no layer directories
    before = image_state(client)
    for args in (("rmi", "unrelated:1"), ("rmi", "leaf:1"), ("prune", "-f"), ("prune", "-a", "-f")):
        res = cli(*args, "--host", vfs_daemon.url)                     # each would release a layer
        assert res.returncode == 4, (args, res.stderr)
        assert "uses a removed image whose layers the daemon does not name" in res.stderr
        assert image_state(client) == before
    untag = cli("rmi", "--json", "--host", vfs_daemon.url, "base:2")  # releases nothing: still exact
    assert untag.returncode == 0 and json.loads(untag.stdout)["agreed"] is True


def _prune_on_terminal(url: str, answer: str, before_answer=None) -> tuple[int, str, str]:
    """`python main.py prune` with a terminal on stdin: wait for the question, then answer it."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "LAYERSCOPE_READ_ONLY"}
    env["LAYERSCOPE_NO_CACHE"] = "1"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "prune", "--host", url], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    os.close(slave)
    err = b""
    deadline = time.monotonic() + 60
    while b"[y/N]" not in err and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            err += os.read(proc.stderr.fileno(), 4096)
    assert b"[y/N]" in err, err
    if before_answer:
        before_answer()
    os.write(master, answer.encode() + b"\n")
    out, rest = proc.communicate(timeout=120)
    os.close(master)
    return proc.returncode, out.decode(), (err + rest).decode()


def test_prune_lists_asks_and_rechecks_before_it_deletes(daemon, private_state):
    client = daemon.client()
    builders.import_image(client, "keep:1")
    dangling = builders.commit(client, "keep:1", "echo a > /tmp/a", None)
    before = image_state(client)
    code, out, err = _prune_on_terminal(daemon.url, "n")
    assert code == 0 and "Nothing was deleted." in err and image_state(client) == before
    assert out.startswith("WARNING! This will remove all dangling images; exactly:\nWill delete:\n")
    assert f"deleted: {dangling}" in out and "Total reclaimable space: " in out
    # the daemon changes while the question is open: the new prediction differs, nothing is sent
    late = []
    code, out, err = _prune_on_terminal(daemon.url, "y", lambda: late.append(
        builders.commit(client, "keep:1", "echo b > /tmp/b", None)))
    assert code == 4 and "changed since the prediction was shown" in err
    assert {dangling, late[0]} <= {i for i, _ in image_state(client)}
    code, out, err = _prune_on_terminal(daemon.url, "y")
    assert code == 0, err
    assert "Deleted Images:" in out and {dangling, late[0]}.isdisjoint(i for i, _ in image_state(client))
    kinds = [r.get("refused", {}).get("kind") or ("agreed" if r.get("agreed") else "differed")
             for r in _records(private_state)]
    assert kinds == ["changed", "agreed"]


def test_an_answer_that_differs_stops_the_remaining_refs(daemon, private_state):
    """Predicted on a read that went stale: the first answer differs, so the refs after it are never sent."""
    from model.commands.perform import CLI, perform
    from model.engine.plan import RMI, Request, make_plan
    client = daemon.client()
    builders.import_image(client, "a:1")
    builders.import_image(client, "b:1", {"b": b"2"})
    stale = read_snapshot(client)
    client.api.tag("a:1", "a", "9")                    # another client tags a:1's image meanwhile
    done = perform(client, make_plan(stale, Request(RMI, ("a:1", "b:1"))), DeleteLog(), CLI)
    assert done.sent == ["DELETE /images/a:1 force=False noprune=False"]
    assert done.actual == [{"ref": "a:1", "response": [{"Untagged": "a:1"}]}]
    assert done.differences and not done.matched
    assert {"b:1"} <= {t for _, tags in image_state(client) for t in tags}       # never sent
    [record] = _records(private_state)
    assert record["agreed"] is False and record["differences"]
