"""What each headless command imports: pinned.  A command loads no Qt, no drawing stack (matplotlib, networkx,
numpy) unless it draws, and no docker SDK (nor requests/urllib3) unless it sends a delete or streams a
``docker save``: reading a daemon on a local unix socket takes the raw HTTP path."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import builders

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"PySide6", "shiboken6", "matplotlib", "networkx", "numpy", "PIL", "docker", "requests", "urllib3"}
DRAWING = {"matplotlib", "networkx", "numpy", "PIL"}

# The child runs main() as `python main.py ARGS` would, then reports the modules loaded.
PROBE = """
import contextlib, io, json, sys
sys.path.insert(0, {root!r})
import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main.main({args!r})
ours = sorted(name for name, m in sys.modules.items() if name.split(".")[0] in ("cli", "gui", "model", "resources")
              and not (getattr(m, "__file__", None) or "").endswith("__init__.py"))
print(json.dumps({{"code": code, "ours": ours, "packages": sorted({{m.split(".")[0] for m in sys.modules}})}}))
"""

# Our own modules each command loads (packages' __init__ modules left out).
CORE = {"cli.common", "cli.main", "cli.parsers", "model.core.bulk", "model.core.chain", "model.core.errors",
        "model.core.layerfiles", "model.core.paths", "model.core.reference", "model.core.schema", "model.core.snapshot",
        "model.core.snapshotfile", "model.daemon.answers", "model.render.formats"}
ANALYSIS = {"model.core.analysis", "model.core.classify", "model.core.history", "model.core.sizes"}
READER = {"model.daemon.containers", "model.daemon.imagecache", "model.daemon.names", "model.daemon.source",
          "model.daemon.transport"}
ENGINE = {"model.engine.containerd", "model.engine.containerd_filters", "model.engine.containerd_records",
          "model.engine.containerd_space", "model.engine.filters", "model.engine.graphdriver", "model.engine.outcome",
          "model.engine.plan", "model.engine.podman", "model.engine.podman_filters", "model.engine.simulate",
          "model.engine.store"}
PREDICT = {"model.core.classify", "model.core.history", "model.core.sizes"}
DELETE = {"cli.delete", "model.commands.command", "model.commands.deletelog", "model.commands.perform"}
FILES = {"cli.files", "model.daemon.imagesave", "model.daemon.transport", "model.engine.filters",
         "model.engine.graphdriver", "model.engine.outcome", "model.engine.store", "model.files.archive",
         "model.files.cache", "model.files.stack", "model.files.tarstream"}
DRAW = {"cli.export", "model.core.graph", "model.core.layout", "model.render.chart", "model.render.export",
        "model.render.palette", "model.render.storagelabels", "model.render.storagemap", "model.render.textfit"}
# install-desktop-entry reads no snapshot
DESKTOP = CORE - {"model.core.bulk", "model.core.paths", "model.core.snapshotfile"} | {"cli.desktop"}


def loaded(home: Path, *args: str) -> tuple[set[str], set[str]]:
    """(our modules, the heavy third-party packages) a headless command leaves loaded; it must succeed."""
    res = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), args=list(args))], cwd=ROOT,
                         capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "LAYERSCOPE_NO_CACHE": "1", "HOME": str(home)})
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout.splitlines()[-1])
    assert report["code"] == 0, args
    return set(report["ours"]), set(report["packages"]) & HEAVY


OFFLINE = {
    "snapshot": (["--demo", "snapshot", "--json"], CORE | ANALYSIS | {"cli.snapshot", "model.render.report"}, set()),
    "rmi": (["--demo", "rmi", "--dry-run", "ubuntu:18.04"], CORE | ENGINE | DELETE | PREDICT, set()),
    "prune": (["--demo", "prune", "--dry-run"], CORE | ENGINE | DELETE | PREDICT, set()),
    "files": (["files", "--demo", "ubuntu:18.04"], CORE | ANALYSIS | FILES, set()),
    "diff": (["diff", "--demo", "ubuntu:18.04", "ubuntu_apache"], CORE | ANALYSIS | FILES | {"model.files.compare"},
             set()),
    "lesson": (["lesson", "--json", "--lang", "ko"],
               CORE | ENGINE | PREDICT | {"cli.lesson", "model.lesson.play", "model.lesson.script"}, set()),
    "export json": (["export", "--demo", "{tmp}/snap.json"], CORE | {"cli.export"}, set()),
    "export svg": (["export", "--demo", "{tmp}/graph.svg"], CORE | ANALYSIS | DRAW, DRAWING),
    # the icon's PNG sizes are committed (python -m gui.appicon renders them): installing an entry loads no Qt
    "install-desktop-entry": (["install-desktop-entry"], DESKTOP, set()),
    "install-desktop-entry --uninstall": (["install-desktop-entry", "--uninstall"], DESKTOP, set()),
}


@pytest.mark.parametrize("name", sorted(OFFLINE))
def test_each_headless_command_imports_only_what_it_needs(name, tmp_path):
    args, expected, heavy = OFFLINE[name]
    ours, third = loaded(tmp_path, *(a.format(tmp=tmp_path) for a in args))
    assert third == heavy, (name, third)
    assert ours == expected, (name, sorted(ours - expected), sorted(expected - ours))


def test_reading_a_local_daemon_loads_no_docker_sdk(daemon, tmp_path):
    """`snapshot --json` and `rmi --dry-run` on a daemon's unix socket read it over raw HTTP: no SDK, no Qt."""
    builders.import_image(daemon.client(), "probe:1", {"p": b"p"})
    for args, expected in (
            (["snapshot", "--json", "--host", daemon.url], CORE | ANALYSIS | READER | {"cli.snapshot",
                                                                                       "model.render.report"}),
            (["rmi", "--dry-run", "--host", daemon.url, "probe:1"], CORE | ENGINE | DELETE | READER | PREDICT)):
        ours, third = loaded(tmp_path, *args)
        assert third == set(), (args, third)
        assert ours == expected, (args, sorted(ours - expected), sorted(expected - ours))
