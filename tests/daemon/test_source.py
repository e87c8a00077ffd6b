"""The reader, graph, classification and sizes against a real private dockerd (no mocks)."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import builders
from model.core.analysis import Analysis
from model.core.classify import DANGLING, INTERMEDIATE, TAGGED
from model.core.graph import EDGE_PARENT, EDGE_TOP, IMAGE, LAYER, lineage
from model.daemon.imagecache import ImageCache
from model.daemon.source import (EARLY_LAST, EARLY_LISTED, DaemonError, by_name, connect, open_link,
                                 read_image, read_snapshot)

ROOT = Path(__file__).resolve().parents[2]


def layerdb(daemon) -> dict[str, int]:
    """Ground truth from the daemon's own data root: chain ID → recorded DiffSize."""
    base = daemon.root / "data" / "image" / "overlay2" / "layerdb" / "sha256"
    return {f"sha256:{d.name}": int((d / "size").read_text()) for d in base.iterdir() if (d / "size").exists()}


def test_tutorial_graph(daemon):
    client = daemon.client()
    ids = builders.tutorial(client)
    an = Analysis(read_snapshot(connect(daemon.url), cache=ImageCache(None)))
    snap, g = an.snapshot, an.graph
    base, apache, edu = (snap.by_id[ids[t]] for t in ("ubuntu:18.04", "ubuntu_apache:latest", "iscreamedu_apache:latest"))
    # pulled-like base: four layers plus a CMD row, no parent chain (<missing> rows)
    assert len(base.diff_ids) == 4 and base.parent == ""
    assert [r.id for r in base.history][1:] == ["<missing>"] * 4
    assert 'CMD ["/bin/bash"]' in base.history[0].created_by and base.history[0].size == 0
    # each commit shares every layer below and adds one
    assert apache.chain_ids[:4] == base.chain_ids and len(apache.chain_ids) == 5
    assert edu.chain_ids[:5] == apache.chain_ids and len(edu.chain_ids) == 6
    assert apache.parent == base.id and edu.parent == apache.id
    assert lineage(g, edu.id) == list(edu.chain_ids)
    layers = [n for n, d in g.nodes(data=True) if d["kind"] == LAYER]
    assert len(layers) == 6                          # 4 + 1 + 1, each stored once
    for cid in base.chain_ids:
        assert an.layer_use[cid].shared and len(an.layer_use[cid].tagged_images) == 3
    assert not an.layer_use[edu.chain_ids[-1]].shared
    assert g.has_edge(edu.chain_ids[-1], edu.id) and g.edges[edu.chain_ids[-1], edu.id]["kind"] == EDGE_TOP
    assert g.edges[base.id, apache.id]["kind"] == EDGE_PARENT
    assert all(g.nodes[i]["kind"] == IMAGE for i in ids.values())
    # the 0-byte `rm -rf /var/lib/apt/lists/*` row is a real layer, the CMD row is not
    mapping = an.history_mapping(base.id)
    assert mapping.exact and mapping.row_layer == (None, 3, 2, 1, 0) and mapping.layer_sizes[2] == 0
    # chain IDs and sizes equal the daemon's own layer database
    truth = layerdb(daemon)
    assert set(truth) == set(layers)
    assert an.layer_sizes == truth
    # the lesson: naive sum far above what is stored
    tot = an.totals
    assert tot.naive_bytes == base.size + apache.size + edu.size
    assert tot.actual_bytes == edu.size == sum(truth.values())
    assert tot.naive_bytes > 2.5 * tot.actual_bytes
    assert {i: an.status[i].status for i in ids.values()} == {i: TAGGED for i in ids.values()}


def random_state(client, seed: int) -> None:
    """A seeded mix of imports, save+load, classic builds sharing steps, commits, tags, containers."""
    rng = random.Random(seed)
    bases = []
    for n in range(rng.randint(1, 2)):
        ref = f"base{n}:v{seed}"
        builders.import_image(client, ref, {f"opt/b{n}": builders.noise(rng.randint(1000, 50_000), seed * 10 + n)})
        bases.append(ref)
    if rng.random() < 0.7:
        client.api.tag(bases[0], "mirror.local:5000/team/base0", f"s{seed}")
    if rng.random() < 0.7:          # a pulled-like image: built, then saved and loaded (no parent chain)
        builders.build(client, f"FROM {bases[0]}\nRUN echo {seed} > /p\nENV P=1\nRUN mkdir /q\n", tag="pulled:1")
        builders.save_load(client, ["pulled:1"])
        bases.append("pulled:1")
    built = []
    for n in range(rng.randint(2, 4)):
        steps = rng.randint(1, 4)
        shared = rng.randint(0, steps)      # the first `shared` steps repeat across builds (cache hits)
        lines = [f"FROM {rng.choice(bases)}"]
        for s in range(steps):
            text = f"{s}" if s < shared else f"{n}-{s}-{rng.random()}"
            lines.append(rng.choice([f"RUN echo {text} > /f{s}", f"ENV K{s}={text}", f"RUN mkdir -p /d{s}"]))
        tag = f"app{rng.randint(0, 2)}:latest"      # reused tags leave dangling images behind
        builders.build(client, "\n".join(lines) + "\n", tag=tag)
        built.append(tag)
    if rng.random() < 0.6:
        builders.commit(client, rng.choice(built), f"echo {rng.random()} > /c", ref=rng.choice([None, "committed:1"]))
    images = [i["Id"] for i in client.api.images()]
    if images and rng.random() < 0.7:
        builders.run_container(client, rng.choice(images), running=True)
    if images and rng.random() < 0.7:
        builders.run_container(client, rng.choice(images), running=False)


def assert_sizes_equal_df(client, an: Analysis) -> dict:
    """Every image `docker system df -v` lists has our SIZE / SHARED / UNIQUE / CONTAINERS, none negative;
    df lists exactly the images we call top-level; the totals equal df's.  Returns df."""
    df = client.api.df()
    assert df["Images"], "df listed nothing"
    for row in df["Images"]:
        ours = an.image_sizes[row["Id"]]
        assert (ours.size, ours.shared_size, ours.unique_size, ours.containers) == \
            (row["Size"], row["SharedSize"], row["Size"] - row["SharedSize"], row["Containers"]), row["RepoTags"]
        assert ours.exact and ours.unique_size >= 0
    assert all(sz.unique_size >= 0 and sz.shared_size >= 0 for sz in an.image_sizes.values())
    assert {r["Id"] for r in df["Images"]} == {i for i, s in an.status.items() if s.status != INTERMEDIATE}
    assert an.totals.naive_bytes == sum(r["Size"] for r in df["Images"])
    assert an.totals.actual_bytes == df["LayersSize"] and an.totals.exact
    return df


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_states_match_the_daemon(daemon, seed):
    client = daemon.client()
    random_state(client, seed)
    an = Analysis(read_snapshot(connect(daemon.url), cache=ImageCache(None)))
    snap = an.snapshot
    assert_sizes_equal_df(client, an)
    # dangling = the daemon's dangling filter; intermediates = `images -a` minus `images`
    assert {i for i, s in an.status.items() if s.status == DANGLING} == \
        {i["Id"] for i in client.api.images(filters={"dangling": True})}
    listed_all = {i["Id"] for i in client.api.images(all=True)}
    assert {i for i, s in an.status.items() if s.status == INTERMEDIATE} == listed_all - {i["Id"] for i in client.api.images()}
    assert set(snap.by_id) == listed_all
    # layer sizes and chain IDs equal the daemon's layer database; actual bytes = LayersSize-like total
    truth = layerdb(daemon)
    assert an.layer_sizes == truth and set(an.layer_use) == set(truth)
    assert an.totals.actual_bytes == sum(truth.values())
    # containers are attached to their images, running and stopped
    for ctr in client.api.containers(all=True):
        assert any(c.id == ctr["Id"] for c in an.status[ctr["ImageID"]].containers)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_engine29_sizes_match_its_system_df(engine29, seed):
    """Engine 29 (containerd store): SIZE is content + unpacked, SHARED SIZE the engine's own; both kinds kept."""
    client = engine29.client()
    random_state(client, seed)
    context = Path(engine29.root) / f"bk{seed}"
    context.mkdir()
    (context / "Dockerfile").write_text(f"FROM base0:v{seed}\nRUN echo bk{seed} > /bk\n")
    subprocess.run(["docker", "buildx", "build", "--network=none", "--load", "-t", "bk:1", str(context)],
                   env=engine29.cli_env(), check=True, capture_output=True)
    an = Analysis(read_snapshot(connect(engine29.url), cache=ImageCache(None)))
    snap = an.snapshot
    assert snap.info.image_store == "containerd" and snap.info.api_version == "1.55"
    assert_sizes_equal_df(client, an)
    listed = {i["Id"]: i for i in client.api.images(all=True)}
    assert set(snap.by_id) == set(listed)
    for img in snap.images:
        # both size kinds, as Engine 29's `docker image ls --tree` shows them (DISK USAGE, CONTENT SIZE)
        assert img.disk_usage == listed[img.id]["Size"] == img.content_size + img.unpacked_size
        assert img.platforms == ("linux/amd64",)
    bk = next(i for i in snap.images if "bk:1" in i.repo_tags)
    assert bk.is_index and [m.kind for m in bk.manifests] == ["image", "attestation"]
    assert bk.manifests[1].attestation_for == bk.manifests[0].id
    # a what-if removal keeps the engine's figures only where nothing they counted went away
    from model.engine import simulate
    outcomes, after = simulate.rmi(snap, ["bk:1"])
    assert not outcomes[0].unpredictable
    after_an = Analysis(after)
    assert all(sz.unique_size >= 0 for sz in after_an.image_sizes.values())
    assert after.layers_size is None and not after_an.totals.exact


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-intermediates", "no-intermediates"])
def test_engine29_first_read_lists_by_system_df(engine29, legacy, tmp_path):
    """A first read of Engine 29 (nothing cached) takes its listing from /system/df plus the dangling images, and
    each image's manifests from its inspect: it gives the snapshot a later read (which lists images) gives, every
    image `docker images -a` lists, and df's own figures; with and without legacy-build intermediates (dangling
    images df leaves out)."""
    client = engine29.client()
    if legacy:
        random_state(client, 3)
    else:
        builders.import_image(client, "base:1", {"opt/b": builders.noise(20_000, 1)})
        builders.buildkit_build(engine29.cli_env(), "FROM base:1\nRUN echo bk > /bk\n", tag="bk:1")
        builders.load_oci_index(client, "multi:1")
        builders.import_image(client, "moved:1", {"m": b"old"})
        builders.import_image(client, "moved:1", {"m": b"new"})      # the old one is left dangling
    cache = ImageCache(tmp_path / "cache.json")
    first = Analysis(read_snapshot(connect(engine29.url), cache=cache))
    assert cache.entries and cache.last is not None
    later = read_snapshot(connect(engine29.url), cache=ImageCache(tmp_path / "cache.json"))
    assert first.snapshot.images == later.images and first.snapshot.layers_size == later.layers_size
    assert set(first.snapshot.by_id) == {i["Id"] for i in client.api.images(all=True)}
    assert all(img.manifests for img in first.snapshot.images)
    assert_sizes_equal_df(client, first)
    statuses = {s.status for s in first.status.values()}
    assert (INTERMEDIATE in statuses) == legacy and DANGLING in statuses
    if not legacy:       # a multi-platform index: its platforms and the other platform's layers (read by platform)
        multi = next(i for i in first.snapshot.images if "multi:1" in i.repo_tags)
        assert multi.platforms == ("linux/amd64", "linux/arm64")
        assert all(m.diff_ids for m in multi.manifests if m.kind == "image")


def test_engine29_reads_by_tag_only_what_the_tag_still_names(engine29):
    """On the containerd store an image is inspected by a tag (a key lookup there, an ID is a scan); when the tag
    has moved to another image since the listing, the listed image is read by its ID instead."""
    client = engine29.client()
    old = builders.import_image(client, "moving:1", {"m": b"old"})
    listed = {s["Id"]: s for s in client.api.images(all=True)}
    summary = dict(listed[old], Manifests=[])
    link = open_link(engine29.url)
    assert by_name(summary) == "moving:1"
    inspect, history = read_image(link.get, old, summary, link.api_version, True, by_name(summary))
    assert inspect["Id"] == old and history[0]["Id"] == old and inspect["Manifests"]
    new = builders.import_image(client, "moving:1", {"m": b"new"})        # the tag moves; the old image stays
    assert new != old
    inspect, history = read_image(link.get, old, summary, link.api_version, True, by_name(summary))
    assert inspect["Id"] == old and history[0]["Id"] == old
    assert inspect["RootFS"]["Layers"] == client.api.inspect_image(old)["RootFS"]["Layers"]


def test_image_removed_between_list_and_inspect(daemon):
    client = daemon.client()
    builders.import_image(client, "keep:1", {"a": b"a"})
    victim = builders.import_image(client, "victim:1", {"b": b"b"})
    removed = []

    def progress(done, total):
        if not removed:          # after the list, before any inspect: remove one image
            client.api.remove_image(victim)
            removed.append(victim)

    snap = read_snapshot(connect(daemon.url), progress=progress, cache=ImageCache(None))
    assert removed and victim not in snap.by_id
    assert [i.repo_tags for i in snap.images] == [("keep:1",)]
    assert any("was removed while loading" in w for w in snap.warnings)


def test_daemon_stopped_mid_load_is_a_daemon_error(daemon):
    client = daemon.client()
    for n in range(12):
        builders.import_image(client, f"many:{n}", {"f": str(n).encode()})
    conn = connect(daemon.url)
    stopped = threading.Event()

    def progress(done, total):
        if not stopped.is_set():
            stopped.set()
            daemon.stop()

    with pytest.raises(DaemonError, match="daemon"):
        read_snapshot(conn, progress=progress, cache=ImageCache(None))
    daemon.start()


def test_cache_gives_the_same_snapshot_and_drops_vanished_ids(daemon, tmp_path):
    client = daemon.client()
    builders.tutorial(client)
    cache_file = tmp_path / "cache.json"
    first = read_snapshot(connect(daemon.url), cache=ImageCache(cache_file))
    assert cache_file.exists()
    client.api.remove_image("iscreamedu_apache:latest")
    client.api.tag("ubuntu:18.04", "retagged", "now")
    second = read_snapshot(connect(daemon.url), cache=ImageCache(cache_file))
    fresh = read_snapshot(connect(daemon.url), cache=ImageCache(None))
    assert second.images == fresh.images
    assert len(second.images) == len(first.images) - 1
    assert ("retagged:now" in second.by_id[fresh.images[-1].id].repo_tags
            or any("retagged:now" in i.repo_tags for i in second.images))
    assert len(ImageCache(cache_file).entries) == 2


# The provisional snapshots a window paints first: the last one taken of this daemon
# (from its cache) before anything is read, then the fresh listing with the layers
# known so far; the final snapshot is always the complete, fresh one.
def test_early_snapshots_show_the_last_one_then_the_listing(daemon, tmp_path):
    client = daemon.client()
    ids = builders.tutorial(client)
    cache_file = tmp_path / "cache.json"
    seen: list[tuple[str, object]] = []
    first = read_snapshot(connect(daemon.url), cache=ImageCache(cache_file), early=lambda s, k: seen.append((k, s)))
    # an empty cache: no last snapshot, the listing first — every listed image, none of their layers yet
    assert [k for k, _ in seen][:1] == [EARLY_LISTED] and EARLY_LAST not in [k for k, _ in seen]
    listing = seen[0][1]
    assert [i.id for i in listing.images] == [i.id for i in first.images]
    assert [i.repo_tags for i in listing.images] == [i.repo_tags for i in first.images]
    assert all(i.diff_ids == () for i in listing.images)
    assert [i.size for i in listing.images] == [i.size for i in first.images]     # sizes from the list
    assert {i.id: i.parent for i in listing.images} == {i.id: i.parent for i in first.images}
    assert first.images == read_snapshot(connect(daemon.url), cache=ImageCache(None)).images

    # the daemon changes; the next read shows the last snapshot first, exactly as it was, then the fresh one
    client.api.remove_image("iscreamedu_apache:latest")
    client.api.tag("ubuntu:18.04", "retagged", "now")
    seen.clear()
    second = read_snapshot(connect(daemon.url), cache=ImageCache(cache_file), early=lambda s, k: seen.append((k, s)))
    assert [k for k, _ in seen] == [EARLY_LAST]           # every image is cached: no listing shown before the end
    last = seen[0][1]
    assert last.images == first.images and last.taken_at == first.taken_at
    fresh = read_snapshot(connect(daemon.url), cache=ImageCache(None))
    assert second.images == fresh.images and ids["iscreamedu_apache:latest"] not in second.by_id
    assert any("retagged:now" in i.repo_tags for i in second.images)


def test_snapshot_command_json_fields(daemon):
    builders.tutorial(daemon.client())
    res = subprocess.run([sys.executable, "main.py", "snapshot", "--json", "--host", daemon.url],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "LAYERSCOPE_NO_CACHE": "1"})
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert len(out["images"]) == 3 and len(out["layers"]) == 6
    for img in out["images"]:
        assert set(img) >= {"id", "tags", "digests", "parent", "layers", "size", "shared_size",
                            "unique_size", "containers", "status"}
        assert img["status"] == "tagged" and img["size"] == img["shared_size"] + img["unique_size"]
    for layer in out["layers"]:
        assert set(layer) >= {"chain_id", "diff_id", "parent", "size", "images"}
    assert out["actual_bytes"] < out["naive_bytes"]
    assert sum(l["size"] for l in out["layers"]) == out["actual_bytes"]


def test_docker_host_and_docker_context_are_honoured(daemon, tmp_path):
    builders.import_image(daemon.client(), "ctx:1", {"x": b"x"})
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
    env["LAYERSCOPE_NO_CACHE"] = "1"
    via_env = subprocess.run([sys.executable, "main.py", "snapshot", "--json"], cwd=ROOT, capture_output=True,
                             text=True, env={**env, "DOCKER_HOST": daemon.url}, timeout=60)
    assert via_env.returncode == 0, via_env.stderr
    assert [i["tags"] for i in json.loads(via_env.stdout)["images"]] == [["ctx:1"]]
    # a docker context made by the docker CLI, in a private config dir
    cfg = {**env, "DOCKER_CONFIG": str(tmp_path)}
    subprocess.run(["docker", "context", "create", "private", "--docker", f"host={daemon.url}"], env=cfg,
                   check=True, capture_output=True)
    subprocess.run(["docker", "context", "use", "private"], env=cfg, check=True, capture_output=True)
    via_ctx = subprocess.run([sys.executable, "main.py", "snapshot", "--json"], cwd=ROOT, capture_output=True,
                             text=True, env=cfg, timeout=60)
    assert via_ctx.returncode == 0, via_ctx.stderr
    assert json.loads(via_ctx.stdout)["daemon"]["host"] == daemon.url


def _connect_as_nobody(url: str, queue) -> None:
    os.setgid(65534)
    os.setuid(65534)
    try:
        connect(url)
        queue.put("connected")
    except DaemonError as exc:
        queue.put(str(exc))


def test_permission_denied_on_the_socket_is_explained(daemon):
    """A user outside the socket's group gets a one-line reason, not a traceback."""
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_connect_as_nobody, args=(daemon.url, queue))
    proc.start()
    proc.join(60)
    message = queue.get(timeout=5)
    assert message.startswith("permission denied on the Docker socket"), message
    assert "\n" not in message


def test_tls_variables_are_honoured(daemon):
    """DOCKER_HOST=tcp://… with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH reaches a --tlsverify daemon."""
    assert daemon.tls_url, "the private daemon listens on TLS too (openssl is installed by run_all.sh)"
    builders.import_image(daemon.client(), "tls:1", {"t": b"t"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env.update(LAYERSCOPE_NO_CACHE="1", DOCKER_CONFIG=str(daemon.root / "no-config"))
    tls = {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(daemon.cert_path)}
    ok = subprocess.run([sys.executable, "main.py", "snapshot", "--json"], cwd=ROOT, capture_output=True,
                        text=True, env={**env, **tls, "DOCKER_HOST": daemon.tls_url}, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert [i["tags"] for i in json.loads(ok.stdout)["images"]] == [["tls:1"]]
    via_flag = subprocess.run([sys.executable, "main.py", "snapshot", "--json", "--host", daemon.tls_url],
                              cwd=ROOT, capture_output=True, text=True, env={**env, **tls}, timeout=60)
    assert via_flag.returncode == 0, via_flag.stderr
    # without the TLS variables the daemon refuses the plain connection: one line, exit 1
    plain = subprocess.run([sys.executable, "main.py", "snapshot", "--json", "--host", daemon.tls_url],
                           cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    assert plain.returncode == 1 and plain.stderr.count("\n") == 1 and "Traceback" not in plain.stderr
