"""Layerscope's version, kept in one place: pyproject.toml's [project] version."""
from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

DISTRIBUTION = "layerscope"


def version() -> str:
    """The version: read from pyproject.toml in a clone, else from the installed package's metadata."""
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():                      # a clone (python main.py), possibly also installed elsewhere
        with open(pyproject, "rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
