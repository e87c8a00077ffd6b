"""What the window says of an image's manifests (containerd image store): platforms, kinds, attestations.

One place for the words the table, the graph's badges and tooltips and the details panel share; the figures
themselves (platforms, content and unpacked sizes) come from model.core.snapshot."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from model.core.chain import short_id
from model.core.sizes import human
from model.core.snapshot import MANIFEST_ATTESTATION, MANIFEST_IMAGE, Image, Manifest, Snapshot

KIND_NAMES = {MANIFEST_IMAGE: QT_TRANSLATE_NOOP("Manifests", "image"),
              MANIFEST_ATTESTATION: QT_TRANSLATE_NOOP("Manifests", "attestation")}


def tr(text: str) -> str:
    """Translate ``text`` in the Manifests context (these helpers are not QObjects)."""
    return QCoreApplication.translate("Manifests", text)


def has_manifests(snapshot: Snapshot) -> bool:
    """True when the engine listed manifests (Engine 29's containerd store, API 1.47+): platforms are known."""
    return any(img.manifests for img in snapshot.images)


def platform_manifests(img: Image) -> list[Manifest]:
    """The image's platform manifests (attestations and unknown kinds left out), in the engine's order."""
    return [m for m in img.manifests if m.kind == MANIFEST_IMAGE and m.platform]


def platforms_text(img: Image) -> str:
    """The PLATFORMS cell: "linux/amd64, linux/arm64" (attestations are not platforms)."""
    return ", ".join(img.platforms)


def platform_chip(img: Image) -> str:
    """The badge's chip of a multi-platform image ("2 platforms", or "1 of 2 platforms stored"); "" otherwise."""
    platforms = platform_manifests(img)
    if len(platforms) < 2:
        return ""
    stored = sum(1 for m in platforms if m.available)
    if stored == len(platforms):
        return tr("{n} platforms").format(n=len(platforms))
    return tr("{k} of {n} platforms stored").format(k=stored, n=len(platforms))


def kind_name(m: Manifest) -> str:
    """The manifest's kind as shown (image, attestation, or the engine's own word)."""
    return tr(KIND_NAMES[m.kind]) if m.kind in KIND_NAMES else m.kind


def manifest_role(img: Image, m: Manifest) -> str:
    """What a manifest is for: its platform, or "attestation for linux/amd64" (the manifest it describes)."""
    if m.kind == MANIFEST_ATTESTATION:
        target = next((t for t in img.manifests if t.id == m.attestation_for), None)
        name = target.platform if target is not None and target.platform else short_id(m.attestation_for or "?")
        return tr("attestation for {platform}").format(platform=name)
    return m.platform or kind_name(m)


def manifest_line(img: Image, m: Manifest) -> str:
    """One line of a tooltip: what the manifest is for, its sizes and whether its content is stored."""
    line = tr("{role} · content {content} · unpacked {unpacked}").format(
        role=manifest_role(img, m), content=human(m.content_size), unpacked=human(m.unpacked_size))
    return line if m.available else line + " · " + tr("not available locally")
