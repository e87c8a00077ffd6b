"""A private Docker Engine 29 on the containerd image store, from ``../shared/engines/engine.sh``.

The script (outside the project, present where CI runs) unpacks verified static binaries once and
starts containerd + dockerd with every socket, pid file and data directory under ROOT.  Where it is
absent (a user's machine) the fixtures skip with that reason; under CI=true they fail instead.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docker

from daemon import PrivateService

def find_engine_sh() -> Path:
    """engine.sh: $LAYERSCOPE_ENGINE_SH, else ``../shared/engines/engine.sh`` beside the clone, else the
    workplace's /work/shared (a clone made elsewhere on such a machine); the first candidate when none exists."""
    candidates = [Path(p) for p in (os.environ.get("LAYERSCOPE_ENGINE_SH"),) if p]
    candidates += [Path(__file__).resolve().parents[2] / "shared" / "engines" / "engine.sh",
                   Path("/work/shared/engines/engine.sh")]
    return next((c for c in candidates if c.is_file()), candidates[0])


ENGINE_SH = find_engine_sh()


class EngineUnavailable(Exception):
    """Engine 29 cannot be started on this machine."""


class Engine29(PrivateService):
    """Start, stop and wipe one Engine 29 (containerd image store) under a private short ROOT."""

    NAME = "Engine 29"

    def __init__(self, root: str | None = None) -> None:
        # unix socket paths must stay under 108 bytes: keep ROOT short
        self.root = Path(root or tempfile.mkdtemp(prefix="ls29-", dir="/tmp"))
        self.socket = self.root / "run" / "docker.sock"
        self.url = f"unix://{self.socket}"
        self.log_path = self.root / "log" / "dockerd.log"
        self.started = False
        # the buildx CLI plugin lives beside the unpacked binaries (engine.sh env prints it)
        self.docker_config = os.environ.get("LAYERSCOPE_ENGINE_CACHE", "/var/tmp/layerscope-docker-29")

    @staticmethod
    def why_unavailable() -> str | None:
        """A reason this machine cannot run Engine 29, or None if it can."""
        if not ENGINE_SH.is_file():
            return f"{ENGINE_SH} is absent (Engine 29 binaries ship only where CI runs)"
        if os.geteuid() != 0:
            return "Engine 29 is started as root"
        for tool in ("xz", "curl"):
            if shutil.which(tool) is None:
                return f"{tool} is not installed (engine.sh needs it)"
        return None

    def _script(self, command: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(ENGINE_SH), command, str(self.root)], capture_output=True, text=True,
                              timeout=timeout)

    def start(self, timeout: float = 120.0) -> None:
        """Start containerd and dockerd through engine.sh (it waits for /_ping)."""
        reason = self.why_unavailable()
        if reason:
            raise EngineUnavailable(reason)
        try:
            done = self._script("start", timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise EngineUnavailable(f"engine.sh start did not finish within {timeout:.0f}s: {self.log_tail()}")
        if done.returncode != 0:
            self.stop()
            raise EngineUnavailable(f"engine.sh start failed: {done.stderr.strip()[-300:]} {self.log_tail()}")
        self.started = True

    @property
    def running(self) -> bool:
        """True while dockerd answers /_ping."""
        try:
            return self.started and self.client(timeout=5).ping()
        except Exception:
            return False

    def stop(self) -> None:
        """Stop dockerd, then containerd (engine.sh stop)."""
        if self.root.is_dir():
            try:
                self._script("stop", 60)
            except subprocess.TimeoutExpired:
                pass
        self.started = False

    def client(self, timeout: float = 120) -> docker.DockerClient:
        """A docker SDK client for this engine (API version negotiated)."""
        return docker.DockerClient(base_url=self.url, timeout=timeout, version="auto")

    def cli_env(self) -> dict[str, str]:
        """Environment for the docker CLI against this engine (buildx plugin included)."""
        return dict(os.environ, DOCKER_HOST=self.url, DOCKER_CONFIG=self.docker_config)

    def cleanup(self) -> None:
        """Stop and remove ROOT (unmounting what containerd left mounted)."""
        self.stop()
        self.remove_root()
