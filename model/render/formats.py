"""What `export` can write, and the format a file name implies: known without importing the drawing stack."""
from __future__ import annotations

from pathlib import Path

GRAPH_FORMATS = ("svg", "png", "pdf")
CHART_FORMATS = ("chart-png", "chart-svg")
STORAGE_MAP_FORMATS = ("storagemap-svg", "storagemap-png")
FORMATS = GRAPH_FORMATS + ("graphml", "dot", "json") + CHART_FORMATS + STORAGE_MAP_FORMATS


def format_from_path(path: str | Path) -> str | None:
    """The export format a file name implies (.svg, .png, .pdf, .graphml, .dot/.gv, .json), or None."""
    ext = Path(path).suffix.lower().lstrip(".")
    return {"gv": "dot"}.get(ext, ext) if ext in ("svg", "png", "pdf", "graphml", "dot", "gv", "json") else None
