"""A private dockerd for the test suite: own socket, data root and exec root; never the user's daemon."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import docker
import pytest


class DaemonUnavailable(Exception):
    """dockerd cannot be started on this machine (not installed, not root, ...)."""


class PrivateService:
    """What the private dockerd and the private Podman service share: stop, log, wipe, remove."""

    proc: subprocess.Popen | None = None
    root: Path
    log_path: Path
    NAME = "service"

    def client(self, timeout: float = 120) -> docker.DockerClient:  # pragma: no cover - overridden
        """A docker SDK client for the service."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and wait for it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def remove_root(self) -> None:
        """Unmount whatever is still mounted under the root (deepest first) and delete it."""
        subprocess.run(["sh", "-c", f"grep -o ' {self.root}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l"],
                       check=False, capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 5) -> str:
        """The last lines of the process's log, for error messages."""
        try:
            return " | ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-lines:])
        except OSError:
            return ""

    def wipe(self) -> None:
        """Remove every container and image, leaving an empty store."""
        api = self.client().api
        for ctr in api.containers(all=True, quiet=True):
            api.remove_container(ctr["Id"], force=True)
        for _ in range(50):
            ids = [i["Id"] for i in api.images(all=True)]
            if not ids:
                return
            for image_id in ids:
                try:
                    api.remove_image(image_id, force=True)
                except docker.errors.APIError:
                    pass  # children first; the next round gets it
        raise RuntimeError(f"could not wipe the test {self.NAME}")


def start_private(service: PrivateService, unavailable: type[Exception]) -> PrivateService:
    """Start a private engine for a fixture: skip where this machine cannot run one, fail instead under CI=true."""
    def refuse(why: str) -> None:
        service.cleanup()
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no private {service.NAME}: {why}")
        pytest.skip(why)

    reason = service.why_unavailable()
    if reason:
        refuse(reason)
    try:
        service.start()
    except unavailable as exc:
        refuse(f"private {service.NAME} failed to start: {exc}")
    return service


class PrivateDaemon(PrivateService):
    """Start, stop and restart one dockerd on a private socket (DESIGN.md §4)."""

    NAME = "daemon"

    def __init__(self, root: str | None = None, tls: bool = False, storage_driver: str | None = None,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.root = Path(root or tempfile.mkdtemp(prefix="ls-dd-"))
        self.extra_args = extra_args             # more dockerd flags (e.g. --registry-mirror)
        self.storage_driver = storage_driver     # None: dockerd's choice (overlay2 here)
        self.socket = self.root / "docker.sock"
        self.url = f"unix://{self.socket}"
        self.proc: subprocess.Popen | None = None
        self.log_path = self.root / "dockerd.log"
        self.tls_url: str | None = None          # tcp://127.0.0.1:PORT with --tlsverify, when tls=True
        self.cert_path = self.root / "certs"     # ca.pem, cert.pem, key.pem for clients (DOCKER_CERT_PATH)
        self.tls = tls

    def _make_certs(self) -> None:
        """A private CA, a server cert for 127.0.0.1 and a client cert, made with openssl."""
        d = self.cert_path
        d.mkdir(parents=True, exist_ok=True)
        if (d / "key.pem").exists():
            return
        ext = d / "ext.cnf"
        ext.write_text("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        cext = d / "cext.cnf"
        cext.write_text("extendedKeyUsage=clientAuth\n")
        run = lambda *a: subprocess.run(["openssl", *a], cwd=d, check=True, capture_output=True)  # noqa: E731
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=layerscope-test-ca")
        for name, extfile, cn in (("server", ext, "127.0.0.1"), ("client", cext, "client")):
            run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}-key.pem", "-out", f"{name}.csr",
                "-subj", f"/CN={cn}")
            run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", f"{name}-cert.pem", "-days", "2", "-extfile", str(extfile))
        (d / "cert.pem").write_bytes((d / "client-cert.pem").read_bytes())
        (d / "key.pem").write_bytes((d / "client-key.pem").read_bytes())

    @staticmethod
    def _free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    @staticmethod
    def why_unavailable() -> str | None:
        """A reason this machine cannot run a private dockerd, or None if it can."""
        if shutil.which("dockerd") is None:
            return "dockerd is not installed (apt-get install docker.io)"
        if os.geteuid() != 0:
            return "a private dockerd needs root"
        return None

    def start(self, timeout: float = 60.0) -> None:
        """Start dockerd and wait until /_ping answers."""
        reason = self.why_unavailable()
        if reason:
            raise DaemonUnavailable(reason)
        for sub in ("data", "exec"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        cmd = [
            "dockerd", "--data-root", str(self.root / "data"), "--exec-root", str(self.root / "exec"),
            "--pidfile", str(self.root / "docker.pid"), "-H", self.url,
            "--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
            "--userland-proxy=false",
        ]
        if self.storage_driver:
            cmd += ["--storage-driver", self.storage_driver]
        cmd += list(self.extra_args)
        if self.tls and shutil.which("openssl"):
            self._make_certs()
            if self.tls_url is None:
                self.tls_url = f"tcp://127.0.0.1:{self._free_port()}"
            c = self.cert_path
            cmd += ["-H", self.tls_url, "--tlsverify", f"--tlscacert={c / 'ca.pem'}",
                    f"--tlscert={c / 'server-cert.pem'}", f"--tlskey={c / 'server-key.pem'}"]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise DaemonUnavailable(f"dockerd exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if self.client(timeout=2).ping():
                    return
            except Exception:
                pass
            time.sleep(0.2)
        self.stop()
        raise DaemonUnavailable(f"dockerd did not answer /_ping within {timeout:.0f}s: {self.log_tail()}")

    def client(self, timeout: float = 120) -> docker.DockerClient:
        """A docker SDK client for this daemon."""
        return docker.DockerClient(base_url=self.url, timeout=timeout)

    def restart(self) -> None:
        """Stop and start again on the same data root."""
        self.stop()
        self.start()

    def cleanup(self) -> None:
        """Stop and remove the data root (unmounting anything left behind)."""
        self.stop()
        self.remove_root()
