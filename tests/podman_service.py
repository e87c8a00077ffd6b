"""A private ``podman system service`` for the test suite: own socket, storage, run root and config.

Nothing is shared with a system Podman: storage (``--root``/``--runroot``), the
libpod tmp dir, the event log, the network config dir and the lock files all live
under one temporary directory, and ``CONTAINERS_CONF`` points at a private
containers.conf (when it is set, Podman reads no other containers.conf).

Measured on Debian 12 / Podman 4.3.1 as root without systemd (inside a container
without CAP_SYS_RESOURCE):

* ``--cgroup-manager cgroupfs`` and ``events_logger = "file"`` (no systemd/journald);
* ``lock_type = "file"`` so the service does not use the host-wide SHM lock segment;
* ``default_ulimits`` no higher than this process's own hard limits: Podman's
  root default (nofile=1048576, nproc=max) makes runc fail with "error setting
  rlimits ... operation not permitted" when CAP_SYS_RESOURCE is missing;
* ``netns = "none"``: containers never need a network here;
* the overlay driver works natively as root; ``vfs`` is the fallback.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import docker

from daemon import PrivateService


class PodmanUnavailable(Exception):
    """podman cannot run a private service on this machine."""


def _limit(kind: int, cap: int) -> int:
    """min(cap, this process's hard limit) — what a container may be given without CAP_SYS_RESOURCE."""
    hard = resource.getrlimit(kind)[1]
    return cap if hard == resource.RLIM_INFINITY else min(cap, hard)


class PodmanService(PrivateService):
    """Start, stop and wipe one ``podman system service`` on a private socket."""

    NAME = "Podman service"
    API_VERSION = "1.41"     # what Podman 4.x's compat API announces

    def __init__(self, root: str | None = None, storage_driver: str | None = None,
                 insecure_registries: tuple[str, ...] = ()) -> None:
        self.root = Path(root or tempfile.mkdtemp(prefix="ls-pm-"))
        self.insecure_registries = insecure_registries   # host:port reached over plain HTTP (a test registry)
        self.socket = self.root / "podman.sock"
        self.url = f"unix://{self.socket}"
        self.conf = self.root / "containers.conf"
        self.log_path = self.root / "podman.log"
        # overlay works natively as root; LAYERSCOPE_PODMAN_DRIVER=vfs where the kernel refuses it
        self.storage_driver = storage_driver or os.environ.get("LAYERSCOPE_PODMAN_DRIVER", "overlay")
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def why_unavailable() -> str | None:
        """A reason this machine cannot run a private Podman service, or None if it can."""
        if shutil.which("podman") is None:
            return "podman is not installed (apt-get install podman)"
        if os.geteuid() != 0:
            return "the private Podman service is run as root (rootless needs a user session and subuids)"
        return None

    def _write_conf(self) -> None:
        nofile = _limit(resource.RLIMIT_NOFILE, 1024)
        nproc = _limit(resource.RLIMIT_NPROC, 4096)
        r = self.root
        self.conf.write_text(f"""[containers]
default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]
netns = "none"
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "{r / 'events.log'}"
lock_type = "file"
tmp_dir = "{r / 'tmp'}"
num_locks = 2048

[network]
network_config_dir = "{r / 'net'}"
""")

    def start(self, timeout: float = 60.0) -> None:
        """Start the service and wait until /_ping answers."""
        reason = self.why_unavailable()
        if reason:
            raise PodmanUnavailable(reason)
        for sub in ("storage", "run", "tmp", "net"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._write_conf()
        env = dict(os.environ, CONTAINERS_CONF=str(self.conf),
                   CONTAINERS_STORAGE_CONF=str(self.root / "storage.conf"),
                   CONTAINERS_REGISTRIES_CONF=str(self.root / "registries.conf"),
                   XDG_RUNTIME_DIR=str(self.root / "run"))
        (self.root / "storage.conf").write_text(
            f'[storage]\ndriver = "{self.storage_driver}"\n'
            f'graphroot = "{self.root / "storage"}"\nrunroot = "{self.root / "run"}"\n')
        (self.root / "registries.conf").write_text("unqualified-search-registries = []\n" + "".join(
            f'\n[[registry]]\nlocation = "{r}"\ninsecure = true\n' for r in self.insecure_registries))
        cmd = ["podman", "--root", str(self.root / "storage"), "--runroot", str(self.root / "run"),
               "--storage-driver", self.storage_driver, "--cgroup-manager", "cgroupfs",
               "--events-backend", "file", "--tmpdir", str(self.root / "tmp"),
               "system", "service", "--time=0", self.url]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, cwd=self.root, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise PodmanUnavailable(f"podman system service exited with {self.proc.returncode}: "
                                        f"{self.log_tail()}")
            try:
                if self.socket.exists() and self.client(timeout=2).ping():
                    return
            except Exception:
                pass
            time.sleep(0.2)
        self.stop()
        raise PodmanUnavailable(f"podman did not answer /_ping within {timeout:.0f}s: {self.log_tail()}")

    @property
    def running(self) -> bool:
        """True while the service process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def client(self, timeout: float = 120) -> docker.DockerClient:
        """A docker SDK client for the service (API 1.41, as Podman 4 announces)."""
        return docker.DockerClient(base_url=self.url, timeout=timeout, version=self.API_VERSION)

    def cleanup(self) -> None:
        """Stop, kill leftover conmon processes of our containers, unmount and remove the root."""
        self.stop()
        # conmon outlives the service (one per container it started): end those that belong to us only.
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if cmdline.startswith("/usr/bin/conmon") or cmdline.startswith("conmon"):
                if str(self.root) in cmdline:
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except OSError:
                        pass
        self.remove_root()
