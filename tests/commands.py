"""Running ``python main.py`` as a user would (a subprocess), and reading an engine's image set."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict | None = None, stdin=subprocess.DEVNULL, timeout: float = 120
        ) -> subprocess.CompletedProcess:
    """``python main.py ARGS`` without a terminal, no image cache, read-only off; text output."""
    full_env = {k: v for k, v in os.environ.items() if k != "LAYERSCOPE_READ_ONLY"}
    full_env.update({"LAYERSCOPE_NO_CACHE": "1", **(env or {})})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT, stdin=stdin)


def image_ids(client) -> set[str]:
    """Every image ID the engine holds (intermediates too)."""
    return {i["Id"] for i in client.api.images(all=True)}


def image_state(client) -> set[tuple[str, tuple[str, ...]]]:
    """Every image ID with its tags: what a delete or an untag changes."""
    return {(i["Id"], tuple(sorted(i.get("RepoTags") or ()))) for i in client.api.images(all=True)}
