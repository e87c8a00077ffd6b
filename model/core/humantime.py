"""CREATED as the docker CLI prints it: "Less than a second ago" … "3 weeks ago", "N/A" for no time.

The text is kept as an English template and a number (``Since``) so that a front end can translate the
template; ``Since.english`` is what `docker images` / `docker history` print."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ZERO_TIME = -62135596800        # Go's zero time (0001-01-01T00:00:00Z, written by reproducible builds), Unix seconds
HISTORY_EPOCH = 946684800       # 2000-01-01T00:00:00Z: docker history shows steps made before it as N/A
NOT_AVAILABLE = "N/A"

# Every template a Since can carry (a front end registers each for translation).
TEMPLATES = ("Less than a second ago", "1 second ago", "{n} seconds ago", "About a minute ago", "{n} minutes ago",
             "About an hour ago", "{n} hours ago", "{n} days ago", "{n} weeks ago", "{n} months ago",
             "{n} years ago", NOT_AVAILABLE)


@dataclass(frozen=True)
class Since:
    """How long ago, as a template of TEMPLATES and its number (None when the template has none)."""

    template: str
    n: int | None = None

    @property
    def english(self) -> str:
        """The text the docker CLI prints."""
        return self.template.format(n=self.n)


# go-units' HumanDuration, which the docker CLI prints followed by " ago".
# Seconds and minutes are truncated; hours are rounded to the nearest hour
# and then divided (integer division) into days below two weeks, weeks
# below 60 days, months of 30 days below two years; years are the
# truncated hours divided by 365 days.  A negative age (a clock ahead of
# ours) reads "Less than a second".
def human_duration(seconds: float) -> Since:
    """``seconds`` of age as go-units' HumanDuration words it, with " ago"."""
    whole = int(seconds)
    if whole < 1:
        return Since("Less than a second ago")
    if whole == 1:
        return Since("1 second ago")
    if whole < 60:
        return Since("{n} seconds ago", whole)
    minutes = int(seconds / 60)
    if minutes == 1:
        return Since("About a minute ago")
    if minutes < 60:
        return Since("{n} minutes ago", minutes)
    hours = int(seconds / 3600 + 0.5)
    if hours == 1:
        return Since("About an hour ago")
    if hours < 48:
        return Since("{n} hours ago", hours)
    if hours < 24 * 7 * 2:
        return Since("{n} days ago", hours // 24)
    if hours < 24 * 30 * 2:
        return Since("{n} weeks ago", hours // 24 // 7)
    if hours < 24 * 365 * 2:
        return Since("{n} months ago", hours // 24 // 30)
    return Since("{n} years ago", int(seconds / 3600) // 24 // 365)


def now_seconds() -> float:
    """The current time in Unix seconds."""
    return dt.datetime.now(dt.timezone.utc).timestamp()


def image_created_since(created: float | None, now: float | None = None) -> Since:
    """An image's CREATED as `docker images` prints it: N/A for the zero time (or none), the Unix epoch
    counted like any other time."""
    if created is None or created <= ZERO_TIME:
        return Since(NOT_AVAILABLE)
    return human_duration((now_seconds() if now is None else now) - int(created))


def history_created_since(created: float | None, now: float | None = None) -> Since:
    """A history step's CREATED as `docker history` prints it: N/A for anything up to 2000-01-01 (the zero
    time and the Unix epoch included)."""
    if created is None or created <= HISTORY_EPOCH:
        return Since(NOT_AVAILABLE)
    return human_duration((now_seconds() if now is None else now) - int(created))


def parse_created(text: str) -> float | None:
    """An RFC 3339 time (an image config's Created) in Unix seconds; None when it cannot be read."""
    stamp = text.strip().replace("Z", "+00:00")
    if "." in stamp:            # Go writes up to nine fraction digits; Python reads six
        head, _, rest = stamp.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        stamp = head + "." + rest[:min(digits, 6)].ljust(1, "0") + rest[digits:]
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return (when - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)).total_seconds()


def exact_time(created: float | None) -> str:
    """The exact time in UTC as docker's CreatedAt prints it ("2020-01-01 00:00:00 +0000 UTC")."""
    if created is None:
        return NOT_AVAILABLE
    when = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=int(created))
    return f"{when.year:04d}-{when:%m-%d %H:%M:%S} +0000 UTC"
