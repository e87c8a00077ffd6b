"""The one destructive path: refuse what is not predicted exactly, send the rest, compare, record (Qt-free).

The command line and the window both delete only through ``perform``; what-if never
deletes.  A Plan is sent to the daemon only when ``refusal`` finds nothing against it:
every step predicted exactly, none predicted to fail, something to change — and, when
the caller can re-read the daemon, the same prediction on a fresh read.  While it sends
an rmi's refs one by one it stops at the first answer that differs from its prediction,
since the later predictions assumed it.  Each refusal and each delete is appended to the
delete log with what was predicted, what was sent, the daemon's answer and whether they
agreed."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..core.snapshot import Snapshot
from ..engine.plan import PRUNE, Plan, make_plan
from .deletelog import DeleteLog, now

UNPREDICTABLE, WOULD_FAIL, NOTHING, CHANGED, NO_LOG = "unpredictable", "would-fail", "nothing", "changed", "no-log"
CLI, WINDOW = "cli", "window"


@dataclass(frozen=True)
class Refusal:
    """Why a plan is not sent to the daemon."""

    kind: str          # UNPREDICTABLE | WOULD_FAIL | NOTHING | CHANGED | NO_LOG
    reason: str        # one line for the user


@dataclass
class Performed:
    """The end of one destructive request: refused, or sent and answered."""

    plan: Plan
    refused: Refusal | None = None
    sent: list[str] = field(default_factory=list)        # the API calls made, in order
    actual: Any = None                                   # the daemon's answer, in Plan.compare's shape
    differences: list[str] = field(default_factory=list)
    failure: str = ""                                    # the daemon went away or refused a container removal
    log_error: str = ""                                  # the record could not be written

    @property
    def matched(self) -> bool:
        """True when it was sent and the daemon answered exactly as predicted."""
        return self.refused is None and not self.failure and not self.differences


def predicted_json(plan: Plan) -> Any:
    """The prediction as JSON: rmi/untag outcomes per ref, or prune's answer; plus containers removed first."""
    body: Any = plan.prune.to_json() if plan.request.action == PRUNE and plan.prune else \
        [o.to_json() for o in plan.outcomes]
    if plan.containers_to_remove:
        return {"remove_containers": [c.id for c in plan.containers_to_remove], "answer": body}
    return body


def refusal(plan: Plan) -> Refusal | None:
    """Why ``plan`` must not be sent (None when it may): the one guard of every destructive path."""
    if plan.unpredictable:
        more = f" (and {len(plan.unpredictable) - 1} more)" if len(plan.unpredictable) > 1 else ""
        return Refusal(UNPREDICTABLE, "cannot be predicted exactly: " + plan.unpredictable[0] + more)
    if plan.errors:
        return Refusal(WOULD_FAIL, "the daemon would refuse it: " + plan.errors[0])
    if not plan.lines:
        return Refusal(NOTHING, "nothing to untag or delete")
    return None


def _record(plan: Plan, front_end: str) -> dict[str, Any]:
    info = plan.before.info
    return {"time": now(), "front_end": front_end, "host": info.host, "daemon_id": info.daemon_id,
            "engine": f"{info.engine} {info.version} ({info.image_store})", "command": plan.request.command,
            "predicted": predicted_json(plan)}


def record_refusal(plan: Plan, why: Refusal, log: DeleteLog, front_end: str) -> str:
    """Append a refusal to the delete log; returns "" or why it could not be written."""
    return log.append({**_record(plan, front_end), "refused": {"kind": why.kind, "reason": why.reason}})


# Sending: the listed stopped containers first, then one DELETE per ref (or the one
# prune).  An rmi stops at the first answer that differs from its prediction: the
# predictions of the refs after it assumed that answer.
def _send(client: Any, plan: Plan, sent: list[str]) -> tuple[Any, str]:
    """Send the plan's requests; → (the answers so far, "" or why sending stopped)."""
    from ..daemon import deletes          # the SDK, only where something is sent
    req = plan.request
    actual: Any = None if req.action == PRUNE else []
    try:
        for ctr in plan.containers_to_remove:
            sent.append(f"DELETE /containers/{ctr.id}")
            deletes.remove_container(client, ctr.id)
        if req.action == PRUNE:
            sent.append(f"POST /images/prune filters={req.prune_filters}")
            return deletes.prune_images(client, req.prune_filters), ""
        for outcome, ref in zip(plan.outcomes, req.refs):
            sent.append(f"DELETE /images/{ref} force={req.force} noprune={req.noprune}")
            actual.append(deletes.delete_image(client, ref, req.force, req.noprune))
            if not outcome.matches(actual[-1]):
                break
        return actual, ""
    except deletes.DeleteFailed as exc:
        return actual, str(exc)


def perform(client: Any, plan: Plan, log: DeleteLog, front_end: str,
            fresh: Callable[[], Snapshot] | None = None) -> Performed:
    """Send ``plan`` to the daemon if nothing refuses it; compare the answer and record it in ``log``.

    ``fresh`` re-reads the daemon: the plan is then re-predicted on that read and refused
    unless the prediction is unchanged (the daemon changed since it was shown)."""
    why = refusal(plan)
    if why is None and fresh is not None:
        again = make_plan(fresh(), plan.request)
        if predicted_json(again) != predicted_json(plan):
            why = refusal(again) or Refusal(CHANGED, "the daemon's images changed since the prediction was "
                                                     "shown; look at the new prediction first")
            if why.kind != CHANGED:
                why = Refusal(why.kind, "after the daemon changed, " + why.reason)
    if why is not None:
        return Performed(plan, refused=why, log_error=record_refusal(plan, why, log, front_end))
    try:
        handle = log.open()
    except OSError as exc:
        why = Refusal(NO_LOG, f"cannot write the delete log {log.path}: {exc.strerror or exc}")
        return Performed(plan, refused=why)
    with handle:
        done = Performed(plan)
        done.actual, done.failure = _send(client, plan, done.sent)
        done.differences = [] if done.failure else plan.compare(done.actual)
        record = {**_record(plan, front_end), "sent": done.sent, "answer": done.actual,
                  "agreed": done.matched, "failure": done.failure, "differences": done.differences}
        try:
            DeleteLog.write(handle, record)
        except OSError as exc:
            done.log_error = f"cannot write the delete log {log.path}: {exc.strerror or exc}"
    return done
