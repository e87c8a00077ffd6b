"""The ``files`` and ``diff`` commands as a user runs them: against the private dockerd (--host), offline from a
snapshot saved with ``--with-files``, and every failure one line on stderr with its exit code, no traceback."""
from __future__ import annotations

import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

import builders
from model.core.analysis import Analysis
from model.core.snapshot import Snapshot
from model.daemon.imagesave import read_layer_files
from model.daemon.source import connect, read_snapshot
from model.files.cache import FilesCache
from model.files.compare import compare
from model.files.stack import image_files

ROOT = Path(__file__).resolve().parents[2]
A_DOCKERFILE = "FROM cli-base:1\nRUN echo a > /data/f && echo same > /data/s\n"
B_DOCKERFILE = "FROM cli-base:1\nRUN echo bb > /data/f && echo new > /data/onlyb\n"
BIG = 48_000_000                    # the slow image: long enough to be interrupted through a throttled socket


def main(*args: str, cache: Path, **kw) -> subprocess.CompletedProcess:
    """``main.py ARGS`` with its own file-index cache."""
    env = dict(os.environ, LAYERSCOPE_CACHE=str(cache))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          env=env, timeout=300, cwd=ROOT, **kw)


@pytest.fixture(scope="module")
def store(private_daemon):
    """Two images built on one imported base (the base layer shared), and a big one, on the private dockerd."""
    if private_daemon.proc is None or private_daemon.proc.poll() is not None:
        private_daemon.start()
    private_daemon.wipe()
    client = private_daemon.client()
    builders.import_image(client, "cli-base:1", {"data/s": b"same\n", "data/f": b"base\n"}, changes=())
    builders.build(client, A_DOCKERFILE, "cli-a:1")
    builders.build(client, B_DOCKERFILE, "cli-b:1")
    builders.import_image(client, "cli-big:1", {"big.bin": builders.noise(BIG, 3)}, changes=())
    return private_daemon


def in_process(url: str, tmp: Path) -> tuple[Snapshot, dict]:
    """The snapshot and ``files --json`` of each tag, made in-process through the same model functions."""
    client = connect(url)
    snap = read_snapshot(client)
    sizes = Analysis(snap).layer_sizes
    cache = FilesCache(tmp)
    out = {}
    for img in snap.images:
        for tag in img.repo_tags:
            out[tag] = image_files(img, read_layer_files(client, img, cache), sizes)
    return snap, out


def one_line_failure(done: subprocess.CompletedProcess, code: int, line: str) -> None:
    assert (done.returncode, done.stdout, done.stderr) == (code, "", f"layerscope: {line}\n"), done.stderr


def test_files_and_diff_json_from_the_daemon_and_offline_agree(store, tmp_path):
    snap, files = in_process(store.url, tmp_path / "ref")
    a, b = snap.image(files["cli-a:1"].image_id), snap.image(files["cli-b:1"].image_id)
    done = main("files", "--json", "cli-a:1", "--host", store.url, cache=tmp_path / "c1")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    from_daemon = json.loads(done.stdout)
    assert from_daemon == files["cli-a:1"].to_json()
    assert [lay["diff_id"] for lay in from_daemon["layers"]] == list(a.diff_ids)
    top = {f["path"]: (f["type"], f["size"], f["change"]) for f in from_daemon["layers"][-1]["files"]}
    assert top == {"data": ("dir", 0, "modified"), "data/f": ("file", 2, "modified"),
                   "data/s": ("file", 5, "modified")}
    assert from_daemon["wasted_bytes"] == len(b"same\n") + len(b"base\n")
    # the same by short ID, with --host before the sub-command
    done = main("--host", store.url, "files", "--json", a.id[7:19], cache=tmp_path / "c1")
    assert done.returncode == 0 and json.loads(done.stdout) == from_daemon

    done = main("diff", "--json", "cli-a:1", "cli-b:1", "--host", store.url, cache=tmp_path / "c1")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    diff = json.loads(done.stdout)
    assert diff == compare(files["cli-a:1"], files["cli-b:1"], a, b).to_json()
    assert diff["diverge_at"] == 1 and [lay["diff_id"] for lay in diff["common"]["layers"]] == [a.diff_ids[0]]
    assert diff["a"]["image"] == a.id and diff["b"]["image"] == b.id
    assert [(f["path"], f["size"]) for f in diff["files"]["added"]["files"]] == [("data/onlyb", 4)]
    assert [(f["path"], f["size"]) for f in diff["files"]["removed"]["files"]] == []
    # data/s: A rewrote it with the base's bytes (same size, mode and CRC), so it does not differ from B's
    assert [(f["path"], f["size_a"], f["size_b"]) for f in diff["files"]["changed"]["files"]] == [("data/f", 2, 3)]

    # saved with the file index, then read offline: the same answers, no daemon needed
    saved = tmp_path / "with-files.json"
    done = main("snapshot", "--save", str(saved), "--with-files", "--host", store.url, cache=tmp_path / "c2")
    assert done.returncode == 0, done.stderr
    carried = Snapshot.load(saved)
    assert {lf.diff_id for lf in carried.layer_files} == {d for img in snap.images for d in img.diff_ids}
    empty = tmp_path / "never-used"
    done = main("files", "--json", "cli-a:1", "--snapshot", str(saved), cache=empty)
    assert done.returncode == 0 and json.loads(done.stdout) == from_daemon
    done = main("diff", "--json", "cli-a:1", "cli-b:1", "--snapshot", str(saved), cache=empty)
    assert done.returncode == 0 and json.loads(done.stdout) == diff
    assert not empty.exists()


def test_readable_listing_and_summary(store, tmp_path):
    done = main("files", "cli-a:1", "--host", store.url, cache=tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = done.stdout.splitlines()
    a = store.client().images.get("cli-a:1")
    assert lines[0] == f"Image cli-a:1 ({a.id[7:19]}): 2 layers"
    assert lines[-3:] == ["Wasted: 10B (10 bytes) in 2 file versions the image never shows",
                          "        5B  data/f  (layer 1)", "        5B  data/s  (layer 1)"]
    assert "  ~ file           2B  data/f" in lines and "  + file           5B  data/s" in lines
    done = main("diff", "cli-a:1", "cli-b:1", "--host", store.url, cache=tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "Shared: the bottom 1 layer" in done.stdout and "they diverge at layer 2" in done.stdout
    assert "  + file           4B  data/onlyb" in done.stdout.splitlines()


def test_failures_are_one_line_with_their_exit_code(store, tmp_path):
    one_line_failure(main("files", "--json", "nope:1", "--host", store.url, cache=tmp_path), 1,
                     "No such image: nope:1")
    one_line_failure(main("diff", "--json", "cli-a:1", "nope", "--host", store.url, cache=tmp_path), 1,
                     "No such image: nope:latest")
    one_line_failure(main("files", "--json", "cli-a:1", "--host", "unix:///nonexistent.sock", cache=tmp_path), 1,
                     "no Docker daemon at unix:///nonexistent.sock: the socket does not exist (is dockerd running?)")
    bare = tmp_path / "bare.json"
    done = main("snapshot", "--save", str(bare), "--host", store.url, cache=tmp_path)
    assert done.returncode == 0, done.stderr
    for cmd in (["files", "cli-a:1"], ["diff", "cli-a:1", "cli-b:1"]):
        one_line_failure(main(*cmd, "--snapshot", str(bare), cache=tmp_path), 1,
                         "this snapshot carries no file index for cli-a:1 (save it with snapshot --save FILE "
                         "--with-files)")
    one_line_failure(main("files", "x", "--snapshot", str(tmp_path / "missing.json"), cache=tmp_path), 1,
                     f"cannot read snapshot {tmp_path / 'missing.json'}: No such file or directory")


class SlowSocket:
    """A unix socket in front of the daemon's that passes the daemon's answers on at ``rate`` bytes a second
    (the daemon's own bytes, only slower), so a whole ``docker save`` takes long enough to interrupt."""

    def __init__(self, target: str, rate: int) -> None:
        self.dir = tempfile.mkdtemp(prefix="ls-slow-")
        self.path = f"{self.dir}/docker.sock"
        self.target, self.rate = target, rate
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(self.path)
        self.server.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.target)
            threading.Thread(target=self._pump, args=(conn, upstream, 0), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, conn, self.rate), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket, rate: int) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
                if rate:
                    time.sleep(len(data) / rate)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.server.close()
        os.unlink(self.path)
        os.rmdir(self.dir)


def test_progress_on_a_terminal_and_ctrl_c_exits_130_quietly(store, tmp_path):
    slow = SlowSocket(str(store.socket), rate=8_000_000)
    master, slave = pty.openpty()
    try:
        env = dict(os.environ, LAYERSCOPE_CACHE=str(tmp_path))
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "files", "--json", "cli-big:1", "--host",
                                 f"unix://{slow.path}"], stdout=subprocess.PIPE, stderr=slave, env=env, cwd=ROOT)
        os.close(slave)
        seen = b""
        deadline = time.monotonic() + 60
        while b"MB of about" not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                seen += os.read(master, 4096)
        assert b"reading cli-big:1: " in seen and b"of about 50MB" in seen     # (the image's size: 48 MB + busybox)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        rest = b""
        while select.select([master], [], [], 0.2)[0]:
            try:
                rest += os.read(master, 4096)
            except OSError:
                break
        assert b"Traceback" not in seen + rest and proc.stdout.read() == b""
    finally:
        os.close(master)
        slow.close()
    assert not (tmp_path / "layers").exists() or not [p for p in (tmp_path / "layers").iterdir()]
