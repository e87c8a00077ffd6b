"""Every reason the simulator gives for "cannot be predicted exactly", and the guard that refuses each one.

One case per reason: a snapshot and a request that end in it.  Offline, each case must
give its reason, and every reason written in the engine's store and filter modules (model/engine/)
must be given by some case
(so a new reason cannot appear without a case).  On the private dockerd, each case's plan
goes through model.perform — the path the command line and the window share — with refs
that name images the daemon really holds: it must be refused, send nothing, and leave the
daemon's images as they were.  The reasons a real engine can produce are also driven
through `python main.py` in test_delete_guard.py and test_podman.py."""
from __future__ import annotations

import ast
import dataclasses
import time
from pathlib import Path

import pytest

import builders
from commands import image_state
from handmade import img, layer, snap
from model.commands.deletelog import DeleteLog
from model.commands.perform import CLI, UNPREDICTABLE, perform
from model.engine.plan import PRUNE, RMI, Request, make_plan
from model.core.snapshot import INDEX_MEDIA_TYPES, STORE_CONTAINERD, STORE_PODMAN, Container, HistoryRow, Manifest

ENGINE = Path(__file__).resolve().parents[2] / "model" / "engine"
NOT_SIMULATOR = ("__init__.py", "plan.py", "whatif.py")     # the engine's modules that give no reasons of their own
PODMAN, CTRD = dict(store=STORE_PODMAN, version="4.3.1"), dict(store=STORE_CONTAINERD, version="29.7.2")
GHOST = Container(id="9" * 64, names=("/ghost",), image="gone:1", image_id="sha256:" + "e" * 64, state="exited")


def _ago(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - seconds))


def _rmi(*refs: str) -> Request:
    return Request(RMI, refs)


def _prune(*filters: tuple[str, str], all_: bool = False) -> Request:
    return Request(PRUNE, prune_all=all_, filters=filters)


REAL = img(1, (layer(1),), tags=["real:1"])
TWIN = img(2, (layer(1), layer(2)), tags=["twin:1"])


def _unmapped_history():
    bad = img(3, (layer(3),))
    rows = (HistoryRow(id="<missing>", created=0, created_by="b", size=5),
            HistoryRow(id="<missing>", created=0, created_by="a", size=7))   # two layers' rows, one layer
    return dataclasses.replace(bad, history=rows)


OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def _ctrd(image, extra_platforms=(), unpacked_extra=False, available=True, shared=None, content=None):
    """``image`` as Engine 29 lists it: one manifest (its ID) or an index of the host's + ``extra_platforms``."""
    size = image.size if content is None else content
    host = Manifest(id=image.id, media_type=OCI_MANIFEST, size=400, kind="image", platform="linux/amd64",
                    available=available, content_size=size, unpacked_size=sum(r.size for r in image.history))
    if not extra_platforms:
        return dataclasses.replace(image, manifests=(host,), media_type=OCI_MANIFEST, target_size=400,
                                   shared_size=shared)
    host = dataclasses.replace(host, id="sha256:" + "a" * 63 + image.id[-1])
    others = tuple(Manifest(id="sha256:" + "b" * 63 + str(k), media_type=OCI_MANIFEST, size=400, kind="image",
                            platform=p, content_size=900, unpacked_size=4096 if unpacked_extra else 0)
                   for k, p in enumerate(extra_platforms))
    return dataclasses.replace(image, manifests=(host,) + others, media_type=INDEX_MEDIA_TYPES[0],
                               target_size=500, size=500 + size, shared_size=shared)


def _podman_wrong_parent():
    base = img(4, (layer(1),), tags=["real:1"])
    child = dataclasses.replace(img(5, (layer(1), layer(2))), parent="", history=(
        HistoryRow(id="", created=200, created_by="echo x", size=5),) + base.history)
    return snap(base, child, **PODMAN)


# reason fragment → (snapshot, request)
CASES = {
    "uses a removed image whose layers the daemon does not name": lambda: (
        snap(REAL, containers=[GHOST]), _rmi("real:1")),
    "the API router rewrites the path /images/x/../real:1 before the daemon": lambda: (
        snap(REAL), _rmi("x/../real:1")),
    "follows an unpredictable step": lambda: (snap(REAL, TWIN), _rmi("x/../real:1", "twin:1")),
    "is not in the snapshot": lambda: (
        snap(dataclasses.replace(TWIN, parent="sha256:" + "f" * 64)), _rmi("twin:1")),
    "size of layer": lambda: (snap(REAL, _unmapped_history()), _prune()),
    "local-time or malformed timestamps": lambda: (snap(REAL), _prune(("until", "2021-01-01"))),
    "which the daemon computes from its own clock": lambda: (
        snap(dataclasses.replace(REAL, created=_ago(3600)), img(6, (layer(6),))), _prune(("until", "1h"))),
    "lies outside Go's time range": lambda: (snap(REAL), _prune(("until", "9223372036854775806"))),
    "the status this engine answers is not modelled": lambda: (
        snap(REAL, version="28.5.0"), _prune(("until", "1e3h"))),
    "several invalid filters": lambda: (snap(REAL), _prune(("bogus", "1"), ("other", "2"))),
    "unknown image store": lambda: (snap(REAL, store="zfs-store"), _rmi("real:1")),
    "Engine 24's experimental containerd store": lambda: (
        snap(REAL, store=STORE_CONTAINERD, version="24.0.7"), _rmi("real:1")),
    "a first path component with capitals": lambda: (snap(REAL, **CTRD), _rmi("Real/real:1")),
    "until compares the record's CreatedAt": lambda: (snap(REAL, **CTRD), _prune(("until", "1h"), all_=True)),
    "depends on the labels of a platform other than the host's": lambda: (
        snap(_ctrd(REAL, ("linux/arm64",)), **CTRD), _prune(("label", "tier"), all_=True)),
    "conflicting dangling values": lambda: (snap(REAL, **CTRD), _prune(("dangling", "maybe"), ("dangling", "perhaps"))),
    "the engine names one at random": lambda: (snap(REAL, **CTRD), _prune(("bogus", "1"), ("other", "2"))),
    "over containerd's 4096-byte limit": lambda: (snap(REAL, **CTRD), _prune(("label", "k=" + "v" * 5000))),
    "this engine's message for a value it cannot parse": lambda: (snap(REAL, **CTRD), _prune(("until", "soon"))),
    "was read without its manifest list": lambda: (snap(REAL, **CTRD), _prune(all_=True)),
    "has a manifest whose blobs are not all present": lambda: (
        snap(_ctrd(REAL, available=False, content=450), **CTRD), _prune(all_=True)),
    "visit a blob a different number of times": lambda: (
        snap(_ctrd(img(18, (layer(1), layer(1)), tags=["twice:1"])), _ctrd(img(19, (layer(1),), tags=["once:1"])),
             **CTRD), _prune(all_=True)),
    "has a platform other than the host's unpacked": lambda: (
        snap(_ctrd(REAL, ("linux/arm64",), unpacked_extra=True), **CTRD), _prune(all_=True)),
    "uses a removed image, whose snapshots may hold layers": lambda: (
        snap(_ctrd(REAL), containers=[GHOST], **CTRD), _prune(all_=True)),
    "the snapshot size of layer": lambda: (snap(_ctrd(_unmapped_history()), **CTRD), _prune()),
    "shares layers (or BuildKit's attestation config) with images that stay": lambda: (
        snap(_ctrd(REAL), _ctrd(img(20, (layer(1), layer(2)), labels=[("x", "y")], tags=["kid:1"])), **CTRD),
        _prune(("label", "x"), all_=True)),
    "has no layers (Podman compares configs of empty images)": lambda: (
        snap(REAL, img(8, (), tags=["empty:1"]), **PODMAN), _rmi("empty:1")),
    "only Podman 4.3 is modelled": lambda: (snap(REAL, store=STORE_PODMAN, version="5.0.0"), _rmi("real:1")),
    "Podman's message for the reference": lambda: (snap(REAL, **PODMAN), _rmi("r" * 256)),
    "up among the manifest digests of every image": lambda: (   # an image without names, its Digest not read
        snap(REAL, img(18, (layer(18),)), **PODMAN), _rmi("quay.io/x/real@sha256:" + "d" * 64)),
    "if registries.conf lists that registry": lambda: (
        snap(REAL, img(9, (layer(9),), tags=["quay.io/real:1"]), **PODMAN), _rmi("real:1")),
    "to localhost/ or docker.io in an order": lambda: (
        snap(REAL, img(10, (layer(10),), tags=["localhost/real:1"]), **PODMAN), _rmi("real:1")),
    "by repository suffix": lambda: (
        snap(img(11, (layer(11),), tags=["quay.io/a/real:1"]), img(12, (layer(12),), tags=["quay.io/b/real:1"]),
             **PODMAN), _rmi("real:1")),
    "is not the one Podman reports": lambda: (_podman_wrong_parent(), _rmi("real:1")),
    "has a name Podman does not list as a tag": lambda: (
        snap(dataclasses.replace(REAL, repo_digests=("other@sha256:" + "d" * 64,)), **PODMAN), _rmi("real:1")),
    "Podman's answer to a blank name": lambda: (snap(REAL, **PODMAN), _rmi("")),
    "the API router rewrites the path /images/x/../real:1 before Podman": lambda: (
        snap(REAL, **PODMAN), _rmi("x/../real:1")),
    "Podman compares its store time": lambda: (
        snap(REAL, img(13, (layer(13),), created=_ago(3600)), **PODMAN), _prune(("until", "1h"))),
    "Podman's message for an until value": lambda: (snap(REAL, **PODMAN), _prune(("until", "1e3h"))),
    "Podman's message for dangling=": lambda: (snap(REAL, **PODMAN), _prune(("dangling", "maybe"))),
    "Podman's handling of the filter": lambda: (snap(REAL, **PODMAN), _prune(("reference", "real"))),
    "the joined error text names containers": lambda: (_podman_joined_error(), _prune()),
}


def _podman_joined_error():
    # a dangling child whose removal takes its dangling parent along; the parent has two containers
    base = img(14, (layer(14),))
    child = dataclasses.replace(img(15, (layer(14), layer(15))), history=(
        HistoryRow(id="", created=300, created_by="echo y", size=5),) + base.history, parent=base.id)
    users = [Container(id=f"{k}" * 64, names=(f"/u{k}",), image=base.id, image_id=base.id, state="exited")
             for k in (3, 4)]
    return snap(base, child, containers=users, **PODMAN)


def _reasons(case: str) -> list[str]:
    snapshot, request = CASES[case]()
    return make_plan(snapshot, request).unpredictable


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_case_gives_its_reason(case):
    reasons = _reasons(case)
    assert reasons and any(case in r for r in reasons), reasons


def _simulator_modules() -> list[Path]:
    """model/engine/*.py but plan, whatif and __init__: the facade, outcome, filters and the stores."""
    return sorted(p for p in ENGINE.glob("*.py") if p.name not in NOT_SIMULATOR)


def _literal_fragments() -> list[str]:
    """The longest literal piece of each reason written in the simulator (Unpredictable(...), unpredictable=…)."""
    texts: list[ast.expr] = []
    for node in (n for path in _simulator_modules() for n in ast.walk(ast.parse(path.read_text()))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Unpredictable" and node.args:
            texts.append(node.args[0])
        if isinstance(node, ast.Call):
            texts.extend(k.value for k in node.keywords if k.arg == "unpredictable")
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "why" for t in node.targets):
            texts.append(node.value)
        if isinstance(node, ast.FunctionDef) and node.name in ("unmodelled", "_check_parents"):
            texts.extend(r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None)
    out = []
    for expr in texts:
        pieces = [n.value for n in ast.walk(expr) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        longest = max(pieces, key=len, default="").strip(" ;:()")
        if len(longest) >= 12:
            out.append(longest)
    return sorted(set(out))


def test_every_reason_in_the_simulator_has_a_case():
    given = [r for case in CASES for r in _reasons(case)]
    fragments = _literal_fragments()
    assert len(fragments) >= 25
    missing = [f for f in fragments if not any(f in r for r in given)]
    assert not missing, missing


def test_the_guard_refuses_every_case_on_a_real_daemon(daemon, tmp_path):
    """Refs name images the daemon holds; perform() must send nothing for any case."""
    client = daemon.client()
    builders.import_image(client, "real:1")
    builders.import_image(client, "twin:1", {"t": b"2"})
    builders.import_image(client, "empty:1", {"e": b"3"})
    builders.commit(client, "real:1", "echo d > /tmp/d", None)             # a dangling image prune would take
    before = image_state(client)
    log = DeleteLog(tmp_path / "deletes.jsonl")
    for case in sorted(CASES):
        snapshot, request = CASES[case]()
        snapshot = snapshot.replace(info=dataclasses.replace(snapshot.info, host=daemon.url))
        done = perform(client, make_plan(snapshot, request), log, CLI)
        assert done.refused is not None and done.refused.kind == UNPREDICTABLE, (case, done)
        assert done.sent == [] and done.actual is None, case
        assert image_state(client) == before, case
    records, bad = log.read()
    assert bad == 0 and len(records) == len(CASES)
    assert all(r["refused"]["kind"] == UNPREDICTABLE and "sent" not in r for r in records)
