"""The lesson as data: the tutorial's steps in order, and each rmi's answer predicted on the bundled lesson snapshot
in the tutorial's shape (untag only; Untagged + the image + its one layer; Untagged + every image and layer left)."""
from __future__ import annotations

import json

import pytest

from commands import cli
from model.core.snapshot import Snapshot
from model.lesson.play import play, scenes_of
from model.lesson.script import COMMIT, STEPS
from resources import DEMO_SNAPSHOT, LESSON_SNAPSHOT


@pytest.fixture(scope="module")
def snaps() -> tuple[Snapshot, Snapshot]:
    return Snapshot.load(LESSON_SNAPSHOT), Snapshot.load(DEMO_SNAPSHOT)


def rmi_steps(steps):
    return [s for s in steps if s.answer is not None]


def test_three_rmi_answers_have_the_tutorials_shape(snaps):
    """rmi ubuntu:18.04 only untags (its tag and digest refs); rmi iscreamedu_apache deletes the image and its one
    layer; rmi ubuntu_apache deletes every image and layer left."""
    commit, _ = snaps
    first, second, third = rmi_steps(play(scenes_of(*snaps)))
    ubuntu = next(i for i in commit.images if "ubuntu:18.04" in i.repo_tags)
    web = next(i for i in commit.images if "iscreamedu_apache:latest" in i.repo_tags)
    apache = next(i for i in commit.images if "ubuntu_apache:latest" in i.repo_tags)

    assert first.answer.untag_only and first.answer.freed_bytes == 0
    assert first.answer.lines == tuple(f"Untagged: {r}" for r in ubuntu.repo_tags + ubuntu.repo_digests)

    assert second.answer.lines == ("Untagged: iscreamedu_apache:latest", f"Deleted: {web.id}",
                                   f"Deleted: {web.top_layer}")
    assert (second.answer.deleted_images, second.answer.deleted_layers) == (1, 1)
    assert second.answer.freed_bytes == web.size - apache.size > 0

    lines = third.answer.lines
    assert lines[0] == "Untagged: ubuntu_apache:latest" and all(x.startswith("Deleted: ") for x in lines[1:])
    deleted = {x.removeprefix("Deleted: ") for x in lines[1:]}
    assert deleted == {apache.id, ubuntu.id} | set(apache.chain_ids)
    assert third.answer.freed_bytes == apache.size


def test_steps_follow_the_tutorial_and_resolve_what_to_look_at(snaps):
    """Every step has its command and words in both languages; what it looks at is found on its scene."""
    for lang in ("en", "ko"):
        steps = play(scenes_of(*snaps), lang)
        assert [s.command for s in steps] == [s.command for s in STEPS]
        assert all(s.explanation and "{" not in s.explanation for s in steps)
        assert all(s.images and (s.select or not s.script.select) for s in steps)
    ko = play(scenes_of(*snaps), "ko")
    assert any("\uac00" <= ch <= "\ud7a3" for ch in ko[0].explanation)
    images = next(s for s in ko if s.script.key == "images")
    assert "501MB" in images.explanation and "207MB" in images.explanation
    assert [s.scene for s in ko[:7]] == [COMMIT] * 7


def test_headless_lesson_json(tmp_path):
    """python main.py lesson --json --lang ko: each step with command and explanation; rmi steps with answer and
    freed_bytes equal to the prediction."""
    res = cli("lesson", "--json", "--lang", "ko", env={"HOME": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["lang"] == "ko" and len(data["steps"]) == len(STEPS)
    rmis = [s for s in data["steps"] if "answer" in s]
    assert [s["command"] for s in rmis] == ["docker rmi ubuntu:18.04", "docker rmi iscreamedu_apache",
                                            "docker rmi ubuntu_apache"]
    assert rmis[0]["untag_only"] and rmis[1]["deleted_layers"] == 1 and rmis[2]["freed_bytes"] > 0
