"""A what-if sandbox: a command stack of simulated rmi/untag/prune over snapshots, with undo/redo (Qt-free)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..core.history import layer_sizes
from ..core.snapshot import Snapshot
from .plan import Plan, Request, make_plan

DO, UNDO, REDO, RESET = "do", "undo", "redo", "reset"


@dataclass(frozen=True)
class Step:
    """One simulated command: its prediction (request, outcome, the states before and after)."""

    plan: Plan

    @property
    def label(self) -> str:
        """As a user would type it: "docker rmi ubuntu:18.04", "untag ubuntu_apache"."""
        return self.plan.request.label

    @property
    def before(self) -> Snapshot:
        """The state the command was predicted on."""
        return self.plan.before

    @property
    def after(self) -> Snapshot:
        """The state after it."""
        return self.plan.after


@dataclass(frozen=True)
class Change:
    """What listeners receive: the kind of change, the step involved (None on reset), the new state."""

    kind: str                   # do | undo | redo | reset
    step: Step | None
    current: Snapshot


Listener = Callable[[Change], Any]


# The sandbox is a classic command stack (as in glue's CommandStack): every
# command (a Request, the same object the real delete path predicts and
# performs) is predicted once by make_plan on the current snapshot, and its
# Plan holds the outcome and the next snapshot; `done` holds the applied steps, `undone` the
# ones undo took back (cleared by any new command).  Because snapshots are
# immutable, undo/redo just move steps between the stacks: no inverse
# operations, nothing recomputed, and the original object is returned intact.
# The daemon is never contacted.
class WhatIf:
    """A sandbox of simulated deletions on top of one snapshot; the daemon is never touched."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.original = snapshot
        self.sizes = layer_sizes(snapshot)       # chain ID → bytes: facts, valid for every later state
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self.listeners: list[Listener] = []

    # -- state ---------------------------------------------------------------------------
    @property
    def current(self) -> Snapshot:
        """The snapshot after every applied step (the original when none)."""
        return self._done[-1].after if self._done else self.original

    @property
    def steps(self) -> tuple[Step, ...]:
        """The applied steps, oldest first."""
        return tuple(self._done)

    @property
    def labels(self) -> list[str]:
        """The label of each applied step, oldest first."""
        return [s.label for s in self._done]

    @property
    def can_undo(self) -> bool:
        """True when a step can be taken back."""
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        """True when an undone step can be applied again."""
        return bool(self._undone)

    # -- listeners (a minimal hub) -------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(change)`` after every change; returns a function that unsubscribes it."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    def _notify(self, kind: str, step: Step | None) -> None:
        change = Change(kind, step, self.current)
        for listener in list(self.listeners):
            listener(change)

    # -- commands ------------------------------------------------------------------------
    def do(self, request: Request) -> Plan:
        """Predict ``request`` on the current state and make its result the new state (simulated once)."""
        plan = make_plan(self.current, request, self.sizes)
        step = Step(plan)
        self._done.append(step)
        self._undone.clear()
        self._notify(DO, step)
        return plan

    def undo(self) -> Step | None:
        """Take back the last step; returns it (None when there is nothing to undo)."""
        return self._move(self._done, self._undone, UNDO)

    def redo(self) -> Step | None:
        """Apply the last undone step again; returns it (None when there is nothing to redo)."""
        return self._move(self._undone, self._done, REDO)

    def _move(self, source: list[Step], target: list[Step], kind: str) -> Step | None:
        if not source:
            return None
        step = source.pop()
        target.append(step)
        self._notify(kind, step)
        return step

    def reset(self) -> Snapshot:
        """Leave the sandbox: drop every step and return the original snapshot."""
        self._done.clear()
        self._undone.clear()
        self._notify(RESET, None)
        return self.original
