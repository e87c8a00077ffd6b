"""The headless ``rmi`` / ``prune`` commands through ``python main.py`` (subprocess, real private daemon)."""
from __future__ import annotations

import json

import builders
from commands import cli, image_ids
from model.daemon.source import read_snapshot


def test_rmi_dry_run_json_then_real_run_agrees(daemon):
    client = daemon.client()
    ids = builders.tutorial(client)
    before = image_ids(client)
    dry = cli("rmi", "--dry-run", "--json", "--host", daemon.url, "--", "ubuntu:18.04", "nosuch", "iscreamedu_apache")
    assert dry.returncode == 0, dry.stderr
    predicted = json.loads(dry.stdout)
    assert predicted[0] == {"ref": "ubuntu:18.04", "response": [{"Untagged": "ubuntu:18.04"}]}
    assert predicted[1] == {"ref": "nosuch", "error": {"status": 404, "message": "No such image: nosuch:latest"}}
    assert predicted[2]["response"][:2] == [{"Untagged": "iscreamedu_apache:latest"},
                                            {"Deleted": ids["iscreamedu_apache:latest"]}]
    assert image_ids(client) == before                       # a dry run changes nothing

    refused = cli("rmi", "--json", "--host", daemon.url, "--", "ubuntu:18.04", "nosuch", "iscreamedu_apache")
    assert refused.returncode == 1, refused.stderr           # the daemon would refuse one ref: nothing is sent
    assert json.loads(refused.stdout) == {"predicted": predicted, "refused": {
        "kind": "would-fail", "reason": "the daemon would refuse it: No such image: nosuch:latest"}}
    assert image_ids(client) == before

    real = cli("rmi", "--json", "--host", daemon.url, "--", "ubuntu:18.04", "iscreamedu_apache")
    assert real.returncode == 0, real.stderr
    done = json.loads(real.stdout)
    assert done["answer"] == done["predicted"] == [predicted[0], predicted[2]] and done["agreed"] is True
    assert done["sent"] == ["DELETE /images/ubuntu:18.04 force=False noprune=False",
                            "DELETE /images/iscreamedu_apache force=False noprune=False"]
    assert ids["iscreamedu_apache:latest"] not in image_ids(client)


def test_rmi_plain_text_like_docker(daemon):
    client = daemon.client()
    builders.import_image(client, "solo:1")
    client.api.tag("solo:1", "solo", "2")
    res = cli("rmi", "--host", daemon.url, "solo:1", "solo:2")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[:2] == ["Untagged: solo:1", "Untagged: solo:2"]
    assert lines[2].startswith("Deleted: sha256:") and len(lines) == 4     # image + its one layer
    assert res.stderr.splitlines()[:3] == ["Predicted (nothing sent yet):", "  Untagged: solo:1", "  Untagged: solo:2"]
    res = cli("rmi", "--host", daemon.url, "solo:1")
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.splitlines() == ["Predicted (nothing sent yet):",
                                       "  Error response from daemon: No such image: solo:1",
                                       "layerscope: refused, nothing was sent: the daemon would refuse it: "
                                       "No such image: solo:1"]


def test_prune_dry_run_then_real_run(daemon):
    client = daemon.client()
    builders.import_image(client, "keep:1")
    builders.commit(client, "keep:1", "echo a > /tmp/a", None)          # dangling
    builders.commit(client, "keep:1", "echo b > /tmp/b", None)          # dangling
    dry = cli("prune", "--dry-run", "--json", "--host", daemon.url)
    assert dry.returncode == 0, dry.stderr
    predicted = json.loads(dry.stdout)
    assert set(predicted) == {"ImagesDeleted", "SpaceReclaimed"}
    assert sum("Deleted" in i for i in predicted["ImagesDeleted"]) == 4   # 2 images + 2 layers
    assert predicted["SpaceReclaimed"] > 0
    unconfirmed = cli("prune", "--json", "--host", daemon.url)           # no terminal to ask on, no -f
    assert unconfirmed.returncode == 2 and "add -f" in unconfirmed.stderr and unconfirmed.stdout == ""
    real = cli("prune", "-f", "--json", "--host", daemon.url)
    assert real.returncode == 0, real.stderr
    done = json.loads(real.stdout)
    assert done["agreed"] is True and done["predicted"] == predicted
    got = done["answer"]
    assert sorted(map(json.dumps, got["ImagesDeleted"])) == sorted(map(json.dumps, predicted["ImagesDeleted"]))
    assert got["SpaceReclaimed"] == predicted["SpaceReclaimed"]
    text = cli("prune", "--all", "--filter", "label=nothing", "--host", daemon.url)
    assert text.returncode == 0 and text.stdout.strip() == "Total reclaimed space: 0B"


def test_read_only_refuses(daemon):
    client = daemon.client()
    builders.import_image(client, "ro:1")
    before = image_ids(client)
    for args, env in [(("--read-only",), None), ((), {"LAYERSCOPE_READ_ONLY": "1"})]:
        res = cli("rmi", *args, "--host", daemon.url, "ro:1", env=env)
        assert res.returncode == 2
        assert len(res.stderr.strip().splitlines()) == 1 and "read-only" in res.stderr
        res = cli("prune", *args, "-a", "--host", daemon.url, env=env)
        assert res.returncode == 2 and "read-only" in res.stderr
    res = cli("--read-only", "rmi", "--host", daemon.url, "ro:1")           # main.py's global option
    assert res.returncode == 2
    assert image_ids(client) == before
    res = cli("rmi", "--read-only", "--dry-run", "--json", "--host", daemon.url, "ro:1")
    assert res.returncode == 0 and json.loads(res.stdout)[0]["response"][0] == {"Untagged": "ro:1"}


def test_snapshot_file_dry_run(daemon, tmp_path):
    client = daemon.client()
    builders.tutorial(client)
    path = tmp_path / "snap.json"
    read_snapshot(client).save(path)
    live = cli("rmi", "--dry-run", "--json", "--host", daemon.url, "ubuntu_apache", "ubuntu:18.04")
    offline = cli("rmi", "--dry-run", "--json", "--snapshot", str(path), "ubuntu_apache", "ubuntu:18.04")
    assert offline.returncode == 0 and json.loads(offline.stdout) == json.loads(live.stdout)
    res = cli("rmi", "--snapshot", str(path), "ubuntu_apache")
    assert res.returncode == 2 and "--dry-run" in res.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    res = cli("prune", "--dry-run", "--snapshot", str(bad))
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_unreachable_daemon_is_one_line(tmp_path):
    for args in (("rmi", "--dry-run", "x"), ("rmi", "x"), ("prune", "--dry-run"), ("prune", "-a")):
        res = cli(*args, "--host", "unix:///nonexistent.sock")
        assert res.returncode == 1, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
        assert "nonexistent.sock" in res.stderr and res.stdout == ""
