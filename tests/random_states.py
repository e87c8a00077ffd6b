"""Seeded random image/container states on a real daemon, and random delete operations on them."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import docker

import builders

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


def _tag(client: docker.DockerClient, image: str, ref: str, st: State) -> None:
    repo, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "latest")
    client.api.tag(image, repo, tag)
    st.tags.append(ref)


def make_state(client: docker.DockerClient, seed: int) -> State:
    """Build a random state (a few seconds): imports, pulled-like loads, classic builds, commits, tags, containers."""
    rng = random.Random(seed)
    st = State(seed)
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
    images = client.api.images(all=True)
    st.ids = [i["Id"] for i in images]
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
        t = rng.choice(st.tags)
        from model.core.reference import normalize
        return normalize(t)
    image_id = rng.choice(st.ids)
    if kind == "id":
        return image_id if rng.random() < 0.5 else image_id[7:]
    if kind == "short":
        n = rng.choice([1, 1, 2, 3, 4, 12])
        return ("sha256:" if rng.random() < 0.2 else "") + image_id[7:7 + n]
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
        op.filters = {"until": ["1h"]}
    return op
