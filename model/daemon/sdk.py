"""The docker SDK's side of talking to an engine: addresses that need it (tcp, TLS, ssh, docker contexts), the
client deletes, events and ``docker save`` use, and the SDK's session as a bounded GET.  Imported only there:
a reader on a local unix socket never loads the SDK (``transport.open_unix``)."""
from __future__ import annotations

import os
from typing import Any

import docker
import requests
from docker.context import ContextAPI
from docker.utils import kwargs_from_env

from . import answers
from .answers import ANSWER_LIMIT, READ_TIMEOUT, DaemonError, Get, request_line
from .transport import Link, UnixFetcher, connection_error, negotiate, parsed, read_body, transport_error


def resolve_host(host: str | None = None) -> tuple[str | None, Any]:
    """Which daemon to use: --host, else DOCKER_HOST (+TLS vars), else the current docker context."""
    env = kwargs_from_env()
    if host:
        return host, env.get("tls")
    if os.environ.get("DOCKER_HOST"):
        return env.get("base_url"), env.get("tls")
    try:
        ctx = ContextAPI.get_current_context()
    except Exception:  # a broken ~/.docker/config.json must not stop us; fall back to the default socket
        ctx = None
    if ctx is not None and ctx.Host:
        return ctx.Host, ctx.TLSConfig or env.get("tls")
    return None, env.get("tls")


def _unusable_settings(exc: Exception) -> str:
    """One line for settings the SDK refuses (TLSParameterError: DOCKER_TLS_VERIFY / DOCKER_CERT_PATH name no certs)."""
    settings = ", ".join(f"{k}={os.environ[k]}" for k in ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")
                         if os.environ.get(k))
    certs = os.environ.get("DOCKER_CERT_PATH") or os.path.join(os.path.expanduser("~"), ".docker")
    missing = [f for f in ("ca.pem", "cert.pem", "key.pem") if not os.path.isfile(os.path.join(certs, f))]
    reason = (f"no {', '.join(missing)} in {certs}" if missing
              else (str(exc).split(". ")[0].splitlines() or [type(exc).__name__])[0][:200])
    return f"cannot use the Docker client settings ({settings or 'defaults'}): {reason}"


def connect_client(host: str | None = None, timeout: int = 120) -> docker.DockerClient:
    """A docker SDK client for the chosen daemon; raises DaemonError if it does not answer (DaemonUnreachable
    when no connection could be made)."""
    try:
        base_url, tls = resolve_host(host)
    except Exception as exc:  # the SDK checks the TLS variables here
        raise DaemonError(_unusable_settings(exc)) from None
    try:
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the session's CA (requests#3829),
        # which would replace the daemon's own CA from DOCKER_CERT_PATH: trust only the TLS config.
        # So the client is made with a placeholder version, env trust is switched off, and the API
        # version is then negotiated as docker-py's "auto" does (the server's ApiVersion).
        client = docker.DockerClient(base_url=base_url, tls=tls or False, timeout=timeout,
                                     version=docker.constants.DEFAULT_DOCKER_API_VERSION)
        client.api.trust_env = False
        client.api._version = negotiate(server_api_version(client))
        return client
    except DaemonError:
        raise
    except Exception as exc:  # the SDK raises DockerException, requests errors or OSError
        raise connection_error(exc, base_url or "unix:///var/run/docker.sock") from None


def server_api_version(client: docker.DockerClient) -> str:
    """The ApiVersion the server speaks, from its unversioned ``/version``, read like every other answer."""
    return answers.read(sdk_get(client, versioned=False), "/version", answers.VERSION)["ApiVersion"]


def host_url(client: docker.DockerClient) -> str:
    """The daemon's address as the user would write it (unix:///path, tcp://host:port)."""
    socket_path = getattr(getattr(client.api, "_custom_adapter", None), "socket_path", None)
    return f"unix://{socket_path}" if socket_path else client.api.base_url


def link_of(client: docker.DockerClient) -> Link:
    """A Link reading through this SDK client: raw keep-alive HTTP on a local socket, the SDK's session elsewhere."""
    socket_path = getattr(getattr(client.api, "_custom_adapter", None), "socket_path", None)
    get = UnixFetcher(socket_path, client.api._version).get if socket_path else sdk_get(client)
    return Link(None, host_url(client), client.api._version, get, socket_path=socket_path, client=client)


def read_response(res: requests.Response, request: str, limit: int) -> tuple[int, Any]:
    """(status, parsed JSON) of a streamed SDK response, its body bounded like every answer."""
    try:
        length = res.headers.get("Content-Length")
        body = read_body(lambda n: res.raw.read(n, decode_content=True),
                         int(length) if length and length.isdigit() else None, limit, request)
    finally:
        res.close()
    return res.status_code, parsed(res.status_code, body, request)


def sdk_get(client: docker.DockerClient, versioned: bool = True) -> Get:
    """A GET function (path → status, parsed JSON) over the SDK's session (tcp, TLS, ssh, unix), bounded like
    UnixFetcher.get."""
    where = host_url(client)

    def get(path: str, timeout: float = READ_TIMEOUT, limit: int = ANSWER_LIMIT) -> tuple[int, Any]:
        request = request_line("GET", path)
        try:
            res = client.api._get(client.api._url(path, versioned_api=versioned), stream=True, timeout=timeout)
            return read_response(res, request, limit)
        except DaemonError:
            raise
        except Exception as exc:    # requests' and urllib3's errors, OSError
            raise transport_error(exc, where, request, timeout) from None
    return get
