"""The window's state in one object: what is shown and where it came from, the mode, the selection.

Controllers change it and call ``notify()``; the window then refreshes its title and which actions are
enabled.  The mode replaces loose flags: BROWSE (clean-up acts on the daemon, when allowed), WHATIF (a
sandbox is shown and clean-up is simulated) and PERFORMING (a confirmed delete is running); presenting is
a display style on top of either of the first two.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from model.commands.command import read_only_by_environment
from model.core.snapshot import Snapshot
from model.engine.plan import Plan
from model.engine.whatif import WhatIf

from .settings import Settings
from .workers import Loaded


class Mode(Enum):
    """What clean-up does right now."""

    BROWSE = "browse"            # the real state is shown: clean-up goes to the daemon (when allowed)
    WHATIF = "whatif"            # a what-if sandbox is shown: clean-up is simulated on it
    PERFORMING = "performing"    # a confirmed delete is running on the daemon: nothing else may start


class Origin(StrEnum):
    """Where the shown snapshot came from."""

    NONE = ""
    DAEMON = "daemon"
    FILE = "file"
    DEMO = "demo"


@dataclass
class WindowOptions:
    """What the command line chose: a daemon host, a snapshot file, the demo, read-only."""

    host: str | None = None
    snapshot: str | None = None
    demo: bool = False
    read_only: bool = False


class Session(QObject):
    """What the window shows and may do now (see the module docstring)."""

    changed = Signal()            # anything the title or the actions depend on

    def __init__(self, options: WindowOptions, demo_path: Path, settings: Settings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options
        self.settings = settings
        self.demo_path = demo_path
        self.file_path: str | None = None
        self.fallback_reason = ""            # why the demo opened instead of the daemon ("" when asked for)
        self.origin = Origin.NONE
        self.mode = Mode.BROWSE
        self.presenting = False
        self.current: Loaded | None = None   # on screen (in what-if mode: the sandbox's state)
        self.real: Loaded | None = None      # in what-if mode: the real state behind the sandbox
        self.whatif: WhatIf | None = None    # the sandbox, in what-if mode
        self.current_image: str | None = None
        self.current_ref: str | None = None
        self.targets: list[tuple[str, str]] = []   # selected (image ID, ref to act on)
        self.preview: Plan | None = None

    def notify(self) -> None:
        """Tell the window that the mode, the origin, the selection or the read-only state changed."""
        self.changed.emit()

    # -- what is shown ---------------------------------------------------------------------
    def current_snapshot(self) -> Snapshot | None:
        """The snapshot on screen (in what-if mode: the sandbox's current state); None before the first load."""
        return self.current.snapshot if self.current is not None else None

    def real_loaded(self) -> Loaded | None:
        """The daemon's (or file's) state, also while a what-if sandbox is shown."""
        return self.real if self.mode is Mode.WHATIF else self.current

    def real_snapshot(self) -> Snapshot | None:
        """The daemon's (or file's) snapshot, also while a what-if sandbox is shown."""
        real = self.real_loaded()
        return real.snapshot if real is not None else None

    # -- what may be done ------------------------------------------------------------------
    def read_only_forced(self) -> bool:
        """True when --read-only or LAYERSCOPE_READ_ONLY=1 rules out any change (the setting cannot lift it)."""
        return self.options.read_only or read_only_by_environment()

    @property
    def read_only(self) -> bool:
        """True when nothing may change the daemon (--read-only, LAYERSCOPE_READ_ONLY=1 or the setting)."""
        return self.read_only_forced() or self.settings.read_only

    def set_read_only(self, on: bool) -> None:
        """Settings → Read-only."""
        self.settings.read_only = on
        self.notify()

    # Destructive actions need a daemon (not a file or the demo) read in full (not a provisional
    # snapshot shown while it is read), no read-only and nothing running; in what-if mode the
    # same actions act on the sandbox.
    def can_delete(self) -> bool:
        """True when destructive actions may touch the daemon right now."""
        return (self.current is not None and not self.current.provisional and self.origin == Origin.DAEMON
                and not self.read_only and self.mode is Mode.BROWSE)

    def untag_ref(self) -> str | None:
        """The tag Untag removes: the one selected tag row, or the only tag of the one selected image."""
        if len(self.targets) != 1:
            return None
        image_id, ref = self.targets[0]
        if ref != image_id:
            return ref
        img = self.current.snapshot.by_id.get(image_id) if self.current is not None else None
        return img.repo_tags[0] if img is not None and len(img.repo_tags) == 1 else None
