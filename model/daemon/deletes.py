"""The one place that sends deletes to an engine through the SDK: a container, an image, a prune; answers kept.

docker-py's ``images.remove()`` throws the answer away, so the low-level API is used.  An
engine's refusal (an APIError with a response) is an answer like any other, in the JSON shape
the predictions use; anything else (the daemon went away) raises ``DeleteFailed``."""
from __future__ import annotations

from typing import Any

import docker

from .source import describe_error, host_url


class DeleteFailed(Exception):
    """The request got no answer (the daemon went away) or a container removal was refused; one line."""


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


def delete_image(client: Any, ref: str, force: bool, noprune: bool) -> dict[str, Any]:
    """``DELETE /images/{ref}``: ``{"ref", "response"}`` or ``{"ref", "error"}``; DeleteFailed without an answer."""
    try:
        return {"ref": ref, "response": client.api.remove_image(ref, force=force, noprune=noprune)}
    except Exception as exc:
        err = api_error(exc)
        if err is None:
            raise _failed(exc, client) from None
        return {"ref": ref, "error": err}


def prune_images(client: Any, filters: dict[str, list[str]]) -> dict[str, Any]:
    """``POST /images/prune``: its answer or ``{"error"}``; DeleteFailed without an answer."""
    try:
        return client.api.prune_images(filters=filters)
    except Exception as exc:
        err = api_error(exc)
        if err is None:
            raise _failed(exc, client) from None
        return {"error": err}
