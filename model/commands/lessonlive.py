"""The lesson live on a practice daemon (Qt-free): the tutorial's `docker commit`s made for real, its `docker rmi`s
sent through DeleteCommand (predict → refuse or confirm → perform → compare), and a reset that removes exactly
what the lesson created and loads back the ubuntu:18.04 its rmi steps deleted.

The apache-ubuntu build runs the tutorial's Dockerfile (bundled, its apt-get lines offline stand-ins) with the
classic builder, ubuntu:18.04 loaded back first as its FROM would pull it.  The Express steps need
node:lts-alpine and a network; live, they are not performed (they play on the demo snapshot).  The practice
daemon must hold ubuntu:18.04 before the lesson starts; it is saved to a file first, so a reset (and the build)
can load it back offline."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..core.snapshot import Snapshot
from ..daemon.practice import PracticeFailed, build_context, commit_script, load_image, save_image
from ..engine.plan import RMI, Request
from ..lesson.play import find
from ..lesson.script import ScriptStep
from .command import DeleteCommand, Interaction
from .deletelog import DeleteLog
from .perform import Performed

BASE = "ubuntu:18.04"
# step key → (image, the container's shell line, the committed reference, author, message), as the tutorial
COMMITS = {
    "commit-apache": (BASE, "mkdir -p /usr/lib/apache2 /var/www/html && echo apache2 > /usr/lib/apache2/httpd",
                      "ubuntu_apache:latest", "voyagerwoo", "install apache2"),
    "commit-webpage": ("ubuntu_apache:latest", "cd /var/www/html && echo '<h1>I-scream Edu</h1>' > eng.html",
                       "iscreamedu_apache:latest", "voyagerwoo", "add iscream-edu webpage"),
}
READS = ("images", "history")           # steps that only read: the front end shows the daemon again
BUILDS = {"build-apache": "apache-ubuntu:1"}    # step key → the tag its classic build gives the bundled context
NOT_LIVE = "the Express app needs node:lts-alpine and a network (npm): shown on the demo snapshot"

__all__ = ["BASE", "LiveLesson", "LiveStep", "PracticeFailed", "image_set", "performable"]


@dataclass
class LiveStep:
    """What one step did on the daemon."""

    key: str
    performed: bool
    lines: list[str] = field(default_factory=list)    # the new image ID, or the daemon's Untagged/Deleted lines
    note: str = ""                                     # why it was not performed
    delete: Performed | None = None                    # an rmi's end (refused, or sent and compared)


def performable(step: ScriptStep) -> bool:
    """True when the step's command is performed live (the commits, the reads, each rmi)."""
    return step.key in COMMITS or step.key in READS or step.key in BUILDS or bool(step.rmi)


def image_set(snapshot: Snapshot) -> set[tuple[str, tuple[str, ...]]]:
    """Every image ID with its tags: what the lesson may change and its reset must give back."""
    return {(img.id, tuple(sorted(img.repo_tags))) for img in snapshot.images}


class LiveLesson:
    """One live run of the lesson on a practice daemon: performs steps, remembers what it made, resets."""

    def __init__(self, client: Any, read: Callable[[], Snapshot], log: DeleteLog, front_end: str,
                 workdir: Path, build_context: Path | None = None) -> None:
        self.client, self.read, self.log, self.front_end = client, read, log, front_end
        self.context = build_context                # the apache-ubuntu build's context (None: not performed)
        snap = read()
        base = find(snap, BASE)
        if base is None:
            raise PracticeFailed(f"{BASE} is not on this daemon: pull it there first (docker pull {BASE})")
        self.before = image_set(snap)
        self.base_id = base.id
        self.archive = Path(workdir) / "ubuntu-18.04.tar"
        save_image(client, BASE, self.archive)
        self.created: list[str] = []              # references the lesson committed, in order

    def run(self, step: ScriptStep, interaction: Interaction) -> LiveStep:
        """Perform ``step`` on the daemon (an rmi through DeleteCommand, confirmed by ``interaction``)."""
        if not performable(step):
            return LiveStep(step.key, False, note=NOT_LIVE)
        if step.key in COMMITS:
            image, script, ref, author, message = COMMITS[step.key]
            new_id = commit_script(self.client, image, script, ref, author, message)
            self.created.append(ref)
            return LiveStep(step.key, True, [new_id])
        if step.key in READS:
            return LiveStep(step.key, True)
        if step.key in BUILDS:
            if self.context is None:
                return LiveStep(step.key, False, note="no build context was given")
            self._restore_base()                    # FROM ubuntu:18.04 pulls it when the rmi steps deleted it
            tag = BUILDS[step.key]
            new_id = build_context(self.client, self.context, tag)
            self.created.append(tag)
            return LiveStep(step.key, True, [f"Successfully built {new_id}", f"Successfully tagged {tag}"])
        done = DeleteCommand(Request(RMI, (step.rmi,)), self.log, self.front_end).run(
            self.read(), interaction, self.client, self.read)
        return LiveStep(step.key, done.refused is None and not done.failure, _answer_lines(done),
                        done.refused.reason if done.refused else done.failure, done)

    def reset_plan(self) -> list[str]:
        """What a reset does, in order: `docker rmi` of each reference the lesson made that is still there, then
        `docker load` of ubuntu:18.04 when its image is gone."""
        snap = self.read()
        steps = [f"docker rmi {ref}" for ref in reversed(self.created) if find(snap, ref) is not None]
        if self.base_id not in snap.by_id or find(snap, BASE) is None:
            steps.append(f"docker load < {self.archive.name}   ({BASE})")
        return steps

    def reset(self, interaction: Interaction) -> list[Performed]:
        """Remove what the lesson made (each through DeleteCommand) and load ubuntu:18.04 back when it is gone."""
        done: list[Performed] = []
        for ref in reversed(self.created):
            if find(self.read(), ref) is not None:
                done.append(DeleteCommand(Request(RMI, (ref,)), self.log, self.front_end).run(
                    self.read(), interaction, self.client, self.read))
        self._restore_base()
        self.created = [ref for ref in self.created if find(self.read(), ref) is not None]
        return done

    def _restore_base(self) -> None:
        """Load ubuntu:18.04 back from the saved file when its image or its tag is gone."""
        snap = self.read()
        if self.base_id not in snap.by_id or find(snap, BASE) is None:
            load_image(self.client, self.archive)


def _answer_lines(done: Performed) -> list[str]:
    """The daemon's answer as the docker CLI prints it (or its error message)."""
    lines: list[str] = []
    for answer in done.actual or []:
        if "error" in answer:
            lines.append(f"Error response from daemon: {answer['error'].get('message', '')}")
        for item in answer.get("response", ()):
            lines += [f"{kind}: {value}" for kind, value in item.items()]
    return lines
