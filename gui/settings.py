"""Every setting the window keeps, read and written here only: typed getters and setters over one QSettings.

Tests and benchmarks point the store elsewhere with ``QSettings.setPath`` before a window opens;
``open_settings()`` is the one place that makes the store.
"""
from __future__ import annotations

import os
from typing import Callable, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

ORGANIZATION = APPLICATION = "Layerscope"

# every key the app uses
READ_ONLY = "safety/read_only"
LANGUAGE = "ui/language"
LIVE = "live/enabled"
LEGEND = "view/legend"
INTERMEDIATES = "view/intermediates"
TAB = "view/tab"
SNAPSHOTS_DIR = "paths/snapshots"
EXPORT_DIR = "paths/export"
GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
SPLITTERS = {"main": "splitter/main", "left": "splitter/left", "details": "splitter/details"}


def open_settings() -> QSettings:
    """The app's settings store (organization "Layerscope"; tests redirect it with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def truthy(value: object) -> bool:
    """A stored flag as a bool (an INI file hands back "true" / "false" strings)."""
    return value not in (None, False, "false", 0, "0", "")


def _bytes(value: object) -> QByteArray | None:
    return value if isinstance(value, QByteArray) else None


def _tab(value: object) -> int:
    return int(value or 0)


def _text(value: object) -> str:
    return str(value or "")


class Key(Generic[T]):
    """One key of the store as a typed attribute of Settings: read through ``read`` (``default`` when unset),
    written as given, and synced at once when ``sync`` (choices other processes must see immediately)."""

    def __init__(self, key: str, default: object, read: Callable[[object], T], sync: bool = False) -> None:
        self.key, self.default, self.read, self.sync = key, default, read, sync

    def __get__(self, settings: "Settings | None", owner: type | None = None) -> T:
        if settings is None:
            return self          # type: ignore[return-value]  (the descriptor itself, on the class)
        default = self.default() if callable(self.default) else self.default
        return self.read(settings.store.value(self.key, default))

    def __set__(self, settings: "Settings", value: T) -> None:
        settings.store.setValue(self.key, value)
        if self.sync:
            settings.store.sync()


class Settings:
    """Typed access to the store: one attribute per key (the window's splitters by name)."""

    read_only: Key[bool] = Key(READ_ONLY, False, truthy, sync=True)       # Settings → Read-only
    language: Key[str] = Key(LANGUAGE, "system", str, sync=True)         # Settings → Language (gui.i18n checks it)
    live: Key[bool] = Key(LIVE, True, truthy)                            # View → Live updates
    legend: Key[bool] = Key(LEGEND, True, truthy)                        # View → Legend
    intermediates: Key[bool] = Key(INTERMEDIATES, False, truthy)         # View → Show intermediate images
    tab: Key[int] = Key(TAB, 0, _tab)                                    # the right-hand tab last shown
    snapshots_dir: Key[str] = Key(SNAPSHOTS_DIR, os.getcwd, str)         # File → Open / Save start here
    export_dir: Key[str] = Key(EXPORT_DIR, "", _text)                    # File → Export starts here ("" at first)
    geometry: Key[QByteArray | None] = Key(GEOMETRY, None, _bytes)       # saveGeometry() of the last session
    window_state: Key[QByteArray | None] = Key(WINDOW_STATE, None, _bytes)   # saveState() (toolbars)

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store or open_settings()

    def sync(self) -> None:
        """Write pending changes to disk."""
        self.store.sync()

    def splitter(self, name: str) -> QByteArray | None:
        """The saved state of splitter ``name`` (main | left | details), None at first."""
        return _bytes(self.store.value(SPLITTERS[name]))

    def set_splitter(self, name: str, value: QByteArray) -> None:
        """Remember the state of splitter ``name``."""
        self.store.setValue(SPLITTERS[name], value)
