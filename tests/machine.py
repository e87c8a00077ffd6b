"""What a test needs of this machine (root, a Debian tool): skip where it is missing, fail instead under CI=true,
where tests/run_all.sh provides everything — as the private engines' fixtures do."""
from __future__ import annotations

import os
import shutil

import pytest


def require(ok: bool, why: str) -> None:
    """Skip the test with ``why`` unless ``ok``; under CI=true fail instead."""
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {why}")
    pytest.skip(why)


def require_root(what: str) -> None:
    """The test needs root for ``what``."""
    require(os.geteuid() == 0, f"{what} needs root (bash tests/run_all.sh, as root or through sudo)")


def require_tool(name: str, package: str) -> None:
    """The test needs the command ``name`` from Debian's ``package``."""
    require(shutil.which(name) is not None, f"needs {name} from Debian's {package} (tests/run_all.sh installs it)")
