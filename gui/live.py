"""Live updates in the window: follow the daemon's events and swap in incremental snapshots, never a full reload.

The model does the Docker work (model.daemon.events.LiveSnapshot: a follower thread reading /events with reconnect and
backoff, an applier thread that absorbs each burst of queued events with one patch or one refresh_incremental).
This module only connects it to the window:

    follower thread ─event─> applier thread: patch / refresh_incremental [+ analysis and layout when the
                             window takes them prepared] ─Published─> queued signal ─> GUI thread:
                             coalesce (leading edge, DEBOUNCE_MS) ─> window.apply_snapshot(snapshot, changed)

A burst of events is absorbed twice: the applier drains everything queued into one refresh, and on the GUI thread
the newest published snapshot wins (a lone event is applied at once; more within DEBOUNCE_MS of the last swap are
applied once, at the end of that window).  The status bar shows ● live / ◌ reconnecting… / ○ off.  Live runs
only while the window shows a daemon (not the demo or a file; in what-if mode the window keeps the update for when
the sandbox is left), restarts on the window's own full loads (F5, Retry, after an action) so it follows the
snapshot on screen, and stops — threads joined — when the window closes.
"""
from __future__ import annotations

import collections
import time
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from model.core.classify import retagged, same_images
from model.core.snapshot import Snapshot
from model.daemon.events import CONNECTED, DISCONNECTED, STOPPED, LiveSnapshot, Published
from model.daemon.source import connect

translate = QCoreApplication.translate

DEBOUNCE_MS = 50
LIVE, CONNECTING, RECONNECTING, OFF, PAUSED = "live", "connecting", "reconnecting", "off", "paused"
SETTING = "live/enabled"


def changed_ids(old: Snapshot | None, new: Snapshot) -> set[str]:
    """Image IDs and layer chain IDs that appeared, vanished, or (images) changed tags, digests or containers."""
    if old is None:
        return {i.id for i in new.images} | {c for i in new.images for c in i.chain_ids}
    before, after = old.by_id, new.by_id
    same = same_images(old, new)        # only references changed: the same layers, and the images not retagged
    changed = set(before.keys() ^ after.keys())
    for a, b in (retagged(old, new) if same else ((before[i], after[i]) for i in before.keys() & after.keys())):
        if (a.repo_tags, a.repo_digests, a.parent) != (b.repo_tags, b.repo_digests, b.parent):
            changed.add(b.id)

    def holders(snap: Snapshot) -> dict[str, set[str]]:
        """Image ID → its containers with their states."""
        out: dict[str, set[str]] = {}
        for c in snap.containers:
            out.setdefault(c.image_id, set()).add(f"{c.id}:{c.state}")
        return out
    h0, h1 = holders(old), holders(new)
    changed |= {i for i in h0.keys() | h1.keys() if h0.get(i) != h1.get(i) and (i in before or i in after)}
    if same:
        return changed
    layers_before = {c for i in old.images for c in i.chain_ids}
    layers_after = {c for i in new.images for c in i.chain_ids}
    return changed | (layers_before ^ layers_after)


class _Bridge(QObject):
    """Carries the model's thread callbacks onto the GUI thread (queued: the bridge lives there)."""

    published = Signal(int, object, object, float)   # generation, Published, its prepared form (or None), ms
    state = Signal(int, str)                          # generation, connected | disconnected | stopped


class StatusIndicator(QLabel):
    """The status-bar light: ● live, ◌ reconnecting…, ○ off (switched off, or not showing a daemon: PAUSED)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("liveIndicator")
        self.state = OFF
        self.set_state(OFF)

    def set_state(self, state: str) -> None:
        """Show ``state`` (one of live | connecting | reconnecting | off | paused)."""
        self.state = state
        text, color, tip = {
            LIVE: (translate("Live", "● live"), "#18a558",
                   translate("Live", "Following the daemon's events: changes appear without a reload")),
            CONNECTING: (translate("Live", "◌ connecting…"), "#b7791f",
                         translate("Live", "Subscribing to the daemon's events")),
            RECONNECTING: (translate("Live", "◌ reconnecting…"), "#d64545",
                           translate("Live", "The daemon went away; reconnecting (what is shown may be out of date)")),
            PAUSED: (translate("Live", "○ off"), "#52606d",
                     translate("Live", "Live updates follow a Docker daemon; this window shows a snapshot file or "
                                       "the demo")),
            OFF: (translate("Live", "○ off"), "#52606d",
                  translate("Live", "Live updates are off (View → Live updates)")),
        }[state]
        self.setText(text)
        self.setToolTip(tip)
        self.setStyleSheet(f"QLabel#liveIndicator {{ color: {color}; font-weight: bold; padding: 0 6px; }}")

    def retranslate(self) -> None:
        """Re-read the texts in the current language."""
        self.set_state(self.state)


class LiveController(QObject):
    """Keeps the shown daemon snapshot current from its events (see the module docstring)."""

    state_changed = Signal(str)        # live | connecting | reconnecting | off | paused
    applied = Signal(object)           # set of changed IDs, after the window swapped the snapshot in

    def __init__(self, parent: QObject | None, apply: Callable[[Snapshot, set[str], Any], Any],
                 current: Callable[[], Snapshot | None], host: Callable[[], str | None] = lambda: None,
                 client_factory: Callable[[], Any] | None = None, debounce_ms: int = DEBOUNCE_MS,
                 prepare: Callable[[Any, Snapshot, dict], Any] | None = None,
                 prepare_base: Callable[[], Any] | None = None,
                 prepare_context: Callable[[], dict] | None = None) -> None:
        super().__init__(parent)
        self._apply_hook = apply
        self._current = current
        self._host = host
        # prepare(previous, snapshot, context) runs on the applier thread (analysis + layout off the GUI thread);
        # the base (what the window shows) and the context (view options) are read on the GUI thread
        self.prepare = prepare
        self._prepare_base = prepare_base or (lambda: None)
        self._prepare_context = prepare_context or dict
        self._last_prepared: Any = None
        self._context: dict = {}
        self.client_factory = client_factory
        self.live: LiveSnapshot | None = None
        self.state = OFF
        self.updates = 0                    # snapshots swapped into the window
        self.events = 0                     # daemon events they covered
        self.last_changed: set[str] = set()
        self.last_latency = 0.0             # seconds from the newest event's daemon time to the swap
        # per swap, in ms: daemon event → snapshot published (model), → analysis+layout ready (applier
        # thread), → swapped into the window (GUI thread); for benchmarks and the status tooltip
        self.timings: collections.deque = collections.deque(maxlen=200)
        self._pending: tuple[Published, Any, float] | None = None
        self._last_swap = 0.0
        self._swapping = False
        self._generation = 0                # one per start(): signals still queued from a stopped follower are dropped
        self._bridge = _Bridge(self)
        self._bridge.published.connect(self._on_published)
        self._bridge.state.connect(self._on_follower_state)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)
        self.debounce_ms = debounce_ms
        self.indicator = StatusIndicator()

    # -- life cycle ---------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the follower threads run."""
        return self.live is not None

    @property
    def swapping(self) -> bool:
        """True while a live snapshot is being handed to the window (its loaded signals are not full loads)."""
        return self._swapping

    def start(self) -> bool:
        """Follow the daemon the window shows, from the snapshot on screen; False when there is none."""
        self.stop(state=None)
        snap = self._current()
        if snap is None or snap.source != "daemon":
            self._set_state(PAUSED if snap is not None else OFF)
            return False
        factory = self.client_factory or self._default_factory()
        self._generation += 1
        gen = self._generation
        live = LiveSnapshot(factory, snap, on_snapshot=lambda p: self._on_snapshot_thread(gen, p),
                            on_state=lambda state: self._bridge.state.emit(gen, state))
        # The window read its snapshot before this subscription began: resynchronise on the first connect
        # too, so a change made in between is not lost (LiveSnapshot does this on every later reconnect).
        if hasattr(live, "_was_connected"):
            live._was_connected = True      # noqa: SLF001
        self.live = live
        if self.prepare is not None:
            self._last_prepared, self._context = self._prepare_base(), self._prepare_context()
        self._set_state(CONNECTING)
        live.start()
        return True

    def stop(self, state: str | None = OFF) -> None:
        """Stop following (threads joined) and drop what was not applied yet."""
        live, self.live = self.live, None
        self._timer.stop()
        self._pending = None
        if live is not None:
            live.stop()
        if state is not None:
            self._set_state(state)

    def _default_factory(self) -> Callable[[], Any]:
        host = self._host()
        snap = self._current()
        if not host and snap is not None and snap.info.host:
            host = snap.info.host          # the daemon the snapshot was read from
        return lambda: connect(host, timeout=30)

    # -- applier thread -----------------------------------------------------------------
    def _on_snapshot_thread(self, gen: int, published: Published) -> None:
        prepared, t0 = None, time.perf_counter()
        if self.prepare is not None:
            try:
                prepared = self.prepare(self._last_prepared, published.snapshot, self._context)
                self._last_prepared = prepared
            except Exception:                 # the GUI thread's apply prepares it itself then
                prepared = None
        self._bridge.published.emit(gen, published, prepared, (time.perf_counter() - t0) * 1000)

    # -- follower callbacks (GUI thread, queued) ----------------------------------------
    def _on_follower_state(self, gen: int, state: str) -> None:
        if self.live is None or gen != self._generation:
            return
        if state == CONNECTED:
            self._set_state(LIVE)
        elif state == DISCONNECTED:
            self._set_state(RECONNECTING)
        elif state == STOPPED:
            self._set_state(OFF)

    def _on_published(self, gen: int, published: Published, prepared: Any = None, prepare_ms: float = 0.0) -> None:
        if self.live is None or gen != self._generation:
            return
        self._pending = (published, prepared, prepare_ms)
        if not self._timer.isActive():
            # leading edge: a lone event is applied at once; a burst within DEBOUNCE_MS is applied once
            wait = self.debounce_ms - (time.monotonic() - self._last_swap) * 1000
            self._timer.start(max(0, int(wait)))

    def _flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None or self.live is None:
            return
        published, prepared, prepare_ms = pending
        old = self._current()
        if old is None or old.source != "daemon":
            return                        # the window moved to a file, the demo or what-if meanwhile
        changed = changed_ids(old, published.snapshot)
        t0 = time.perf_counter()
        self._swapping = True
        try:
            self._apply_hook(published.snapshot, changed, prepared)
        finally:
            self._swapping = False
        self._last_swap = time.monotonic()
        apply_ms = (time.perf_counter() - t0) * 1000
        self.timings.append({"event_to_published": (published.at - published.last_event) * 1000
                             if published.last_event else None,
                             "prepare": prepare_ms, "apply": apply_ms,
                             "event_to_shown": (time.time() - published.last_event) * 1000
                             if published.last_event else None})
        if self.prepare is not None:
            self._context = self._prepare_context()
        self.updates += 1
        self.events += published.events
        self.last_changed = changed
        if published.last_event:
            self.last_latency = max(0.0, time.time() - published.last_event)
        self.applied.emit(changed)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.indicator.set_state(state)
            self.state_changed.emit(state)
