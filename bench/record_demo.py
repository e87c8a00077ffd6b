"""Record the bundled demo snapshot: replay the seed tutorial on a private dockerd and save what it reports.

Images (as in shared/seed/build-docker-image-tutorial.ko.md): a pulled-like ubuntu:18.04 of
four layers (86.7 MB) plus a CMD; `docker commit` of an apache install (120 MB) to
ubuntu_apache:latest; `docker commit` of eng.html to iscreamedu_apache:latest; apache-ubuntu:1
built from the tutorial's Dockerfile with the classic builder (rebuilt once, leaving a dangling
image), running in a container; simple-express built on a pulled-like node:lts-alpine.
Sizes are real bytes written into real layers; nothing in the file is edited by hand.

`--commit-lesson` records resources/demo/tutorial-commit.json instead: only the three images of the
tutorial's `docker commit` part, the state its three `docker rmi` answers were printed from.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import builders  # noqa: E402
from daemon import PrivateDaemon  # noqa: E402
from model.daemon.imagecache import ImageCache  # noqa: E402
from model.daemon.source import connect, read_snapshot  # noqa: E402

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
NODE = """FROM alpine-rootfs:import
RUN mkdir -p /usr/local/bin && dd if=/dev/urandom of=/usr/local/bin/node bs=1000 count=43000 2>/dev/null
ENV NODE_VERSION=18.17.1
CMD ["node"]
"""
EXPRESS = """FROM node:lts-alpine
WORKDIR /app
COPY package.json .
RUN mkdir -p node_modules && dd if=/dev/urandom of=node_modules/express.js bs=1000 count=2100 2>/dev/null
COPY app.js .
EXPOSE 3000
CMD ["node", "app.js"]
"""
INDEX = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"UTF-8\"><title>아이스크림 에듀</title></head>\n<body><h1>아이스크림 에듀</h1></body>\n</html>\n"


def replay(client, stop_after_commits: bool = False) -> None:
    """The tutorial's steps, in order (only up to the two commits when asked: the state of its rmi lesson)."""
    builders.import_image(client, "ubuntu-rootfs:import", {"usr/lib/x86_64-linux-gnu/libubuntu.so": builders.noise(86_700_000 - os.path.getsize(builders.BUSYBOX) - 726, 1),
                                                           "var/lib/apt/lists/lock": b"", "usr/sbin/.keep": b""}, changes=())
    builders.build(client, UBUNTU, tag="ubuntu:18.04")
    builders.save_load(client, ["ubuntu:18.04"])
    client.api.remove_image("ubuntu-rootfs:import")
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
    builders.import_image(client, "alpine-rootfs:import", {"lib/ld-musl-x86_64.so.1": builders.noise(5_600_000, 3)}, changes=())
    builders.build(client, NODE, tag="node:lts-alpine")
    builders.save_load(client, ["node:lts-alpine"])
    client.api.remove_image("alpine-rootfs:import")
    builders.build(client, EXPRESS, tag="simple-express:latest",
                   files={"package.json": b'{"name":"simple-express","dependencies":{"express":"^4"}}\n',
                          "app.js": b"require('express')().get('/',(q,r)=>r.send('hi')).listen(3000)\n"})


def main() -> int:
    commit_only = "--commit-lesson" in sys.argv
    out = ROOT / "resources" / "demo" / ("tutorial-commit.json" if commit_only else "tutorial.json")
    daemon = PrivateDaemon()
    daemon.start()
    try:
        replay(daemon.client(timeout=600), stop_after_commits=commit_only)
        snap = read_snapshot(connect(daemon.url), cache=ImageCache(None))
        snap = snap.replace(source="demo", info=snap.info.__class__(**{**snap.info.__dict__, "host": "demo"}))
        snap.save(out)
        print(f"wrote {out}: {len(snap.images)} images, {len(snap.containers)} containers")
    finally:
        daemon.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
