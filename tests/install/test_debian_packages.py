"""resources/debian-packages.txt, the one list both README commands install, against what Qt's xcb platform
plugin really loads: ldd of the installed PySide6 libqxcb.so, each library's package from dpkg -S."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cli.qtplatform import OPENED_BY_QT, packages_by_library, xcb_plugin
from machine import require_tool
from resources import DEBIAN_PACKAGES

RESOLVED = re.compile(r"^\s*(\S+)\s+=>\s+(/\S+)", re.MULTILINE)


def listed_packages() -> list[str]:
    """Every package the list names, in order."""
    return [line.split("#", 1)[0].split()[0] for line in DEBIAN_PACKAGES.read_text(encoding="utf-8").splitlines()
            if line.split("#", 1)[0].strip()]


def owners_of(paths: list[str]) -> dict[str, str]:
    """{path: the Debian package that installed it}, one dpkg -S for all (a merged-/usr file is known to dpkg by
    one of its two names: both are asked)."""
    variants = {v: p for p in paths for v in (p, "/usr" + p, p.removeprefix("/usr"))}
    res = subprocess.run(["dpkg", "-S", *variants], capture_output=True, text=True)
    found = {}
    for line in res.stdout.splitlines():
        package, _, path = line.rpartition(": ")
        if path in variants and package and "," not in package:
            found[variants[path]] = package.split(":")[0]
    unowned = sorted(set(paths) - set(found))
    assert not unowned, f"no Debian package owns {unowned}"
    return found


def system_libraries(plugin: Path) -> dict[str, str]:
    """{soname: path} of every library the plugin loads (ldd: the whole closure), PySide6's own Qt left out."""
    res = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True)
    assert "not found" not in res.stdout, res.stdout
    pyside = str(plugin.parents[3])
    return {so: path for so, path in RESOLVED.findall(res.stdout) if not path.startswith(pyside)}


def test_every_library_of_the_xcb_plugin_has_its_package_in_the_list():
    require_tool("dpkg", "dpkg (Layerscope is set up on Debian/Ubuntu)")
    plugin = xcb_plugin()
    assert plugin is not None, "PySide6's xcb platform plugin is not installed"
    libraries = system_libraries(plugin)
    assert "libxcb-icccm.so.4" in libraries and "libxcb.so.1" in libraries, sorted(libraries)
    listed, owners = set(listed_packages()), packages_by_library()
    package = owners_of(list(libraries.values()))
    missing = {so: package[path] for so, path in libraries.items() if package[path] not in listed}
    assert not missing, f"add to {DEBIAN_PACKAGES.name}: {missing}"
    # and each soname is named under its package, so the window can say which package a missing one needs
    wrong = {so: (owners.get(so), package[path]) for so, path in libraries.items() if owners.get(so) != package[path]}
    assert not wrong, wrong


def test_the_libraries_qt_opens_itself_are_listed_under_their_packages():
    require_tool("dpkg", "dpkg (Layerscope is set up on Debian/Ubuntu)")
    owners = packages_by_library()
    cache = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    for soname in OPENED_BY_QT:
        path = re.search(rf"^\s*{re.escape(soname)} .*=> (\S+)$", cache, re.MULTILINE)
        assert path, f"{soname} is not installed"
        assert owners[soname] == owners_of([path.group(1)])[path.group(1)]


def test_the_list_names_each_package_once_and_the_install_script_reads_it():
    packages = listed_packages()
    assert len(packages) == len(set(packages))
    assert {"python3-venv", "fonts-nanum", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"} <= set(packages)
    # the script's own extraction (sed + awk), the words apt-get is given
    script = DEBIAN_PACKAGES.with_name("debian-packages.sh").read_text(encoding="utf-8")
    extract = re.search(r"\$\((sed .*?)\)", script).group(1).replace('"$list"', str(DEBIAN_PACKAGES))
    words = subprocess.run(["sh", "-c", extract], capture_output=True, text=True, check=True).stdout.split()
    assert words == packages


def test_both_readme_commands_install_the_list():
    root = DEBIAN_PACKAGES.parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```bash\n(.*?)\n```", readme, re.DOTALL).group(1)
    assert first.startswith("sh resources/debian-packages.sh && "), first
    assert "sh resources/debian-packages.sh" in (root / "tests" / "run_all.sh").read_text(encoding="utf-8")
