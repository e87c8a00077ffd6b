"""Fixture images made without a registry: import, classic build, commit, save+load, BuildKit, OCI layouts."""
from __future__ import annotations

import datetime as _dt
import gzip
import hashlib
import io
import json
import random
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Iterable

import docker

from model.core.reference import parse_normalized_named

BUSYBOX = shutil.which("busybox") or "/bin/busybox"
APPLETS = ("sh", "ls", "cat", "echo", "mkdir", "rm", "true", "sleep", "touch", "dd", "head")


def rootfs_tar(files: dict[str, bytes] | None = None, busybox: bool = True) -> bytes:
    """A rootfs tarball with a static busybox (so containers run) plus ``files``."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add_dir(name: str) -> None:
            info = tarfile.TarInfo(name)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)

        for d in ("bin", "tmp", "etc"):
            add_dir(d)
        if busybox:
            tar.add(BUSYBOX, arcname="bin/busybox")
            for applet in APPLETS:
                link = tarfile.TarInfo(f"bin/{applet}")
                link.type, link.linkname = tarfile.SYMTYPE, "busybox"
                tar.addfile(link)
        made = {"bin", "tmp", "etc"}
        for name, data in sorted((files or {}).items()):
            parts = name.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in made:
                    add_dir(d)
                    made.add(d)
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def noise(n: int, seed: int = 0) -> bytes:
    """``n`` deterministic pseudo-random bytes (incompressible, distinct per seed)."""
    return random.Random(seed).randbytes(n)


def import_image(client: docker.DockerClient, ref: str, files: dict[str, bytes] | None = None,
                 changes: Iterable[str] = ('CMD ["/bin/sh"]',), message: str = "") -> str:
    """``docker import`` a made rootfs as ``ref``; returns the image ID."""
    repo, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "latest")
    client.api.import_image_from_data(rootfs_tar(files), repository=repo, tag=tag, changes=list(changes))
    return client.images.get(ref).id


def commit(client: docker.DockerClient, image: str, script: str, ref: str | None = None,
           author: str = "", message: str = "", keep: bool = False, running: bool = False) -> str:
    """Run ``script`` in a container of ``image`` (no network) and ``docker commit`` it."""
    ctr = client.containers.create(image, ["sh", "-c", script], network_mode="none")
    try:
        ctr.start()
        ctr.wait(timeout=60)
        repo, tag = (None, None)
        if ref:
            repo, _, tag = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "latest")
        res = client.api.commit(ctr.id, repository=repo, tag=tag, author=author, message=message)
        return res["Id"]
    finally:
        if not keep:
            ctr.remove(force=True)


def build(client: docker.DockerClient, dockerfile: str, tag: str | None = None,
          files: dict[str, bytes] | None = None) -> str:
    """Build with the classic builder (intermediate images keep Parent); returns the image ID."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in {"Dockerfile": dockerfile.encode(), **(files or {})}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    image, _ = client.images.build(fileobj=buf, custom_context=True, tag=tag, rm=True,
                                   network_mode="none", pull=False)
    return image.id


def save_load(client: docker.DockerClient, refs: list[str]) -> None:
    """Make ``refs`` look pulled: save them, remove them, load them back (no parent chain)."""
    res = client.api._get(client.api._url("/images/get"), params={"names": refs}, stream=True)
    client.api._raise_for_status(res)
    data = b"".join(res.iter_content(1 << 20))
    ids = {client.images.get(r).id for r in refs}
    for image_id in ids:
        client.api.remove_image(image_id, force=True)
    for _ in client.api.load_image(data):   # a stream: the load ends when it is read to the end
        pass


def run_container(client: docker.DockerClient, image: str, name: str | None = None,
                  running: bool = True) -> str:
    """A container of ``image``: running (sleeps) or stopped (exited); returns its ID."""
    cmd = ["sleep", "3600"] if running else ["true"]
    ctr = client.containers.create(image, cmd, name=name, network_mode="none")
    ctr.start()
    if not running:
        ctr.wait(timeout=60)
    return ctr.id


def buildkit_build(cli_env: dict[str, str], dockerfile: str, tag: str | None = None,
                   files: dict[str, bytes] | None = None, keep_cache: bool = False) -> str:
    """Build with BuildKit (``docker buildx build --load``); returns the image ID.

    On the containerd store the image is an index: the platform manifest plus BuildKit's
    attestation manifest.  The build cache is emptied afterwards unless ``keep_cache``: it
    holds layer blobs no image lists, which a snapshot cannot see."""
    with tempfile.TemporaryDirectory(prefix="ls-bk-") as tmp:
        context = Path(tmp)
        for name, data in {"Dockerfile": dockerfile.encode(), **(files or {})}.items():
            (context / name).write_bytes(data)
        cmd = ["docker", "buildx", "build", "--network=none", "--load", "--iidfile", str(context / "iid")]
        cmd += ["-t", tag] if tag else []
        subprocess.run(cmd + [str(context)], env=cli_env, check=True, capture_output=True, timeout=300)
        image_id = (context / "iid").read_text().strip()
    if not keep_cache:
        subprocess.run(["docker", "buildx", "prune", "--all", "--force"], env=cli_env, check=True,
                       capture_output=True, timeout=120)
    return image_id


def _blob(blobs: dict[str, bytes], data: bytes, media_type: str, **extra) -> dict:
    """Store ``data`` as an OCI blob; its descriptor."""
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    blobs[digest] = data
    return {"mediaType": media_type, "digest": digest, "size": len(data), **extra}


def _json_bytes(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


# An OCI image layout (image-spec layout.md) as one tar: oci-layout, index.json naming
# one image index, and blobs/sha256/<hex> for that index, one manifest per platform,
# their configs and gzip-compressed layers (deterministic: mtime 0).  Each platform's
# layer holds different bytes, so no blob is shared between the platforms.
def oci_index_tar(ref: str, platforms: Iterable[str] = ("linux/amd64", "linux/arm64"), seed: int = 0,
                  labels: dict[str, str] | None = None) -> bytes:
    """An OCI layout tar of a multi-platform image index named ``ref`` (for ``docker load``)."""
    named = parse_normalized_named(ref).tag_name_only()
    created = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    blobs: dict[str, bytes] = {}
    manifests = []
    for n, platform in enumerate(platforms):
        os_name, arch = platform.split("/")[:2]
        layer = rootfs_tar({f"etc/{arch}": noise(700 + 100 * n, seed * 31 + n)}, busybox=arch == "amd64")
        diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
        layer_desc = _blob(blobs, gzip.compress(layer, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip")
        config = {"architecture": arch, "os": os_name, "created": created,
                  "config": {"Cmd": ["/bin/sh"], "Labels": dict(labels or {})},
                  "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                  "history": [{"created": created, "created_by": f"layerscope oci_index_tar {platform}"}]}
        config_desc = _blob(blobs, _json_bytes(config), "application/vnd.oci.image.config.v1+json")
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": config_desc, "layers": [layer_desc]}
        manifests.append(_blob(blobs, _json_bytes(manifest), manifest["mediaType"],
                               platform={"architecture": arch, "os": os_name}))
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}
    index_desc = _blob(blobs, _json_bytes(index), index["mediaType"],
                       annotations={"io.containerd.image.name": str(named),
                                    "org.opencontainers.image.ref.name": named.tag})
    top = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [index_desc]}
    files = {"oci-layout": _json_bytes({"imageLayoutVersion": "1.0.0"}), "index.json": _json_bytes(top)}
    files.update({f"blobs/sha256/{d.split(':', 1)[1]}": data for d, data in blobs.items()})
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def load_oci_index(client: docker.DockerClient, ref: str, platforms: Iterable[str] = ("linux/amd64", "linux/arm64"),
                   seed: int = 0, labels: dict[str, str] | None = None) -> str:
    """``docker load`` a multi-platform image index (no registry needed); returns its ID (the index digest)."""
    for _ in client.api.load_image(oci_index_tar(ref, platforms, seed, labels)):
        pass
    return client.images.get(ref).id


# ---------------------------------------------------------------------------
# The seed tutorial (shared/seed/build-docker-image-tutorial.ko.md), replayed
UBUNTU_DOCKERFILE = """FROM ubuntu-rootfs:import
RUN set -xe && echo '#!/bin/sh' > /usr/sbin/policy-rc.d && echo 'exit 101' >> /usr/sbin/policy-rc.d
RUN rm -rf /var/lib/apt/lists/*
RUN mkdir -p /run/systemd && echo 'docker' > /run/systemd/container
CMD ["/bin/bash"]
"""


def tutorial(client: docker.DockerClient, base_bytes: int = 300_000, apache_bytes: int = 200_000,
             page: bytes = b"<h1>I-scream Edu</h1>\n") -> dict[str, str]:
    """Replay the tutorial: pulled-like ubuntu:18.04 (4 layers + CMD), then two commits.

    Returns the image IDs keyed by tag."""
    import_image(client, "ubuntu-rootfs:import", {
        "usr/lib/base.bin": noise(base_bytes, 1),
        "var/lib/apt/lists/index": noise(1000, 2),
        "usr/sbin/.keep": b""}, changes=())
    build(client, UBUNTU_DOCKERFILE, tag="ubuntu:18.04")
    save_load(client, ["ubuntu:18.04"])
    client.api.remove_image("ubuntu-rootfs:import")
    apache = f"mkdir -p /usr/lib/apache2 /var/www/html && head -c {apache_bytes} /usr/lib/base.bin > /usr/lib/apache2/httpd"
    commit(client, "ubuntu:18.04", apache, "ubuntu_apache:latest", author="voyagerwoo", message="install apache2")
    page_cmd = "mkdir -p /var/www/html && echo '" + page.decode().strip() + "' > /var/www/html/eng.html"
    commit(client, "ubuntu_apache:latest", page_cmd, "iscreamedu_apache:latest",
           author="voyagerwoo", message="add iscream-edu webpage")
    return {t: client.images.get(t).id for t in ("ubuntu:18.04", "ubuntu_apache:latest", "iscreamedu_apache:latest")}


def stamped_image_tar(ref: str, created: str, seed: int) -> bytes:
    """A `docker save` archive of a one-layer image whose config (and history) says ``created`` (the zero time,
    the Unix epoch: what reproducible builds write); load it with ``client.images.load``."""
    layer = rootfs_tar({"seed": str(seed).encode()}, busybox=False)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps({"architecture": "amd64", "os": "linux", "created": created, "config": {},
                         "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                         "history": [{"created": created, "created_by": f"made {seed}"}]}).encode()
    name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": name, "RepoTags": [ref], "Layers": [f"{seed}/layer.tar"]}]).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for path, data in ((name, config), (f"{seed}/layer.tar", layer), ("manifest.json", manifest)):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


# node:lts-alpine with a stand-in `npm` (no network here): `npm install` writes node_modules (48 packages,
# 1.9 MB) and package-lock.json as the real one would, so the tutorial's Dockerfile runs verbatim.
NODE_STANDIN_NPM = ('if [ "$1" = install ]; then for i in $(busybox seq 1 48); do mkdir -p node_modules/pkg$i; '
                    'dd if=/dev/urandom of=node_modules/pkg$i/index.js bs=1000 count=40 2>/dev/null; done; '
                    'echo "{{}}" > package-lock.json; echo "added 48 packages"; fi')
NODE_DOCKERFILE = """FROM alpine-rootfs:import
RUN mkdir -p /usr/local/bin && dd if=/dev/urandom of=/usr/local/bin/node bs=1000 count={node_kb} 2>/dev/null
RUN echo '#!/bin/sh' > /usr/local/bin/npm \\
 && echo '""" + NODE_STANDIN_NPM + """' >> /usr/local/bin/npm \\
 && busybox chmod 755 /usr/local/bin/npm
ENV NODE_VERSION=18.17.1
CMD ["node"]
"""


def node_lts_alpine(client: docker.DockerClient, node_kb: int = 43_000, musl_bytes: int = 5_600_000) -> str:
    """A pulled-like node:lts-alpine (an alpine rootfs, a ``node_kb`` kB node, the stand-in npm); returns its ID."""
    import_image(client, "alpine-rootfs:import", {"lib/ld-musl-x86_64.so.1": noise(musl_bytes, 3)}, changes=())
    build(client, NODE_DOCKERFILE.format(node_kb=node_kb), tag="node:lts-alpine")
    save_load(client, ["node:lts-alpine"])
    client.api.remove_image("alpine-rootfs:import")
    return client.images.get("node:lts-alpine").id
