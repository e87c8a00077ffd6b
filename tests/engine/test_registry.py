"""Digest references for real: images pushed to a private registry and pulled back, on every engine.

dockerd 20.10 (classic store), Engine 29 (containerd store) and Podman 4.3 each push an image made
here to the private docker-registry, lose it, and pull it back by tag and by digest, so their
RepoDigests are real ``127.0.0.1:PORT/repo@sha256:…`` references.  Then, one operation per test,
the simulator's prediction (rmi by ``repo@sha256:…``, untagging a pulled tag, an image that has a
digest but no tag, prune and prune -a) must equal the engine's answer, and the predicted state
after must equal a fresh read.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import docker
import pytest

import builders
from daemon import PrivateService
from model.daemon.imagecache import ImageCache
from model.daemon.source import read_snapshot
from random_states import check_prune, check_rmi, read
from random_states_podman import import_image as podman_import
from registry import PrivateRegistry, pull, push, push_pull

# one engine per parameter; each carries the marker of the private engine it needs
ENGINES = [pytest.param("daemon", marks=pytest.mark.daemon), pytest.param("engine29", marks=pytest.mark.engine29),
           pytest.param("podman", marks=pytest.mark.podman)]
ZERO = "sha256:" + "0" * 64


@pytest.fixture(scope="module")
def podman_registries(private_registry) -> tuple[str, ...]:
    """The module's Podman service reaches the private registry over plain HTTP."""
    return (private_registry.host,)


@pytest.fixture(params=ENGINES)
def engine(request, registry):
    """(fixture name, emptied private engine) for each engine, with an emptied registry."""
    return request.param, request.getfixturevalue(request.param)


@dataclass(frozen=True)
class Pulled:
    """What a test state holds: references as the engine was given them, and image IDs."""

    app_tag: str         # REG/app:1, pulled by tag
    app_digest: str      # REG/app@sha256:…, the manifest the registry holds for it
    base_tag: str        # REG/base:1 (pushed; absent locally when base was pulled by digest)
    base_digest: str     # REG/base@sha256:…
    app_id: str
    base_id: str


def _make_and_push(name: str, client: docker.DockerClient, registry: PrivateRegistry) -> tuple[str, str]:
    """base:1 (imported) and app:1 (built on it), tagged into the registry and pushed; the manifest digests."""
    files = {"etc/base": builders.noise(2000, 7)}
    if name == "podman":
        podman_import(client, "base:1", files)       # Podman's import ignores the tag parameter
    else:
        builders.import_image(client, "base:1", files)
    builders.build(client, "FROM base:1\nRUN echo app > /tmp/app\n", tag="app:1")
    digests = []
    for ref in ("base:1", "app:1"):
        repo, tag = ref.split(":")
        client.api.tag(ref, registry.repo(repo), tag)
        digests.append(push(client, registry.repo(ref)))
    return digests[0], digests[1]


def pulled_state(name: str, service: PrivateService, registry: PrivateRegistry, shape: str) -> Pulled:
    """shape "pulled": app pulled by tag, base by digest only; "pushed": the pushed images kept as they were."""
    client = service.client()
    base_dgst, app_dgst = _make_and_push(name, client, registry)
    p = dict(app_tag=registry.repo("app:1"), app_digest=f"{registry.repo('app')}@{app_dgst}",
             base_tag=registry.repo("base:1"), base_digest=f"{registry.repo('base')}@{base_dgst}")
    if shape == "pulled":
        service.wipe()
        pull(client, p["app_tag"])
        pull(client, p["base_digest"])
        ids = {"app_id": client.api.inspect_image(p["app_tag"])["Id"],
               "base_id": client.api.inspect_image(p["base_digest"])["Id"]}
    else:
        ids = {"app_id": client.api.inspect_image("app:1")["Id"], "base_id": client.api.inspect_image("base:1")["Id"]}
    return Pulled(**p, **ids)


# ---------------------------------------------------------------------------
def test_pulled_images_carry_registry_digests(engine, registry):
    """Push + pull give RepoDigests REG/repo@sha256:<the pushed manifest>: by tag and by digest alike."""
    name, service = engine
    client = service.client()
    p = pulled_state(name, service, registry, "pulled")
    snap = read(client)
    app, base = snap.by_id[p.app_id], snap.by_id[p.base_id]
    assert p.app_digest in app.repo_digests and p.base_digest in base.repo_digests
    assert p.app_tag in app.repo_tags
    # base came by digest only: no tag of its repository (Engine 29 and Podman list the digest name itself)
    assert not [t for t in base.repo_tags if "@" not in t]


# (shape, name, what the test does): every operation starts from a fresh pulled (or pushed) state
RMI_CASES = {
    "rmi app by digest": ("pulled", lambda p: [p.app_digest]),
    "rmi app by tag": ("pulled", lambda p: [p.app_tag]),
    "rmi app by digest, then by tag": ("pulled", lambda p: [p.app_digest, p.app_tag]),
    "rmi app by tag@digest": ("pulled", lambda p: [p.app_tag + "@" + p.app_digest.split("@")[1]]),
    "rmi digest-only base by digest": ("pulled", lambda p: [p.base_digest]),
    "rmi digest-only base by ID": ("pulled", lambda p: [p.base_id.split(":")[1][:12]]),
    "rmi unknown digest of a known repository": ("pulled", lambda p: [p.app_digest.split("@")[0] + "@" + ZERO]),
    "rmi unknown tag@digest of a known repository": ("pulled", lambda p: [p.app_tag + "@" + ZERO]),
    "rmi app's digest with a tag it does not have": ("pulled", lambda p: [p.app_digest.replace("@", ":nosuch@")]),
    "rmi app's digest in base's repository": ("pulled", lambda p: [p.base_digest.split("@")[0] + "@" +
                                                                    p.app_digest.split("@")[1]]),
    "rmi pushed app by digest": ("pushed", lambda p: [p.app_digest]),
    "rmi pushed app by its registry tag": ("pushed", lambda p: [p.app_tag]),
    "rmi pushed base by digest, then by ID": ("pushed", lambda p: [p.base_digest, p.base_id]),
    # fully qualified: Podman could resolve a short name through registries.conf's search list
    "rmi pushed base's last name by digest (app's parent)": ("pushed", lambda p: ["docker.io/library/base:1",
                                                                                  p.base_digest]),
}


@pytest.mark.parametrize("case", sorted(RMI_CASES))
def test_rmi_digest_references(engine, registry, case):
    name, service = engine
    client = service.client()
    shape, refs = RMI_CASES[case]
    p = pulled_state(name, service, registry, shape)
    check_rmi(client, refs(p))


def test_rmi_digest_of_an_image_with_another_tag(engine, registry):
    """A pulled image also tagged other:1: rmi by its digest, then by the pulled tag, then other:1."""
    name, service = engine
    client = service.client()
    p = pulled_state(name, service, registry, "pulled")
    client.api.tag(p.app_tag, "other", "1")
    check_rmi(client, [p.app_digest, p.app_tag, "other:1"])


def test_rmi_force_digest_with_container(engine, registry):
    """A stopped container on the digest-only image: rmi by digest refused, -f by digest removes it."""
    name, service = engine
    client = service.client()
    p = pulled_state(name, service, registry, "pulled")
    builders.run_container(client, p.base_digest, running=False)
    check_rmi(client, [p.base_digest])
    check_rmi(client, [p.base_digest], force=True)


@pytest.mark.parametrize("all_", [False, True], ids=["dangling", "all"])
def test_prune_with_digest_only_images(engine, registry, all_):
    """Prune (dangling, then -a) where one image has a digest and no tag, another tag + digest."""
    name, service = engine
    client = service.client()
    pulled_state(name, service, registry, "pulled")
    check_prune(client, all_)


def test_rmi_digest_of_an_image_whose_tag_moved_away(engine, registry):
    """The pulled tag moved to base: app keeps its digest (dockerd: a digest reference; Engine 29: a
    moby-dangling@ record; Podman: no name at all, its digest read from Podman's own list)."""
    name, service = engine
    client = service.client()
    p = pulled_state(name, service, registry, "pulled")
    repo, tag = p.app_tag.rsplit(":", 1)
    client.api.tag(p.base_id, repo, tag)
    [real] = check_rmi(client, [p.app_digest])
    if name == "podman":
        # Podman finds app among every image's manifest digests and fails to untag it
        assert read(client).by_id[p.app_id].repo_tags == () and real["error"]["status"] == 500, real


@pytest.mark.parametrize("seed", range(3))
def test_push_pull_for_random_states(engine, registry, seed):
    """push_pull (what random states use): each digest reference it returns names the image it came
    from; rmi of them all (random order), then prune, are predicted exactly."""
    name, service = engine
    client = service.client()
    _make_and_push(name, client, registry)
    client.api.tag("app:1", "other", "2")
    ids = {ref: client.api.inspect_image(ref)["Id"] for ref in ("base:1", "app:1", "other:2")}
    rng = random.Random(seed)
    refs = rng.sample(sorted(ids), 2)
    tags, digests = push_pull(client, registry, refs, rng)
    assert {client.api.inspect_image(t)["Id"] for t in tags} <= set(ids.values())
    assert digests and all(d.startswith(registry.host + "/") and "@sha256:" in d for d in digests)
    for d in digests:
        assert client.api.inspect_image(d)["Id"] in ids.values(), d
    check_rmi(client, rng.sample(digests, len(digests)))
    check_prune(client, False)


# ---------------------------------------------------------------------------
# Engine 29: the parent is a label on each name's record, and a pull makes a record without it

def _pulled_back(client: docker.DockerClient, registry: PrivateRegistry, ref: str) -> str:
    """``ref`` pushed as REG/<its repository>:1, that tag removed and pulled back: a record with no parent
    label (REG sorts before the other names, so it is the image's first record)."""
    target = registry.repo(ref.split(":")[0] + ":1")
    client.api.tag(ref, *target.rsplit(":", 1))
    push(client, target)
    client.api.remove_image(target)
    pull(client, target)
    return target


def _record_parent(client: docker.DockerClient, name: str) -> str:
    """The list filtered to the one record ``name``: its ParentId (that record's own label)."""
    [summary] = client.api.images(all=True, filters={"reference": name})
    return summary["ParentId"]


def test_parent_gone_with_its_last_labelled_record(engine29, registry):
    """Seed 11's case: app:1 (built on base:1) also pulled as REG/app:1, and tagged zz:1 after (a tag copies
    the first record's labels: REG/app:1's, none).  Inspect by any name says Parent base, the list says none
    (its last name's record); only app:1's record has the label, so rmi app:1 leaves app without a parent.
    The snapshot reads which names' records lack it, and the prediction follows."""
    client = engine29.client()
    base = _base_image(client)
    app = builders.build(client, "FROM base:1\nRUN echo app > /tmp/app\n", tag="app:1")
    pulled = _pulled_back(client, registry, "app:1")
    client.api.tag("app:1", "zz", "1")
    assert {client.api.inspect_image(n)["Parent"] for n in ("app:1", pulled, "zz:1")} == {base}
    assert {i["Id"]: i["ParentId"] for i in client.api.images(all=True)}[app] == ""
    assert [_record_parent(client, n) for n in ("app:1", pulled, "zz:1")] == [base, "", ""]
    img = read(client).by_id[app]
    assert img.parent == base and set(img.parent_unlabelled) == {pulled, "zz:1"}
    check_rmi(client, ["app:1"])
    assert "Parent" not in client.api.inspect_image(app) and read(client).by_id[app].parent == ""


def test_the_parent_is_read_fresh_not_from_the_image_cache(engine29, registry, tmp_path):
    """The image cache keeps inspect answers by ID, but on this store Parent is a label of the names'
    records: once app:1 (the one labelled record) is gone, a load through the cache says no parent, as the
    engine does."""
    client = engine29.client()
    base = _base_image(client)
    app = builders.build(client, "FROM base:1\nRUN echo a > /tmp/a\n", tag="app:1")
    _pulled_back(client, registry, "app:1")
    cache = tmp_path / "images.json"
    assert read_snapshot(client, cache=ImageCache(cache)).by_id[app].parent == base
    check_rmi(client, ["app:1"])
    again = ImageCache(cache)
    assert app in again.entries and again.entries[app][0]["Parent"] == base     # the cached inspect is stale
    assert read_snapshot(client, cache=again).by_id[app].parent == ""


def test_a_child_whose_labelled_records_are_gone_is_no_child(engine29, registry):
    """A commit of base:1, pulled back and its own tag removed, names no parent any more: rmi base:1 then
    deletes base outright (with a child it would stay as moby-dangling@)."""
    client = engine29.client()
    base = _base_image(client)
    child = builders.commit(client, "base:1", "echo c > /tmp/c", "child:1")
    _pulled_back(client, registry, "child:1")
    check_rmi(client, ["child:1"])
    assert read(client).by_id[child].parent == ""
    check_rmi(client, ["base:1"])
    assert base not in {i["Id"] for i in client.api.images(all=True)}


def _base_image(client: docker.DockerClient) -> str:
    return builders.import_image(client, "base:1", {"etc/base": builders.noise(2000, 11)})
