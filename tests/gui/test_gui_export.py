"""Export from the real window (pytest-qt, offscreen): every picture and data format is written and parses back.

PNG sizes are read from the file's IHDR chunk, SVGs are parsed with xml.etree, GraphML with networkx, PDFs are
checked for their header and page box; the menu path goes through File → Export with the save dialog answered."""
from __future__ import annotations

import re
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from PySide6.QtWidgets import QFileDialog

from gui import exporting
from gui.app import make_window
from gui.exportmenu import ExportController
from gui.mainwindow import MainWindow, open_settings
from model.core.snapshot import Snapshot
from resources import DEMO_SNAPSHOT
import windows

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Every test here runs with the shared temp_settings (tests/conftest.py)."""
    return temp_settings


@pytest.fixture
def tutorial_file() -> Path:
    """The bundled demo (the whole tutorial recorded from a real dockerd; one image has a container)."""
    return DEMO_SNAPSHOT


def open_window(qtbot, **options) -> tuple[MainWindow, ExportController]:
    window = windows.open_window(qtbot, **options)
    return window, window.exporter


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (and a check that it is a PNG at all)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_texts(path: Path) -> tuple[ET.Element, list[str]]:
    """The parsed SVG root and the text of every <text> element."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return root, ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def pdf_boxes(path: Path) -> list[tuple[float, float]]:
    """Width and height of every page's MediaBox (a valid PDF has at least one)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def test_export_every_format_from_window(qtbot, tutorial_file, tmp_path):
    """All eleven exports of File → Export from a window showing the tutorial: each file is valid and complete."""
    window, ext = open_window(qtbot, snapshot=str(tutorial_file))
    snap = window.current_snapshot()
    analysis = window.current.analysis
    view = window.graph_view
    tagged = [i for i in snap.images if i.repo_tags]
    # on screen: 100% zoom centred on iscreamedu_apache, so its badge and label are in the current view
    edu = next(i for i in snap.images if "iscreamedu_apache:latest" in i.repo_tags)
    view.zoom_to(1.0)
    view.centerOn(view.image_items[edu.id])
    out = {key: tmp_path / kind.default_name.replace("layerscope", key) for key, kind in exporting.KIND_BY_KEY.items()}
    for key, path in out.items():
        ext.export(key, path)
        assert path.stat().st_size > 0, key

    vp = view.viewport().size()
    assert png_size(out["view-png"]) == (round(vp.width() * exporting.VIEW_SCALE),
                                         round(vp.height() * exporting.VIEW_SCALE))
    root, texts = svg_texts(out["view-svg"])
    assert root.get("viewBox") == f"0 0 {vp.width()} {vp.height()}"
    assert any("iscreamedu_apache" in t for t in texts)                    # the centred badge's label
    assert pdf_boxes(out["view-pdf"]) and len(pdf_boxes(out["view-pdf"])) == 1

    # the whole scene: every image and layer item, whatever the view shows
    rect = view.scene().itemsBoundingRect().adjusted(-exporting.MARGIN, -exporting.MARGIN,
                                                     exporting.MARGIN, exporting.MARGIN)
    scale = exporting.scene_png_scale(rect)
    assert png_size(out["scene-png"]) == (round(rect.width() * scale), round(rect.height() * scale))
    root, texts = svg_texts(out["scene-svg"])
    w, h = (float(x) for x in root.get("viewBox").split()[2:])
    assert (w, h) == (pytest.approx(rect.width(), abs=1), pytest.approx(rect.height(), abs=1))
    joined = "\n".join(texts)
    for img in tagged:                                                    # each badge's short ID line is drawn
        assert img.short_id in joined, img.repo_tags
    (pw, ph), = pdf_boxes(out["scene-pdf"])
    assert pw / ph == pytest.approx(rect.width() / rect.height(), rel=0.02)

    # GraphML through networkx: the model's graph, every node and edge, with the status attributes
    g = nx.read_graphml(out["graphml"])
    assert set(g.nodes) == set(analysis.graph.nodes)
    assert g.number_of_edges() == analysis.graph.number_of_edges()
    assert g.nodes[edu.id]["kind"] == "image" and "iscreamedu_apache:latest" in g.nodes[edu.id]["tags"]
    assert g.nodes[edu.id]["in_use"] in (False, "false", "False")
    web = next(i for i in snap.images if "apache-ubuntu:1" in i.repo_tags)
    assert g.nodes[web.id]["in_use"] in (True, "true", "True")            # the demo's container uses it
    dot = out["dot"].read_text(encoding="utf-8")
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert all(f'"{i.id}"' in dot for i in snap.images)

    # the storage chart as the window's figure draws it
    fig = window.chart_figure()
    fw, fh = (round(v * 150) for v in fig.get_size_inches())
    cw, ch = png_size(out["chart-png"])
    assert abs(cw - fw) <= 2 and abs(ch - fh) <= 2
    root, _ = svg_texts(out["chart-svg"])
    assert root.get("viewBox") and len(list(root.iter(f"{SVG}path"))) > len(snap.images)    # bars, axes, glyphs

    # the snapshot round-trips
    again = Snapshot.load(out["json"])
    assert again.images == snap.images and again.containers == snap.containers


def test_export_menu_writes_the_chosen_file(qtbot, tutorial_file, tmp_path, monkeypatch):
    """File → Export lists every export; choosing one asks where (dialog answered here) and writes it there."""
    window, ext = open_window(qtbot, snapshot=str(tutorial_file))
    file_menu = window.menu("File")
    assert ext.export_menu.menuAction() in file_menu.actions()
    labels = [a.text() for a in ext.export_menu.actions() if not a.isSeparator()]
    assert len(labels) == len(exporting.KINDS) == 13
    assert "Whole graph as SVG…" in labels and "Graph as GraphML…" in labels and "Snapshot as JSON…" in labels
    target = tmp_path / "chosen" / "graph"                              # no suffix: .svg is added
    target.parent.mkdir()
    asked: list[str] = []

    def answer(parent, caption, start, filters):
        asked.append(filters)
        return str(target), filters
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    ext.export_actions["scene-svg"].trigger()
    written = target.with_suffix(".svg")
    root, texts = svg_texts(written)
    assert texts and asked == ["SVG drawing (*.svg)"]
    assert str(written) in window.statusBar().currentMessage()
    assert open_settings().value("paths/export") == str(target.parent)
    # a refused write is reported, not raised
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: (str(tmp_path / "missing-dir" / "x.png"), "")))
    from PySide6.QtWidgets import QMessageBox
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: shown.append(text)))
    assert ext.export_with_dialog(exporting.KIND_BY_KEY["view-png"]) is None
    assert shown and "missing-dir" in shown[0]


def test_export_large_host_stays_within_limits(qtbot, tmp_path):
    """1,000 images: the whole-graph PNG is scaled to the size limits, SVG and PDF keep every badge."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_gui import synthetic_snapshot
    snap = synthetic_snapshot(1000, 2600)
    window = make_window(None)
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    ext = window.exporter
    window.show_snapshot(snap, origin="file")
    scene = window.graph_scene()
    ext.export("scene-png", tmp_path / "big.png")
    w, h = png_size(tmp_path / "big.png")
    assert max(w, h) <= exporting.MAX_PNG_SIDE and w * h <= exporting.MAX_PNG_PIXELS
    rect = scene.itemsBoundingRect()
    assert w / h == pytest.approx(rect.width() / rect.height(), rel=0.05)
    ext.export("scene-svg", tmp_path / "big.svg")
    root, texts = svg_texts(tmp_path / "big.svg")
    assert float(root.get("viewBox").split()[2]) >= rect.width()
    joined = "\n".join(texts)
    shown = window.graph_view.image_items
    assert len(shown) > 500 and all(snap.by_id[i].short_id in joined for i in shown)   # drawn at full detail
    ext.export("scene-pdf", tmp_path / "big.pdf")
    (pw, ph), = pdf_boxes(tmp_path / "big.pdf")
    assert max(pw, ph) <= exporting.MAX_PDF_POINTS + 1
    assert pw / ph == pytest.approx(rect.width() / rect.height(), rel=0.05)
