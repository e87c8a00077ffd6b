"""A destructive command as git-cola's ConfirmAction: predict → refuse or confirm → perform → compare (Qt-free).

The command line and the window run every rmi, untag and prune (with the stopped containers that
block it removed first, when asked) through ``DeleteCommand``; what-if predicts the same
Requests with ``WhatIf.do`` and never performs them.  A front end speaks to the user through an
``Interaction``: the window's shows dialogs, the command line's prints and asks on the terminal,
tests script their own."""
from __future__ import annotations

import os
from typing import Any, Callable

from ..core.snapshot import Snapshot
from ..engine.plan import Plan, Request, make_plan
from .deletelog import DeleteLog
from .perform import NOTHING, Performed, Refusal, perform, record_refusal, refusal

DECLINED = "declined"
READ_ONLY_ENV = "LAYERSCOPE_READ_ONLY"


def read_only_by_environment() -> bool:
    """True when LAYERSCOPE_READ_ONLY is set (not "" or "0"): no front end may change the daemon."""
    return os.environ.get(READ_ONLY_ENV, "") not in ("", "0")


class Interaction:
    """How a front end asks and tells; headless by default (declines, tells nobody)."""

    def confirm(self, plan: Plan) -> bool:
        """True to go ahead with ``plan``; may change ``plan.request`` options (the command re-predicts)."""
        return False

    def inform(self, title: str, text: str, warning: bool = False) -> None:
        """Tell the user how it ended (``warning`` when refused, failed or answered differently)."""


class DeleteCommand:
    """One destructive request, its prediction, and the one way it reaches the daemon."""

    def __init__(self, request: Request, log: DeleteLog, front_end: str) -> None:
        self.request, self.log, self.front_end = request, log, front_end
        self.snapshot: Snapshot | None = None
        self.sizes: dict[str, int] | None = None
        self.plan: Plan | None = None

    def predict(self, snapshot: Snapshot, sizes: dict[str, int] | None = None) -> Plan:
        """The simulator's exact answer for the request on ``snapshot`` (kept as ``self.plan``)."""
        self.snapshot, self.sizes = snapshot, sizes
        self.plan = make_plan(snapshot, self.request, sizes)
        return self.plan

    def refused(self) -> Refusal | None:
        """Why the prediction must not be sent (recorded in the delete log), or None when it may."""
        why = refusal(self.plan)
        if why is not None and why.kind != NOTHING:
            record_refusal(self.plan, why, self.log, self.front_end)
        return why

    def confirm(self, interaction: Interaction) -> bool:
        """Ask through ``interaction``; on yes, predict again (the answer may have changed the options)."""
        if not interaction.confirm(self.plan):
            return False
        self.predict(self.snapshot, self.sizes)
        return True

    def perform(self, client: Any, fresh: Callable[[], Snapshot] | None = None) -> Performed:
        """Send the prediction to the daemon through model.commands.perform (refused there if not exact)."""
        return perform(client, self.plan, self.log, self.front_end, fresh)

    def run(self, snapshot: Snapshot, interaction: Interaction, client: Any,
            fresh: Callable[[], Snapshot] | None = None) -> Performed:
        """The whole path for a front end that can wait: predict, refuse or confirm, perform, compare."""
        self.predict(snapshot)
        why = self.refused()
        if why is None and not self.confirm(interaction):
            why = Refusal(DECLINED, "not confirmed")
        if why is None:
            why = self.refused()         # the confirmation may have changed the options
        if why is not None:
            return Performed(self.plan, refused=why)
        return self.perform(client, fresh)
