"""The lesson live on the private test dockerd: the commits made for real, the three rmi answers sent through
DeleteCommand with the tutorial's shapes, the Express app built on a stand-in node:lts-alpine without and with its
.dockerignore (the context it sent drops from ~1.9 MB to a few kB), its docker tag (the same ID), and Reset leaving
the daemon's image set exactly as before."""
from __future__ import annotations

import json
import re

import builders
from commands import cli, image_state
from model.commands.command import Interaction
from model.commands.deletelog import DeleteLog
from model.commands.lessonlive import LiveLesson
from model.daemon.source import open_link, read_snapshot
from model.core.sizes import human
from model.lesson.script import STEPS
from resources import LESSON_BUILD, LESSON_EXPRESS

SMALL_NODE = {"node_kb": 2_000, "musl_bytes": 300_000}     # the stand-in node:lts-alpine, smaller: only the npm matters


class Yes(Interaction):
    """Confirms every delete (the teacher said yes)."""

    def confirm(self, plan) -> bool:
        return True


def test_live_lesson_then_reset_leaves_the_image_set_as_before(daemon, tmp_path):
    """python main.py lesson --live --yes --host URL: commits, the three rmi answers, the builds, the tag, reset;
    exit 0 only when the daemon's images are as before."""
    client = daemon.client()
    builders.import_image(client, "ubuntu:18.04")
    builders.node_lts_alpine(client, **SMALL_NODE)
    builders.import_image(client, "other:1", {"etc/other": b"x"})         # not the lesson's: stays untouched
    before = image_state(client)
    res = cli("lesson", "--live", "--yes", "--host", daemon.url, env={"LAYERSCOPE_STATE": str(tmp_path)})
    assert res.returncode == 0, res.stdout + res.stderr
    # each rmi step's block: the prediction (indented 4), then the daemon's answer (indented 2)
    out = res.stdout.splitlines()
    blocks = res.stdout.split("\n\n")
    answers = [re.findall(r"^  ((?:Untagged|Deleted): \S+)$", b, re.M) for b in blocks if "\n$ docker rmi" in b]
    assert answers[0] == ["Untagged: ubuntu:18.04"]
    assert answers[1][0] == "Untagged: iscreamedu_apache:latest" and len(answers[1]) == 3
    assert answers[2][0] == "Untagged: ubuntu_apache:latest" and len(answers[2]) == 5     # 2 images, 2 layers
    assert "  Successfully tagged apache-ubuntu:1" in out           # the tutorial's Dockerfile, classic builder
    # the Express app: npm install first (node_modules in the context), then without and with .dockerignore
    assert "is not on" not in res.stdout and "  added 48 packages" in out
    sent = [line.split("Docker daemon")[1].strip() for line in out if "Sending build context" in line]
    assert len(sent) == 3 and sent[1].endswith("MB") and sent[2].endswith("kB")
    assert {"  Successfully tagged simple-express:alpine", "  Successfully tagged simple-express:latest"} <= set(out)
    tagged = [line.split() for line in out if line.startswith("  simple-express:alpine  ") or
              line.startswith("  voyagerwoo/simple-express:alpine  ")]
    assert len(tagged) == 2 and tagged[0][1] == tagged[1][1]          # docker tag: a new name, the same ID
    assert ("Reset lesson: docker rmi voyagerwoo/simple-express:alpine; docker rmi simple-express:latest; "
            "docker rmi simple-express:alpine; docker rmi apache-ubuntu:1") in res.stdout
    assert "The daemon's images are as before the lesson." in res.stdout
    assert image_state(client) == before
    records = [json.loads(line) for line in (tmp_path / "deletes.jsonl").read_text().splitlines() if line.strip()]
    assert [r["command"] for r in records] == ["docker rmi ubuntu:18.04", "docker rmi iscreamedu_apache",
                                               "docker rmi ubuntu_apache",      # then the reset's
                                               "docker rmi voyagerwoo/simple-express:alpine",
                                               "docker rmi simple-express:latest", "docker rmi simple-express:alpine",
                                               "docker rmi apache-ubuntu:1"]
    assert all(r["agreed"] for r in records)            # each answered as DeleteCommand predicted


def test_reset_midway_removes_exactly_what_the_lesson_made(daemon, tmp_path):
    """Stopped after the two commits and the first rmi (ubuntu:18.04 untagged): Reset removes the two committed
    images and gives ubuntu:18.04 back; the other images never change."""
    client = daemon.client()
    builders.import_image(client, "ubuntu:18.04")
    builders.import_image(client, "other:1", {"etc/other": b"x"})
    before = image_state(client)
    link = open_link(daemon.url)
    live = LiveLesson(client, lambda: read_snapshot(link), DeleteLog(tmp_path / "log.jsonl"), "test", tmp_path,
                      LESSON_BUILD, LESSON_EXPRESS)
    assert live.missing == ["node:lts-alpine"]             # said before the first step; nothing is pulled
    express = live.run(next(s for s in STEPS if s.key == "build-express"), Yes())
    assert not express.performed and "node:lts-alpine is not on this daemon" in express.note
    for step in STEPS[:5]:
        done = live.run(step, Yes())
        assert done.performed, done.note
    tags = {t for _, ts in image_state(client) for t in ts}
    assert {"ubuntu_apache:latest", "iscreamedu_apache:latest"} <= tags and "ubuntu:18.04" not in tags
    assert live.reset_plan() == ["docker rmi iscreamedu_apache:latest", "docker rmi ubuntu_apache:latest",
                                 "docker load < ubuntu-18.04.tar   (ubuntu:18.04)"]
    ends = live.reset(Yes())
    assert all(e.matched for e in ends)
    assert image_state(client) == before and live.reset_plan() == []


def test_express_steps_live_then_reset(daemon, tmp_path):
    """The Express steps on a stand-in node:lts-alpine: the build without .dockerignore sends node_modules (~1.9 MB),
    the one with it a few kB, as the tutorial says; docker tag names the same image ID; Reset removes exactly what
    the lesson made: the image set is the one before."""
    client = daemon.client()
    builders.import_image(client, "ubuntu:18.04")
    node = builders.node_lts_alpine(client, **SMALL_NODE)
    before = image_state(client)
    link = open_link(daemon.url)
    live = LiveLesson(client, lambda: read_snapshot(link), DeleteLog(tmp_path / "log.jsonl"), "test", tmp_path,
                      LESSON_BUILD, LESSON_EXPRESS)
    assert live.missing == []
    steps = {s.key: s for s in STEPS}
    plain, ignored, tag = (live.run(steps[k], Yes()) for k in ("build-express", "build-dockerignore", "tag"))
    assert plain.performed and ignored.performed and tag.performed, (plain.note, ignored.note, tag.note)
    assert plain.context_bytes > 1_900_000 and ignored.context_bytes < 10_000      # node_modules left out
    assert f"Sending build context to Docker daemon  {human(plain.context_bytes, 4)}" in plain.lines
    assert "added 48 packages" in plain.lines and not any("npm install" in x for x in ignored.lines)
    alpine = client.images.get("simple-express:alpine")
    assert alpine.id == client.images.get("voyagerwoo/simple-express:alpine").id == tag.lines[1].split()[1]
    assert client.images.get("simple-express:latest").id != alpine.id
    node_layers = client.api.inspect_image(node)["RootFS"]["Layers"]
    for ref in ("simple-express:alpine", "simple-express:latest"):     # both builds stand on node:lts-alpine
        assert client.api.inspect_image(ref)["RootFS"]["Layers"][:len(node_layers)] == node_layers
    assert live.reset_plan() == ["docker rmi voyagerwoo/simple-express:alpine", "docker rmi simple-express:latest",
                                 "docker rmi simple-express:alpine"]
    ends = live.reset(Yes())
    assert all(e.matched for e in ends)
    assert image_state(client) == before and live.reset_plan() == []


def test_live_lesson_without_node_says_so_first(daemon, tmp_path):
    """A practice daemon without node:lts-alpine: the lesson's first line says what is missing and that the Express
    steps are shown on the demo snapshot; they are not performed, nothing is pulled, and Reset still ends with the
    image set the daemon began with."""
    client = daemon.client()
    builders.import_image(client, "ubuntu:18.04")
    before = image_state(client)
    res = cli("lesson", "--live", "--yes", "--host", daemon.url, env={"LAYERSCOPE_STATE": str(tmp_path)})
    assert res.returncode == 0, res.stdout + res.stderr
    first = res.stdout.splitlines()[0]
    assert first.startswith(f"node:lts-alpine is not on {daemon.url}") and "shown on the demo snapshot" in first
    assert res.stdout.count("(not performed: node:lts-alpine is not on this daemon") == 3     # 2 builds, the tag
    assert "Reset lesson: docker rmi apache-ubuntu:1" in res.stdout and "simple-express" not in \
        res.stdout.split("Reset lesson:")[1]
    assert image_state(client) == before
