"""Image references parsed, normalised and printed exactly as the Docker daemon does.

Port of github.com/docker/distribution/reference (the version vendored by
Engine 20.10: regexp.go, normalize.go, reference.go, helpers.go) and of
go-digest's ``Parse`` / digestset ``Lookup`` as far as ``docker rmi`` needs
them.  Messages are the Go error strings, byte for byte.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from dataclasses import dataclass

DEFAULT_DOMAIN = "docker.io"
LEGACY_DEFAULT_DOMAIN = "index.docker.io"
OFFICIAL_REPO = "library"
NAME_TOTAL_LENGTH_MAX = 255

# Go error strings (distribution/reference/reference.go, go-digest/digest.go)
ERR_INVALID_FORMAT = "invalid reference format"
ERR_UPPERCASE = "invalid reference format: repository name must be lowercase"
ERR_NAME_EMPTY = "repository name must have at least one component"
ERR_NAME_TOO_LONG = f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
ERR_DIGEST_FORMAT = "invalid checksum digest format"
ERR_DIGEST_LENGTH = "invalid checksum digest length"
ERR_DIGEST_UNSUPPORTED = "unsupported digest algorithm"

# distribution/reference/regexp.go; Go's \w and [[:xdigit:]] are ASCII-only.
_ALNUM = r"[a-z0-9]+"
_SEP = r"(?:[._]|__|[-]*)"
_NAME_COMPONENT = f"{_ALNUM}(?:{_SEP}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_NAME = f"(?:{_DOMAIN}/)?{_NAME_COMPONENT}(?:/{_NAME_COMPONENT})*"
REFERENCE_RE = re.compile(f"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?")
ANCHORED_NAME_RE = re.compile(f"(?:({_DOMAIN})/)?({_NAME_COMPONENT}(?:/{_NAME_COMPONENT})*)")
IDENTIFIER_RE = re.compile(r"[a-f0-9]{64}")
# go-digest: algorithms compiled into dockerd, and the generic digest grammar
_ALGORITHMS = {"sha256": 64, "sha384": 96, "sha512": 128}
_DIGEST_GRAMMAR = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")


class InvalidReference(ValueError):
    """A reference the daemon rejects with 400; ``str()`` is the daemon's message."""


class DigestError(ValueError):
    """go-digest's Parse failure; ``kind`` is 'format', 'length' or 'unsupported'."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Reference:
    """A parsed reference: a name (domain + path) with optional tag and digest, or a bare digest."""

    domain: str = ""
    path: str = ""
    tag: str = ""
    digest: str = ""

    @property
    def is_named(self) -> bool:
        """True for name references (``docker.io/library/x``), False for a bare digest."""
        return bool(self.path)

    @property
    def name(self) -> str:
        """The full repository name (``docker.io/library/ubuntu``)."""
        return f"{self.domain}/{self.path}" if self.domain else self.path

    def __str__(self) -> str:
        if not self.is_named:
            return self.digest
        out = self.name
        if self.tag:
            out += ":" + self.tag
        if self.digest:
            out += "@" + self.digest
        return out

    def familiar_name(self) -> str:
        """The repository name as the CLI prints it (``ubuntu``, ``user/x``, ``host:5000/x``)."""
        domain, path = self.domain, self.path
        if domain == DEFAULT_DOMAIN:
            parts = path.split("/")
            if len(parts) == 2 and parts[0] == OFFICIAL_REPO:
                return parts[1]
            return path
        return f"{domain}/{path}" if domain else path

    def familiar(self) -> str:
        """``reference.FamiliarString``: how the daemon prints this ref in ``Untagged`` lines."""
        if not self.is_named:
            return self.digest
        out = self.familiar_name()
        if self.tag:
            out += ":" + self.tag
        if self.digest:
            out += "@" + self.digest
        return out

    def tag_name_only(self) -> "Reference":
        """``reference.TagNameOnly``: a bare name gets ``:latest``."""
        if self.is_named and not self.tag and not self.digest:
            return Reference(self.domain, self.path, "latest", "")
        return self

    def trim_tag_if_digest(self) -> "Reference":
        """name:tag@digest → name@digest (refstore ``favorDigest``: the digest wins)."""
        return Reference(self.domain, self.path, "", self.digest) if self.digest else self


# go-digest Parse / Validate (v1.0.0).
def parse_digest(text: str) -> tuple[str, str]:
    """Validate ``alg:hex`` like go-digest; returns (algorithm, encoded) or raises DigestError."""
    i = text.find(":")
    if i <= 0 or i + 1 == len(text):
        raise DigestError("format", ERR_DIGEST_FORMAT)
    alg, enc = text[:i], text[i + 1:]
    if alg not in _ALGORITHMS:
        if not _DIGEST_GRAMMAR.fullmatch(text):
            raise DigestError("format", ERR_DIGEST_FORMAT)
        raise DigestError("unsupported", ERR_DIGEST_UNSUPPORTED)
    if len(enc) != _ALGORITHMS[alg]:
        raise DigestError("length", ERR_DIGEST_LENGTH)
    if not re.fullmatch(r"[a-f0-9]+", enc):
        raise DigestError("format", ERR_DIGEST_FORMAT)
    return alg, enc


def _split_docker_domain(name: str) -> tuple[str, str]:
    i = name.find("/")
    if i == -1 or (not any(c in name[:i] for c in ".:") and name[:i] != "localhost"):
        domain, remainder = DEFAULT_DOMAIN, name
    else:
        domain, remainder = name[:i], name[i + 1:]
    if domain == LEGACY_DEFAULT_DOMAIN:
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in remainder:
        remainder = OFFICIAL_REPO + "/" + remainder
    return domain, remainder


def parse(text: str) -> Reference:
    """``reference.Parse``: the grammar check without normalisation."""
    m = REFERENCE_RE.fullmatch(text)
    if m is None:
        if text == "":
            raise InvalidReference(ERR_NAME_EMPTY)
        if REFERENCE_RE.fullmatch(text.lower()) is not None:
            raise InvalidReference(ERR_UPPERCASE)
        raise InvalidReference(ERR_INVALID_FORMAT)
    name, tag, dig = m.group(1), m.group(2) or "", m.group(3) or ""
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise InvalidReference(ERR_NAME_TOO_LONG)
    nm = ANCHORED_NAME_RE.fullmatch(name)
    domain, path = (nm.group(1) or "", nm.group(2)) if nm else ("", name)
    if dig:
        try:
            parse_digest(dig)
        except DigestError as exc:
            raise InvalidReference(str(exc)) from None
    return Reference(domain, path, tag, dig)


@lru_cache(maxsize=1 << 16)
def parse_normalized_named(text: str) -> Reference:
    """``reference.ParseNormalizedNamed``: ``ubuntu`` → ``docker.io/library/ubuntu``."""
    if IDENTIFIER_RE.fullmatch(text):
        raise InvalidReference(f"invalid repository name ({text}), cannot specify 64-byte hexadecimal strings")
    domain, remainder = _split_docker_domain(text)
    colon = remainder.find(":")
    remote = remainder[:colon] if colon > -1 else remainder
    if remote.lower() != remote:
        raise InvalidReference(ERR_UPPERCASE)
    ref = parse(domain + "/" + remainder)
    if not ref.is_named:
        raise InvalidReference(f"reference {ref} has no name")
    return ref


@lru_cache(maxsize=1 << 16)
def parse_any(text: str) -> Reference:
    """``reference.ParseAnyReference``: 64 hex or ``alg:hex`` → digest; otherwise a normalised name."""
    if IDENTIFIER_RE.fullmatch(text):
        return Reference(digest="sha256:" + text)
    try:
        parse_digest(text)
        return Reference(digest=text)
    except DigestError:
        pass
    return parse_normalized_named(text)


def normalize(text: str) -> str:
    """The full normalised string of a name ref (``ubuntu`` → ``docker.io/library/ubuntu:latest``)."""
    return str(parse_normalized_named(text).tag_name_only())


def familiar(text: str) -> str:
    """How the daemon prints a (full or familiar) reference: ``docker.io/library/a:1`` → ``a:1``."""
    return parse_normalized_named(text).familiar()


def is_image_id_prefix(image_id: str, possible_prefix: str) -> bool:
    """``isImageIDPrefix`` of image_delete.go: the arg names the image by (a prefix of) its ID."""
    if image_id.startswith(possible_prefix):
        return True
    i = image_id.find(":")
    return i >= 0 and image_id[i + 1:].startswith(possible_prefix)


class Ambiguous(LookupError):
    """A short ID prefix that matches several images."""


class DigestSet:
    """digestset.Set of image IDs: the daemon's short-ID search (``imageStore.Search``)."""

    def __init__(self, ids: list[str] | tuple[str, ...] = ()) -> None:
        self.entries = sorted((i.split(":", 1)[1], i.split(":", 1)[0]) for i in ids)

    def add(self, image_id: str) -> None:
        """Insert an image ID."""
        alg, hexpart = image_id.split(":", 1)
        bisect.insort(self.entries, (hexpart, alg))

    def remove(self, image_id: str) -> None:
        """Remove an image ID (no-op if absent)."""
        alg, hexpart = image_id.split(":", 1)
        i = bisect.bisect_left(self.entries, (hexpart, alg))
        if i < len(self.entries) and self.entries[i] == (hexpart, alg):
            del self.entries[i]

    def lookup(self, term: str) -> str | None:
        """The unique ID matching ``term`` (hex prefix, optionally ``alg:``), None if none; Ambiguous if several."""
        if not self.entries:
            return None
        alg, hexpart = "", term
        try:
            alg, hexpart = parse_digest(term)
        except DigestError as exc:
            if exc.kind != "format":        # Parse returned the digest anyway: split it
                alg, hexpart = term.split(":", 1)
        if alg:
            i = bisect.bisect_left(self.entries, (hexpart, alg))
        else:
            i = bisect.bisect_left(self.entries, (term, ""))
        if i == len(self.entries) or not _short_match(*self.entries[i], alg, hexpart):
            return None
        if self.entries[i] == (hexpart, alg):
            return f"{alg}:{hexpart}"
        if i + 1 < len(self.entries) and _short_match(*self.entries[i + 1], alg, hexpart):
            raise Ambiguous(term)
        return f"{self.entries[i][1]}:{self.entries[i][0]}"


def _short_match(hexval: str, alg: str, short_alg: str, short_hex: str) -> bool:
    if len(hexval) == len(short_hex):
        if hexval != short_hex:
            return False
    elif not hexval.startswith(short_hex):
        return False
    return not short_alg or alg == short_alg


def path_is_clean(ref: str) -> bool:
    """False when Go's router would rewrite ``/images/<ref>`` (``..``, ``.``, ``//`` segments) and redirect."""
    parts = ("images/" + ref).split("/")
    return all(p not in (".", "..") for p in parts) and "//" not in ref
