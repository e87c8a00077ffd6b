"""Declarative checks for JSON that enters from outside (snapshot files, daemon answers, the image cache).

Each spec checks one value and returns it cleaned (defaults filled in, unknown keys dropped); the first
problem raises ``Invalid`` naming its JSON path.  Repairable problems (an unknown key, where a spec asks
to be told) are collected in ``Notes`` instead.  Specs never recurse into data they do not describe, so
their depth is the schema's, not the input's.

(A hand-written checker rather than jsonschema or pydantic: it costs no import time on the headless
commands' start, its messages name the path the way the user reads the file, and it does the range
and format checks in one pass that builds the cleaned value the model then trusts.)"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from .reference import InvalidReference, parse

INT64_MAX = 2**63 - 1
_MISSING = object()


class Invalid(ValueError):
    """A value that does not fit its spec; ``path`` names where (``images[3].repo_tags[0]``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or '(top level)'}: {message}")
        self.path, self.message = path, message


@dataclass
class Notes:
    """Repairs made while checking: one line per kind of problem, with how often it occurred."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    first: dict[tuple[str, str], str] = field(default_factory=dict)

    def warn(self, path: str, message: str) -> None:
        """Record a repair at ``path`` (indices are folded so 1,000 alike repairs make one line)."""
        key = (re.sub(r"\[\d+\]", "[*]", path), message)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.first.setdefault(key, path)

    def lines(self) -> list[str]:
        """The repairs, one line each: ``images[2].foo: unknown field ignored (and 3 more alike)``."""
        out = []
        for key, n in self.counts.items():
            more = f" (and {n - 1} more alike)" if n > 1 else ""
            out.append(f"{self.first[key]}: {key[1]}{more}")
        return out


def describe(value: Any) -> str:
    """A short, safe rendering of an offending value for a one-line message."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    text = "null" if value is None else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def join(path: str, key: str | int) -> str:
    """``path`` extended by an object key or a list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Spec:
    """One kind of value; ``check`` returns it cleaned or raises Invalid."""

    def check(self, value: Any, path: str, notes: Notes) -> Any:  # pragma: no cover - abstract
        """The cleaned value, or Invalid."""
        raise NotImplementedError


@dataclass(frozen=True)
class Str(Spec):
    """A string of at most ``max_len`` characters, optionally matching ``pattern`` in full."""

    max_len: int = 4096
    pattern: str | None = None

    def check(self, value: Any, path: str, notes: Notes) -> str:
        """The string, or Invalid."""
        if not isinstance(value, str):
            raise Invalid(path, f"expected a string, got {describe(value)}")
        if len(value) > self.max_len:
            raise Invalid(path, f"longer than {self.max_len} characters")
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise Invalid(path, f"not a valid value: {describe(value)}")
        return value


DIGEST_PATTERN = r"sha256:[0-9a-f]{64}"


def Digest() -> Str:  # noqa: N802 - reads as a spec like the classes
    """A ``sha256:<64 hex>`` digest (image ID, diff ID, chain ID, manifest digest)."""
    return Str(max_len=71, pattern=DIGEST_PATTERN)


@dataclass(frozen=True)
class Int(Spec):
    """An integer in ``lo`` … ``hi`` (booleans and floats refused); sizes default to 0 … 2^63-1."""

    lo: int = 0
    hi: int = INT64_MAX

    def check(self, value: Any, path: str, notes: Notes) -> int:
        """The integer, or Invalid."""
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(path, f"expected an integer, got {describe(value)}")
        if not self.lo <= value <= self.hi:
            span = "0 … 2^63-1" if (self.lo, self.hi) == (0, INT64_MAX) else f"{self.lo} … {self.hi}"
            raise Invalid(path, f"out of range {span}: {describe(value)}")
        return value


@dataclass(frozen=True)
class Bool(Spec):
    """true or false."""

    def check(self, value: Any, path: str, notes: Notes) -> bool:
        """The boolean, or Invalid."""
        if not isinstance(value, bool):
            raise Invalid(path, f"expected true or false, got {describe(value)}")
        return value


@dataclass(frozen=True)
class Nullable(Spec):
    """``spec`` or null (kept as None)."""

    spec: Spec

    def check(self, value: Any, path: str, notes: Notes) -> Any:
        """None, or the inner spec's cleaned value."""
        return None if value is None else self.spec.check(value, path, notes)


@dataclass(frozen=True)
class OneOf(Spec):
    """The first of ``specs`` that accepts the value; ``what`` names them all in the complaint otherwise."""

    specs: tuple[Spec, ...]
    what: str

    def check(self, value: Any, path: str, notes: Notes) -> Any:
        """The first accepting spec's cleaned value, or Invalid."""
        for spec in self.specs:
            try:
                return spec.check(value, path, notes)
            except Invalid:
                pass
        raise Invalid(path, f"expected {self.what}, got {describe(value)}")


@dataclass(frozen=True)
class List(Spec):
    """A list of ``item`` values, at most ``max_items`` long."""

    item: Spec
    max_items: int = 1_000_000

    def check(self, value: Any, path: str, notes: Notes) -> list[Any]:
        """The cleaned list, or Invalid."""
        if not isinstance(value, list):
            raise Invalid(path, f"expected a list, got {describe(value)}")
        if len(value) > self.max_items:
            raise Invalid(path, f"more than {self.max_items:,} entries")
        return [self.item.check(v, f"{path}[{n}]", notes) for n, v in enumerate(value)]


@dataclass(frozen=True)
class Map(Spec):
    """An object with any string keys (labels), each value a ``value``; at most ``max_items`` keys."""

    value: Spec
    max_items: int = 100_000
    max_key: int = 4096

    def check(self, value: Any, path: str, notes: Notes) -> dict[str, Any]:
        """The cleaned dict, or Invalid."""
        if not isinstance(value, dict):
            raise Invalid(path, f"expected an object, got {describe(value)}")
        if len(value) > self.max_items:
            raise Invalid(path, f"more than {self.max_items:,} keys")
        out = {}
        for k, v in value.items():
            if len(k) > self.max_key:
                raise Invalid(path, f"a key longer than {self.max_key} characters")
            out[k] = self.value.check(v, join(path, k), notes)
        return out


@dataclass(frozen=True)
class Reference(Spec):
    """A RepoTags entry (``name:tag``; ``name@sha256:…`` too, as Engine 29 and Podman list pulled digests)
    or a RepoDigests one (``name@sha256:…``) as an engine lists them;
    ``placeholders`` lets old API versions' ``<none>:<none>`` through (the reader drops it)."""

    tagged: bool
    placeholders: bool = False

    def check(self, value: Any, path: str, notes: Notes) -> str:
        """The reference, or Invalid."""
        text = Str(max_len=1024).check(value, path, notes)
        if self.placeholders and text in ("<none>:<none>", "<none>@<none>"):
            return text
        try:
            ref = parse(text)
        except InvalidReference as exc:
            raise Invalid(path, f"not a valid reference {describe(text)}: {exc}") from None
        if self.tagged and not (ref.tag or ref.digest):     # (Engine 29 and Podman list name@digest among tags)
            raise Invalid(path, f"a tag must be name:tag or name@digest, got {describe(text)}")
        if not self.tagged and not ref.digest:
            raise Invalid(path, f"a digest reference must be name@digest, got {describe(text)}")
        return text


@dataclass(frozen=True)
class Field:
    """One key of an Obj: its spec, whether it must be present, and the default when it may be absent."""

    spec: Spec
    required: bool = False
    default: Any = None
    warn_missing: bool = False      # a missing optional key is a repair worth telling


@dataclass(frozen=True)
class Obj(Spec):
    """An object with known keys; unknown keys are dropped (``extra="warn"`` also tells of them), and an
    optional key that is null (without a Nullable spec) takes its default, told as a repair."""

    fields: dict[str, Field]
    extra: str = "ignore"

    def check(self, value: Any, path: str, notes: Notes) -> dict[str, Any]:
        """The cleaned dict (every known key present), or Invalid."""
        if not isinstance(value, dict):
            raise Invalid(path, f"expected an object, got {describe(value)}")
        out: dict[str, Any] = {}
        for key, spec in self.fields.items():
            if key in value and value[key] is None and not spec.required and not isinstance(spec.spec, Nullable):
                notes.warn(join(path, key), "null; taken as empty")
                out[key] = copy.deepcopy(spec.default)
            elif key in value:
                out[key] = spec.spec.check(value[key], join(path, key), notes)
            elif spec.required:
                raise Invalid(join(path, key), "missing")
            else:
                if spec.warn_missing:
                    notes.warn(join(path, key), "missing; taken as empty")
                out[key] = copy.deepcopy(spec.default)
        if self.extra == "warn":
            for key in value:
                if key not in self.fields:
                    notes.warn(join(path, str(key)[:40]), "unknown field ignored")
        return out


def check(spec: Spec, value: Any, path: str = "", notes: Notes | None = None) -> Any:
    """``value`` checked against ``spec`` and cleaned; raises Invalid at the first problem."""
    return spec.check(value, path, notes if notes is not None else Notes())
