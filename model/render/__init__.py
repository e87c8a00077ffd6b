"""Drawing without a display: SVG/PNG/PDF, GraphML, DOT, the storage chart and the JSON report."""
