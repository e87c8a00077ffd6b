"""How the reader talks HTTP to an engine: the one GET function per connection kind (raw keep-alive
unix socket, or the SDK's session), every answer bounded in size and time, and each failure worded
as one line that names the request."""
from __future__ import annotations

import dataclasses
import http.client
import json
import os
import queue
import socket
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

from . import answers
from .answers import ANSWER_LIMIT, BUSY_TIMEOUT, READ_TIMEOUT, DaemonError, Get, request_line

CHUNK = 1 << 20              # bytes read from an answer at a time


class DaemonUnreachable(DaemonError):
    """No connection to the daemon could be made: no socket, connection refused, permission denied, unknown host."""


# What connecting raises, somewhere in its exception chain, when no connection was made at all (urllib3's
# ConnectTimeoutError covers TCP: refused, unknown host and no answer to connect; the unix socket raises OSError),
# and what a read that timed out raises.  The SDK's classes count only where the SDK was imported (a reader on a
# local socket never imports it, so none of its exceptions can occur).
def _no_connection() -> tuple[type, ...]:
    plain: tuple[type, ...] = (FileNotFoundError, ConnectionRefusedError, PermissionError, socket.gaierror)
    sdk = sys.modules.get("urllib3.exceptions")
    return plain + ((sdk.ConnectTimeoutError,) if sdk else ())


def _timeouts() -> tuple[type, ...]:
    sdk, requests = sys.modules.get("urllib3.exceptions"), sys.modules.get("requests.exceptions")
    return ((TimeoutError,) + ((sdk.ReadTimeoutError,) if sdk else ())     # socket.timeout is TimeoutError
            + ((requests.Timeout,) if requests else ()))


def describe_error(exc: BaseException, where: str = "", request: str = "") -> str:
    """A one-line, human message for a connection failure (no traceback text), naming the request that met it."""
    text = " ".join(str(e) for e in _chain(exc))
    place = f" at {where}" if where else ""
    during = f" during {request}" if request else ""
    if "Permission denied" in text or isinstance(exc, PermissionError):
        return f"permission denied on the Docker socket{place} (run as root or join the 'docker' group)"
    if "No such file or directory" in text or "FileNotFoundError" in text:
        return f"no Docker daemon{place}: the socket does not exist (is dockerd running?)"
    if "Connection refused" in text:
        return f"no Docker daemon{place}: connection refused (is dockerd running?)"
    if ("Connection aborted" in text or "closed connection" in text or "reset by peer" in text
            or any(isinstance(e, (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionResetError,
                                  BrokenPipeError))
                   for e in _chain(exc))):         # (IncompleteRead: an answer that ended before its last chunk)
        return f"the Docker daemon{place} closed the connection{during} (did it stop?)"
    if "timed out" in text.lower():
        return f"the Docker daemon{place} did not answer{during} in time"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"cannot talk to the Docker daemon{place}{during}: {first[:200]}"


def transport_error(exc: BaseException, where: str, request: str, timeout: float) -> DaemonError:
    """A request that got no (complete) answer, as one line naming it: no connection (DaemonUnreachable),
    silence for ``timeout`` seconds, or anything else the connection met."""
    chain = list(_chain(exc))
    if any(isinstance(e, _no_connection()) for e in chain):
        return connection_error(exc, where)
    if any(isinstance(e, _timeouts()) for e in chain):
        return DaemonError(f"the daemon did not answer {request} within {timeout:g} s")
    return DaemonError(describe_error(exc, where, request))


def connection_error(exc: BaseException, where: str) -> DaemonError:
    """A failure to talk to the daemon at ``where`` as one line: DaemonUnreachable when no connection was made."""
    unreachable = any(isinstance(e, _no_connection()) for e in _chain(exc))
    return (DaemonUnreachable if unreachable else DaemonError)(describe_error(exc, where))


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


# The image list is the one interactive read that is slow by nature: a containerd store
# sizes every image before it sends a byte (~25 s for 1,000 images on Engine 29), so its
# silence alone cannot tell a busy daemon from one that stopped answering.  It is read on
# a thread of its own with BUSY_TIMEOUT while this thread asks /version every half
# READ_TIMEOUT, each within the other half: a daemon that answers is waited for, one that
# does not is reported within READ_TIMEOUT of the last sign of life.
def read_while_alive(get: Get, path: str, endpoint: answers.Endpoint) -> Any:
    """``answers.read`` of a slow endpoint, given BUSY_TIMEOUT as long as the daemon answers /version."""
    done = threading.Event()
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append((True, answers.read(get, path, dataclasses.replace(endpoint, timeout=BUSY_TIMEOUT))))
        except BaseException as exc:      # handed to the waiting thread, which raises it
            outcome.append((False, exc))
        done.set()

    threading.Thread(target=work, name="layerscope-list", daemon=True).start()
    half = READ_TIMEOUT / 2
    while not done.wait(half):
        try:
            get("/version", timeout=half)
        except DaemonError:
            if done.is_set():
                break
            raise DaemonError(f"the daemon stopped answering: no answer to {request_line('GET', path)}, nor to "
                              f"GET /version within {READ_TIMEOUT:g} s") from None
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


# Every request of the reader goes through one GET function: UnixFetcher.get on a
# local unix socket, sdk_get elsewhere.  Both bound what they take: a body larger than
# the endpoint's limit is refused after reading at most that much (at once when
# Content-Length announces it), a non-JSON body is named as such, and silence for the
# endpoint's timeout is "did not answer … within N s".  They answer (status, parsed
# JSON); answers.read then checks the status and the schema.
def read_body(read: Callable[[int], bytes], length: int | None, limit: int, request: str) -> bytearray:
    """At most ``limit`` bytes of an answer, read ``CHUNK`` at a time; DaemonError when there are more."""
    too_large = DaemonError(f"the daemon's answer to {request} is larger than {limit // 2**20} MiB")
    if length is not None and length > limit:
        raise too_large
    body = bytearray()
    while True:
        chunk = read(min(CHUNK, limit + 1 - len(body)))
        if not chunk:
            return body
        body += chunk
        if len(body) > limit:
            raise too_large


def parsed(status: int, body: bytes, request: str) -> Any:
    """The JSON of a body: a success must be JSON; an error answer that is not gives None (its status says it)."""
    if 200 <= status < 300:
        return answers.parse_body(body, request)
    try:
        return answers.parse_body(body, request)
    except DaemonError:
        return None


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over a unix socket; reconnects there (not to TCP) after the daemon closed a connection."""

    def __init__(self, socket_path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        """Open the unix socket."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


# Reading 1,000 images costs 2,000 calls (inspect + history).  docker-py's
# requests stack spends ~2 ms of Python per call, so on a local unix socket we
# read the (immutable) per-image data over raw keep-alive HTTP connections, a
# few in parallel so the daemon's cores work while Python parses; everything
# else, and every non-unix host (tcp, TLS, ssh), goes through the SDK.  An
# image is content-addressed, so its inspect/history never change while its
# ID exists: results are kept in an on-disk cache and a second start only
# lists images and reads the new ones.
class UnixFetcher:
    """Raw keep-alive HTTP GETs over a unix socket, one connection per thread (unversioned paths without
    ``api_version``)."""

    def __init__(self, socket_path: str, api_version: str | None) -> None:
        self.socket_path, self.prefix = socket_path, f"/v{api_version}" if api_version else ""
        self.where = f"unix://{socket_path}"
        self.local = threading.local()

    def get(self, path: str, timeout: float = READ_TIMEOUT, limit: int = ANSWER_LIMIT) -> tuple[int, Any]:
        """GET path → (status, parsed JSON body), bounded in time and size."""
        request = request_line("GET", path)
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = _UnixConnection(self.socket_path, timeout)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        try:
            conn.request("GET", self.prefix + path)
            resp = conn.getresponse()
            body = read_body(resp.read, resp.length, limit, request)
        except Exception as exc:
            conn.close()            # whatever is left unread makes the connection unusable
            self.local.conn = None
            if isinstance(exc, DaemonError):
                raise
            raise transport_error(exc, self.where, request, timeout) from None
        return resp.status, parsed(resp.status, body, request)


NEWEST_API = (1, 55)         # the newest Engine API this reader knows (Engine 29); older servers speak their own
DEFAULT_SOCKET = "/var/run/docker.sock"


def api_tuple(version: str) -> tuple[int, int]:
    """"1.47" → (1, 47); anything unreadable → (0, 0)."""
    major, _, minor = version.partition(".")
    return (int(major), int(minor)) if major.isdigit() and minor.isdigit() else (0, 0)


def negotiate(server_version: str) -> str:
    """The API version to speak: the server's own, capped at the newest this reader knows (as the docker CLI does)."""
    server = api_tuple(server_version)
    return server_version if server != (0, 0) and server <= NEWEST_API else "%d.%d" % NEWEST_API


# Which daemon, without the SDK.  The docker CLI's order: --host, else DOCKER_HOST,
# else the current context (DOCKER_CONTEXT, else ``currentContext`` in the CLI's
# config.json), whose "default" is the local socket.  Only a unix socket reached
# without TLS is read here; every other address (tcp, TLS, ssh, a named context)
# is the SDK's (model/daemon/sdk.py), and so is a config this cannot read.
def local_socket(host: str | None) -> str | None:
    """The unix socket the daemon is read at when no SDK feature is needed; None when the SDK must decide."""
    if not host and os.environ.get("DOCKER_HOST"):
        host = os.environ["DOCKER_HOST"]
        if os.environ.get("DOCKER_TLS_VERIFY"):
            return None
    if not host:
        if _current_context() != "default":
            return None
        host = "unix://" + DEFAULT_SOCKET
    return host[len("unix://"):] if host.startswith("unix:///") else None


def _current_context() -> str | None:
    """DOCKER_CONTEXT, else the CLI config's currentContext, else "default"; None for a config that cannot be read."""
    if os.environ.get("DOCKER_CONTEXT"):
        return os.environ["DOCKER_CONTEXT"]
    config = Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker") / "config.json"
    try:
        with open(config, "rb") as f:
            data = json.loads(f.read(1 << 20))
    except FileNotFoundError:
        return "default"
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    name = data.get("currentContext") or "default"
    return name if isinstance(name, str) else None


class Link:
    """How the reader reaches one daemon: its address, the API version spoken and the one bounded GET.

    On a local unix socket no SDK is imported; the docker SDK client (deletes, events, ``docker save``)
    is made on first use of ``sdk``, or given when the address needed it from the start."""

    def __init__(self, host: str | None, where: str, api_version: str, get: Get,
                 socket_path: str | None = None, client: Any = None) -> None:
        self.host, self.where, self.api_version, self.get = host, where, api_version, get
        self.socket_path, self._client = socket_path, client

    @property
    def sdk(self) -> Any:
        """The docker SDK client for this daemon (made on first use)."""
        if self._client is None:
            from .sdk import connect_client
            self._client = connect_client(self.host or self.where)
        return self._client

    def close(self) -> None:
        """Close the SDK client, if one was made."""
        if self._client is not None:
            self._client.close()


def open_unix(socket_path: str, host: str | None = None) -> Link:
    """A Link over the raw unix socket: the server's API version read from its unversioned /version."""
    where = f"unix://{socket_path}"
    version = answers.read(UnixFetcher(socket_path, None).get, "/version", answers.VERSION)["ApiVersion"]
    api = negotiate(version)
    return Link(host, where, api, UnixFetcher(socket_path, api).get, socket_path=socket_path)


# Reading ahead.  A socket buffers a few hundred kB, so a reader that works on each chunk
# before asking for the next one stalls the daemon for as long as it works: a `docker save`
# read that way takes the daemon's time PLUS ours.  A thread of its own reads the stream
# (socket reads let go of the interpreter lock) up to `depth` chunks ahead of the reader,
# so the daemon keeps sending while the chunks already read are worked on, and memory stays
# bounded by depth × chunk.  What the reading raises is raised to the reader, in order.
class ReadAhead:
    """The chunks of ``chunks``, read by a thread of its own up to ``depth`` ahead; close() stops it."""

    _END = object()

    def __init__(self, chunks: Iterator[bytes], depth: int = 16) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(chunks,), name="read-ahead", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _read(self, chunks: Iterator[bytes]) -> None:
        item: object = self._END
        try:
            for chunk in chunks:
                if not self._put(chunk):
                    break
        except BaseException as exc:  # delivered to the reader, which raises it
            item = exc
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        self._put(item)

    def __iter__(self) -> "ReadAhead":
        return self

    def __next__(self) -> bytes:
        item = self._queue.get()
        if item is self._END:
            raise StopIteration
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        """Stop reading (the stream is closed by the reading thread as it stops)."""
        self._stop.set()
        self._thread.join(timeout=1.0)
