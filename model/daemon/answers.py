"""What each daemon endpoint may answer: a schema, a size limit and a time limit per endpoint, checked where it enters.

Every answer the reader, the event follower and the destructive commands use passes ``read`` (or
``checked``) once, as it arrives: types, ranges (sizes 0 … 2^63-1), ID formats (``sha256:<64 hex>``
where the Engine API guarantees it; Podman sends bare hex for a parent and in history rows),
string lengths and list lengths.  The cleaned answer has every field the reader uses (a missing
optional one gets its default, Go's ``null`` for an empty slice becomes the empty value), so the
code after it trusts its input.  A bad answer is a ``DaemonError`` whose one line names the
request and the JSON path: "the daemon's answer to GET /images/json is malformed at [3].Size:
expected an integer, got 1e999"."""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from ..core.schema import INT64_MAX, Bool, Digest, Field, Int, Invalid, List, Map, Notes, Nullable, Obj, \
    Reference, Spec, Str, describe
from ..core.snapshot import MAX_HISTORY, MAX_LAYERS

Get = Callable[..., tuple[int, Any]]       # GET path (timeout=, limit=) → (status, parsed JSON)

# Time limits.  An interactive read (version, info, the container list, an inspect, a history) that
# gets no byte for READ_TIMEOUT is a daemon that stopped answering.  The image list and /system/df
# size every image on the containerd store (~25-40 s per 1,000 images; moby#31719): /system/df is
# read in the background and the list while the daemon still answers /version (transport.read_while_alive),
# each within BUSY_TIMEOUT.  The destructive calls (deletes, prune) keep LONG_TIMEOUT.
READ_TIMEOUT = 10.0
LONG_TIMEOUT = 120.0
BUSY_TIMEOUT = 600.0

# Size limits, checked before parsing (a bigger answer is refused after reading at most the limit,
# at once when Content-Length announces it).  A list entry is ~0.4 KB on dockerd 20.10 and ~1.5 KB
# with Engine 29's manifests, so LIST_LIMIT holds ~170,000 to 650,000 images, far beyond a host
# this app can draw, while capping what parsing may cost (json makes ~4 bytes of objects per byte).
# One inspect or history comes from one image config (a few KB; a 5,000-row history ~1 MB):
# ANSWER_LIMIT is ~50 times that.
LIST_LIMIT = 256 * 2**20
ANSWER_LIMIT = 64 * 2**20


PLATFORM_LAYERS = "LayerscopePlatformLayers"   # our own key: each platform's layers, kept with the cached inspect


class DaemonError(Exception):
    """The daemon cannot be reached, stopped answering or answered badly; the message is one line for the user."""


# -- naming requests -----------------------------------------------------------------
_ID_IN_PATH = re.compile(r"(sha256:)?([0-9a-f]{12})[0-9a-f]{52}")


def request_line(method: str, path: str) -> str:
    """``GET /images/3f2a1b4c5d6e/json``: the request as the user reads it (no query, IDs shortened)."""
    return f"{method} " + _ID_IN_PATH.sub(r"\2", path.split("?", 1)[0])[:200]


def malformed(request: str, exc: Invalid) -> DaemonError:
    """The one-line error for an answer that does not fit its schema."""
    where = f" at {exc.path}" if exc.path else ""
    return DaemonError(f"the daemon's answer to {request} is malformed{where}: {exc.message}")


# -- parsing -----------------------------------------------------------------------
class JsonNumber(float):
    """A JSON number with a fraction or exponent, kept with its text so a message shows ``1e999``, not ``inf``."""

    text: str

    def __new__(cls, text: str) -> "JsonNumber":
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text[:40]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(body: bytes, request: str) -> Any:
    """The parsed JSON of an answer's body (None when empty); DaemonError "… is not JSON" otherwise."""
    if not body.strip():
        return None
    try:
        return json.loads(body, parse_float=JsonNumber, parse_constant=_no_constant)
    except RecursionError:
        raise DaemonError(f"the daemon's answer to {request} is nested too deeply") from None
    except ValueError:      # JSONDecodeError, NaN/Infinity, bad UTF-8, an integer of over 4,300 digits
        raise DaemonError(f"the daemon's answer to {request} is not JSON") from None


def error_message(body: Any) -> str:
    """The ``message`` of an error answer (``{"message": …}``), one line, or ""."""
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        lines = body["message"].splitlines()
        return lines[0][:300] if lines else ""
    return ""


# -- specs of our own ------------------------------------------------------------------
@dataclass(frozen=True)
class OrEmpty(Spec):
    """``spec``, or null read as ``empty`` (Go writes an empty slice or map as null)."""

    spec: Spec
    empty: Any

    def check(self, value: Any, path: str, notes: Notes) -> Any:
        """The cleaned value; a copy of ``empty`` for null."""
        return copy.deepcopy(self.empty) if value is None else self.spec.check(value, path, notes)


@dataclass(frozen=True)
class DeleteItem(Spec):
    """One line of a delete or prune answer: exactly one of ``{"Untagged": ref}`` or ``{"Deleted": ID}``."""

    def check(self, value: Any, path: str, notes: Notes) -> dict[str, str]:
        """The item, or Invalid."""
        if not isinstance(value, dict):
            raise Invalid(path, f"expected an object, got {describe(value)}")
        if len(value) != 1 or next(iter(value)) not in ("Untagged", "Deleted"):
            keys = ", ".join(str(k)[:20] for k in list(value)[:3]) or "none"
            raise Invalid(path, f"expected one key, Untagged or Deleted; got {keys}")
        (key, text), = value.items()
        spec = _NAME if key == "Untagged" else _ANY_ID
        return {key: spec.check(text, f"{path}.{key}", notes)}


def _opt(spec: Spec, default: Any = None) -> Field:
    return Field(OrEmpty(spec, default) if isinstance(default, (list, dict)) else spec, default=default)


def _req(spec: Spec) -> Field:
    return Field(spec, required=True)


MAX_TEXT = 1 << 20          # a CREATED BY line (a long RUN, a heredoc), a comment, a label value
_TEXT = Str(max_len=MAX_TEXT)
_NAME = Str(max_len=1024)
_SHORT = Str(max_len=256)
_HEX = "[0-9a-f]{64}"
_ANY_ID = Str(max_len=71, pattern=f"(?:sha256:)?{_HEX}")                  # Podman: bare hex
_PARENT = Str(max_len=71, pattern=f"(?:sha256:)?{_HEX}|")                 # "" when the store keeps none
_HISTORY_ID = Str(max_len=71, pattern=f"(?:sha256:)?(?:{_HEX}|<missing>)")
_TIMESTAMP = Int(lo=-(2**63), hi=INT64_MAX)
_DIGESTS = List(Digest(), max_items=MAX_LAYERS)
_STRINGS = List(_TEXT, max_items=100_000)
_PLATFORM = Obj({key: _opt(_SHORT, "") for key in ("os", "architecture", "variant", "os.version")}
                | {"os.features": _opt(List(_SHORT, max_items=64), [])})
_PLATFORM_NONE = {"os": "", "architecture": "", "variant": "", "os.version": "", "os.features": []}
_GRAPH_DRIVER = Obj({"Data": _opt(Map(_TEXT, max_items=64), {})})

# -- the endpoints ---------------------------------------------------------------------
VERSION_SPEC = Obj({
    "ApiVersion": _req(Str(max_len=16, pattern=r"\d{1,4}\.\d{1,4}")),
    "Version": _opt(_SHORT, ""),
    "Components": _opt(List(Obj({"Name": _opt(_SHORT, "")}), max_items=1000), []),
})
INFO_SPEC = Obj({
    "ID": _opt(_SHORT, ""),
    "Driver": _opt(_SHORT, ""),
    "DriverStatus": _opt(List(List(_TEXT, max_items=64), max_items=1000), []),
    "OperatingSystem": _opt(_NAME, ""),
    "DockerRootDir": _opt(Str(max_len=4096), ""),
})
MANIFEST_SPEC = Obj({
    "ID": _req(Digest()),
    "Descriptor": _opt(Obj({"mediaType": _opt(_NAME, ""), "digest": _opt(Digest(), ""), "size": _opt(Int(), 0)}),
                       {"mediaType": "", "digest": "", "size": 0}),
    "Available": _opt(Bool(), False),
    "Kind": _opt(_SHORT, "unknown"),
    "Size": _opt(Obj({"Content": _opt(Int(), 0)}), {"Content": 0}),
    "ImageData": _opt(Obj({"Platform": _opt(_PLATFORM, _PLATFORM_NONE),
                           "Containers": _opt(List(_NAME, max_items=1_000_000), []),
                           "Size": _opt(Obj({"Unpacked": _opt(Int(), 0)}), {"Unpacked": 0})}),
                      {"Platform": _PLATFORM_NONE, "Containers": [], "Size": {"Unpacked": 0}}),
    "AttestationData": _opt(Obj({"For": _opt(Digest(), "")}), {"For": ""}),
})
SUMMARY_SPEC = Obj({
    "Id": _req(Digest()),
    "ParentId": _opt(_PARENT, ""),
    "Created": _opt(_TIMESTAMP, 0),
    "RepoTags": _opt(List(Reference(tagged=True, placeholders=True), max_items=100_000), []),
    "RepoDigests": _opt(List(Reference(tagged=False, placeholders=True), max_items=100_000), []),
    "Size": _opt(Int(), 0),
    "Descriptor": _opt(Obj({"mediaType": _opt(_NAME, ""), "size": _opt(Int(), 0)}), {"mediaType": "", "size": 0}),
    "Manifests": _opt(List(MANIFEST_SPEC, max_items=10_000), []),
})
INSPECT_SPEC = Obj({
    "Id": _req(Digest()),
    "RepoTags": _opt(List(Reference(tagged=True, placeholders=True), max_items=100_000), []),
    "RepoDigests": _opt(List(Reference(tagged=False, placeholders=True), max_items=100_000), []),
    "Parent": _opt(_PARENT, ""),
    "Created": _opt(Str(max_len=64), ""),
    "Size": _opt(Int(), 0),
    "RootFS": _opt(Obj({"Layers": _opt(_DIGESTS, [])}), {"Layers": []}),
    "Author": _opt(_TEXT, ""),
    "Comment": _opt(_TEXT, ""),
    "Config": _opt(Obj({"Cmd": _opt(Nullable(_STRINGS)), "Entrypoint": _opt(Nullable(_STRINGS)),
                        "Labels": _opt(Map(_TEXT), {})}), {"Cmd": None, "Entrypoint": None, "Labels": {}}),
})
HISTORY_ROW_SPEC = Obj({
    "Id": _opt(_HISTORY_ID, "<missing>"),
    "Created": _opt(_TIMESTAMP, 0),
    "CreatedBy": _opt(_TEXT, ""),
    "Size": _opt(Int(), 0),
    "Comment": _opt(_TEXT, ""),
})
CONTAINER_SPEC = Obj({
    "Id": _req(Str(max_len=64, pattern=_HEX)),
    "Names": _opt(List(_NAME, max_items=1000), []),
    "Image": _opt(_NAME, ""),
    "ImageID": _opt(_PARENT, ""),
    "State": _opt(Str(max_len=32), ""),
})
CONTAINER_INSPECT_SPEC = Obj({"Config": _opt(Obj({"Image": _opt(_NAME, "")}), {"Image": ""}),
                              "GraphDriver": _opt(_GRAPH_DRIVER, {"Data": {}})})
LAYER_DIRS_SPEC = Obj({"GraphDriver": _opt(_GRAPH_DRIVER, {"Data": {}})})
# Podman's own list (/libpod/images/json): each image's Digest, the manifest digest it was stored with,
# which the compat API shows only through names (RepoDigests = names × digests)
LIBPOD_IMAGES_SPEC = List(Obj({"Id": _req(_PARENT), "Digest": _opt(Str(max_len=71, pattern=f"sha256:{_HEX}|"), "")}),
                          max_items=1_000_000)
DF_SPEC = Obj({
    "LayersSize": _opt(Nullable(Int())),
    "Images": _opt(List(Obj({"Id": _req(Digest()), "SharedSize": _opt(Int(lo=-1), -1)}), max_items=1_000_000), []),
})
# /system/df with each image's whole summary (the list's fields but Manifests; null tags are []), for a
# first read that takes its listing from df instead of listing twice; and inspect with ``manifests=1``.
DF_LISTED_SPEC = Obj({
    "LayersSize": _opt(Nullable(Int())),
    "Images": _opt(List(Obj(SUMMARY_SPEC.fields | {"SharedSize": _opt(Int(lo=-1), -1)}), max_items=1_000_000), []),
})
INSPECT_MANIFESTS_SPEC = Obj(INSPECT_SPEC.fields | {"Manifests": _opt(List(MANIFEST_SPEC, max_items=10_000), [])})
DELETE_SPEC = List(DeleteItem(), max_items=1_000_000)
PRUNE_SPEC = Obj({"ImagesDeleted": _opt(Nullable(DELETE_SPEC)), "SpaceReclaimed": _req(Int())})
EVENT_SPEC = Obj({
    "Type": _opt(_SHORT, ""),
    "Action": _opt(_TEXT, ""),          # "exec_start: <the whole command>"
    "status": _opt(_TEXT, ""),
    "id": _opt(_NAME, ""),
    "Actor": _opt(Obj({"ID": _opt(_NAME, ""), "Attributes": _opt(Map(_TEXT), {})}),
                  {"ID": "", "Attributes": {}}),
    "time": _opt(_TIMESTAMP, 0),
    "timeNano": _opt(_TIMESTAMP, 0),
})


@dataclass(frozen=True)
class Endpoint:
    """What one endpoint may answer: its schema, the body size it may have and how long it may stay silent."""

    spec: Spec
    limit: int = ANSWER_LIMIT
    timeout: float = READ_TIMEOUT


VERSION = Endpoint(VERSION_SPEC)
INFO = Endpoint(INFO_SPEC)
IMAGES = Endpoint(List(SUMMARY_SPEC), LIST_LIMIT)
INSPECT = Endpoint(INSPECT_SPEC)
HISTORY = Endpoint(List(HISTORY_ROW_SPEC, max_items=MAX_HISTORY))
CONTAINERS = Endpoint(List(CONTAINER_SPEC), LIST_LIMIT)
CONTAINER_INSPECT = Endpoint(CONTAINER_INSPECT_SPEC)
LAYER_DIRS = Endpoint(LAYER_DIRS_SPEC)
DF = Endpoint(DF_SPEC, LIST_LIMIT, BUSY_TIMEOUT)
LIBPOD_IMAGES = Endpoint(LIBPOD_IMAGES_SPEC, LIST_LIMIT)
DF_LISTED = Endpoint(DF_LISTED_SPEC, LIST_LIMIT, BUSY_TIMEOUT)
INSPECT_MANIFESTS = Endpoint(INSPECT_MANIFESTS_SPEC)
DELETE = Endpoint(DELETE_SPEC, timeout=LONG_TIMEOUT)
PRUNE = Endpoint(PRUNE_SPEC, timeout=LONG_TIMEOUT)


def checked(spec: Spec, body: Any, request: str) -> Any:
    """``body`` cleaned by ``spec``; DaemonError naming the request and the JSON path of the first problem."""
    try:
        return spec.check(body, "", Notes())
    except Invalid as exc:
        raise malformed(request, exc) from None


def is_gone(status: int, body: Any) -> bool:
    """An answer saying the image is not there: 404, or dockerd's 500 "layer does not exist" for an image
    whose delete is under way (its layers released, its record not yet gone: the delete event follows)."""
    return status == 404 or (status == 500 and "layer does not exist" in error_message(body))


def read(get: Get, path: str, endpoint: Endpoint, missing_ok: bool = False) -> Any:
    """GET ``path`` and check its answer: the cleaned body; None when ``missing_ok`` and the image is gone.

    Any other status than 200 is a DaemonError with the daemon's own message."""
    status, body = get(path, timeout=endpoint.timeout, limit=endpoint.limit)
    if missing_ok and is_gone(status, body):
        return None
    request = request_line("GET", path)
    if status != 200:
        message = error_message(body)
        raise DaemonError(f"the daemon answered {request} with {status}" + (f": {message}" if message else ""))
    return checked(endpoint.spec, body, request)


# Answers that must agree with each other: the list names each image once, and an image's inspect
# is the image the list named (a daemon answering for another image would make every prediction
# about it wrong: an untag predicted where the daemon answers 409).
def unique_ids(listed: list[dict[str, Any]], request: str) -> None:
    """DaemonError when a listed ``Id`` occurs twice."""
    where: dict[str, int] = {}
    for n, entry in enumerate(listed):
        first = where.setdefault(entry["Id"], n)
        if first != n:
            raise DaemonError(f"the daemon's answer to {request} is malformed at [{n}].Id: "
                              f"the same image as [{first}]")


def same_id(inspect: dict[str, Any], image_id: str, request: str) -> None:
    """DaemonError when an inspect describes another image than the one asked for."""
    if inspect["Id"] != image_id:
        raise DaemonError(f"the daemon's answer to {request} is for another image: Id {describe(inspect['Id'])}, "
                          f"asked for {describe(image_id)}")
