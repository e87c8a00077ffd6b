"""Seeded random image/container states on a real engine, random delete operations on them, and the
checks that perform one and compare it with the simulator's prediction (check_rmi, check_prune)."""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

import docker

import builders
from model.core.reference import normalize
from model.core.snapshot import Snapshot
from model.daemon.imagecache import ImageCache
from model.daemon.source import read_snapshot
from model.engine import simulate
from model.engine.outcome import multiset

SPACE_UNKNOWN = "containerd store: SpaceReclaimed —"   # the reason when only SpaceReclaimed is unknown
EXTRA_REPOS = ("quay.io/team/app", "localhost:5000/mirror", "zz", "user/aa", "registry.example.com:443/x/y",
               "docker.io/library/dup", "index.docker.io/user/legacy")


@dataclass
class State:
    """What was made, so operations can pick meaningful references."""

    seed: int
    tags: list[str] = field(default_factory=list)        # familiar tags as given to the daemon
    ids: list[str] = field(default_factory=list)         # every image ID made (incl. intermediates)
    labels: list[str] = field(default_factory=list)      # label filters that match something
    created: list[str] = field(default_factory=list)     # Created of the images (RFC 3339)
    digests: list[str] = field(default_factory=list)     # repo@digest references the engine lists
    engine: str = ""                                     # "dockerd" (20.10), "engine29"; "" for Podman


def _tag(client: docker.DockerClient, image: str, ref: str, st: State) -> None:
    repo, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "latest")
    client.api.tag(image, repo, tag)
    st.tags.append(ref)


def make_state(client: docker.DockerClient, seed: int, engine: str = "dockerd",
               cli_env: dict[str, str] | None = None, registry=None) -> State:
    """Build a random state (a few seconds): imports, pulled-like loads, classic builds, commits, tags, containers.

    ``engine`` is "dockerd" (20.10, classic store) or "engine29" (containerd store).  With
    ``cli_env`` (the docker CLI's environment for that engine) BuildKit builds join in: on
    Engine 29 an image index with an attestation manifest.  Engine 29 also gets a multi-platform
    image index loaded from an OCI layout (dockerd 20.10's ``docker load`` reads no OCI layout).
    With ``registry`` (tests/registry.py) some images are pushed and pulled back by tag or by digest,
    so real registry RepoDigests (and, on Engine 29, ``repo@digest`` records) join the state; that step
    draws from its own random sequence, so a seed's other images stay as they were without it."""
    rng = random.Random(seed)
    st = State(seed, engine=engine)
    # bases: imported, one made "pulled-like" by save+load
    builders.import_image(client, "base:1", {"etc/base": builders.noise(rng.randint(100, 3000), seed)})
    st.tags.append("base:1")
    if rng.random() < 0.5:
        builders.import_image(client, "other/base:2", {"etc/other": builders.noise(500, seed + 1)},
                              changes=('CMD ["/bin/sh"]', f'LABEL tier={rng.choice("ab")}'))
        st.tags.append("other/base:2")
        st.labels.append("tier")
    # a pulled-like image on top of base: built, then saved and loaded (no parent chain)
    if rng.random() < 0.6:
        builders.build(client, f"FROM base:1\nRUN echo pulled{seed} > /tmp/p\nENV P=1\n", tag="pulled:1")
        builders.save_load(client, ["pulled:1"])
        st.tags.append("pulled:1")
    # classic builds that share cache: a common prefix, different endings
    prefix = "FROM base:1\nRUN echo common > /tmp/c\n"
    for n in range(rng.randint(1, 3)):
        ending = rng.choice(["RUN echo x > /tmp/x\n", "RUN echo y > /tmp/y\n", "CMD [\"true\"]\n",
                             "LABEL role=web\n", "RUN rm -f /tmp/c\n", "RUN true\n"])
        tag = rng.choice([None, f"app{n}:v{rng.randint(1, 2)}", f"user/app{n}"])
        builders.build(client, prefix + ending, tag=tag)
        if tag:
            st.tags.append(tag)
        if "role=web" in ending:
            st.labels.append("role=web")
    # BuildKit: an image with no parent chain (Engine 29: an index with an attestation manifest)
    if cli_env is not None and rng.random() < 0.6:
        tag = rng.choice([None, "bk:1", "user/bk:2"])
        ending = rng.choice(["LABEL tier=b\n", "CMD [\"true\"]\n", "RUN echo again > /tmp/again\n"])
        builders.buildkit_build(cli_env, f"FROM base:1\nRUN echo bk{seed} > /tmp/bk\n{ending}", tag)
        if tag:
            st.tags.append(tag)
        if "tier" in ending:
            st.labels.append("tier=b")
    # a multi-platform image index (linux/amd64 + linux/arm64), loaded from an OCI layout
    if engine == "engine29" and rng.random() < 0.5:
        ref = rng.choice(["multi:1", "quay.io/team/multi:2"])
        builders.load_oci_index(client, ref, seed=seed, labels={"tier": "m"} if rng.random() < 0.5 else None)
        st.tags.append(ref)
        st.labels.append("tier")
    # commits, tagged and untagged
    for n in range(rng.randint(0, 2)):
        src = rng.choice(st.tags)
        ref = rng.choice([None, f"commit{n}:latest", f"localhost:5000/c{n}:t"])
        builders.commit(client, src, f"echo {seed}-{n} > /tmp/commit", ref)
        if ref:
            st.tags.append(ref)
    # extra tags in other repositories
    for _ in range(rng.randint(0, 3)):
        src = rng.choice(st.tags)
        ref = f"{rng.choice(EXTRA_REPOS)}:{rng.choice(['latest', 't1', 't2'])}"
        _tag(client, src, ref, st)
    pulled: list[str] = []
    reg_rng = random.Random(seed * 7907 + 3)
    if registry is not None and reg_rng.random() < 0.6:
        from registry import push_pull
        tags, pulled = push_pull(client, registry, reg_rng.sample(st.tags, min(2, len(st.tags))), reg_rng)
        st.tags += tags
    images = client.api.images(all=True)
    st.ids = [i["Id"] for i in images]
    st.digests = sorted({d for i in images for d in i.get("RepoDigests") or () if "@sha256:" in d} | set(pulled))
    # containers: running and stopped, on tags and on IDs
    for n in range(rng.choice([0, 0, 1, 1, 2, 3])):
        image = rng.choice(st.tags + st.ids)
        builders.run_container(client, image, running=rng.random() < 0.5)
    st.created = sorted(client.api.inspect_image(i)["Created"] for i in st.ids)
    return st


def _spellings(rng: random.Random, st: State, client: docker.DockerClient) -> str:
    """One reference, in one of the ways a user may write it."""
    kind = rng.choice(["tag", "tag", "tag", "full", "id", "short", "short", "bogus"])
    if kind == "tag":
        t = rng.choice(st.tags)
        return t[:-7] if t.endswith(":latest") and rng.random() < 0.5 else t
    if kind == "full":
        if st.digests and rng.random() < 0.4:          # name@digest, as RepoDigests lists it
            return rng.choice(st.digests)
        return normalize(rng.choice(st.tags))
    image_id = rng.choice(st.ids)
    if kind == "id":
        return image_id if rng.random() < 0.5 else image_id[7:]
    if kind == "short":
        n = rng.choice([1, 1, 2, 3, 4, 12])
        return ("sha256:" if rng.random() < 0.2 else "") + image_id[7:7 + n]
    if st.engine == "engine29" and rng.random() < 0.3:  # the containerd store's own name for an untagged image
        return "moby-dangling@" + rng.choice(st.ids)
    return rng.choice(["nosuch", "nosuch:tag", "UPPER", "a:b:c", "base:2", "sha256:zz",
                       "user/nosuch@sha256:" + "0" * 64, "0" * 64])


@dataclass
class Operation:
    kind: str                   # rmi | prune
    refs: list[str] = field(default_factory=list)
    force: bool = False
    noprune: bool = False
    all: bool = False
    filters: dict | None = None

    def __str__(self) -> str:
        if self.kind == "rmi":
            return f"rmi{' -f' if self.force else ''}{' --no-prune' if self.noprune else ''} {' '.join(self.refs)}"
        return f"prune{' -a' if self.all else ''} {self.filters or ''}"


def random_operation(client: docker.DockerClient, st: State, seed: int) -> Operation:
    """One random rmi (1-3 refs, -f, --no-prune) or prune (-a, label/until filters)."""
    rng = random.Random(seed * 7919 + 1)
    if rng.random() < 0.65:
        refs = [_spellings(rng, st, client) for _ in range(rng.choice([1, 1, 2, 3]))]
        return Operation("rmi", refs, force=rng.random() < 0.3, noprune=rng.random() < 0.2)
    op = Operation("prune", all=rng.random() < 0.5)
    r = rng.random()
    if r < 0.2 and st.labels:
        op.filters = {"label": [rng.choice(st.labels)]}
    elif r < 0.3 and st.labels:
        op.filters = {"label!": [rng.choice(st.labels)]}
    elif r < 0.45:
        op.filters = {"until": [rng.choice(st.created)]}
    elif r < 0.5:
        op.filters = {"until": ["-1h" if st.engine == "engine29" and rng.random() < 0.5 else "1h"]}
    return op


# ---------------------------------------------------------------------------
# Performing an operation for real, and reading the state, in the simulator's shapes

def rmi_answer(client: docker.DockerClient, ref: str, force: bool = False, noprune: bool = False) -> dict:
    """The engine's answer to ``DELETE /images/{ref}``: ``{"ref", "response"}`` or ``{"ref", "error"}``."""
    try:
        return {"ref": ref, "response": client.api.remove_image(ref, force=force, noprune=noprune)}
    except docker.errors.APIError as exc:
        return {"ref": ref, "error": {"status": exc.response.status_code, "message": exc.explanation}}


def prune_answer(client: docker.DockerClient, all_: bool = False, filters: dict | None = None) -> dict:
    """The engine's answer to ``POST /images/prune`` (-a sends dangling=false, as the CLI does)."""
    f = dict(filters or {})
    if all_:
        f["dangling"] = False
    try:
        return client.api.prune_images(filters=f or None)
    except docker.errors.APIError as exc:
        return {"error": {"status": exc.response.status_code, "message": exc.explanation}}


def state_view(snap) -> list:
    """What a delete changes, as comparable data: (ID, RepoTags, RepoDigests, parent) per image."""
    return sorted((i.id, tuple(sorted(i.repo_tags)), tuple(sorted(i.repo_digests)), i.parent) for i in snap.images)


def read(client: docker.DockerClient):
    """A fresh snapshot of the engine (no image cache); the file check accepts it and reads it back unchanged."""
    snap = read_snapshot(client, cache=ImageCache(None))
    again = Snapshot.from_json(json.loads(json.dumps(snap.to_json())))
    assert (again.images, again.containers, again.warnings) == (snap.images, snap.containers, snap.warnings)
    return snap


def check_rmi(client: docker.DockerClient, refs: list[str], force: bool = False, noprune: bool = False) -> list[dict]:
    """Predict ``rmi refs`` from a fresh snapshot, run it, assert every answer and the state after; the answers."""
    outcomes, after = simulate.rmi(read(client), refs, force=force, noprune=noprune)
    actual = [rmi_answer(client, r, force, noprune) for r in refs]
    for predicted, real in zip(outcomes, actual):
        assert not predicted.unpredictable, (refs, predicted.unpredictable, real)
        assert predicted.matches(real), (refs, predicted.to_json(), real)
    assert state_view(after) == state_view(read(client)), refs
    return actual


def check_prune(client: docker.DockerClient, all_: bool = False, filters: dict | None = None,
                space_known: bool = True) -> dict:
    """Predict ``image prune`` from a fresh snapshot, run it, assert the answer and the state after; the answer.

    ``space_known=False``: the snapshot cannot fix SpaceReclaimed (containerd store); the prediction
    must say so, and only that, with ImagesDeleted and the state after still exact."""
    result, after = simulate.prune(read(client), all=all_, filters=filters)
    real = prune_answer(client, all_, filters)
    if space_known:
        assert not result.unpredictable, (filters, result.unpredictable, real)
        assert result.matches(real), (filters, result.to_json(), real)
    else:
        assert result.unpredictable.startswith(SPACE_UNKNOWN) and result.space_reclaimed is None, result
        assert multiset(real.get("ImagesDeleted")) == multiset(result.images_deleted), (result.to_json(), real)
    assert state_view(after) == state_view(read(client)), filters
    return real

