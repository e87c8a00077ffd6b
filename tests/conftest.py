"""Shared fixtures: the private test daemon, started once per session."""
from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from daemon import DaemonUnavailable, PrivateDaemon, start_private  # noqa: E402
from engine29 import Engine29, EngineUnavailable  # noqa: E402
from fakedaemon import FakeDaemon, Recording, recorded  # noqa: E402
from podman_service import PodmanService, PodmanUnavailable  # noqa: E402
from registry import PrivateRegistry, RegistryUnavailable  # noqa: E402

# Tests are marked by what they need, from the fixtures they use (markers: pyproject.toml), so
# `pytest -m "not daemon and not podman and not engine29 and not install"` runs everything else on any machine,
# without root (`install` tests are marked in tests/install/).
NEEDS = {"daemon": {"daemon", "private_daemon", "vfs_daemon"}, "podman": {"podman", "podman_service"},
         "engine29": {"engine29", "private_engine29"}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test `daemon` / `podman` when it uses a private engine's fixture."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in NEEDS.items():
            if used & fixtures:
                item.add_marker(getattr(pytest.mark, marker))


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    """Each test keeps its delete log (the user's state directory) in its own temp folder."""
    monkeypatch.setenv("LAYERSCOPE_STATE", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture(autouse=True)
def collectable():
    """After each test, what bulk builds froze (model/core/bulk.py) is given back to the cyclic collector, which
    runs as in the window (a headless command run in-process turns it off): a test's window is cyclic garbage
    once closed, and a long run would otherwise keep every one it made."""
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture(scope="session")
def private_daemon():
    """One private dockerd for the whole session; skips (fails under CI=true) when it cannot start."""
    daemon = start_private(PrivateDaemon(tls=True), DaemonUnavailable)
    yield daemon
    daemon.cleanup()


@pytest.fixture
def daemon(private_daemon):
    """The private daemon, emptied before the test (restarted if a test stopped it)."""
    if private_daemon.proc is None or private_daemon.proc.poll() is not None:
        private_daemon.start()
    private_daemon.wipe()
    return private_daemon


@pytest.fixture(scope="session")
def private_engine29():
    """One private Engine 29 (containerd image store) for the session; skips (fails under CI=true) without it."""
    engine = start_private(Engine29(), EngineUnavailable)
    yield engine
    engine.cleanup()


@pytest.fixture
def engine29(private_engine29):
    """The private Engine 29, emptied before the test (restarted if a test stopped it)."""
    if not private_engine29.running:
        private_engine29.start()
    private_engine29.wipe()
    return private_engine29


@pytest.fixture(scope="module")
def podman_registries() -> tuple[str, ...]:
    """Registries (host:port) the module's Podman service reaches over plain HTTP; a module overrides it."""
    return ()


@pytest.fixture(scope="module")
def podman_service(podman_registries):
    """One private Podman service per module; skips (fails under CI=true) when it cannot start."""
    service = start_private(PodmanService(insecure_registries=podman_registries), PodmanUnavailable)
    yield service
    service.cleanup()


@pytest.fixture
def podman(podman_service):
    """The Podman service, emptied before the test (restarted if it died)."""
    if not podman_service.running:
        podman_service.start()
    podman_service.wipe()
    return podman_service


@pytest.fixture(scope="session")
def recording(private_daemon, tmp_path_factory) -> Recording:
    """The private dockerd's answers to every endpoint the reader uses, recorded once per session."""
    return recorded(private_daemon, tmp_path_factory)


@pytest.fixture
def fake(recording):
    """The suite's fake daemon (tests/fakedaemon.py) replaying ``recording``, on a short socket path
    (unix socket paths are limited to 107 bytes); set ``fake.fault`` to make one endpoint misbehave."""
    root = Path(tempfile.mkdtemp(prefix="ls-fake-"))
    with FakeDaemon(recording, root) as daemon:
        yield daemon
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def private_registry():
    """One private docker-registry (127.0.0.1, plain HTTP) for the session; skips (fails under CI=true) without it."""
    registry = start_private(PrivateRegistry(), RegistryUnavailable)
    yield registry
    registry.cleanup()


@pytest.fixture
def registry(private_registry):
    """The private registry, emptied before the test."""
    private_registry.wipe()
    return private_registry


@pytest.fixture
def tutorial_file() -> Path:
    """The tutorial's three committed images (ubuntu:18.04, ubuntu_apache, iscreamedu_apache) as a snapshot file,
    recorded from a real dockerd (resources/demo/tutorial-commit.json): GUI tests that need no daemon open it."""
    from resources import LESSON_SNAPSHOT
    return LESSON_SNAPSHOT


@pytest.fixture
def tutorial_ids(tutorial_file) -> dict[str, str]:
    """Image ID by tag in ``tutorial_file``."""
    from model.core.snapshot import Snapshot
    return {tag: img.id for img in Snapshot.load(tutorial_file).images for tag in img.repo_tags}


@pytest.fixture
def temp_settings(tmp_path, monkeypatch):
    """For GUI tests: own QSettings location and image cache, English UI, no read-only from the environment."""
    from PySide6.QtCore import QSettings
    from gui.mainwindow import open_settings
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("LAYERSCOPE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("LAYERSCOPE_READ_ONLY", raising=False)
    settings = open_settings()
    settings.setValue("ui/language", "en")
    settings.sync()
    return tmp_path
