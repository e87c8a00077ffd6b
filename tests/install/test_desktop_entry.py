"""`layerscope install-desktop-entry [--uninstall]` into a temporary XDG_DATA_HOME: the .desktop file passes
desktop-file-validate, the icons are the bundled ones, and --uninstall removes exactly those files."""
from __future__ import annotations

import filecmp
import subprocess
import sys

import pytest

from commands import ROOT, cli
from machine import require_tool
from resources import HICOLOR, ICONS

SIZES = sorted(p.parent.name for p in HICOLOR.glob("*/layerscope.png"))


def files_under(base) -> set[str]:
    """Every file below ``base``, relative."""
    return {str(p.relative_to(base)) for p in base.rglob("*") if p.is_file()}


def test_install_and_uninstall_exactly_those_files(tmp_path):
    data = tmp_path / "share"
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "other.desktop").write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=x\n")
    (data / "icons" / "hicolor" / "48x48" / "apps").mkdir(parents=True)
    (data / "icons" / "hicolor" / "48x48" / "apps" / "other.png").write_bytes(b"not ours")
    before = files_under(data)

    res = cli("install-desktop-entry", env={"XDG_DATA_HOME": str(data)})
    assert res.returncode == 0, res.stderr
    ours = {"applications/layerscope.desktop", "icons/hicolor/scalable/apps/layerscope.svg"} | {
        f"icons/hicolor/{size}/apps/layerscope.png" for size in SIZES}
    assert {"16x16", "32x32", "48x48", "256x256"} <= set(SIZES)
    assert files_under(data) == before | ours
    for rel in ours:
        assert f"wrote {data / rel}" in res.stdout
    text = (data / "applications" / "layerscope.desktop").read_text(encoding="utf-8")
    assert f"Exec={sys.executable} {ROOT / 'main.py'}\n" in text         # started as python main.py
    assert "Icon=layerscope\n" in text and "Type=Application\n" in text
    assert filecmp.cmp(ICONS / "layerscope.svg", data / "icons/hicolor/scalable/apps/layerscope.svg", shallow=False)
    assert filecmp.cmp(HICOLOR / "48x48" / "layerscope.png", data / "icons/hicolor/48x48/apps/layerscope.png",
                       shallow=False)

    res = cli("install-desktop-entry", "--uninstall", env={"XDG_DATA_HOME": str(data)})
    assert res.returncode == 0, res.stderr
    assert files_under(data) == before
    assert res.stdout.count("removed ") == len(ours)
    # a second uninstall has nothing left to remove, and says nothing
    res = cli("install-desktop-entry", "--uninstall", env={"XDG_DATA_HOME": str(data)})
    assert (res.returncode, res.stdout) == (0, "")


@pytest.mark.install
def test_the_desktop_file_passes_desktop_file_validate(tmp_path):
    require_tool("desktop-file-validate", "desktop-file-utils")
    res = cli("install-desktop-entry", env={"XDG_DATA_HOME": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    entry = tmp_path / "applications" / "layerscope.desktop"
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert check.returncode == 0 and "error" not in check.stdout.lower(), check.stdout + check.stderr


def test_an_unwritable_data_home_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    res = cli("install-desktop-entry", env={"XDG_DATA_HOME": str(blocker)})
    assert res.returncode == 1
    assert res.stderr.startswith("layerscope: desktop entry under ") and res.stderr.count("\n") == 1, res.stderr
    assert "Traceback" not in res.stderr


def test_exec_quotes_a_path_with_spaces_and_reserved_characters():
    from cli.desktop import exec_line
    assert exec_line(["/opt/my apps/bin/layerscope"]) == '"/opt/my apps/bin/layerscope"'
    assert exec_line(["/usr/bin/python3", "/home/u/$x/100%/main.py"]) == \
        '/usr/bin/python3 "/home/u/\\\\$x/100%%/main.py"'
    assert exec_line(["/plain/path"]) == "/plain/path"
