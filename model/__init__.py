"""Layerscope's Qt-free model: the Docker reader, snapshot, layer graph, classification, sizes and simulator."""
