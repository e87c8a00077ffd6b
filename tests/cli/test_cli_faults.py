"""`python main.py` meeting files and places it cannot use: one line on stderr, exit 1 (70 for a fault of
ours), never a traceback, and no stray file left behind.

Each case runs the real command line as a subprocess, as a user would, and as an ordinary user: under
root the command runs without the capabilities that override file permissions (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH), so a read-only directory and an unreadable file are what they are for anyone else."""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import EXIT_INTERNAL, run
from commands import ROOT
from resources import LESSON_SNAPSHOT

PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


@pytest.fixture
def place(tmp_path):
    """The test's scratch directory; made writable again at the end so pytest can remove it."""
    yield tmp_path
    for sub in tmp_path.rglob("*"):
        if sub.is_dir() and not sub.is_symlink():
            sub.chmod(0o755)


def _as_ordinary_user() -> None:
    """In the child, before exec: drop root's power to ignore file permissions (no-op for other users)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def layerscope(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python main.py ARGS`` as an ordinary user would run it, from ``home``, without a terminal."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "LAYERSCOPE_"))}
    full_env.update({"LAYERSCOPE_NO_CACHE": "1", "LAYERSCOPE_STATE": str(home / ".state"), **(env or {})})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          env=full_env, cwd=home, stdin=subprocess.DEVNULL, timeout=120,
                          preexec_fn=_as_ordinary_user if os.geteuid() == 0 else None)


def one_line_failure(res: subprocess.CompletedProcess, code: int = 1) -> str:
    """The single ``layerscope: ...`` line on stderr of a run that failed with ``code``."""
    assert "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.splitlines()
    assert res.returncode == code, res.stderr
    assert len(lines) == 1 and lines[0].startswith("layerscope: "), res.stderr
    assert "internal error" not in lines[0]
    return lines[0]


def listing(*dirs: Path) -> dict[str, set[str]]:
    """The names in each directory (to find stray files)."""
    return {str(d): set(os.listdir(d)) for d in dirs}


def hostile(place: Path, name: str, content: bytes) -> Path:
    path = place / name
    path.write_bytes(content)
    return path


def lesson() -> dict:
    return json.loads(LESSON_SNAPSHOT.read_text(encoding="utf-8"))


# -- --save --------------------------------------------------------------------------------
def test_save_to_a_directory_is_one_line_and_leaves_nothing(place):
    target = place / "snapshots"
    target.mkdir()
    before = listing(place, target)
    line = one_line_failure(layerscope("--demo", "snapshot", "--save", str(target), home=place))
    assert str(target) in line and "directory" in line
    assert listing(place, target) == before


def test_save_to_tmp_itself_leaves_no_tmp_tmp(place):
    """The issue's own case: ``snapshot --save /tmp`` left ``/tmp.tmp`` behind."""
    before = {n for n in os.listdir("/") if "tmp" in n}
    line = one_line_failure(layerscope("--demo", "snapshot", "--save", "/tmp", home=place))
    assert "/tmp" in line and "directory" in line
    assert {n for n in os.listdir("/") if "tmp" in n} == before
    assert not [n for n in os.listdir("/tmp") if n.startswith(".tmp.") and n.endswith(".tmp")]


def test_save_into_a_missing_directory(place):
    line = one_line_failure(layerscope("--demo", "snapshot", "--save", "/nonexistent/dir/f.json", home=place))
    assert "/nonexistent/dir/f.json" in line and "No such file or directory" in line
    assert not Path("/nonexistent").exists()


def test_save_into_a_read_only_directory(place):
    locked = place / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    line = one_line_failure(layerscope("--demo", "snapshot", "--save", str(locked / "f.json"), home=place))
    assert str(locked / "f.json") in line and "Permission denied" in line
    assert os.listdir(locked) == []


def test_save_that_works_leaves_only_the_file(place):
    """The control: the same command into a writable directory writes the file and nothing else."""
    out = place / "out"
    out.mkdir()
    res = layerscope("--demo", "snapshot", "--save", str(out / "f.json"), home=place)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert os.listdir(out) == ["f.json"]
    assert json.loads((out / "f.json").read_text())["kind"] == "layerscope-snapshot"


# -- --snapshot ------------------------------------------------------------------------------
def test_snapshot_of_a_directory(place):
    folder = place / "snapshot.json"            # named like a snapshot, but a directory
    folder.mkdir()
    line = one_line_failure(layerscope("--snapshot", str(folder), "snapshot", "--json", home=place))
    assert str(folder) in line and "directory" in line


def test_snapshot_of_a_missing_file(place):
    missing = place / "missing.json"
    line = one_line_failure(layerscope("--snapshot", str(missing), "snapshot", "--json", home=place))
    assert str(missing) in line and "No such file or directory" in line


def test_snapshot_of_an_unreadable_file(place):
    secret = hostile(place, "secret.json", LESSON_SNAPSHOT.read_bytes())
    secret.chmod(0o000)
    line = one_line_failure(layerscope("--snapshot", str(secret), "snapshot", "--json", home=place))
    assert str(secret) in line and "Permission denied" in line


@pytest.mark.parametrize("name,content,problem", [
    ("truncated.json", LESSON_SNAPSHOT.read_bytes()[:3000], "JSON"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nest"),
    ("infinite.json", json.dumps(dict(lesson(), images=[dict(lesson()["images"][0], size=float("inf"))]))
     .encode(), "Infinity"),
    ("latin1.json", json.dumps(lesson()).replace("ubuntu:18.04", "ubuntu:18.04\u00e9").encode("latin-1"), "UTF-8"),
])
@pytest.mark.parametrize("command", [("snapshot", "--json"), ("export", "OUT.svg"), ("prune", "--dry-run")])
def test_hostile_snapshot_files_through_each_command(place, name, content, problem, command):
    """A file that cannot be a snapshot is refused in one line naming the file and what is wrong with it."""
    bad = hostile(place, name, content)
    out = place / "out"
    out.mkdir()
    args = [a.replace("OUT", str(out / "graph")) for a in command]
    res = layerscope(*args[:1], "--snapshot", str(bad), *args[1:], home=place)
    line = one_line_failure(res, code=2 if command[0] == "prune" else 1)
    assert name in line and problem in line
    assert os.listdir(out) == []


def test_repaired_file_warns_on_stderr_and_runs(place):
    """A file with an unknown field opens: the command runs, and stderr says what was repaired."""
    data = lesson()
    data["images"][1]["future_field"] = {"x": 1}
    path = hostile(place, "repaired.json", json.dumps(data).encode())
    res = layerscope("snapshot", "--json", "--snapshot", str(path), home=place)
    assert res.returncode == 0 and len(json.loads(res.stdout)["images"]) == len(data["images"])
    assert res.stderr.splitlines() == [
        "layerscope: warning: repaired while opening: images[1].future_field: unknown field ignored"]


# -- export ----------------------------------------------------------------------------------
@pytest.mark.parametrize("out", ["/nonexistent/dir/graph.svg", "/nonexistent/dir/snapshot.json",
                                 "/nonexistent/dir/graph.dot"])
def test_export_into_a_missing_directory(place, out):
    line = one_line_failure(layerscope("--demo", "export", out, home=place))
    assert out in line and "No such file or directory" in line
    assert not Path("/nonexistent").exists()


def test_export_over_a_directory(place):
    target = place / "graph.svg"
    target.mkdir()
    line = one_line_failure(layerscope("--demo", "export", str(target), home=place))
    assert str(target) in line and "directory" in line.lower()
    assert os.listdir(target) == []


# -- the daemon's settings ---------------------------------------------------------------------
def test_no_daemon_is_one_line(place):
    sock = place / "nothing-here.sock"
    line = one_line_failure(layerscope("snapshot", "--json", "--host", f"unix://{sock}", home=place))
    assert str(sock) in line and "no Docker daemon" in line


def test_bad_tls_variables_are_one_line(place):
    """DOCKER_TLS_VERIFY with a DOCKER_CERT_PATH that holds no certificates (was TLSParameterError)."""
    env = {"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/nonexistent"}
    line = one_line_failure(layerscope("snapshot", "--json", home=place, env=env))
    assert "DOCKER_CERT_PATH=/nonexistent" in line and "cert.pem" in line


# -- the last resort -------------------------------------------------------------------------
def _broken_command(args: argparse.Namespace) -> int:
    raise ZeroDivisionError("division by zero\nsecond line")


def test_a_fault_of_ours_is_one_line_exit_70(capsys, monkeypatch):
    """What no named error catches still ends in one line (exit 70); LAYERSCOPE_DEBUG=1 adds the traceback."""
    monkeypatch.delenv("LAYERSCOPE_DEBUG", raising=False)
    assert run(argparse.Namespace(func=_broken_command)) == EXIT_INTERNAL == 70
    err = capsys.readouterr().err
    assert err == ("layerscope: internal error: ZeroDivisionError: division by zero "
                   "(run with LAYERSCOPE_DEBUG=1 for the traceback)\n")
    monkeypatch.setenv("LAYERSCOPE_DEBUG", "1")
    assert run(argparse.Namespace(func=_broken_command)) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "_broken_command" in err
    assert err.splitlines()[-1].startswith("layerscope: internal error: ZeroDivisionError")
