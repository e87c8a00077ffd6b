"""Exports (svg, png, pdf, graphml, dot, json, charts) are valid files, made without a display or Qt."""
from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

import builders
from model.core.analysis import Analysis
from model.core.chain import short_id
from model.core.graph import IMAGE, LAYER
from model.daemon.imagecache import ImageCache
from model.core.snapshot import DaemonInfo, HistoryRow, Image, Snapshot
from model.daemon.source import read_snapshot

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "tutorial.json"
FORMATS = ("svg", "png", "pdf", "graphml", "dot", "json", "chart-png", "chart-svg")
QT_NAMES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "backend_qt")


def headless_env() -> dict[str, str]:
    """The environment without any display (and without an image cache on disk)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["LAYERSCOPE_NO_CACHE"] = "1"
    env["MPLBACKEND"] = "QtAgg"          # even a Qt default must not be used (we never ask pyplot)
    return env


def run_export(args: list[str], out: Path, fmt: str) -> None:
    """`python -X importtime main.py export …` headless; asserts success and that no Qt module was imported."""
    res = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "main.py"), "export", "--format", fmt,
                          *args, str(out)], cwd=ROOT, env=headless_env(), capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in res.stderr.splitlines() if line.startswith("import time:")]
    assert "matplotlib" in imported or fmt in ("graphml", "dot", "json")
    leaked = [m for m in imported if any(q in m for q in QT_NAMES)]
    assert leaked == [], leaked
    assert out.exists() and out.stat().st_size > 0


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def svg_texts(path: Path) -> str:
    """All the text of an SVG file (parsed with ElementTree; root must be <svg>)."""
    root = ET.parse(path).getroot()
    assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    return "\n".join("".join(el.itertext()) for el in root.iter())


def check_all(snap_args: list[str], snap: Snapshot, tmp: Path) -> None:
    """Export every format from one snapshot source and check each file against the snapshot."""
    an = Analysis(snap)
    layers = [n for n, k in an.graph.nodes(data="kind") if k == LAYER]
    images = [n for n, k in an.graph.nodes(data="kind") if k == IMAGE]
    tags = [t for i in snap.images for t in i.repo_tags]
    assert tags and layers
    paths = {fmt: tmp / f"out.{fmt}" for fmt in FORMATS}
    for fmt, path in paths.items():
        run_export(snap_args, path, fmt)

    text = svg_texts(paths["svg"])
    for tag in tags:
        assert tag in text, tag
    assert "<none>" in text or all(i.repo_tags for i in snap.images)
    assert "naive" in text and "stored" in text and "shared layer" in text      # title and legend

    g = nx.read_graphml(paths["graphml"])
    assert g.number_of_nodes() == len(layers) + len(images)
    assert {n for n, d in g.nodes(data=True) if d["kind"] == LAYER} == set(layers)
    assert all(d["status"] == an.status[n].status for n, d in g.nodes(data=True) if d["kind"] == IMAGE)
    assert g.number_of_edges() == an.graph.number_of_edges()

    dot = paths["dot"].read_text(encoding="utf-8")
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for cid in layers:
        assert short_id(cid) in dot, cid
    assert dot.count("->") == an.graph.number_of_edges()

    w, h = png_size(paths["png"])
    assert w >= 900 and h >= 300
    cw, ch = png_size(paths["chart-png"])
    assert cw >= 600 and ch >= 200
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-"
    chart = svg_texts(paths["chart-svg"])
    assert "shared vs unique" in chart and "Naive sum vs stored" in chart

    saved = Snapshot.load(paths["json"])
    # the daemon lists images created in the same second in any order: compare by ID
    assert sorted(saved.images, key=lambda i: i.id) == sorted(snap.images, key=lambda i: i.id)
    assert sorted(saved.containers, key=lambda c: c.id) == sorted(snap.containers, key=lambda c: c.id)
    assert json.loads(paths["json"].read_text())["kind"] == "layerscope-snapshot"


def test_export_demo(tmp_path):
    check_all(["--demo"], Snapshot.load(DEMO), tmp_path)


def test_export_from_daemon(daemon, tmp_path):
    client = daemon.client()
    builders.tutorial(client)
    builders.run_container(client, "iscreamedu_apache", running=False)
    snap = read_snapshot(client, cache=ImageCache(None))
    assert len(snap.images) == 3 and len(snap.containers) == 1
    check_all(["--host", daemon.url], snap, tmp_path)
    # the container shows as "in use" in the exported graph
    g = nx.read_graphml(tmp_path / "out.graphml")
    assert [d["tags"] for _, d in g.nodes(data=True) if d.get("in_use")] == ["iscreamedu_apache:latest"]


def synthetic(n_images: int, bases: int = 40) -> Snapshot:
    """A made snapshot of n_images images on a few bases, each one layer above a shared prefix."""
    def digest(text: str) -> str:
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

    images = []
    for i in range(n_images):
        b = i % bases
        diff_ids = tuple(digest(f"base{b}-{k}") for k in range(3)) + (digest(f"mid{b}-{i % 7}"), digest(f"top{i}"))
        history = tuple(HistoryRow(id="<missing>", created=1_700_000_000 + i, created_by=f"/bin/sh -c step {k}",
                                   size=1000 * (k + 1)) for k in reversed(range(len(diff_ids))))
        images.append(Image(id=digest(f"img{i}"), repo_tags=(f"app{i}:latest",), repo_digests=(), parent="",
                            created="2024-01-01T00:00:00Z", size=sum(h.size for h in history), diff_ids=diff_ids,
                            history=history))
    return Snapshot(info=DaemonInfo(version="20.10.24", host="synthetic"), images=tuple(images), source="file")


def test_export_thousand_images_drops_labels(tmp_path):
    # forty trees: too many boxes to label, still a picture
    src = tmp_path / "big.json"
    synthetic(1000).save(src)
    for fmt in ("svg", "pdf"):
        run_export(["--snapshot", str(src)], tmp_path / f"big.{fmt}", fmt)
    text = svg_texts(tmp_path / "big.svg")
    assert "1000 images" in text and "labels hidden" in text
    assert "app1:latest" not in text and "step 0" not in text     # no per-node labels
    assert (tmp_path / "big.pdf").read_bytes()[:5] == b"%PDF-"
    # one tree with 1,000 images side by side: squeezed to the raster cap, boxes too thin to label
    one = tmp_path / "one.json"
    synthetic(1000, bases=1).save(one)
    run_export(["--snapshot", str(one)], tmp_path / "one.png", "png")
    w, h = png_size(tmp_path / "one.png")
    assert 7000 < w <= 8100 and 300 < h < 8100
    run_export(["--snapshot", str(one)], tmp_path / "one.svg", "svg")
    assert "labels hidden" in svg_texts(tmp_path / "one.svg")


def test_unknown_format_and_missing_input(tmp_path):
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--snapshot", str(tmp_path / "nope.json"),
                          str(tmp_path / "x.svg")], cwd=ROOT, env=headless_env(), capture_output=True, text=True)
    assert res.returncode == 1 and res.stderr.startswith("layerscope: cannot read snapshot")
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--demo", str(tmp_path / "x.unknown")],
                         cwd=ROOT, env=headless_env(), capture_output=True, text=True)
    assert res.returncode == 2 and "--format" in res.stderr
    assert not (tmp_path / "x.unknown").exists()


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_format_from_extension(tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    res = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--demo", str(out)],
                         cwd=ROOT, env=headless_env(), capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    if fmt == "png":
        assert png_size(out)[0] > 900
    else:
        assert "ubuntu:18.04" in svg_texts(out)
