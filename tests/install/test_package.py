"""The package as a new user gets it: a clean venv, `pip install .` of a fresh copy of the tree, then the installed
`layerscope` command run from another folder — its version, a headless command, the window (offscreen), the
desktop entry — with every module coming from the venv, none from the clone."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from machine import require_tool

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache",
                                  ".import_linter_cache", "out", "screenshots")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv with Layerscope pip-installed from a copy of the tree."""
    base = tmp_path_factory.mktemp("package")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=LEFT_OUT)
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True, timeout=300)
    res = subprocess.run([str(base / "venv" / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                          str(src)], capture_output=True, text=True, timeout=1800)
    assert res.returncode == 0, res.stdout + res.stderr
    shutil.rmtree(src)                              # the installed copy must not need the tree it came from
    return base / "venv" / "bin"


def run(bin_dir: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """The installed `layerscope ARGS` in ``cwd``, with a home of its own and no PYTHONPATH."""
    full = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISPLAY", "LAYERSCOPE_READ_ONLY")}
    full.update(HOME=str(cwd), LAYERSCOPE_NO_CACHE="1", PATH=f"{bin_dir}:/usr/bin:/bin", **env)
    return subprocess.run([str(bin_dir / "layerscope"), *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env=full)


pytestmark = [pytest.mark.slow, pytest.mark.install]


def test_version_help_and_modules_come_from_the_venv(installed, tmp_path):
    with open(ROOT / "pyproject.toml", "rb") as f:
        version = tomllib.load(f)["project"]["version"]
    res = run(installed, "--version", cwd=tmp_path)
    assert (res.returncode, res.stdout) == (0, f"layerscope {version}\n"), res.stderr
    res = run(installed, "--help", cwd=tmp_path)
    assert res.returncode == 0
    for command in ("snapshot", "rmi", "prune", "log", "export", "files", "diff", "lesson", "install-desktop-entry"):
        assert f"\n    {command}" in res.stdout, command
    probe = ("import json, main, model, cli, gui, resources; from resources import DEMO_SNAPSHOT, STYLE, I18N; "
             "print(json.dumps([m.__file__ for m in (main, model, cli, gui, resources)] + "
             "[str(p) for p in (DEMO_SNAPSHOT, STYLE, I18N / 'layerscope_ko.qm') if p.is_file()]))")
    files = json.loads(subprocess.run([str(installed / "python"), "-c", probe], capture_output=True, text=True,
                                      cwd=tmp_path, check=True).stdout)
    assert len(files) == 8 and all(f.startswith(str(installed.parent / "lib")) for f in files), files


def test_every_bundled_file_is_installed(installed):
    """resources/ ships whole (the README's screenshots excepted): demo snapshots, icons, translations, style, the
    lesson's build contexts (dotfiles too), the Debian package list."""
    def files(base: Path) -> set[str]:
        return {str(p.relative_to(base)) for p in base.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.parts[len(base.parts)] != "screenshots"}
    site = next((installed.parent / "lib").glob("python3*/site-packages"))
    assert files(site / "resources") == files(ROOT / "resources")


def test_headless_commands_from_the_installed_package(installed, tmp_path):
    snapshot = tmp_path / "tutorial.json"
    shutil.copyfile(ROOT / "resources" / "demo" / "tutorial.json", snapshot)
    res = run(installed, "snapshot", "--json", "--snapshot", str(snapshot), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    tags = {t for image in report["images"] for t in image["tags"]}
    assert {"ubuntu:18.04", "ubuntu_apache:latest", "iscreamedu_apache:latest"} <= tags
    assert 0 < report["actual_bytes"] < report["naive_bytes"]
    res = run(installed, "rmi", "--dry-run", "--snapshot", str(snapshot), "ubuntu_apache:latest", cwd=tmp_path)
    assert res.returncode == 0 and "Untagged: ubuntu_apache:latest" in res.stdout, res.stdout + res.stderr
    res = run(installed, "--demo", "rmi", "--dry-run", "ubuntu:18.04", cwd=tmp_path)     # the bundled demo
    assert res.returncode == 0 and "ubuntu:18.04" in res.stdout, res.stdout + res.stderr


def test_the_window_opens_from_the_installed_command(installed, tmp_path):
    snapshot = ROOT / "resources" / "demo" / "tutorial.json"
    res = run(installed, "--exit-after-first-paint", "--snapshot", str(snapshot), cwd=tmp_path,
              QT_QPA_PLATFORM="offscreen")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().isdigit(), res.stdout          # the milliseconds to the first painted map


def test_the_desktop_entry_starts_the_installed_command(installed, tmp_path):
    require_tool("desktop-file-validate", "desktop-file-utils")
    data = tmp_path / "share"
    res = run(installed, "install-desktop-entry", cwd=tmp_path, XDG_DATA_HOME=str(data))
    assert res.returncode == 0, res.stderr
    entry = data / "applications" / "layerscope.desktop"
    assert f"\nExec={installed / 'layerscope'}\n" in entry.read_text(encoding="utf-8")
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert check.returncode == 0 and "error" not in check.stdout.lower(), check.stdout
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "layerscope.png").stat().st_size > 0
    res = run(installed, "install-desktop-entry", "--uninstall", cwd=tmp_path, XDG_DATA_HOME=str(data))
    assert res.returncode == 0 and not [p for p in data.rglob("*") if p.is_file()]
