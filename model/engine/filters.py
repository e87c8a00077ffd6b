"""The image prune filters as the engines read them: until (Go durations, unix and RFC 3339 times),
label / label!, dangling; ported from moby's ``image_prune.go`` and ``api/types/time`` (timetypes)."""
from __future__ import annotations

import math
import re
from types import MappingProxyType
from typing import Any

from ..core.snapshot import STORE_GRAPHDRIVER, Image, Snapshot
from .outcome import DaemonRefusal, Unpredictable

PRUNE_FILTERS = ("dangling", "label", "label!", "until")
CLOCK_MARGIN_NS = 5 * 10**9    # relative ``until`` this close to an image's Created → unpredictable

_DURATION = re.compile(r"[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+")
_UNIT_NS = MappingProxyType({"ns": 1, "us": 10**3, "µs": 10**3, "μs": 10**3, "ms": 10**6, "s": 10**9,
                            "m": 60 * 10**9, "h": 3600 * 10**9})
_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)")


GO_INT64_MAX = 2**63 - 1
GO_ZERO_TIME_UNIX = -62135596800        # time.Time{}: an until equal to it is ignored (IsZero)


class BadTime(Exception):
    """The daemon cannot parse an until value (the engine's own message is the text)."""


# time.ParseDuration, step by step as Go computes it: each component's integer part in
# uint64 (overflow past 1<<63 is an error), its fraction scaled through a float64, the
# sum limited to 1<<63 (and to 1<<63 - 1 when positive).
def _duration_ns(text: str) -> int | None:
    """time.ParseDuration in nanoseconds, or None where Go reports overflow ("invalid duration")."""
    neg = text.startswith("-")
    total = 0
    for whole, frac, unit in re.findall(r"(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)", text.lstrip("+-")):
        value = 0
        for digit in whole:
            if value > (1 << 63) // 10:
                return None
            value = value * 10 + int(digit)
            if value > 1 << 63:
                return None
        f, scale = 0, 1.0
        for digit in frac:                      # leadingFraction: digits past overflow are ignored
            if f > (GO_INT64_MAX // 10) or f * 10 + int(digit) > 1 << 63:
                break
            f, scale = f * 10 + int(digit), scale * 10
        unit_ns = _UNIT_NS[unit]
        if value > (1 << 63) // unit_ns:
            return None
        value *= unit_ns
        if f > 0:
            value += int(float(f) * (float(unit_ns) / scale))
            if value > 1 << 63:
                return None
        total += value
        if total > 1 << 63:
            return None
    if neg:
        return -total
    return None if total > GO_INT64_MAX else total


def _go_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None where it fails."""
    if not re.fullmatch(r"[+-]?\d+", text):
        return None
    value = int(text)
    return value if -GO_INT64_MAX - 1 <= value <= GO_INT64_MAX else None


# timetypes.GetTimestamp, then ParseTimestamps, as the daemon turns an until value into
# a time: a Go duration (not "0") counts back from the daemon's clock; a value with a
# "-" is parsed as an RFC 3339-like time (in the daemon's time zone when it names none);
# any other value is a unix time "sec[.frac]" of two Go int64s, or the error
# 'failed to parse value as time or duration: "<value>"'.
def rfc3339_ns(text: str) -> int:
    """Unix nanoseconds of an RFC 3339 timestamp (full nanosecond precision, any offset)."""
    m = _RFC3339.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    import calendar
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "").ljust(9, "0")
    secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    zone = m.group(8)
    if zone != "Z":
        off = int(zone[1:3]) * 3600 + int(zone[4:6]) * 60
        secs -= off if zone[0] == "+" else -off
    return secs * 10**9 + int(frac)


def until_ns(value: str, now_ns: int) -> tuple[int, bool]:
    """timetypes.GetTimestamp + ParseTimestamps → (cutoff ns, relative to the daemon's clock?)."""
    if value != "0" and _DURATION.fullmatch(value):
        duration = _duration_ns(value)
        if duration is not None:
            return (now_ns - duration) // 10**9 * 10**9, True
    if "-" in value:
        if _RFC3339.fullmatch(value):
            return rfc3339_ns(value), False
        raise Unpredictable(f"until={value!r}: local-time or malformed timestamps depend on the daemon's time "
                            "zone and parser; use a duration, a unix time or RFC 3339 with a zone")
    secs_text, dot, frac_text = value.partition(".")
    secs = _go_int64(secs_text)
    frac = _go_int64(frac_text) if dot else 0
    if secs is None or frac is None:
        raise BadTime(f'failed to parse value as time or duration: "{value}"')
    if dot:
        frac = int(float(frac) * math.pow(10, 9 - len(frac_text)))
    if secs > GO_INT64_MAX + GO_ZERO_TIME_UNIX or secs == GO_ZERO_TIME_UNIX:
        raise Unpredictable(f"until={value!r} lies outside Go's time range (or is its zero time)")
    return secs * 10**9 + frac, False


def filter_values(filters: dict[str, Any] | None) -> dict[str, list[str]]:
    """The request's filters as the daemon reads them: every value a string, booleans as true/false."""
    out: dict[str, list[str]] = {}
    for key, value in (filters or {}).items():
        vals = value if isinstance(value, (list, tuple, set)) else [value]
        out[key] = [("true" if v else "false") if isinstance(v, bool) else str(v) for v in vals]
    return out


class Keep:
    """The until/label part of the prune filter, as a predicate on images."""

    def __init__(self, f: dict[str, list[str]], now_ns: int, created_of=None) -> None:
        self.labels = f.get("label", [])
        self.not_labels = f.get("label!", [])
        self.until: int | None = None
        self.relative = False
        self.created_of = created_of or (lambda img: rfc3339_ns(img.created))
        if "until" in f:
            vals = sorted(set(f["until"]))
            if len(vals) > 1:
                raise DaemonRefusal(500, "more than one until filter specified")
            self.until, self.relative = until_ns(vals[0], now_ns)

    def __call__(self, img: Image) -> bool:
        if self.until is not None:
            created = self.created_of(img)
            if self.relative and abs(created - self.until) < CLOCK_MARGIN_NS:
                raise Unpredictable(f"image {img.short_id} was created within a few seconds of the until "
                                    "cut-off, which the daemon computes from its own clock")
            if created > self.until:
                return False
        labels = img.label_map
        if not match_kv(self.labels, labels):
            return False
        if self.not_labels and match_kv(self.not_labels, labels):
            return False
        return True


def match_kv(wanted: list[str], labels: dict[str, str]) -> bool:
    """filters.Args.MatchKVList: every ``k`` / ``k=v`` must match (true when none is given)."""
    if not wanted:
        return True
    if not labels:
        return False
    for w in set(wanted):
        k, eq, v = w.partition("=")
        if k not in labels or (eq and labels[k] != v):
            return False
    return True


def dangling_only(f: dict[str, list[str]], all_: bool) -> bool:
    """Whether prune takes dangling images only (the dangling filter, else not -a), or a 400."""
    if "dangling" not in f:
        return not all_
    vals = set(f["dangling"])
    if vals in ({"false"}, {"0"}) or vals == {"false", "0"}:
        return False
    if vals <= {"true", "1"}:
        return True
    if vals & {"false", "0"}:                       # ExactMatch: any value equal counts
        return False
    raise DaemonRefusal(400, f"Invalid filter 'dangling=[{' '.join(sorted(vals))}]'")


def image_prune_filters(snapshot: Snapshot, f: dict[str, list[str]], all_: bool, now_ns: int) -> tuple[bool, Keep]:
    """The moby daemon's check of prune's filters → (dangling only?, until/label predicate), or its error."""
    bad = sorted(k for k in f if k not in PRUNE_FILTERS)
    if bad:
        if len(bad) > 1:
            raise Unpredictable(f"several invalid filters ({', '.join(bad)}): the daemon names one at random")
        raise DaemonRefusal(400, f"Invalid filter '{bad[0]}'")
    dangling = dangling_only(f, all_)
    try:
        keep = Keep(f, now_ns)
    except BadTime as bad_time:     # dockerd 20.10 answers 500; later engines may classify it otherwise
        if snapshot.info.image_store == STORE_GRAPHDRIVER and snapshot.info.major_version == 20:
            raise DaemonRefusal(500, str(bad_time)) from None
        raise Unpredictable(f"{bad_time}: the status this engine answers is not modelled (dockerd 20.10: 500)") \
            from None
    return dangling, keep
