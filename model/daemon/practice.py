"""What the live lesson makes on a practice daemon through the SDK: a container's changes committed as an image, a
classic build (with the bytes of the context it sent), `npm install` run in a container, a second name given to an
image, an image saved to a file and loaded back.  Deletes are not here: they go through model.commands
(DeleteCommand)."""
from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .transport import describe_error

WAIT_SECONDS = 300          # a lesson step's container runs one short shell line
# (each function imports the docker SDK itself: the window imports this module when it starts, and the SDK's
# ~0.1 s import is paid only when a live lesson talks to its practice daemon)


class PracticeFailed(Exception):
    """The practice daemon refused or failed a lesson step; one line."""


def commit_script(client: Any, image: str, script: str, ref: str, author: str, message: str) -> str:
    """`docker run image sh -c script` (no network), then `docker commit -a author -m message CONTAINER ref`; the
    container is removed after; returns the new image's ID."""
    import docker
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


@dataclass(frozen=True)
class Built:
    """A classic build's end: the image ID and the bytes of the context sent to the daemon."""

    image_id: str
    context_bytes: int


# The context is made as `docker build` (and the SDK's build(path=...)) makes it: a tar of
# the folder without what its .dockerignore names.  Python's tarfile pads a tar to 10 kB
# records; the docker CLI's Go writer ends it after its two zero blocks, so the padding is
# cut there (the daemon reads to the end marker either way).  The tar is sent as it is, so
# its length is what the CLI reports as "Sending build context to Docker daemon".
def build_context(client: Any, context: Path, tag: str, network: bool = False) -> Built:
    """`docker build -t tag context` with the classic builder (no pull; no network unless ``network``: `npm install`
    needs one on a real daemon)."""
    import docker
    try:
        sent = context_tar(context)
        image, _ = client.images.build(fileobj=io.BytesIO(sent), custom_context=True, tag=tag, rm=True, pull=False,
                                       network_mode=None if network else "none")
        return Built(image.id, len(sent))
    except docker.errors.BuildError as exc:
        raise PracticeFailed(f"docker build -t {tag}: {exc.msg}") from None
    except docker.errors.DockerException as exc:
        raise PracticeFailed(describe_error(exc)) from None
    except OSError as exc:
        raise PracticeFailed(str(exc)) from None


def context_tar(context: Path) -> bytes:
    """The build context of the folder ``context`` as a tar, without the files its .dockerignore names."""
    import docker
    import docker.utils
    ignore = context / ".dockerignore"
    exclude = [line.strip() for line in ignore.read_text().splitlines()
               if line.strip() and not line.strip().startswith("#")] if ignore.exists() else None
    with docker.utils.tar(str(context), exclude=exclude) as made:
        data = made.read()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        last = tar.getmembers()[-1]
        end = last.offset_data + -(-last.size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE
    return data[:end] + tarfile.NUL * (2 * tarfile.BLOCKSIZE)


def npm_install(client: Any, image: str, context: Path, workdir: str = "/usr/src/app") -> list[str]:
    """`npm install` of ``context``'s package.json in a container of ``image`` (with the daemon's network), its
    node_modules and package-lock.json copied back into ``context``, as a reader who ran it locally has them;
    returns what npm printed."""
    import docker
    try:
        ctr = client.containers.create(image, ["npm", "install"], working_dir=workdir)
        try:
            package = (context / "package.json").read_bytes()
            ctr.put_archive("/", _tar_of({f"{workdir.strip('/')}/package.json": package}))
            ctr.start()
            status = ctr.wait(timeout=WAIT_SECONDS).get("StatusCode", 0)
            said = ctr.logs().decode(errors="replace").strip().splitlines()
            if status:
                raise PracticeFailed(f"npm install in {image} exited with {status}: {' '.join(said[-3:])}")
            for name in ("node_modules", "package-lock.json"):
                stream, _ = ctr.get_archive(f"{workdir}/{name}")
                with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                    tar.extractall(context, filter="data")
            return said
        finally:
            ctr.remove(force=True)
    except docker.errors.DockerException as exc:
        raise PracticeFailed(describe_error(exc)) from None
    except (OSError, tarfile.TarError) as exc:
        raise PracticeFailed(str(exc)) from None


def _tar_of(files: dict[str, bytes]) -> bytes:
    """A tar of ``files`` (path → bytes), each folder on the way a directory entry."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        made: set[str] = set()
        for name, data in files.items():
            parts = name.split("/")
            for i in range(1, len(parts)):
                folder = "/".join(parts[:i])
                if folder not in made:
                    made.add(folder)
                    info = tarfile.TarInfo(folder)
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(info)
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def tag_image(client: Any, source: str, target: str) -> str:
    """`docker tag source target`; returns the image ID ``target`` now names."""
    import docker
    repo, _, tag = target.rpartition(":")
    try:
        client.api.tag(source, repo, tag)
        return client.api.inspect_image(target)["Id"]
    except docker.errors.DockerException as exc:
        raise PracticeFailed(describe_error(exc)) from None


def save_image(client: Any, ref: str, path: Path) -> None:
    """`docker save ref > path`."""
    import docker
    try:
        with open(path, "wb") as out:
            for chunk in client.api.get_image(ref):
                out.write(chunk)
    except (docker.errors.DockerException, OSError) as exc:
        raise PracticeFailed(describe_error(exc) if isinstance(exc, docker.errors.DockerException) else str(exc)
                             ) from None


def load_image(client: Any, path: Path) -> None:
    """`docker load < path`."""
    import docker
    try:
        with open(path, "rb") as data:
            for _ in client.api.load_image(data):      # a stream: the load ends when it is read to the end
                pass
    except (docker.errors.DockerException, OSError) as exc:
        raise PracticeFailed(describe_error(exc) if isinstance(exc, docker.errors.DockerException) else str(exc)
                             ) from None
