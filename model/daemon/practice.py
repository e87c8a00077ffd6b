"""What the live lesson makes on a practice daemon through the SDK: a container's changes committed as an image, an
image saved to a file and loaded back.  Deletes are not here: they go through model.commands (DeleteCommand)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import docker

from .transport import describe_error

WAIT_SECONDS = 300          # a lesson step's container runs one short shell line


class PracticeFailed(Exception):
    """The practice daemon refused or failed a lesson step; one line."""


def commit_script(client: Any, image: str, script: str, ref: str, author: str, message: str) -> str:
    """`docker run image sh -c script` (no network), then `docker commit -a author -m message CONTAINER ref`; the
    container is removed after; returns the new image's ID."""
    repo, _, tag = ref.rpartition(":")
    try:
        ctr = client.containers.create(image, ["sh", "-c", script], network_mode="none")
        try:
            ctr.start()
            status = ctr.wait(timeout=WAIT_SECONDS).get("StatusCode", 0)
            if status:
                raise PracticeFailed(f"`sh -c {script}` in {image} exited with {status}")
            return client.api.commit(ctr.id, repository=repo, tag=tag, author=author, message=message)["Id"]
        finally:
            ctr.remove(force=True)
    except docker.errors.DockerException as exc:
        raise PracticeFailed(describe_error(exc)) from None
    except OSError as exc:
        raise PracticeFailed(str(exc)) from None


def build_context(client: Any, context: Path, tag: str) -> str:
    """`docker build -t tag context` with the classic builder (no network, no pull); returns the image ID."""
    try:
        image, _ = client.images.build(path=str(context), tag=tag, rm=True, network_mode="none", pull=False)
        return image.id
    except docker.errors.BuildError as exc:
        raise PracticeFailed(f"docker build -t {tag}: {exc.msg}") from None
    except docker.errors.DockerException as exc:
        raise PracticeFailed(describe_error(exc)) from None


def save_image(client: Any, ref: str, path: Path) -> None:
    """`docker save ref > path`."""
    try:
        with open(path, "wb") as out:
            for chunk in client.api.get_image(ref):
                out.write(chunk)
    except (docker.errors.DockerException, OSError) as exc:
        raise PracticeFailed(describe_error(exc) if isinstance(exc, docker.errors.DockerException) else str(exc)
                             ) from None


def load_image(client: Any, path: Path) -> None:
    """`docker load < path`."""
    try:
        with open(path, "rb") as data:
            for _ in client.api.load_image(data):      # a stream: the load ends when it is read to the end
                pass
    except (docker.errors.DockerException, OSError) as exc:
        raise PracticeFailed(describe_error(exc) if isinstance(exc, docker.errors.DockerException) else str(exc)
                             ) from None
