"""Files per layer read from real engines (dockerd 20.10 classic store, Engine 29 containerd store; classic and
BuildKit builds): images whose files are known — adds, overwrites, deletes, an opaque directory, hard links,
symlinks, a big file overwritten — and every field of ``files --json`` checked against what the Dockerfile did;
the second look served from the cache, a cancel mid-stream, an image removed first, a daemon killed mid-stream."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import docker
import pytest

import builders
from model.core.analysis import Analysis
from model.core.layerfiles import Cancelled
from model.daemon.answers import DaemonError
from model.daemon.imagesave import read_layer_files
from model.daemon.source import connect, read_snapshot
from model.files.cache import FilesCache

ROOT = Path(__file__).resolve().parents[2]
BIG = 8_000_000
BASE_FILES = {"data/keep.txt": b"v1\n", "data/gone.txt": b"gone!\n", "d/old1": b"o1", "d/sub/old2": b"o22"}
CONTEXT = {"added.txt": b"added\n", "big.bin": builders.noise(BIG, 13)}
DOCKERFILE = """FROM lsfiles-base:1
COPY added.txt big.bin /data/
RUN echo v2 > /data/keep.txt && rm /data/gone.txt && rm -rf /d && mkdir /d && echo x > /d/new
RUN echo linked > /data/a-orig && ln /data/a-orig /data/b-hard && ln -s a-orig /data/c-soft
RUN echo small > /data/big.bin && echo v3 > /data/added.txt
"""
CHILD_DOCKERFILE = "FROM lsfiles:classic\nRUN echo child > /data/child\n"

# What the Dockerfile did, layer by layer: (path, type, size, change).  The base is the imported rootfs
# (tests/builders.py rootfs_tar: three directories, a static busybox and its applets as symlinks, plus
# BASE_FILES).  A deletion lists the path once with the type it had; a directory whose children were
# all removed and made again (rm -rf /d && mkdir /d) lists each child it hid as deleted.
D, F, L, H = "dir", "file", "symlink", "hardlink"
ADDED, MODIFIED, DELETED = "added", "modified", "deleted"


def expected_layers(buildkit: bool) -> list[list[tuple[str, str, int, str]]]:
    """The five layers' files, bottom first."""
    base = [(d, D, 0, ADDED) for d in ("bin", "tmp", "etc", "d", "d/sub", "data")]
    base += [("bin/busybox", F, os.path.getsize(builders.BUSYBOX), ADDED)]
    base += [(f"bin/{a}", L, 0, ADDED) for a in builders.APPLETS]
    base += [(p, F, len(data), ADDED) for p, data in BASE_FILES.items()]
    copy = [("data", D, 0, MODIFIED), ("data/added.txt", F, 6, ADDED), ("data/big.bin", F, BIG, ADDED)]
    rewrite = [("d", D, 0, MODIFIED), ("d/new", F, 2, ADDED), ("d/old1", F, 0, DELETED), ("d/sub", D, 0, DELETED),
               ("data", D, 0, MODIFIED), ("data/gone.txt", F, 0, DELETED), ("data/keep.txt", F, 3, MODIFIED)]
    if buildkit:    # BuildKit's first RUN leaves the mount points it made in the layer
        rewrite += [(d, D, 0, ADDED) for d in ("dev", "proc", "sys")]
    links = [("data", D, 0, MODIFIED), ("data/a-orig", F, 7, ADDED), ("data/b-hard", H, 0, ADDED),
             ("data/c-soft", L, 0, ADDED)]
    overwrite = [("data", D, 0, MODIFIED), ("data/added.txt", F, 3, MODIFIED), ("data/big.bin", F, 6, MODIFIED)]
    return [base, copy, rewrite, links, overwrite]


# Wasted: every file version a higher layer rewrote or deleted — keep.txt (3), gone.txt (6), old1 (2) and
# sub/old2 (3) of the base; added.txt (6) and big.bin of the COPY layer.
EXPECTED_WASTED = [3 + 6 + 2 + 3, 6 + BIG, 0, 0, 0]


def chain_of(diff_ids: list[str]) -> list[str]:
    """Chain IDs worked out here (image-spec): chain(1) = diff(1), chain(n) = sha256(chain(n-1) + " " + diff(n))."""
    out = [diff_ids[0]]
    for d in diff_ids[1:]:
        out.append("sha256:" + hashlib.sha256(f"{out[-1]} {d}".encode()).hexdigest())
    return out


def saved_layers(client: docker.DockerClient, image_id: str) -> list[list[tarfile.TarInfo]]:
    """The members of each layer tar of ``docker save`` read with Python's tarfile (the test's own reader)."""
    archive = tarfile.open(fileobj=io.BytesIO(b"".join(client.api.get_image(image_id))))
    manifest = json.load(archive.extractfile("manifest.json"))
    out = []
    for name in manifest[0]["Layers"]:
        data = archive.extractfile(name).read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        out.append(tarfile.open(fileobj=io.BytesIO(data)).getmembers())
    return out


class Built:
    """One engine with the module's images built on it."""

    def __init__(self, kind: str, service) -> None:
        self.kind, self.service = kind, service
        self.client = service.client()
        builders.import_image(self.client, "lsfiles-base:1", BASE_FILES, changes=())
        self.ids = {"classic": builders.build(self.client, DOCKERFILE, "lsfiles:classic", CONTEXT)}
        if kind == "engine29":
            self.ids["buildkit"] = builders.buildkit_build(service.cli_env(), DOCKERFILE, "lsfiles:buildkit", CONTEXT)
        self.ids["child"] = builders.build(self.client, CHILD_DOCKERFILE, "lsfiles:child")
        self.reader = connect(service.url)
        self.snap = read_snapshot(self.reader)
        self.sizes = Analysis(self.snap).layer_sizes

    def image(self, key: str):
        """The snapshot's Image of one of the module's builds."""
        return self.snap.image(self.ids[key])

    def main(self, *args: str, cache: Path) -> subprocess.CompletedProcess:
        """``main.py ARGS --host`` this engine, with its own file-index cache."""
        env = dict(os.environ, LAYERSCOPE_CACHE=str(cache))
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--host", self.service.url],
                              capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)


@pytest.fixture(scope="module", params=[pytest.param("dockerd", marks=pytest.mark.daemon),
                                        pytest.param("engine29", marks=pytest.mark.engine29)])
def built(request) -> Built:
    """The module's images on one engine (built once per engine)."""
    service = request.getfixturevalue("private_daemon" if request.param == "dockerd" else "private_engine29")
    if request.param == "dockerd" and (service.proc is None or service.proc.poll() is not None):
        service.start()
    if request.param == "engine29" and not service.running:
        service.start()
    service.wipe()
    return Built(request.param, service)


def builds(built: Built) -> list[str]:
    return ["classic", "buildkit"] if built.kind == "engine29" else ["classic"]


def test_files_json_is_what_each_dockerfile_did(built, tmp_path):
    for build in builds(built):
        image = built.image(build)
        done = built.main("files", "--json", f"lsfiles:{build}", cache=tmp_path / build)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""                    # no progress off a terminal
        got = json.loads(done.stdout)
        diff_ids = built.client.api.inspect_image(image.id)["RootFS"]["Layers"]
        chains = chain_of(diff_ids)
        assert list(got) == ["image", "layers", "wasted_bytes"]
        assert got["image"] == built.ids[build]
        assert [layer["diff_id"] for layer in got["layers"]] == diff_ids
        assert [layer["chain_id"] for layer in got["layers"]] == chains
        assert [layer["size"] for layer in got["layers"]] == [built.sizes[c] for c in chains]
        assert got["layers"][1]["size"] >= BIG          # the map's size of the COPY layer holds the big file
        expected = expected_layers(buildkit=build == "buildkit")
        for n, layer in enumerate(got["layers"]):
            assert list(layer) == ["chain_id", "diff_id", "size", "files"]
            rows = [(f["path"], f["type"], f["size"], f["change"]) for f in layer["files"]]
            assert all(list(f) == ["path", "type", "size", "change"] for f in layer["files"])
            assert sorted(rows) == sorted(expected[n]), f"{build}: layer {n + 1}"
        assert got["wasted_bytes"] == sum(EXPECTED_WASTED) == BIG + 20


def test_listing_follows_the_layer_tars_and_the_overlay_markers_are_real(built, tmp_path):
    """The order of each layer's files is the tar's; the deletions come from markers the tar really holds."""
    for build in builds(built):
        image = built.image(build)
        files = read_layer_files(built.reader, image, FilesCache(tmp_path / build))
        tars = saved_layers(built.client, image.id)
        from model.files.stack import image_files
        layers = image_files(image, files, built.sizes).layers
        assert [lc.wasted for lc in layers] == EXPECTED_WASTED
        for n, (members, lc) in enumerate(zip(tars, layers)):
            written = [m.name.rstrip("/") for m in members if ".wh." not in m.name]
            assert [c.path for c in lc.changes if c.change != DELETED] == written
            by_path = {m.name.rstrip("/"): m for m in members}
            assert [(c.path, c.mode) for c in lc.changes if c.change != DELETED] == \
                [(w, by_path[w].mode & 0o7777) for w in written]
        markers = sorted(m.name for m in tars[2] if ".wh." in m.name)
        if built.kind == "dockerd":         # overlay2 marks the remade directory opaque
            assert markers == ["d/.wh..wh..opq", "data/.wh.gone.txt"]
        else:                               # containerd's differ whites out each child instead
            assert markers == ["d/.wh.old1", "d/.wh.sub", "data/.wh.gone.txt"]
        hard = next(m for m in tars[3] if m.name == "data/b-hard")
        assert hard.islnk() and hard.linkname == "data/a-orig"
        link = next(c for c in layers[3].changes if c.path == "data/b-hard")
        assert link.link == "data/a-orig"
        assert next(c for c in layers[3].changes if c.path == "data/c-soft").link == "a-orig"


class CountingCache(FilesCache):
    """A file-index cache that counts what is put in it."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.puts: list[str] = []

    def put(self, lf) -> None:
        self.puts.append(lf.diff_id)
        super().put(lf)


def test_second_look_comes_from_the_cache_and_shared_layers_are_read_once(built, tmp_path):
    image, child = built.image("classic"), built.image("child")
    cache = CountingCache(tmp_path)
    first = read_layer_files(built.reader, image, cache)
    assert list(first) == list(image.diff_ids) and cache.puts == list(image.diff_ids)
    # the child holds all five layers plus its own: only its own is read from its docker save
    read_layer_files(built.reader, child, cache)
    assert cache.puts == list(image.diff_ids) + [child.diff_ids[-1]]
    # a client on a socket that does not exist: nothing may be asked of a daemon
    dead = docker.DockerClient(base_url=f"unix://{tmp_path}/nothing.sock", version="1.41")
    again = read_layer_files(dead, image, FilesCache(tmp_path))
    assert again == first
    assert read_layer_files(dead, child, FilesCache(tmp_path))[child.diff_ids[-1]].entries
    with pytest.raises(DaemonError, match="no Docker daemon at unix://.*nothing.sock"):
        read_layer_files(dead, image, FilesCache(tmp_path / "empty"))


def test_cancel_mid_stream_leaves_nothing_half_cached(built, tmp_path):
    image = built.image("classic")
    seen: list[tuple[int, int]] = []
    cache = FilesCache(tmp_path)
    with pytest.raises(Cancelled):
        read_layer_files(built.reader, image, cache, on_progress=lambda done, total: seen.append((done, total)),
                         cancelled=lambda: bool(seen) and seen[-1][0] > 1_000_000)
    assert seen and seen[-1][0] < BIG and all(total == image.size for _, total in seen)
    assert all(cache.get(d) is None for d in image.diff_ids)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    # and a read after it is whole
    assert list(read_layer_files(built.reader, image, cache)) == list(image.diff_ids)


def test_an_image_removed_before_the_stream_is_one_line(built, tmp_path):
    gone_id = builders.import_image(built.client, "lsfiles-gone:1", {"x": b"1"})
    snap = read_snapshot(built.reader)
    built.client.api.remove_image("lsfiles-gone:1")
    with pytest.raises(DaemonError) as err:
        read_layer_files(built.reader, snap.image(gone_id), FilesCache(tmp_path))
    line = str(err.value)
    assert "\n" not in line
    # Engine 29 answers 404; dockerd 20.10 a 500 "failed to get digest …" (its inspect then says 404)
    status = 404 if built.kind == "engine29" else 500
    assert line.startswith(f"image {gone_id[7:19]} is not on the daemon (any more): GET /images/{gone_id[7:19]}/get "
                           f"answered {status}")
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


# (dockerd only: it is killed and started again on its data root; Engine 29 stops through engine.sh.)
@pytest.mark.parametrize("built", [pytest.param("dockerd", marks=pytest.mark.daemon)], indirect=True)
def test_a_daemon_killed_mid_stream_is_one_line_and_caches_nothing(built, tmp_path):
    service = built.service
    image = built.image("classic")
    killed = threading.Event()
    containerd = int((service.root / "exec" / "containerd" / "containerd.pid").read_text())

    def kill_once(done: int, total: int) -> None:
        if done > 1_000_000 and not killed.is_set():
            killed.set()
            service.proc.kill()     # (SIGTERM would let it finish sending the archive first)

    try:
        with pytest.raises(DaemonError) as err:
            read_layer_files(connect(service.url), image, FilesCache(tmp_path), on_progress=kill_once)
    finally:
        service.stop()
        _wait_gone(containerd)      # its containerd dies with it (parent-death signal); then start again
        service.start()
    assert killed.is_set()
    line = str(err.value)
    assert "\n" not in line
    assert line == (f"the Docker daemon at {service.url} closed the connection during GET /images/"
                    f"{image.id[7:19]}/get (did it stop?)")
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def _wait_gone(pid: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
