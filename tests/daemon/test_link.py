"""Which way the reader reaches a daemon: a local unix socket over raw HTTP (no SDK), everything else — tcp, TLS,
a named docker context — through the docker SDK, exactly as the docker CLI picks the daemon."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import builders
from model.daemon.imagecache import ImageCache
from model.daemon.source import open_link, read_snapshot
from model.daemon.transport import DEFAULT_SOCKET, local_socket


@pytest.fixture
def docker_env(tmp_path, monkeypatch) -> Path:
    """No DOCKER_* settings and an empty docker CLI config directory of our own."""
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "docker-config"
    config.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    return config


def write_context(config: Path, name: str, host: str, current: bool = True) -> None:
    """A docker CLI context, stored where `docker context create` stores it."""
    meta = config / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Metadata": {},
                                                "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}))
    if current:
        (config / "config.json").write_text(json.dumps({"currentContext": name}))


def test_which_addresses_are_read_without_the_sdk(docker_env, monkeypatch):
    assert local_socket(None) == DEFAULT_SOCKET                       # no settings, no config: the default socket
    assert local_socket("unix:///run/user/1000/docker.sock") == "/run/user/1000/docker.sock"
    assert local_socket("tcp://127.0.0.1:2375") is None
    assert local_socket("ssh://me@host") is None
    monkeypatch.setenv("DOCKER_HOST", "unix:///tmp/other.sock")
    assert local_socket(None) == "/tmp/other.sock"
    assert local_socket("unix:///tmp/given.sock") == "/tmp/given.sock"  # --host comes first
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    assert local_socket(None) is None                                  # TLS settings: the SDK decides
    monkeypatch.delenv("DOCKER_TLS_VERIFY")
    monkeypatch.delenv("DOCKER_HOST")
    (docker_env / "config.json").write_text(json.dumps({"auths": {}}))
    assert local_socket(None) == DEFAULT_SOCKET                        # a config without a context
    (docker_env / "config.json").write_text(json.dumps({"currentContext": "default"}))
    assert local_socket(None) == DEFAULT_SOCKET
    (docker_env / "config.json").write_text(json.dumps({"currentContext": "remote"}))
    assert local_socket(None) is None                                  # a named context: the SDK resolves it
    (docker_env / "config.json").write_text("{not json")
    assert local_socket(None) is None                                  # a config we cannot read: the SDK says why
    monkeypatch.setenv("DOCKER_CONTEXT", "default")
    assert local_socket(None) == DEFAULT_SOCKET                        # DOCKER_CONTEXT overrides the config


def test_a_socket_and_a_context_read_the_same_daemon_the_same_way(daemon, docker_env, monkeypatch):
    """The raw unix path (no SDK) and the SDK path (a named docker context) give the same snapshot."""
    builders.import_image(daemon.client(), "linked:1", {"l": builders.noise(1500, 5)})
    raw = open_link(daemon.url)
    assert raw.socket_path is not None and raw._client is None
    write_context(docker_env, "private", daemon.url)
    through_sdk = open_link(None)
    assert through_sdk._client is not None                          # the context was resolved by the SDK
    one = read_snapshot(raw, cache=ImageCache(None))
    two = read_snapshot(through_sdk, cache=ImageCache(None))
    assert one.images == two.images and one.info == two.info and one.containers == two.containers
    assert "linked:1" in {t for i in one.images for t in i.repo_tags}
    raw.close()
    through_sdk.close()
