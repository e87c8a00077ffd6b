"""Record the Engine 29 demo snapshot: a private Docker Engine 29 (containerd image store) filled with each kind
of image that store holds, read with read_snapshot and saved to the path given.

Images: an imported base (base:1, no parent, one manifest), a classic-builder build on it (legacy:1, with
its kept intermediates), a `docker commit` of that (committed:1, run by a stopped container), a BuildKit build
(`docker buildx build --network=none --load`: buildkit:1, an image index holding one image manifest and its
attestation, its history `<missing>` below the top row), and a multi-platform index loaded from an OCI layout
(multi:1, linux/amd64 + linux/arm64, tests/builders.py).  Sizes are real bytes in real layers; nothing in the
file is edited by hand apart from naming the host "demo".

Run as root where ../shared/engines/engine.sh exists:

    python bench/record_engine29.py resources/demo/engine29.json

The other bundled demo files (the tutorial's) are never overwritten.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import builders  # noqa: E402
from engine29 import Engine29  # noqa: E402
from model.daemon.imagecache import ImageCache  # noqa: E402
from model.daemon.source import connect, read_snapshot  # noqa: E402
from resources import DEMO_SNAPSHOT, ENGINE29_SNAPSHOT, LESSON_SNAPSHOT  # noqa: E402

LEGACY = """FROM base:1
RUN mkdir -p /opt/app && dd if=/dev/urandom of=/opt/app/runtime.bin bs=1000 count=6000 2>/dev/null
ENV APP_HOME=/opt/app
RUN echo 'legacy builder' > /opt/app/README
CMD ["/bin/sh"]
"""
BUILDKIT = """FROM base:1
RUN mkdir -p /srv && dd if=/dev/urandom of=/srv/site.bin bs=1000 count=4000 2>/dev/null
COPY index.html /srv/index.html
CMD ["/bin/sh"]
"""


def fill(engine: Engine29) -> None:
    """The five kinds of image, and one stopped container."""
    client = engine.client(timeout=600)
    builders.import_image(client, "base:1", {"usr/lib/libbase.so": builders.noise(12_000_000, 29)})
    builders.build(client, LEGACY, tag="legacy:1")
    builders.commit(client, "legacy:1", "dd if=/dev/urandom of=/opt/app/cache.bin bs=1000 count=2500 2>/dev/null",
                    "committed:1", author="layerscope", message="warm the cache")
    builders.buildkit_build(engine.cli_env(), BUILDKIT, "buildkit:1", {"index.html": b"<h1>built by BuildKit</h1>\n"})
    builders.load_oci_index(client, "multi:1", ("linux/amd64", "linux/arm64"), seed=29)
    builders.run_container(client, "committed:1", name="committed-once", running=False)


def main(argv: list[str] | None = None) -> int:
    """Start Engine 29, fill it, read and save the snapshot to the given path, stop and remove the engine."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path, help="where to write the snapshot (e.g. resources/demo/engine29.json)")
    args = parser.parse_args(argv)
    out = args.output.resolve()
    if out in (DEMO_SNAPSHOT.resolve(), LESSON_SNAPSHOT.resolve()) or \
            (out.parent == ENGINE29_SNAPSHOT.parent.resolve() and out != ENGINE29_SNAPSHOT.resolve()
             and out.exists()):
        parser.error(f"{out} is another bundled demo file: not overwritten")
    reason = Engine29.why_unavailable()
    if reason:
        parser.error(reason)
    engine = Engine29()
    engine.start()
    try:
        fill(engine)
        snap = read_snapshot(connect(engine.url), cache=ImageCache(None))
        snap = snap.replace(source="demo", info=dataclasses.replace(snap.info, host="demo"))
        out.parent.mkdir(parents=True, exist_ok=True)
        snap.save(out)
        platforms = {t: i.platforms for i in snap.images for t in i.repo_tags}
        print(f"wrote {out}: {len(snap.images)} images, {len(snap.containers)} containers; platforms {platforms}")
    finally:
        engine.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
