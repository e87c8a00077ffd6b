"""Export from the window: the graph as a picture (current view or whole scene; PNG, SVG, PDF) for slides, the
graph as GraphML or DOT, the storage chart as PNG or SVG, the snapshot as JSON.

Pictures are drawn by Qt from the live scene, so they look exactly like the window (marks, focus, selection
included): QImage for PNG, QSvgGenerator for SVG, QPdfWriter for PDF.  The data formats come from model.export
(GraphML/DOT through networkx and the model's writer) and Snapshot.save — nothing is re-implemented here.
The headless ``python main.py export`` is model/export_cli.py; this module is only the window's side.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from model.render import export as model_export
from model.core.analysis import Analysis
from model.core.snapshot import Snapshot

translate = QCoreApplication.translate

PICTURE_FORMATS = ("png", "svg", "pdf")
VIEW_SCALE = 2.0                 # current view PNG: twice the screen's pixels (sharp on a projector)
SCENE_PNG_SCALE = 2.0            # whole scene PNG: at most 2 px per scene unit …
MAX_PNG_SIDE = 16384             # … and never wider or taller than this (QImage / viewer limits) …
MAX_PNG_PIXELS = 80_000_000      # … nor more pixels than this (320 MB of RGBA)
MAX_PDF_POINTS = 14400           # 200 inches: the largest page PDF viewers accept without UserUnit
MARGIN = 24.0                    # scene units around the whole graph


class ExportFailed(Exception):
    """An export that could not be written (the message is for the user)."""



def _paint_setup(painter: QPainter) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)


def _begin(painter: QPainter, device: Any, path: str | Path) -> None:
    if not painter.begin(device):
        raise ExportFailed(translate("Export", "cannot write {path}").format(path=path))
    _paint_setup(painter)


def _check_written(path: str | Path) -> None:
    p = Path(path)
    if not p.exists() or p.stat().st_size == 0:
        raise ExportFailed(translate("Export", "cannot write {path}").format(path=path))


def _background(widget_or_scene: Any) -> QColor:
    brush = widget_or_scene.backgroundBrush()
    return brush.color() if brush.style() != Qt.BrushStyle.NoBrush else QColor("#ffffff")


# -- pictures of the graph ---------------------------------------------------------------------
def _render_picture(path: str | Path, fmt: str, width: float, height: float, draw: Callable[[QPainter, QRectF], None],
                    background: QColor, png_scale: float, title: str) -> tuple[int, int]:
    """Make a ``width`` × ``height`` (logical units) picture with ``draw(painter, target)``; returns its size
    in the file's own units (pixels for PNG, SVG user units, PDF points)."""
    path = str(path)
    painter = QPainter()
    if fmt == "png":
        w, h = max(1, round(width * png_scale)), max(1, round(height * png_scale))
        image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        if image.isNull():
            raise ExportFailed(translate("Export", "the picture is too large ({w} × {h} pixels)").format(w=w, h=h))
        image.fill(background)
        image.setDotsPerMeterX(round(96 * png_scale / 0.0254))
        image.setDotsPerMeterY(round(96 * png_scale / 0.0254))
        _begin(painter, image, path)
        try:
            draw(painter, QRectF(0, 0, w, h))
        finally:
            painter.end()
        if not image.save(path, "PNG"):
            raise ExportFailed(translate("Export", "cannot write {path}").format(path=path))
        return w, h
    if fmt == "svg":
        gen = QSvgGenerator()
        gen.setFileName(path)
        w, h = max(1, math.ceil(width)), max(1, math.ceil(height))
        gen.setSize(QSizeF(w, h).toSize())
        gen.setViewBox(QRectF(0, 0, w, h))
        gen.setResolution(96)
        gen.setTitle(title)
        gen.setDescription(translate("Export", "Exported from Layerscope"))
        _begin(painter, gen, path)
        try:
            painter.fillRect(QRectF(0, 0, w, h), background)
            draw(painter, QRectF(0, 0, w, h))
        finally:
            painter.end()
        _check_written(path)
        return w, h
    if fmt == "pdf":
        # One page the size of the drawing (points), capped at MAX_PDF_POINTS; the writer's resolution is
        # raised by the same factor, so one scene unit stays one device dot and nothing is drawn coarser.
        k = min(1.0, MAX_PDF_POINTS / max(width, height, 1.0))
        page_w, page_h = max(width * k, 36.0), max(height * k, 36.0)
        writer = QPdfWriter(path)
        writer.setCreator("Layerscope")
        writer.setTitle(title)
        writer.setPageSize(QPageSize(QSizeF(page_w, page_h), QPageSize.Unit.Point, "layerscope",
                                     QPageSize.SizeMatchPolicy.ExactMatch))
        writer.setPageOrientation(QPageLayout.Orientation.Portrait)
        writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
        writer.setResolution(max(72, math.ceil(72 / k)))
        _begin(painter, writer, path)
        try:
            full = QRectF(0, 0, writer.width(), writer.height())
            painter.fillRect(full, background)
            draw(painter, full)
        finally:
            painter.end()
        _check_written(path)
        return round(page_w), round(page_h)
    raise ExportFailed(translate("Export", "unknown picture format {fmt}").format(fmt=fmt))


def export_view(view: QGraphicsView, path: str | Path, fmt: str, scale: float = VIEW_SCALE) -> tuple[int, int]:
    """Write what the graph view shows right now (its viewport) as png, svg or pdf; returns the picture's size."""
    vp = view.viewport().rect()
    source = vp

    def draw(painter: QPainter, target: QRectF) -> None:
        """Paint the viewport into ``target``."""
        view.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
    return _render_picture(path, fmt, vp.width(), vp.height(), draw, _background(view.scene()), scale,
                           "Layerscope — " + translate("Export", "current view"))


def scene_png_scale(rect: QRectF, wanted: float = SCENE_PNG_SCALE) -> float:
    """The PNG scale for a whole-scene export: ``wanted`` unless the picture would exceed the size limits."""
    w, h = max(rect.width(), 1.0), max(rect.height(), 1.0)
    return min(wanted, MAX_PNG_SIDE / w, MAX_PNG_SIDE / h, math.sqrt(MAX_PNG_PIXELS / (w * h)))


def export_scene(scene: QGraphicsScene, path: str | Path, fmt: str, rect: QRectF | None = None) -> tuple[int, int]:
    """Write the whole graph (every item, whatever the view shows) as png, svg or pdf; returns the picture's size."""
    source = QRectF(rect) if rect is not None else scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    if source.isEmpty():
        source = QRectF(scene.sceneRect())

    def draw(painter: QPainter, target: QRectF) -> None:
        """Paint the scene's ``source`` rectangle into ``target``."""
        scene.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
    return _render_picture(path, fmt, source.width(), source.height(), draw, _background(scene),
                           scene_png_scale(source), "Layerscope — " + translate("Export", "layer graph"))


# -- data and chart ------------------------------------------------------------------------------
def export_graph_data(analysis: Analysis, path: str | Path, fmt: str) -> None:
    """The whole graph as GraphML or DOT (model.export)."""
    if fmt == "graphml":
        model_export.write_graphml(analysis, path)
    elif fmt == "dot":
        model_export.write_dot(analysis, path)
    else:
        raise ExportFailed(translate("Export", "unknown graph format {fmt}").format(fmt=fmt))
    _check_written(path)


def export_chart(figure: Any, path: str | Path, fmt: str, dpi: int = 150) -> None:
    """The storage chart as shown (the window's matplotlib figure) as png or svg."""
    if fmt not in ("png", "svg"):
        raise ExportFailed(translate("Export", "the chart is written as PNG or SVG, not {fmt}").format(fmt=fmt))
    figure.savefig(str(path), format=fmt, dpi=dpi, facecolor=figure.get_facecolor())
    _check_written(path)


def export_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    """The snapshot as JSON (the file --snapshot and File → Open read back)."""
    snapshot.save(path)
    _check_written(path)


# -- the menu's list of exports ------------------------------------------------------------------
@dataclass(frozen=True)
class ExportKind:
    """One entry of File → Export: what, in which format, the file dialog's filter and a default name."""

    key: str          # view-png, scene-svg, graphml, dot, chart-png, storagemap-svg, json …
    what: str         # view | scene | graph | chart | storagemap | snapshot
    fmt: str
    default_name: str

    def label(self) -> str:
        """The menu text (translated)."""
        f = self.fmt.upper() if self.fmt not in ("graphml",) else "GraphML"
        return {
            "view": translate("Export", "Current view as {fmt}…"),
            "scene": translate("Export", "Whole graph as {fmt}…"),
            "graph": translate("Export", "Graph as {fmt}…"),
            "chart": translate("Export", "Storage chart as {fmt}…"),
            "storagemap": translate("Export", "Storage map as {fmt}…"),
            "snapshot": translate("Export", "Snapshot as {fmt}…"),
        }[self.what].format(fmt=f)

    def file_filter(self) -> str:
        """The save dialog's filter."""
        ext = {"dot": "*.dot *.gv"}.get(self.fmt, f"*.{self.fmt}")
        name = {"png": translate("Export", "PNG image"), "svg": translate("Export", "SVG drawing"), "pdf": translate("Export", "PDF document"),
                "graphml": translate("Export", "GraphML graph"), "dot": translate("Export", "Graphviz DOT"),
                "json": translate("Export", "Layerscope snapshot")}[self.fmt]
        return f"{name} ({ext})"


KINDS: tuple[ExportKind, ...] = (
    *(ExportKind(f"view-{f}", "view", f, f"layerscope-view.{f}") for f in PICTURE_FORMATS),
    *(ExportKind(f"scene-{f}", "scene", f, f"layerscope-graph.{f}") for f in PICTURE_FORMATS),
    ExportKind("graphml", "graph", "graphml", "layerscope.graphml"),
    ExportKind("dot", "graph", "dot", "layerscope.dot"),
    ExportKind("chart-png", "chart", "png", "layerscope-storage.png"),
    ExportKind("chart-svg", "chart", "svg", "layerscope-storage.svg"),
    # the storage map, drawn by model.render from the same layout as the window (not a picture of the widget)
    *(ExportKind(f"storagemap-{f}", "storagemap", f, f"layerscope-storage-map.{f}") for f in ("svg", "png")),
    ExportKind("json", "snapshot", "json", "layerscope-snapshot.json"),
)
KIND_BY_KEY = {k.key: k for k in KINDS}


def run_export(kind: ExportKind, path: str | Path, *, view: QGraphicsView | None = None,
               scene: QGraphicsScene | None = None, analysis: Analysis | None = None, figure: Any = None,
               snapshot: Snapshot | None = None) -> None:
    """Write one export; raises ExportFailed (or OSError) with a message for the user."""
    if kind.what == "view":
        if view is None:
            raise ExportFailed(translate("Export", "there is no graph to export"))
        export_view(view, path, kind.fmt)
    elif kind.what == "scene":
        if scene is None or not scene.items():
            raise ExportFailed(translate("Export", "there is no graph to export"))
        export_scene(scene, path, kind.fmt)
    elif kind.what == "graph":
        if analysis is None:
            raise ExportFailed(translate("Export", "there is no snapshot to export"))
        export_graph_data(analysis, path, kind.fmt)
    elif kind.what == "storagemap":
        if analysis is None:
            raise ExportFailed(translate("Export", "there is no snapshot to export"))
        try:
            model_export.export(analysis, path, kind.key)
        except model_export.ExportError as exc:
            raise ExportFailed(str(exc)) from exc
        _check_written(path)
    elif kind.what == "chart":
        if figure is None:
            raise ExportFailed(translate("Export", "there is no storage chart to export"))
        export_chart(figure, path, kind.fmt)
    else:
        if snapshot is None:
            raise ExportFailed(translate("Export", "there is no snapshot to export"))
        export_snapshot(snapshot, path)
