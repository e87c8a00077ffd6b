"""The headless ``files`` and ``diff`` commands: what each layer of an image adds, changes and deletes, and how
two images' layers and files differ; from the daemon (one streamed ``docker save``, then the cache) or offline
from a snapshot file saved with ``--with-files``."""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Callable

from model.core.chain import short_id
from model.core.layerfiles import LayerFiles, NoFileIndex
from model.core.sizes import human
from model.core.snapshot import Image, Snapshot

from .common import EXIT_FAIL, fail, load

WORST_SHOWN = 10                # wasted files listed by the readable output
DIFF_SHOWN = 20                 # paths of each kind listed by the readable diff
SIGN = {"added": "+", "modified": "~", "deleted": "-"}


# -- where the files come from ---------------------------------------------------------------
def resolve(snap: Snapshot, client: Any, ref: str) -> Image:
    """The image ``ref`` names: as the daemon itself resolves it (its inspect), or offline as dockerd's GetImage
    does (tag, name, digest, full or unique short ID); LookupError with dockerd's one line when there is none."""
    from model.engine.graphdriver import GraphdriverStore
    from model.engine.outcome import DaemonRefusal
    if client is not None:
        from model.daemon.imagesave import image_named
        image_id = image_named(client, ref)
        if image_id is not None and image_id not in snap.by_id:
            raise LookupError(f"image {ref} ({short_id(image_id)}) appeared after the snapshot was read; run again")
    try:
        offline = GraphdriverStore(snap).get_image(ref)
    except DaemonRefusal as exc:
        offline, message = None, exc.message
    if client is None:
        image_id = offline
    if image_id is None:
        raise LookupError(message if offline is None else f"No such image: {ref}")
    return snap.image(image_id)


class Progress:
    """Bytes read so far on one line of a terminal's stderr, at most ten times a second; nothing elsewhere."""

    def __init__(self, label: str) -> None:
        self.label, self.shown, self.last = label, False, 0.0
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, estimate: int) -> None:
        """Show ``done`` bytes of about ``estimate``."""
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.1:
            return
        self.last, self.shown = now, True
        about = f" of about {human(estimate)}" if estimate > done else ""
        sys.stderr.write(f"\r\033[Kreading {self.label}: {human(done)}{about}")
        sys.stderr.flush()

    def end(self) -> None:
        """Clear the line."""
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False


def layer_files(snap: Snapshot, client: Any, image: Image, label: str = "") -> dict[str, LayerFiles]:
    """Diff ID → LayerFiles of the image's layers (the snapshot's own, else the daemon's through the cache), with
    progress (``label``) on a terminal; NoFileIndex offline when the snapshot lacks them."""
    from model.daemon.imagesave import files_of
    from model.files.cache import FilesCache
    progress = Progress(label or image.short_id)
    try:
        return files_of(snap, client, image, FilesCache.default(), on_progress=progress)
    finally:
        progress.end()


def with_files(snap: Snapshot, client: Any) -> Snapshot:
    """``snap`` carrying the file index of every layer of its images (progress per image on a terminal)."""
    from model.daemon.imagesave import with_files as carry
    from model.files.cache import FilesCache
    shown: list[Progress] = []

    def progress(n: int, image: Image) -> Progress:
        for old in shown:
            old.end()
        shown[:] = [Progress(f"image {n}/{len(snap.images)} {image.short_id}")]
        return shown[0]

    try:
        return carry(snap, client, FilesCache.default(), progress)
    finally:
        for old in shown:
            old.end()


def _image_files(snap: Snapshot, client: Any, ref: str, sizes: dict[str, int]) -> tuple[Image, Any]:
    from model.files.stack import image_files
    image = resolve(snap, client, ref)
    return image, image_files(image, layer_files(snap, client, image, ref), sizes)


def _source(args: argparse.Namespace) -> tuple[Snapshot, Any, dict[str, int]]:
    from model.core.analysis import Analysis
    snap, link = load(args)
    return snap, None if link is None else link.sdk, Analysis(snap).layer_sizes


# -- files -----------------------------------------------------------------------------------
def run_files(args: argparse.Namespace) -> int:
    """``files``: the image's layers and their files (JSON or a readable listing); 1 for a bad ref or no index."""
    snap, client, sizes = _source(args)
    try:
        image, files = _image_files(snap, client, args.ref, sizes)
    except (LookupError, NoFileIndex) as exc:
        return fail(EXIT_FAIL, str(exc))
    if args.json:
        _print_json(files.to_json())
    else:
        _print_files(image, files)
    return 0


def _print_json(data: Any) -> None:
    # compact off a terminal: json's C encoder (indenting a 100,000-file image is much slower)
    sys.stdout.write(json.dumps(data, indent=1 if sys.stdout.isatty() else None, ensure_ascii=False) + "\n")


def _name(image: Image) -> str:
    return image.repo_tags[0] if image.repo_tags else image.short_id


def _print_files(image: Image, files: Any, out: Callable[[str], None] = print) -> None:
    """The readable listing: per layer its change sign, type, size and path; then the wasted bytes."""
    out(f"Image {_name(image)} ({image.short_id}): {len(files.layers)} layers")
    for n, layer in enumerate(files.layers):
        out("")
        out(f"Layer {n + 1}/{len(files.layers)}  {short_id(layer.chain_id)}  {human(layer.size)}  "
            f"{len(layer.changes)} changes"
            + (f", {human(layer.wasted)} of its files rewritten or deleted above" if layer.wasted else ""))
        for c in layer.changes:
            link = f" -> {c.link}" if c.link else ""
            size = human(c.size) if c.type == "file" and c.change != "deleted" else ""
            out(f"  {SIGN.get(c.change, '?')} {c.type:<8} {size:>8}  "
                f"{c.path}{link}")
    out("")
    count = len(files.wasted_files)
    out(f"Wasted: {human(files.wasted_bytes)} ({files.wasted_bytes:,} bytes) in {count} file "
        f"version{'s' if count != 1 else ''} the image never shows")
    for w in sorted(files.wasted_files, key=lambda w: (-w.size, w.path, w.layer))[:WORST_SHOWN]:
        out(f"  {human(w.size):>8}  {w.path}  (layer {w.layer + 1})")


# -- diff ------------------------------------------------------------------------------------
def run_diff(args: argparse.Namespace) -> int:
    """``diff``: what images A and B share and which files differ (JSON or a readable summary)."""
    from model.files.compare import compare
    snap, client, sizes = _source(args)
    try:
        image_a, files_a = _image_files(snap, client, args.a, sizes)
        image_b, files_b = _image_files(snap, client, args.b, sizes)
    except (LookupError, NoFileIndex) as exc:
        return fail(EXIT_FAIL, str(exc))
    comparison = compare(files_a, files_b, image_a, image_b)
    if args.json:
        _print_json(comparison.to_json())
    else:
        _print_diff(comparison)
    return 0


def _print_diff(c: Any, out: Callable[[str], None] = print) -> None:
    """The readable summary of a Comparison: shared layers, where they diverge, each side's own, the files."""
    a, b = c.image_a, c.image_b
    out(f"A {_name(a)} ({a.short_id}): {len(a.diff_ids)} layers")
    out(f"B {_name(b)} ({b.short_id}): {len(b.diff_ids)} layers")
    if c.common:
        out(f"Shared: the bottom {len(c.common)} layer{'s' if len(c.common) != 1 else ''} "
            f"({human(c.common_bytes)}, stored once); they diverge at layer {c.diverge_at + 1}")
    else:
        out("Shared: no layer (they diverge at the bottom layer)")
    out(f"Only A: {len(c.only_a)} layers ({human(c.only_a_bytes)})")
    out(f"Only B: {len(c.only_b)} layers ({human(c.only_b_bytes)})")
    for title, sign, fc in (("Added in B", "+", c.added), ("Removed from A", "-", c.removed),
                            ("Changed", "~", c.changed)):
        out("")
        out(f"{title}: {fc.count} path{'s' if fc.count != 1 else ''} ({human(abs(fc.bytes))}"
            f"{' less' if fc.bytes < 0 else ''})")
        for f in fc.listed[:DIFF_SHOWN]:
            if sign == "~":
                what = f.type_a if f.type_a == f.type_b else f"{f.type_a} -> {f.type_b}"
                out(f"  ~ {what:<8} {human(f.size_a):>8} -> {human(f.size_b):<8} {f.path}")
            else:
                kind, size = (f.type_b, f.size_b) if sign == "+" else (f.type_a, f.size_a)
                out(f"  {sign} {kind:<8} {human(size) if kind == 'file' else '':>8}  {f.path}")
        if fc.count > DIFF_SHOWN:
            out(f"  … and {fc.count - DIFF_SHOWN} more (--json lists up to {len(fc.listed)})")
