"""What the window drops is freed by reference counting alone: the cyclic collector is kept out of what bulk
builds make (model/core/bulk.py freezes it), so a state replaced by a reload, a what-if step, an rmi preview
or a live update must leave no cycle behind."""
from __future__ import annotations

import dataclasses
import gc
import weakref

from PySide6.QtWidgets import QApplication

from model.core.snapshot import Snapshot
from model.engine.plan import RMI, Request
from resources import DEMO_SNAPSHOT
from windows import open_window


def _parts(window) -> list:
    """Weak references to the shown state's parts: the Loaded, its snapshot, analysis, layer forest, layout."""
    loaded = window.session.current
    return [weakref.ref(x) for x in (loaded, loaded.snapshot, loaded.analysis, loaded.analysis.graph,
                                     loaded.layout)]


def test_replaced_states_leave_no_cycles(qtbot):
    """Reload the demo, step through what-if (rmi, undo), preview an rmi and apply a retag as a live update,
    with the cyclic collector off: every state dropped on the way (snapshot, analysis, layer forest, layout)
    is gone at once, freed by reference counting alone."""
    was = gc.isenabled()
    gc.disable()
    try:
        window = open_window(qtbot, demo=True)
        shown = _parts(window)
        for _ in range(2):
            window.show_snapshot(Snapshot.load(DEMO_SNAPSHOT), origin="file")
            shown += _parts(window)
        window.act_whatif.trigger()
        window.request_action(Request(RMI, ("iscreamedu_apache:latest",)))
        shown += _parts(window)
        window.act_undo.trigger()
        window.act_whatif.trigger()
        window.preview_rmi("ubuntu_apache:latest")
        window.previewing.clear()
        snap = window.current_snapshot()
        target = next(i for i in snap.images if i.repo_tags)
        retagged = snap.replace(images=tuple(dataclasses.replace(i, repo_tags=i.repo_tags + ("extra:1",))
                                             if i is target else i for i in snap.images))
        del snap                                    # (the test's own reference to the state it replaces)
        window.apply_snapshot(retagged, {target.id})
        assert window.current_snapshot() is retagged and "extra:1" in window.graph_view.image_items[target.id].tags
        QApplication.processEvents()
        current = {id(part()) for part in _parts(window)}
        left = [type(ref()).__name__ for ref in shown if ref() is not None and id(ref()) not in current]
        assert left == [], f"dropped states still alive without the cyclic collector: {left}"
    finally:
        if was:
            gc.enable()

