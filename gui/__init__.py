"""Layerscope's Qt desktop window (views, widgets, workers); all Docker rules live in model/."""
from .compat import guard_none_refcount

NONE_GUARDED = guard_none_refcount()
