"""Podman's prune filters (its Docker-compatible handler, then libimage's compileImageFilters and
applyFilters, Podman 4.3): which images ``docker image prune --filter …`` may take, the handler's 500s, or
why that cannot be known from a snapshot."""
from __future__ import annotations

from types import MappingProxyType
from typing import Callable

from ..core.snapshot import Image
from .filters import CLOCK_MARGIN_NS, BadTime, match_kv, rfc3339_ns, until_ns
from .outcome import DaemonRefusal, Unpredictable

PODMAN_PRUNE_FILTERS = ("dangling", "label", "label!", "until")
_LIBIMAGE_FILTERS = ("after", "since", "before", "containers", "dangling", "id", "intermediate", "label",
                     "readonly", "manifest", "reference", "until")
_DANGLING_TWICE = 'specifying "dangling" filter more than once with different values is not supported'
_GO_BOOLS = MappingProxyType({**dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
                              **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False)})


# libimage applyFilters: values of one key are ORed, keys are ANDed; "label!=v" is the
# negated label filter under the key "label" (so it is ORed with the label=… values);
# until keeps images whose store time is Before the cut-off (config Created stands in,
# hence the margin).
def _keep(f: dict[str, list[str]], now_ns: int) -> Callable[[Image], bool]:
    """The label/label!/until part of a Podman prune filter, as a predicate on images."""
    labels = [(v, True) for v in f.get("label", [])] + [(v, False) for v in f.get("label!", [])]
    try:
        cutoffs = [until_ns(v, now_ns)[0] for v in f.get("until", [])]
    except BadTime:
        raise Unpredictable("Podman's message for an until value it cannot parse is not modelled") from None

    def keep(img: Image) -> bool:
        if labels and not any(match_kv([v], img.label_map) == want for v, want in labels):
            return False
        if cutoffs:
            created = rfc3339_ns(img.created)
            for cut in cutoffs:
                if abs(created - cut) < CLOCK_MARGIN_NS:
                    raise Unpredictable(f"image {img.short_id} was created within a few seconds of the until "
                                        "cut-off; Podman compares its store time, not the config's Created")
            if not any(created < cut for cut in cutoffs):
                return False
        return True
    return keep


def prune_filters(f: dict[str, list[str]], all_: bool, now_ns: int) -> Callable[[Image], bool]:
    """The handler's checks of a prune's filters (DaemonRefusal, Unpredictable), then which images they keep."""
    if all_:
        f = dict(f)
        f["dangling"] = list(f.get("dangling", [])) + ["false"]
    # compileImageFilters walks the client's filters (a Go map: any order), then the
    # handler's own "dangling=true"; each dangling value must equal the first and parse as a bool.
    own_error: DaemonRefusal | None = None
    seen = ""
    for value in f.get("dangling", []):
        if seen and value != seen:
            own_error = DaemonRefusal(500, _DANGLING_TWICE)
            break
        seen = value
        if value not in _GO_BOOLS:
            raise Unpredictable(f"Podman's message for dangling={value!r} is not modelled")
    unknown = [k for k in f if k not in PODMAN_PRUNE_FILTERS]
    if unknown:
        if len(unknown) > 1 or own_error is not None or unknown[0] in _LIBIMAGE_FILTERS:
            raise Unpredictable(f"Podman's handling of the filter {unknown[0]!r} here is not modelled "
                                "(or its error competes with another in map order)")
        raise DaemonRefusal(500, f'unsupported image filter "{unknown[0]}"')
    if own_error is not None:
        raise own_error
    if seen and seen != "true":
        raise DaemonRefusal(500, _DANGLING_TWICE)
    return _keep(f, now_ns)
