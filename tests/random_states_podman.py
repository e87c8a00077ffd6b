"""Seeded random image/container states on a private Podman service, and random delete operations.

Like random_states.py (dockerd), with what Podman 4.3's compat API can make:
``import`` ignores the tag parameter (so images are imported untagged and then
tagged), builds go through buildah (every step leaves an intermediate image),
commits, extra tags, containers running and stopped.  Operations reuse
random_states.random_operation, so they are spelt the same way.
"""
from __future__ import annotations

import json
import random
import time

import docker

import builders
from model.engine.filters import rfc3339_ns
from random_states import EXTRA_REPOS, Operation, State, _tag, random_operation  # noqa: F401  (re-exported)


def import_image(client: docker.DockerClient, ref: str | None, files: dict[str, bytes],
                 changes: tuple[str, ...] = ('CMD ["/bin/sh"]',)) -> str:
    """Import a made rootfs (Podman ignores ``tag`` on import, so tag afterwards); returns the image ID."""
    res = client.api.import_image_from_data(builders.rootfs_tar(files), changes=list(changes))
    image_id = json.loads(res)["id"] if isinstance(res, str) else res["id"]
    if ref:
        repo, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "latest")
        client.api.tag(image_id, repo, tag)
    return image_id


def make_state(client: docker.DockerClient, seed: int) -> State:
    """Build a random state in a few seconds: imports, buildah builds sharing cache, commits, tags, containers."""
    rng = random.Random(seed)
    st = State(seed)
    import_image(client, "base:1", {"etc/base": builders.noise(rng.randint(100, 3000), seed)})
    st.tags.append("base:1")
    if rng.random() < 0.5:
        import_image(client, "other/base:2", {"etc/other": builders.noise(500, seed + 1)},
                     changes=('CMD ["/bin/sh"]', f'LABEL tier={rng.choice("ab")}'))
        st.tags.append("other/base:2")
        st.labels.append("tier")
    if rng.random() < 0.3:       # an untagged import: dangling from the start
        import_image(client, None, {"etc/loose": builders.noise(300, seed + 2)})
    prefix = "FROM base:1\nRUN echo common > /tmp/c\n"
    for n in range(rng.randint(1, 3)):
        ending = rng.choice(["RUN echo x > /tmp/x\n", "RUN echo y > /tmp/y\n", "CMD [\"true\"]\n",
                             "LABEL role=web\n", "RUN rm -f /tmp/c\n", "RUN true\n",
                             "LABEL role=web\nRUN echo z > /tmp/z\n"])
        tag = rng.choice([None, f"app{n}:v{rng.randint(1, 2)}", f"user/app{n}"])
        builders.build(client, prefix + ending, tag=tag)
        if tag:
            st.tags.append(tag)
        if "role=web" in ending:
            st.labels.append("role=web")
    for n in range(rng.randint(0, 2)):
        src = rng.choice(st.tags)
        ref = rng.choice([None, f"commit{n}:latest", f"localhost:5000/c{n}:t"])
        builders.commit(client, src, f"echo {seed}-{n} > /tmp/commit", ref)
        if ref:
            st.tags.append(ref)
    for _ in range(rng.randint(0, 3)):
        src = rng.choice(st.tags)
        ref = f"{rng.choice(EXTRA_REPOS)}:{rng.choice(['latest', 't1', 't2'])}"
        _tag(client, src, ref, st)
    images = client.api.images(all=True)
    st.ids = [i["Id"] for i in images]
    for n in range(rng.choice([0, 0, 1, 1, 2, 3])):
        image = rng.choice(st.tags + st.ids)
        builders.run_container(client, image, running=rng.random() < 0.5)
    # until cut-offs 10 s before the first and after the last image: Podman compares its store
    # time (not in a snapshot), so a cut-off right at an image's Created is unpredictable by design
    created = sorted(rfc3339_ns(client.api.inspect_image(i)["Created"]) for i in st.ids)
    st.created = [_rfc3339(created[0] - 10 * 10**9), _rfc3339(created[-1] + 10 * 10**9)]
    return st


def _rfc3339(ns: int) -> str:
    """Unix nanoseconds as RFC 3339 UTC with nanoseconds."""
    secs, frac = divmod(ns, 10**9)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{frac:09d}Z"
