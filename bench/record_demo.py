"""Record the bundled demo snapshot: replay the seed tutorial on a private dockerd and save what it reports.

Images (as in shared/seed/build-docker-image-tutorial.ko.md): a pulled-like ubuntu:18.04 of
four layers (86.7 MB) plus a CMD; `docker commit` of an apache install (120 MB) to
ubuntu_apache:latest; `docker commit` of eng.html to iscreamedu_apache:latest; apache-ubuntu:1
built from the tutorial's Dockerfile with the classic builder (rebuilt once, leaving a dangling
image), running in a container; the tutorial's simple-express (resources/lesson/simple-express) built on a
pulled-like node:lts-alpine twice, as the tutorial does: without and with its `.dockerignore`.
Sizes are real bytes written into real layers, and the file carries every layer's file index (read with
`docker save`); nothing in the file is edited by hand.

`--commit-lesson` records resources/demo/tutorial-commit.json instead: only the three images of the
tutorial's `docker commit` part, the state its three `docker rmi` answers were printed from.  There ubuntu:18.04
really comes from a registry, as on the tutorial author's machine: Debian's docker-registry on 127.0.0.1 is the
private dockerd's registry mirror (and insecure), the built ubuntu is pushed to it as
127.0.0.1:PORT/library/ubuntu:18.04, removed, and `docker pull ubuntu:18.04` fetches it through the mirror, so its
RepoDigests holds ubuntu@sha256:… and `docker rmi ubuntu:18.04` answers two Untagged lines, as in the tutorial.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import builders  # noqa: E402
from daemon import PrivateDaemon  # noqa: E402
from registry import PrivateRegistry, pull, push  # noqa: E402
from model.daemon.imagecache import ImageCache  # noqa: E402
from model.daemon.imagesave import with_files  # noqa: E402
from model.daemon.source import connect, read_snapshot  # noqa: E402
from model.files.cache import FilesCache  # noqa: E402

UBUNTU = """FROM ubuntu-rootfs:import
RUN set -xe && echo '#!/bin/sh' > /usr/sbin/policy-rc.d && echo 'exit 101' >> /usr/sbin/policy-rc.d \
 && dd if=/dev/urandom of=/usr/sbin/.policy bs=1 count=700 2>/dev/null
RUN rm -rf /var/lib/apt/lists/*
RUN mkdir -p /run/systemd && echo 'docker' > /run/systemd/container
CMD ["/bin/bash"]
"""
APACHE_DOCKERFILE = """FROM ubuntu:18.04
RUN mkdir -p /var/lib/apt/lists && dd if=/dev/urandom of=/var/lib/apt/lists/index bs=1000 count=27000 2>/dev/null
RUN mkdir -p /usr/lib/apache2 && dd if=/dev/urandom of=/usr/lib/apache2/httpd bs=1000 count={apache} 2>/dev/null
WORKDIR /var/www/html
RUN echo "<h1>I-scream edu</h1>" > eng.html
ADD index.html .
EXPOSE 80
CMD ["apachectl", "-DFOREGROUND"]
"""
EXPRESS = ROOT / "resources" / "lesson" / "simple-express"   # the tutorial's app: Dockerfile, app.js, .dockerignore
INDEX = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"UTF-8\"><title>아이스크림 에듀</title></head>\n<body><h1>아이스크림 에듀</h1></body>\n</html>\n"


def replay(client, stop_after_commits: bool = False, mirror: PrivateRegistry | None = None) -> None:
    """The tutorial's steps, in order (only up to the two commits when asked: the state of its rmi lesson); with
    ``mirror`` (the daemon's registry mirror), ubuntu:18.04 is pulled from it."""
    builders.import_image(client, "ubuntu-rootfs:import", {"usr/lib/x86_64-linux-gnu/libubuntu.so": builders.noise(86_700_000 - os.path.getsize(builders.BUSYBOX) - 726, 1),
                                                           "var/lib/apt/lists/lock": b"", "usr/sbin/.keep": b""}, changes=())
    builders.build(client, UBUNTU, tag="ubuntu:18.04")
    builders.save_load(client, ["ubuntu:18.04"])
    client.api.remove_image("ubuntu-rootfs:import")
    if mirror is not None:
        pull_through_mirror(client, mirror)
    builders.commit(client, "ubuntu:18.04", "mkdir -p /usr/lib/apache2 /var/www/html && dd if=/dev/urandom of=/usr/lib/apache2/httpd bs=1000 count=120200 2>/dev/null",
                    "ubuntu_apache:latest", author="voyagerwoo", message="install apache2")
    page = "cd /var/www/html && echo '<h1>I-scream Edu</h1>' > eng.html && dd if=/dev/urandom of=/var/www/html/.session bs=1 count=882 2>/dev/null"
    builders.commit(client, "ubuntu_apache:latest", page, "iscreamedu_apache:latest",
                    author="voyagerwoo", message="add iscream-edu webpage")
    if stop_after_commits:
        return
    builders.build(client, APACHE_DOCKERFILE.format(apache=118_000), tag="apache-ubuntu:1", files={"index.html": INDEX.encode()})
    builders.build(client, APACHE_DOCKERFILE.format(apache=118_000), tag="apache-ubuntu:1",
                   files={"index.html": INDEX.replace("에듀", "에듀 v2").encode()})   # rebuilt: the old image dangles
    builders.run_container(client, "apache-ubuntu:1", name="apache-ubuntu", running=True)
    builders.node_lts_alpine(client)
    build_express(client)


def pull_through_mirror(client, registry: PrivateRegistry) -> None:
    """Push ubuntu:18.04 to the mirror as library/ubuntu:18.04, remove it, pull it back as ubuntu:18.04 (the
    daemon asks its mirror for docker.io's library/ubuntu): RepoDigests then holds ubuntu@sha256:…."""
    on_mirror = registry.repo("library/ubuntu:18.04")
    client.api.tag("ubuntu:18.04", registry.repo("library/ubuntu"), "18.04")
    push(client, on_mirror)
    client.api.remove_image(on_mirror)
    client.api.remove_image("ubuntu:18.04")
    pull(client, "ubuntu:18.04")
    digests = client.api.inspect_image("ubuntu:18.04")["RepoDigests"]
    if not any(d.startswith("ubuntu@sha256:") for d in digests):
        raise SystemExit(f"ubuntu:18.04 did not come through the mirror (RepoDigests {digests})")


def build_express(client) -> None:
    """The tutorial's two builds of its Express app: first from a folder where `npm install` was run locally
    (node_modules and package-lock.json go into the 1.9 MB context and `COPY . .` copies them again), then with its
    `.dockerignore` (a 5 kB context): the SDK, like the docker CLI, leaves the ignored files out of the context."""
    with tempfile.TemporaryDirectory(prefix="ls-express-") as tmp:
        context = Path(tmp)
        for name in ("Dockerfile", "package.json", "app.js"):
            shutil.copy(EXPRESS / name, context / name)
        for i in range(1, 49):              # the local `npm install` the tutorial's reader ran first
            (context / "node_modules" / f"pkg{i}").mkdir(parents=True)
            (context / "node_modules" / f"pkg{i}" / "index.js").write_bytes(builders.noise(39_900, 100 + i))
        (context / "package-lock.json").write_text("{}\n")
        client.images.build(path=str(context), tag="simple-express:alpine", rm=True, network_mode="none", pull=False)
        shutil.copy(EXPRESS / ".dockerignore", context / ".dockerignore")
        client.images.build(path=str(context), tag="simple-express:latest", rm=True, network_mode="none", pull=False)


def main() -> int:
    commit_only = "--commit-lesson" in sys.argv
    out = ROOT / "resources" / "demo" / ("tutorial-commit.json" if commit_only else "tutorial.json")
    registry = PrivateRegistry() if commit_only else None
    if registry is not None:
        registry.start()
    mirror_args = ("--registry-mirror", f"http://{registry.host}", "--insecure-registry", registry.host) \
        if registry is not None else ()
    daemon = PrivateDaemon(extra_args=mirror_args)
    daemon.start()
    try:
        replay(daemon.client(timeout=600), stop_after_commits=commit_only, mirror=registry)
        client = connect(daemon.url)
        with tempfile.TemporaryDirectory(prefix="ls-files-") as cache:     # the file index of every layer
            snap = with_files(read_snapshot(client, cache=ImageCache(None)), client, FilesCache(Path(cache)))
        snap = snap.replace(source="demo", info=snap.info.__class__(**{**snap.info.__dict__, "host": "demo"}))
        snap.save(out)
        print(f"wrote {out}: {len(snap.images)} images, {len(snap.containers)} containers")
    finally:
        daemon.cleanup()
        if registry is not None:
            registry.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
