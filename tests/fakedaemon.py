"""The suite's own fake Docker daemon: answers recorded from a real dockerd, served back with one fault at a time.

``record`` makes a small store on the private dockerd (a base, a child built on it with its
intermediates, a tagged twin of the child, a dangling image, one stopped container), reads
every endpoint the reader uses and keeps the bodies; then it sends ``DELETE /images/twin:1``
and ``POST /images/prune`` and keeps those answers too.  ``FakeDaemon`` serves that recording
over HTTP/1.1 on a private unix socket; with a ``Fault`` set, the one endpoint it names
answers badly (null, the wrong shape, wrong types, bad sizes, mismatched IDs, not JSON, 500,
slowly, hugely, or by closing the connection) and everything else answers as recorded.
Deletes and prunes change nothing: the fake always answers from the recording."""
from __future__ import annotations

import copy
import http.server
import json
import os
import re
import socketserver
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import builders

# The endpoints the reader and the destructive commands use, as the fake names them, and
# the request each stands for in the reader's one-line errors.
VERSION, INFO, IMAGES, INSPECT, HISTORY, CONTAINERS, CONTAINER, DF = (
    "version", "info", "images", "inspect", "history", "containers", "container", "df")
DELETE, PRUNE = "delete", "prune"
REQUEST = {VERSION: "GET /version", INFO: "GET /info", IMAGES: "GET /images/json", INSPECT: "GET /images/",
           HISTORY: "GET /images/", CONTAINERS: "GET /containers/json", CONTAINER: "GET /containers/",
           DF: "GET /system/df", DELETE: "DELETE /images/", PRUNE: "POST /images/prune"}
ENDPOINT_TAIL = {INSPECT: "/json", HISTORY: "/history", CONTAINER: "/json"}

RMI_REF = "twin:1"                    # the delete the recording makes (its tag only: the child keeps child:1)
SLOW_SECONDS = 30.0
HUGE_BYTES = 300_000_000              # "huge": announced with Content-Length and streamed
CHUNK = 1 << 20
_INFINITE = "\x00raw:1e999\x00"       # json.dumps cannot write 1e999; this placeholder is swapped in as text
_DROP = object()                      # a field fault that removes the key
_VERSION_PREFIX = re.compile(r"^/v\d+\.\d+(?=/)")
CONTAINERD_DRIVER = ["driver-type", "io.containerd.snapshotter.v1"]


# -- recording ----------------------------------------------------------------
@dataclass
class Recording:
    """Bodies of a real dockerd's answers, by endpoint (inspect, history and container inspect by ID)."""

    answers: dict[str, Any]
    by_id: dict[str, dict[str, Any]]           # endpoint → ID → body
    names: dict[str, str]                      # role (base, child, dangling, container) → ID

    def to_json(self) -> dict[str, Any]:
        """The recording as JSON."""
        return {"answers": self.answers, "by_id": self.by_id, "names": self.names}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Recording":
        """A recording saved by to_json."""
        return cls(data["answers"], data["by_id"], data["names"])


def make_store(client: Any) -> dict[str, str]:
    """The recorded store on an empty daemon: role → ID."""
    names = {"base": builders.import_image(client, "base:1", {"opt/base": builders.noise(3000, 1)})}
    names["child"] = builders.build(client, "FROM base:1\nRUN echo child > /child\nENV CHILD=1\n", tag="child:1")
    client.api.tag("child:1", "twin", "1")
    names["dangling"] = builders.build(client, "FROM base:1\nRUN echo one > /d\n", tag="dangle:1")
    builders.build(client, "FROM base:1\nRUN echo two > /d\n", tag="dangle:1")   # the first loses its tag
    names["container"] = builders.run_container(client, "child:1", name="stopped", running=False)
    return names


def record(client: Any) -> Recording:
    """Make the store on the (empty) daemon, read every endpoint the reader uses, then rmi and prune it."""
    names = make_store(client)

    def get(path: str, versioned: bool = True) -> Any:
        res = client.api._get(client.api._url(path, versioned_api=versioned))
        client.api._raise_for_status(res)
        return res.json()

    answers = {VERSION: get("/version", versioned=False), INFO: get("/info"),
               IMAGES: get("/images/json?all=1"), CONTAINERS: get("/containers/json?all=1"),
               DF: get("/system/df?type=image")}
    by_id: dict[str, dict[str, Any]] = {INSPECT: {}, HISTORY: {}, CONTAINER: {}}
    for summary in answers[IMAGES]:
        by_id[INSPECT][summary["Id"]] = get(f"/images/{summary['Id']}/json")
        by_id[HISTORY][summary["Id"]] = get(f"/images/{summary['Id']}/history")
    for ctr in answers[CONTAINERS]:
        by_id[CONTAINER][ctr["Id"]] = get(f"/containers/{ctr['Id']}/json")
    answers[DELETE] = client.api.remove_image(RMI_REF)
    answers[PRUNE] = client.api.prune_images()
    return Recording(answers, by_id, names)


def recorded(private_daemon: Any, tmp_path_factory: Any) -> Recording:
    """The session's recording: made once on the private dockerd (emptied before and after), then read back."""
    path = Path(tmp_path_factory.getbasetemp()) / "fakedaemon-recording.json"
    if not path.exists():
        if private_daemon.proc is None or private_daemon.proc.poll() is not None:
            private_daemon.start()
        private_daemon.wipe()
        from model.daemon.source import connect
        try:
            rec = record(connect(private_daemon.url))
        finally:
            private_daemon.wipe()
        path.write_text(json.dumps(rec.to_json()))
    return Recording.from_json(json.loads(path.read_text()))


# -- faults ---------------------------------------------------------------------
# Body faults replace the whole answer; field faults replace (or drop) one value at a
# JSON path of the recorded answer — for the lists and the inspects of every image, the
# same path in each; transport faults change how the answer is sent.
# SLOW answers after SLOW_SECONDS (a busy daemon: others it still answers); STALL never answers it nor anything
# asked after it (a daemon that stopped answering).
# DELETING is dockerd's answer for an image whose delete is under way (not in the catalogue: it is no fault).
NULL, WRONG_SHAPE, NOT_JSON, STATUS_500, SLOW, STALL, HUGE, ENDLESS, CLOSE, DELETING = (
    "null", "wrong-shape", "not-json", "status-500", "slow", "stall", "huge", "endless", "close", "deleting")
TRANSPORT = (STATUS_500, SLOW, HUGE, ENDLESS, CLOSE)
BAD_SIZES = {"string": "12", "non-numeric": "big", "infinite": _INFINITE, "negative": -7,
             "over-int64": 2 ** 63, "fraction": 12.5}
OTHER_ID = "sha256:" + "e" * 64


def _size_faults(path: tuple) -> list[tuple[str, tuple, Any]]:
    return [(f"size-{name}", path, value) for name, value in BAD_SIZES.items()]


FIELD_FAULTS: dict[str, list[tuple[str, tuple, Any]]] = {
    VERSION: [("int-for-string", ("ApiVersion",), 141), ("object-for-list", ("Components",), {}),
              ("list-for-object", ("Components", 0), [])],
    INFO: [("int-for-string", ("ID",), 5), ("object-for-list", ("DriverStatus",), {}),
           ("long-string", ("Driver",), "o" * 100_000), ("list-for-string", ("DockerRootDir",), [])],
    IMAGES: [*_size_faults((0, "Size")), ("list-for-object", (0,), []), ("bad-id", (0, "Id"), "abc"),
             ("no-id", (0, "Id"), _DROP), ("string-for-list", (0, "RepoTags"), "x:1"),
             ("int-in-tags", (0, "RepoTags"), [5]), ("string-for-int", (0, "Created"), "yesterday")],
    INSPECT: [*_size_faults(("Size",)), ("mismatched-id", ("Id",), OTHER_ID), ("no-id", ("Id",), _DROP),
              ("list-for-object", ("Config",), []), ("rootfs-list", ("RootFS",), []),
              ("bad-layer", ("RootFS", "Layers"), [5]), ("labels-list", ("Config", "Labels"), ["a"]),
              ("cmd-string", ("Config", "Cmd"), "sh")],
    HISTORY: [*_size_faults((0, "Size")), ("list-for-object", (0,), []), ("int-for-string", (0, "CreatedBy"), 5),
              ("string-for-int", (0, "Created"), "now")],
    CONTAINERS: [("no-id", (0, "Id"), _DROP), ("list-for-object", (0,), []), ("int-for-string", (0, "Id"), 5),
                 ("string-for-list", (0, "Names"), "/stopped"), ("int-for-state", (0, "State"), 3)],
    DF: [*_size_faults(("LayersSize",)), ("object-for-list", ("Images",), {}),
         ("shared-size-string", ("Images", 0, "SharedSize"), "big")],
    DELETE: [("int-for-string", (0, "Untagged"), 5), ("int-row", (0,), 5)],
    PRUNE: [*_size_faults(("SpaceReclaimed",)), ("object-for-list", ("ImagesDeleted",), {}),
            ("int-for-string", ("ImagesDeleted", 0, "Deleted"), 5)],
}
# The body faults each endpoint meets (a delete or prune is not slow, huge or endless: those keep a long limit;
# the image list is waited for while the daemon answers, so a silent one is a daemon that stalled).
BODY_FAULTS = {**{e: (NULL, WRONG_SHAPE, NOT_JSON, *TRANSPORT) for e in (VERSION, INFO, INSPECT, HISTORY,
                                                                          CONTAINERS, DF)},
               IMAGES: (NULL, WRONG_SHAPE, NOT_JSON, STATUS_500, STALL, HUGE, ENDLESS, CLOSE),
               DELETE: (NULL, WRONG_SHAPE, NOT_JSON, CLOSE), PRUNE: (NULL, WRONG_SHAPE, NOT_JSON, CLOSE)}


@dataclass(frozen=True)
class Fault:
    """One bad answer: which endpoint, what goes wrong (a body fault name, or a field fault's path and value)."""

    endpoint: str
    name: str
    path: tuple | None = None        # a field fault: where in the recorded body
    value: Any = None

    @property
    def id(self) -> str:
        """A short name for test IDs: ``inspect:size-negative``."""
        return f"{self.endpoint}:{self.name}"

    @property
    def request(self) -> str:
        """The start of the request line the reader's error must name (``GET /images/``)."""
        return REQUEST[self.endpoint]

    @property
    def tail(self) -> str:
        """The end of the path the error must name (``/json``, ``/history``), or ""."""
        return ENDPOINT_TAIL.get(self.endpoint, "")


def faults(endpoints: tuple[str, ...] | None = None) -> list[Fault]:
    """Every fault of the catalogue (or of ``endpoints``): body and transport faults, then field faults."""
    out = []
    for endpoint in endpoints or tuple(BODY_FAULTS):
        out += [Fault(endpoint, name) for name in BODY_FAULTS[endpoint]]
        out += [Fault(endpoint, name, path, value) for name, path, value in FIELD_FAULTS.get(endpoint, ())]
    return out


def _set(body: Any, path: tuple, value: Any) -> Any:
    """``body`` with the value at ``path`` replaced (or dropped); the whole body when path is ()."""
    if not path:
        return value
    body = copy.deepcopy(body)
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    if value is _DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return body


def _wrong_shape(body: Any) -> Any:
    return [] if isinstance(body, dict) else {}


def encode(body: Any) -> bytes:
    """JSON as a Go daemon writes it, with the 1e999 placeholder written as the bare number."""
    return json.dumps(body).replace(json.dumps(_INFINITE), "1e999").encode()


# -- the server -------------------------------------------------------------------
class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True        # a slow answer never holds up stop()
    block_on_close = False
    fake: "FakeDaemon"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up on a slow or huge answer is expected: say nothing."""


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:   # noqa: A002 - the base class's name
        """Quiet (and a unix socket has no client address to log)."""

    def do_GET(self) -> None:
        self.server.fake.answer(self, "GET")

    def do_DELETE(self) -> None:
        self.server.fake.answer(self, "DELETE")

    def do_POST(self) -> None:
        self.server.fake.answer(self, "POST")

    def do_HEAD(self) -> None:
        self.server.fake.answer(self, "HEAD")


@dataclass
class FakeDaemon:
    """Serve a Recording on ``root/fake.sock``, with at most one Fault at a time."""

    recording: Recording
    root: Path
    fault: Fault | None = None
    containerd: bool = False             # claim the containerd image store (so the reader reads /system/df)
    requests: list[str] = field(default_factory=list)   # "GET /images/json", as received (version prefix removed)
    streamed: int = 0                    # bytes of huge and endless bodies written before the reader hung up

    def __post_init__(self) -> None:
        self.socket = self.root / "fake.sock"
        self.url = f"unix://{self.socket}"
        self._stopping = threading.Event()
        self._stalled = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "FakeDaemon":
        """Listen on the socket in a thread."""
        self.root.mkdir(parents=True, exist_ok=True)
        if self.socket.exists():
            self.socket.unlink()
        self._server = _Server(str(self.socket), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-daemon",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, end slow and endless answers, remove the socket."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
        if self.socket.exists():
            self.socket.unlink()

    def __enter__(self) -> "FakeDaemon":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- routing
    def route(self, method: str, path: str) -> tuple[str, str]:
        """(endpoint, ID or ref) of a request path; endpoint "" when the fake does not know it."""
        path = _VERSION_PREFIX.sub("", path.split("?", 1)[0])
        parts = path.strip("/").split("/")
        if method in ("GET", "HEAD"):
            simple = {"_ping": "ping", "version": VERSION, "info": INFO, "images/json": IMAGES,
                      "containers/json": CONTAINERS, "system/df": DF}
            if "/".join(parts) in simple:
                return simple["/".join(parts)], ""
            if len(parts) == 3 and parts[0] == "images" and parts[2] in ("json", "history"):
                return (INSPECT if parts[2] == "json" else HISTORY), parts[1]
            if len(parts) == 3 and parts[0] == "containers" and parts[2] == "json":
                return CONTAINER, parts[1]
        if method == "DELETE" and len(parts) >= 2 and parts[0] == "images":
            return DELETE, "/".join(parts[1:])
        if method == "POST" and parts == ["images", "prune"]:
            return PRUNE, ""
        return "", ""

    def _lookup(self, endpoint: str, key: str) -> Any:
        """The recorded body of a per-ID endpoint (ID with or without sha256:, or a unique prefix); None if unknown."""
        table = self.recording.by_id[endpoint]
        bare = key.removeprefix("sha256:")
        hits = [v for k, v in table.items() if k.removeprefix("sha256:").startswith(bare)] if bare else []
        return hits[0] if len(hits) == 1 else None

    def healthy(self, endpoint: str, key: str) -> tuple[int, Any]:
        """The recorded (status, body) of a request."""
        if endpoint == "ping":
            return 200, "OK"
        if endpoint in (INSPECT, HISTORY, CONTAINER):
            body = self._lookup(endpoint, key)
            return (200, body) if body is not None else (404, {"message": f"No such image: {key}"})
        if endpoint == DELETE and key != RMI_REF:
            return 404, {"message": f"No such image: {key}"}
        body = self.recording.answers[endpoint]
        if endpoint == INFO and self.containerd:
            body = dict(body, DriverStatus=[*(body.get("DriverStatus") or []), CONTAINERD_DRIVER])
        return 200, body

    # -- answering
    def answer(self, handler: _Handler, method: str) -> None:
        """Answer one request: as recorded, or with the fault when it names this endpoint."""
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            handler.rfile.read(length)
        endpoint, key = self.route(method, handler.path)
        self.requests.append(f"{method} {_VERSION_PREFIX.sub('', handler.path.split('?', 1)[0])}")
        if self._stalled.is_set():
            self._stopping.wait()
            return None
        if not endpoint:
            return self._send(handler, 404, encode({"message": "page not found"}))
        status, body = self.healthy(endpoint, key)
        fault = self.fault if self.fault is not None and self.fault.endpoint == endpoint and status == 200 else None
        if endpoint == "ping":
            return self._send(handler, 200, b"OK", "text/plain")
        if fault is None:
            return self._send(handler, status, encode(body))
        if fault.path is not None:
            return self._send(handler, 200, encode(_set(body, fault.path, fault.value)))
        if fault.name == NULL:
            return self._send(handler, 200, b"null")
        if fault.name == WRONG_SHAPE:
            return self._send(handler, 200, encode(_wrong_shape(body)))
        if fault.name == NOT_JSON:
            return self._send(handler, 200, b"<html>502 Bad Gateway</html>", "application/json")
        if fault.name == DELETING:
            return self._send(handler, 500, encode({"message": "layer does not exist"}))
        if fault.name == STATUS_500:
            return self._send(handler, 500, encode({"message": "fake daemon: injected failure"}))
        if fault.name == SLOW:
            if not self._stopping.wait(SLOW_SECONDS):
                self._send(handler, status, encode(body))
            return None
        if fault.name == STALL:
            self._stalled.set()
            self._stopping.wait()
            return None
        if fault.name == CLOSE:
            handler.close_connection = True
            return None
        return self._stream(handler, fault.name == HUGE)

    def _send(self, handler: _Handler, status: int, data: bytes, ctype: str = "application/json") -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Api-Version", "1.41")
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(data)

    def _stream(self, handler: _Handler, sized: bool) -> None:
        """A JSON list that never fits: HUGE_BYTES with Content-Length (huge), or chunked without end (endless)."""
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if sized:
            handler.send_header("Content-Length", str(HUGE_BYTES))
        else:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.close_connection = True
        row = b'{"Id":"sha256:' + b"0" * 64 + b'","Size":1},'
        block = b"[" + row * (CHUNK // len(row))
        sent = 0
        for data in _blocks(block, row * (CHUNK // len(row))):
            if self._stopping.is_set() or (sized and sent >= HUGE_BYTES):
                break
            if sized:
                data = data[:HUGE_BYTES - sent]
            try:
                handler.wfile.write(data if sized else b"%x\r\n%s\r\n" % (len(data), data))
            except OSError:       # the reader hung up, as it should
                return
            sent += len(data)
            self.streamed += len(data)


def _blocks(first: bytes, rest: bytes) -> Iterator[bytes]:
    yield first
    while True:
        yield rest


def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment for ``python main.py … --host unix://SOCK`` against a fake: no cache, no docker context."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env.update(LAYERSCOPE_NO_CACHE="1", LAYERSCOPE_STATE=str(tmp_path / "state"),
               DOCKER_CONFIG=str(tmp_path / "no-docker-config"))
    return env
