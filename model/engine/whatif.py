"""A what-if sandbox: a command stack of simulated rmi/untag/prune over snapshots, with undo/redo (Qt-free)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Union

from . import simulate
from .simulate import PruneResult, RmiOutcome
from ..core.snapshot import Snapshot

Outcome = Union[list[RmiOutcome], PruneResult]

DO, UNDO, REDO, RESET = "do", "undo", "redo", "reset"


@dataclass(frozen=True)
class Step:
    """One simulated command: what was asked, what the simulator answered, the states around it."""

    label: str                  # as a user would type it: "docker rmi ubuntu:18.04"
    action: str                 # rmi | untag | prune
    outcome: Outcome            # list[RmiOutcome] for rmi/untag, PruneResult for prune
    before: Snapshot
    after: Snapshot


@dataclass(frozen=True)
class Change:
    """What listeners receive: the kind of change, the step involved (None on reset), the new state."""

    kind: str                   # do | undo | redo | reset
    step: Step | None
    current: Snapshot


Listener = Callable[[Change], Any]


# The sandbox is a classic command stack (as in glue's CommandStack): every
# command is applied by model.simulate to the current snapshot, giving an
# outcome and the next snapshot; `done` holds the applied steps, `undone` the
# ones undo took back (cleared by any new command).  Because snapshots are
# immutable, undo/redo just move steps between the stacks: no inverse
# operations, nothing recomputed, and the original object is returned intact.
# The daemon is never contacted.
class WhatIf:
    """A sandbox of simulated deletions on top of one snapshot; the daemon is never touched."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.original = snapshot
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
    def history(self) -> list[tuple[str, Outcome]]:
        """(label, outcome) of each applied step, oldest first."""
        return [(s.label, s.outcome) for s in self._done]

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

    def _push(self, label: str, action: str, outcome: Outcome, after: Snapshot) -> Step:
        step = Step(label, action, outcome, self.current, after)
        self._done.append(step)
        self._undone.clear()
        self._notify(DO, step)
        return step

    # -- commands ------------------------------------------------------------------------
    def do_rmi(self, refs: list[str] | str, force: bool = False, noprune: bool = False) -> list[RmiOutcome]:
        """Simulate ``docker rmi [-f] [--no-prune] REF...`` on the current state; one outcome per ref."""
        refs = [refs] if isinstance(refs, str) else list(refs)
        outcomes, after = simulate.rmi(self.current, refs, force=force, noprune=noprune)
        flags = (" -f" if force else "") + (" --no-prune" if noprune else "")
        self._push(f"docker rmi{flags} {' '.join(refs)}", "rmi", outcomes, after)
        return outcomes

    def do_untag(self, ref: str) -> RmiOutcome:
        """Remove one tag: ``rmi`` of the tag (only Untagged while other tags remain; rmi semantics otherwise)."""
        outcomes, after = simulate.rmi(self.current, [ref])
        self._push(f"untag {ref}", "untag", outcomes, after)
        return outcomes[0]

    def do_prune(self, all: bool = False, filters: dict[str, Any] | None = None) -> PruneResult:
        """Simulate ``docker image prune [-a] [--filter …]`` on the current state."""
        result, after = simulate.prune(self.current, all=all, filters=filters)
        extra = "".join(f" --filter {k}={v}" for k, vs in (filters or {}).items()
                        for v in (vs if isinstance(vs, (list, tuple)) else [vs]))
        self._push("docker image prune" + (" -a" if all else "") + extra, "prune", result, after)
        return result

    def undo(self) -> Step | None:
        """Take back the last step; returns it (None when there is nothing to undo)."""
        if not self._done:
            return None
        step = self._done.pop()
        self._undone.append(step)
        self._notify(UNDO, step)
        return step

    def redo(self) -> Step | None:
        """Apply the last undone step again; returns it (None when there is nothing to redo)."""
        if not self._undone:
            return None
        step = self._undone.pop()
        self._done.append(step)
        self._notify(REDO, step)
        return step

    def reset(self) -> Snapshot:
        """Leave the sandbox: drop every step and return the original snapshot."""
        self._done.clear()
        self._undone.clear()
        self._notify(RESET, None)
        return self.original
