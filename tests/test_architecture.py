"""The house's rules: the import contract between the rooms, no printing below the front ends, no Qt headless."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "matplotlib.backends.backend_qtagg")


def test_import_contract_holds():
    """The rooms' import contract (pyproject.toml, import-linter): core ← engine/daemon/render ← commands ← cli, gui."""
    tool = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(tool), "--no-cache", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr
    assert "0 broken" in res.stdout and res.stdout.count(" KEPT") >= 7


def test_model_prints_nothing():
    """Below the front ends nothing prints: model/ has no print() call (the front ends word every message)."""
    calls = [f"{p.relative_to(ROOT)}:{n.lineno}" for p in sorted((ROOT / "model").rglob("*.py"))
             for n in ast.walk(ast.parse(p.read_text(), str(p)))
             if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "print"]
    assert calls == []


def test_model_and_headless_commands_load_no_qt_at_run_time():
    """Importing every model module and the command line's parser leaves no Qt module loaded."""
    mods = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "model").rglob("*.py")
                  if p.stem != "__init__")
    assert len(mods) >= 20
    code = ("import sys, importlib\n"
            f"for m in {mods!r}: importlib.import_module(m)\n"
            "import main; from cli.main import build_parser; build_parser()\n"
            f"bad = [m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r} or m in {QT_MODULES!r}]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
