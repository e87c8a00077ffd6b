"""Work-arounds for bugs in the Qt binding that would otherwise crash the window."""
from __future__ import annotations

import ctypes
import sys

# PySide6 6.12.0 on CPython 3.11: every call of a C++ method returning void
# hands back Py_None without a new reference (correct only on 3.12+, where
# None is immortal, PEP 683).  Each QPainter call while painting therefore
# drops None's refcount by one; after a few thousand calls it reaches 0 and
# CPython aborts ("none_dealloc: deallocating None"), mid-session or at exit.
# Detection: call one void method and watch sys.getrefcount(None).  Repair:
# give None a very large extra refcount once — what 3.12 does by design.
# The real fix is a binding without the bug (pin PySide6 != 6.12.0 on 3.11).
NONE_HEADROOM = 1 << 50


def none_refcount_leaks() -> bool:
    """True when a void PySide6 method call drops a reference to None (the 6.12.0 / CPython 3.11 bug)."""
    if sys.version_info >= (3, 12):
        return False
    from PySide6.QtCore import QRectF

    rect = QRectF()
    before = sys.getrefcount(None)
    for _ in range(8):
        rect.setWidth(1.0)
    return sys.getrefcount(None) < before - 4


def guard_none_refcount() -> bool:
    """Make None effectively immortal if the binding leaks its references; returns True if it did."""
    if not none_refcount_leaks():
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += NONE_HEADROOM
    return True
