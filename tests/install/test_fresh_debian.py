"""README's first command on a fresh minimal Debian, as the issue's new user ran it: a debootstrap'ed minbase
rootfs (no Python, no X libraries), the clone copied in, the command run as root in a chroot with an Xvfb display;
the window must open and paint (the command's `layerscope` given --demo --exit-after-first-paint so it returns)."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from machine import require_root, require_tool

ROOT = Path(__file__).resolve().parents[2]
MIRROR = os.environ.get("LAYERSCOPE_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "bookworm"
HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache",
                                  ".import_linter_cache", "out", "screenshots")

pytestmark = [pytest.mark.slow, pytest.mark.install]


def readme_first_command() -> str:
    """The first ```bash block of README.md: the command that installs and starts the app."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"```bash\n(.*?)\n```", text, re.DOTALL).group(1).strip()


@pytest.fixture
def xvfb():
    """A private Xvfb on a free display number; yields the display name."""
    require_tool("Xvfb", "xvfb")
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1300x900x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    proc.terminate()
    proc.wait(30)


def test_readme_first_command_opens_the_window_on_fresh_debian(tmp_path, xvfb):
    require_root("debootstrap and chroot")
    require_tool("debootstrap", "debootstrap")
    require_tool("Xvfb", "xvfb")
    rootfs = tmp_path / "rootfs"
    try:
        check_readme_command(rootfs, xvfb)
    finally:                                    # ~700 MB; its mounts lived in the test's own namespace only
        shutil.rmtree(rootfs, ignore_errors=True)


def check_readme_command(rootfs: Path, display: str) -> None:
    """Make the rootfs, run README's first command in it, check the window painted."""
    res = subprocess.run(["debootstrap", "--variant=minbase", SUITE, str(rootfs), MIRROR], capture_output=True,
                         text=True, timeout=1800)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert not (rootfs / "usr" / "bin" / "python3").exists()                # fresh: not even Python
    shutil.copytree(ROOT, rootfs / "root" / "layerscope", ignore=LEFT_OUT)
    shutil.copyfile("/etc/resolv.conf", rootfs / "etc" / "resolv.conf")
    env = {"HOME": "/root", "DISPLAY": display, "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    # the chroot trusts the certificate authorities this machine trusts (a network whose TLS proxy re-signs
    # PyPI's answers needs them; a fresh machine on that network would be given them the same way)
    trusted = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE") or HOST_CA_BUNDLE
    if Path(trusted).is_file():
        shutil.copyfile(trusted, rootfs / "root" / "pip-cert.pem")
        env["PIP_CERT"] = "/root/pip-cert.pem"
    command = readme_first_command() + " --demo --exit-after-first-paint"
    inside = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # a private mount namespace: /proc, /dev and the X socket are mounted for the chroot only, gone with it
    script = (f"set -e; R={shlex.quote(str(rootfs))}; mount -t proc proc $R/proc; mount --bind /dev $R/dev; "
              f"mkdir -p $R/tmp/.X11-unix; mount --bind /tmp/.X11-unix $R/tmp/.X11-unix; "
              f"exec chroot $R env -i {inside} sh -c {shlex.quote('cd /root/layerscope && ' + command)}")
    res = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                         capture_output=True, text=True, timeout=3600)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    painted = res.stdout.strip().splitlines()[-1]
    assert painted.isdigit(), res.stdout[-2000:]                           # ms to the first painted map
    assert "layerscope:" not in res.stderr, res.stderr[-2000:]
