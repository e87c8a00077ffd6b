"""The lesson live on a practice daemon (Qt-free): the tutorial's `docker commit`s made for real, its `docker rmi`s
sent through DeleteCommand (predict → refuse or confirm → perform → compare), and a reset that removes exactly
what the lesson created and loads back the ubuntu:18.04 its rmi steps deleted.

The apache-ubuntu build runs the tutorial's Dockerfile (bundled, its apt-get lines offline stand-ins) with the
classic builder, ubuntu:18.04 loaded back first as its FROM would pull it.  The Express steps build the bundled
simple-express app on node:lts-alpine as the tutorial does: `npm install` first (run in a node:lts-alpine container,
as the tutorial's reader ran it locally: node_modules lands in the context), then the build without and with its
.dockerignore (each says the bytes of the context it sent), then `docker tag` (a new name, the same ID).  Their
Dockerfile's `npm install` needs the daemon's network.  The practice daemon must hold ubuntu:18.04 before the
lesson starts; it is saved to a file first, so a reset (and the build) can load it back offline.  Without
node:lts-alpine the Express steps are not performed (they play on the demo snapshot); ``missing`` says so before
the first step, and nothing is ever pulled."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..core.snapshot import Snapshot
from ..core.sizes import human
from ..daemon.practice import (PracticeFailed, build_context, commit_script, load_image, npm_install, save_image,
                               tag_image)
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
NODE = "node:lts-alpine"
# step key → (the tag its classic build gives the bundled simple-express context, with its .dockerignore)
EXPRESS_BUILDS = {"build-express": ("simple-express:alpine", False),
                  "build-dockerignore": ("simple-express:latest", True)}
TAGS = {"tag": ("simple-express:alpine", "voyagerwoo/simple-express:alpine")}     # step key → (source, new name)
EXPRESS_FILES = ("Dockerfile", "package.json", "app.js")    # the app, as the tutorial's reader has it

__all__ = ["BASE", "LiveLesson", "LiveStep", "PracticeFailed", "image_set", "performable"]


@dataclass
class LiveStep:
    """What one step did on the daemon."""

    key: str
    performed: bool
    lines: list[str] = field(default_factory=list)    # the new image ID, or the daemon's Untagged/Deleted lines
    note: str = ""                                     # why it was not performed
    delete: Performed | None = None                    # an rmi's end (refused, or sent and compared)
    context_bytes: int | None = None                   # a build's: the bytes of the context sent to the daemon


def performable(step: ScriptStep) -> bool:
    """True when the step's command is performed live (the commits, the reads, the builds, the tag, each rmi)."""
    return (step.key in COMMITS or step.key in READS or step.key in BUILDS or step.key in EXPRESS_BUILDS
            or step.key in TAGS or bool(step.rmi))


def image_set(snapshot: Snapshot) -> set[tuple[str, tuple[str, ...]]]:
    """Every image ID with its tags: what the lesson may change and its reset must give back."""
    return {(img.id, tuple(sorted(img.repo_tags))) for img in snapshot.images}


class LiveLesson:
    """One live run of the lesson on a practice daemon: performs steps, remembers what it made, resets."""

    def __init__(self, client: Any, read: Callable[[], Snapshot], log: DeleteLog, front_end: str,
                 workdir: Path, build_context: Path | None = None, express: Path | None = None) -> None:
        self.client, self.read, self.log, self.front_end = client, read, log, front_end
        self.context = build_context                # the apache-ubuntu build's context (None: not performed)
        self.express = express                      # the bundled simple-express app (None: not performed)
        self.workdir = Path(workdir)
        snap = read()
        base = find(snap, BASE)
        if base is None:
            raise PracticeFailed(f"{BASE} is not on this daemon: pull it there first (docker pull {BASE})")
        self.before = image_set(snap)
        # what the daemon lacks, said before the first step: those steps play on the demo snapshot
        self.missing = [NODE] if express is not None and find(snap, NODE) is None else []
        self.base_id = base.id
        self.archive = Path(workdir) / "ubuntu-18.04.tar"
        save_image(client, BASE, self.archive)
        self.created: list[str] = []              # references the lesson committed, in order

    def plays_offline(self, step: ScriptStep) -> bool:
        """True when the step needs an image the daemon lacks: it is shown on the demo snapshot instead."""
        return bool(self.missing) and (step.key in EXPRESS_BUILDS or step.key in TAGS)

    def run(self, step: ScriptStep, interaction: Interaction) -> LiveStep:
        """Perform ``step`` on the daemon (an rmi through DeleteCommand, confirmed by ``interaction``)."""
        if not performable(step):
            return LiveStep(step.key, False, note="not a command the lesson performs")
        if step.key in EXPRESS_BUILDS or step.key in TAGS:
            return self._express(step.key)
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
            built = build_context(self.client, self.context, tag)
            self.created.append(tag)
            return _built(step.key, built.image_id, built.context_bytes, tag, [])
        done = DeleteCommand(Request(RMI, (step.rmi,)), self.log, self.front_end).run(
            self.read(), interaction, self.client, self.read)
        return LiveStep(step.key, done.refused is None and not done.failure, _answer_lines(done),
                        done.refused.reason if done.refused else done.failure, done)

    def _express(self, key: str) -> LiveStep:
        """The Express steps: a build of the bundled app without or with its .dockerignore, or its `docker tag`."""
        if self.express is None or NODE in self.missing:
            return LiveStep(key, False, note=f"{NODE} is not on this daemon: shown on the demo snapshot")
        if key in TAGS:
            source, target = TAGS[key]
            image = find(self.read(), source)
            if image is None:
                return LiveStep(key, False, note=f"{source} is not on this daemon: perform its build step first")
            new_id = tag_image(self.client, source, target)
            self.created.append(target)
            return LiveStep(key, True, [f"{source}  {image.id}", f"{target}  {new_id}"])
        tag, ignore = EXPRESS_BUILDS[key]
        said = self._express_context(ignore)
        built = build_context(self.client, self.workdir / "simple-express", tag, network=True)
        self.created.append(tag)
        return _built(key, built.image_id, built.context_bytes, tag, said)

    def _express_context(self, ignore: bool) -> list[str]:
        """The app's folder in the work directory, node_modules installed the first time (what npm said then),
        its .dockerignore there only when ``ignore``."""
        folder = self.workdir / "simple-express"
        said: list[str] = []
        if not (folder / "node_modules").exists():
            folder.mkdir(parents=True, exist_ok=True)
            for name in EXPRESS_FILES:
                shutil.copy(self.express / name, folder / name)
            said = [f"$ npm install   (in {NODE}, as on the tutorial's machine)"] + \
                npm_install(self.client, NODE, folder)
        if ignore:
            shutil.copy(self.express / ".dockerignore", folder / ".dockerignore")
        else:
            (folder / ".dockerignore").unlink(missing_ok=True)
        return said

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


def _built(key: str, image_id: str, sent: int, tag: str, before: list[str]) -> LiveStep:
    """A build's step, its lines as the classic builder's output frames them."""
    lines = before + [f"Sending build context to Docker daemon  {human(sent, 4)}", f"Successfully built {image_id}",
                      f"Successfully tagged {tag}"]
    return LiveStep(key, True, lines, context_bytes=sent)


def _answer_lines(done: Performed) -> list[str]:
    """The daemon's answer as the docker CLI prints it (or its error message)."""
    lines: list[str] = []
    for answer in done.actual or []:
        if "error" in answer:
            lines.append(f"Error response from daemon: {answer['error'].get('message', '')}")
        for item in answer.get("response", ()):
            lines += [f"{kind}: {value}" for kind, value in item.items()]
    return lines
