"""The lesson live on the private test dockerd: the commits made for real, the three rmi answers sent through
DeleteCommand with the tutorial's shapes, and Reset leaving the daemon's image set exactly as before."""
from __future__ import annotations

import json
import re

import builders
from commands import cli, image_state
from model.commands.command import Interaction
from model.commands.deletelog import DeleteLog
from model.commands.lessonlive import LiveLesson
from model.daemon.source import open_link, read_snapshot
from model.lesson.script import STEPS


class Yes(Interaction):
    """Confirms every delete (the teacher said yes)."""

    def confirm(self, plan) -> bool:
        return True


def test_live_lesson_then_reset_leaves_the_image_set_as_before(daemon, tmp_path):
    """python main.py lesson --live --yes --host URL: commits, the three rmi answers, reset; exit 0 only when the
    daemon's images are as before."""
    client = daemon.client()
    builders.import_image(client, "ubuntu:18.04")
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
    assert "Reset lesson: docker rmi apache-ubuntu:1" in res.stdout
    assert "The daemon's images are as before the lesson." in res.stdout
    assert image_state(client) == before
    records = [json.loads(line) for line in (tmp_path / "deletes.jsonl").read_text().splitlines() if line.strip()]
    assert [r["command"] for r in records] == ["docker rmi ubuntu:18.04", "docker rmi iscreamedu_apache",
                                               "docker rmi ubuntu_apache", "docker rmi apache-ubuntu:1"]   # + reset
    assert all(r["agreed"] for r in records)            # each answered as DeleteCommand predicted


def test_reset_midway_removes_exactly_what_the_lesson_made(daemon, tmp_path):
    """Stopped after the two commits and the first rmi (ubuntu:18.04 untagged): Reset removes the two committed
    images and gives ubuntu:18.04 back; the other images never change."""
    client = daemon.client()
    builders.import_image(client, "ubuntu:18.04")
    builders.import_image(client, "other:1", {"etc/other": b"x"})
    before = image_state(client)
    link = open_link(daemon.url)
    live = LiveLesson(client, lambda: read_snapshot(link), DeleteLog(tmp_path / "log.jsonl"), "test", tmp_path)
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
