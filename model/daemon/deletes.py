"""The one place that sends deletes to an engine through the SDK: a container, an image, a prune; answers kept.

docker-py's ``images.remove()`` throws the answer away, so the request is made here, on the SDK's
session, with the long time limit of destructive calls (``answers.LONG_TIMEOUT``), and its answer
is read like every other: bounded, JSON, checked.  An engine's refusal (an error status) is an
answer like any other, in the JSON shape the predictions use; no answer at all (the daemon went
away) raises ``DeleteFailed``, and so does a success whose body is malformed: the request was
carried out, so it says what was sent and that the snapshot must be read again, never what it
matched."""
from __future__ import annotations

from typing import Any

import docker
from docker.utils import convert_filters

from ..core.schema import Invalid, check
from . import answers
from .answers import DaemonError, Endpoint, request_line
from .sdk import host_url, read_response
from .transport import describe_error, transport_error

MESSAGE_LIMIT = 4096        # characters kept of a refusal's message (a daemon's are one short line)


class DeleteFailed(Exception):
    """The request got no answer (the daemon went away), a malformed one, or a container removal was refused;
    one line."""


def api_error(exc: Exception) -> dict[str, Any] | None:
    """An APIError with a response as ``{"status", "message"}``; None for anything else."""
    if isinstance(exc, docker.errors.APIError) and exc.response is not None:
        return {"status": exc.response.status_code, "message": exc.explanation or str(exc)}
    return None


def _failed(exc: Exception, client: Any) -> DeleteFailed:
    err = api_error(exc)
    return DeleteFailed(err["message"] if err else describe_error(exc, host_url(client)))


def remove_container(client: Any, container_id: str) -> None:
    """``DELETE /containers/{id}``, never forced (a running container is refused); DeleteFailed otherwise."""
    try:
        client.api.remove_container(container_id, force=False)
    except Exception as exc:
        raise _failed(exc, client) from None


# Sending one destructive request: its checked answer, an error answer, or DeleteFailed
# when no answer came.  A success is checked against the endpoint's schema; when it does
# not fit, the daemon has done something we cannot read: say so, with what was sent.
def _send(client: Any, method: str, path: str, url: str, params: dict[str, Any], endpoint: Endpoint,
          done: str) -> dict[str, Any]:
    """The checked answer of a success, or ``{"error": {"status", "message"}}``; DeleteFailed without an answer
    or with a malformed one (``done`` words what the daemon did, for that message)."""
    request = request_line(method, path)
    timeout = endpoint.timeout
    try:
        send = client.api._delete if method == "DELETE" else client.api._post
        res = send(url, params=params, stream=True, timeout=timeout)
        status, body = read_response(res, request, endpoint.limit)
    except DaemonError as exc:          # not JSON, or too large
        raise DeleteFailed(f"{done} but {exc}; re-read to see what changed") from None
    except Exception as exc:            # requests' and urllib3's errors, OSError
        raise DeleteFailed(str(transport_error(exc, host_url(client), request, timeout))) from None
    if status >= 400:       # the daemon's own words, whole: predictions compare them
        message = body["message"] if isinstance(body, dict) and isinstance(body.get("message"), str) else ""
        return {"error": {"status": status, "message": message[:MESSAGE_LIMIT] or f"{status} {res.reason}"}}
    try:
        return {"answer": check(endpoint.spec, body)}
    except Invalid as exc:
        where = f" at {exc.path}" if exc.path else ""
        raise DeleteFailed(f"{done} but its answer was malformed{where}: {exc.message}; "
                           "re-read to see what changed") from None


def delete_image(client: Any, ref: str, force: bool, noprune: bool) -> dict[str, Any]:
    """``DELETE /images/{ref}``: ``{"ref", "response"}`` or ``{"ref", "error"}``; DeleteFailed without an answer."""
    path = "/images/" + ref
    got = _send(client, "DELETE", path, client.api._url("/images/{0}", ref), {"force": force, "noprune": noprune},
                answers.DELETE, f"the daemon deleted {ref} ({request_line('DELETE', path)})")
    return {"ref": ref, "error": got["error"]} if "error" in got else {"ref": ref, "response": got["answer"]}


def prune_images(client: Any, filters: dict[str, list[str]]) -> dict[str, Any]:
    """``POST /images/prune``: its answer or ``{"error"}``; DeleteFailed without an answer."""
    got = _send(client, "POST", "/images/prune", client.api._url("/images/prune"),
                {"filters": convert_filters(filters)} if filters else {}, answers.PRUNE,
                "the daemon pruned images (POST /images/prune)")
    return got if "error" in got else got["answer"]
