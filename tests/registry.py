"""A private image registry for the test suite: Debian's ``docker-registry`` (distribution 2.8) on 127.0.0.1.

No auth, no TLS, delete enabled; its own config file and storage directory under one temp dir.
Engines reach it over plain HTTP: dockerd (20.10 and 29) treats 127.0.0.0/8 as an insecure
registry by default; the private Podman service is told so in its registries.conf.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import docker

from daemon import PrivateDaemon, PrivateService

REGISTRY = shutil.which("docker-registry") or "/usr/bin/docker-registry"
DIGEST_LINE = re.compile(r"digest: (sha256:[0-9a-f]{64}) size: [0-9]+")


class RegistryUnavailable(Exception):
    """docker-registry cannot run here."""


class PrivateRegistry(PrivateService):
    """Start, stop and empty one docker-registry on 127.0.0.1:<free port>."""

    NAME = "registry"

    def __init__(self, root: str | None = None) -> None:
        self.root = Path(root or tempfile.mkdtemp(prefix="ls-reg-"))
        self.storage = self.root / "storage"
        self.config = self.root / "config.yml"
        self.log_path = self.root / "registry.log"
        self.proc: subprocess.Popen | None = None
        self.port = PrivateDaemon._free_port()
        self.host = f"127.0.0.1:{self.port}"       # the registry part of a reference

    @staticmethod
    def why_unavailable() -> str | None:
        """A reason this machine cannot run the registry, or None if it can."""
        if not Path(REGISTRY).is_file():
            return "docker-registry is not installed (apt-get install docker-registry)"
        return None

    def _write_config(self) -> None:
        self.config.write_text(f"""version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {self.storage}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: {self.host}
""")

    def _answers(self) -> bool:
        """True when GET /v2/ answers 200 (no proxy: the registry is local)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"http://{self.host}/v2/", timeout=2) as res:
                return res.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def start(self, timeout: float = 30.0) -> None:
        """Start docker-registry and wait until /v2/ answers."""
        reason = self.why_unavailable()
        if reason:
            raise RegistryUnavailable(reason)
        self.storage.mkdir(parents=True, exist_ok=True)
        self._write_config()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([REGISTRY, "serve", str(self.config)], stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.root, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RegistryUnavailable(f"docker-registry exited with {self.proc.returncode}: {self.log_tail()}")
            if self._answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RegistryUnavailable(f"docker-registry did not answer /v2/ within {timeout:.0f}s: {self.log_tail()}")

    @property
    def running(self) -> bool:
        """True while the registry process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def wipe(self) -> None:
        """Empty the registry: stop it, delete its storage, start it again on the same port."""
        self.stop()
        shutil.rmtree(self.storage, ignore_errors=True)
        self.start()

    def cleanup(self) -> None:
        """Stop and remove the temp dir."""
        self.stop()
        self.remove_root()

    def repo(self, name: str) -> str:
        """The full repository name of ``name`` on this registry (``127.0.0.1:PORT/name``)."""
        return f"{self.host}/{name}"


# ---------------------------------------------------------------------------
# Moving images through the registry with an engine's own push and pull
def _split(ref: str) -> tuple[str, str]:
    """``repo:tag`` → (repo, tag); a name without a tag gets ``latest``."""
    if ":" not in ref.rsplit("/", 1)[-1]:
        return ref, "latest"
    repo, tag = ref.rsplit(":", 1)
    return repo, tag


def _raise_stream_error(lines) -> None:
    for line in lines:
        if isinstance(line, dict) and line.get("error"):
            raise docker.errors.APIError(line["error"])


def push(client: docker.DockerClient, ref: str) -> str:
    """``docker push ref`` (a tag on the registry); returns the pushed manifest digest."""
    repo, tag = _split(ref)
    lines = list(client.api.push(repo, tag, stream=True, decode=True))
    _raise_stream_error(lines)
    # every engine ends the stream with "TAG: digest: sha256:… size: N" (Engine 29 sends no aux Digest)
    digests = [m.group(1) for line in lines if isinstance(line, dict)
               for m in [DIGEST_LINE.search(str(line.get("status", "")))] if m]
    if not digests:
        raise RuntimeError(f"push of {ref} reported no digest: {lines[-3:]}")
    return digests[-1]


def pull(client: docker.DockerClient, ref: str) -> None:
    """``docker pull ref`` (``repo:tag`` or ``repo@sha256:…``)."""
    if "@" in ref:
        repo, digest = ref.split("@", 1)
        lines = client.api.pull(repo, digest, stream=True, decode=True)
    else:
        repo, tag = _split(ref)
        lines = client.api.pull(repo, tag, stream=True, decode=True)
    _raise_stream_error(lines)


# Push-pull for random states: each chosen local reference is tagged into the registry (two
# repositories, so a repository may get several tags), pushed, and then left in one of three shapes:
#   kept  — the pushed tag stays (dockerd then also lists its RepoDigest; Podman pushes a converted
#           manifest, so its pushed digest is not known locally);
#   tag   — the registry tag is removed locally and pulled back by tag (tag + digest);
#   bare  — the registry tag is removed locally and the image pulled by digest only (a digest
#           reference and no tag of it; Engine 29 and Podman name the image repo@sha256:…).
# The source reference stays, so no image is deleted and no new image ID appears.
# Returns (registry tags that exist locally after, digest references repo@sha256:… the engine holds).
def push_pull(client: docker.DockerClient, registry: PrivateRegistry, refs: list[str], rng: random.Random
              ) -> tuple[list[str], list[str]]:
    """Push ``refs`` to ``registry`` under new names and pull some back by tag or by digest."""
    tags: list[str] = []
    digests: list[str] = []
    for n, ref in enumerate(refs):
        target = registry.repo(f"{rng.choice(['team/app', 'mirror'])}:t{n}")
        repo, tag = _split(target)
        client.api.tag(ref, repo, tag)
        digest_ref = f"{repo}@{push(client, target)}"
        shape = rng.choice(["kept", "tag", "bare"])
        if shape == "kept":
            tags.append(target)
            if digest_ref in (client.api.inspect_image(target).get("RepoDigests") or ()):
                digests.append(digest_ref)
            continue
        client.api.remove_image(target)
        pull(client, target if shape == "tag" else digest_ref)
        if shape == "tag":
            tags.append(target)
        digests.append(digest_ref)
    return tags, digests
