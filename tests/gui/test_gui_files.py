"""Files per layer, the whole-image view, wasted bytes and compare, in the real window (pytest-qt, offscreen).

Offline: a snapshot file carrying hand-built layer indexes (adds, modifies, whiteouts, an opaque directory, a
symlink, a hard link), whose expected changes and wasted bytes are worked out here by hand.  On a real private
dockerd: the read in a worker with progress, Cancel, and an image removed before the read."""
from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

import builders
from gui.files import MERGED, WASTED
from gui.filesworker import CANCELLED, DAEMON_FAILED
from gui.filetree import FETCH_BATCH, LAYER_COLUMNS, PATH_ROLE, FileTree, FileTreeModel
from gui.filetree import SORT_ROLE as BYTES
from gui.tablemodel import IMAGE_ID_ROLE, SORT_ROLE, WASTED as WASTED_COLUMN
from handmade import img, layer, snap
from model.core.layerfiles import DIR, FILE, HARDLINK, OPAQUE, SYMLINK, WHITEOUT, Entry, LayerFiles
from model.core.sizes import human
from model.files.stack import Change
from windows import LOAD_TIMEOUT, Ticks, open_window

READ_TIMEOUT = 120_000      # ms: one docker save of a test image


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Own settings and file-index cache (LAYERSCOPE_CACHE) per test."""
    return temp_settings


def d(path: str, mode: int = 0o755) -> Entry:
    return Entry(path, DIR, 0, mode)


def f(path: str, size: int, crc: int = 1, mode: int = 0o644) -> Entry:
    return Entry(path, FILE, size, mode, "", crc)


# Four layers, as a Dockerfile would leave them:
#   L1  FROM scratch + ADD rootfs   etc/conf 100, usr/bin/tool 5000, app/old.txt 3000, app/cache/{a 700, b 300}
#   L2  RUN …   modifies etc/conf (120), rm app/old.txt, adds app/new.txt 50 and the symlink usr/bin/t → tool,
#               empties app/cache (opaque) and puts app/cache/c 10 there; its tar lists etc, app, app/cache but
#               not usr or usr/bin (so the tree shows those two as implied by their contents)
#   L3  RUN …   overwrites usr/bin/tool (6000) and app/new.txt (60), hard-links usr/bin/tool2 to it
#   L4  RUN …   adds srv/x 40 on top of L1 (another image's branch)
L1, L2, L3, L4 = layer(0x101), layer(0x102), layer(0x103), layer(0x104)
LAYERS = {
    L1: (d("etc"), f("etc/conf", 100), d("usr"), d("usr/bin"), f("usr/bin/tool", 5000, mode=0o755), d("app"),
         f("app/old.txt", 3000), d("app/cache"), f("app/cache/a", 700), f("app/cache/b", 300)),
    L2: (d("etc"), f("etc/conf", 120, crc=2), d("app"), Entry("app/old.txt", WHITEOUT), d("app/cache"),
         Entry("app/cache", OPAQUE), f("app/cache/c", 10), f("app/new.txt", 50),
         Entry("usr/bin/t", SYMLINK, 0, 0o777, "tool")),
    L3: (d("usr"), d("usr/bin"), f("usr/bin/tool", 6000, crc=3, mode=0o755), d("app"), f("app/new.txt", 60, crc=4),
         Entry("usr/bin/tool2", HARDLINK, 0, 0o755, "usr/bin/tool")),
    L4: (d("srv"), f("srv/x", 40)),
}
L2_CHANGES = {"etc": "~ modified", "etc/conf": "~ modified", "app": "~ modified", "app/old.txt": "− deleted",
              "app/cache": "~ modified", "app/cache/a": "− deleted", "app/cache/b": "− deleted",
              "app/cache/c": "+ added", "app/new.txt": "+ added", "usr/bin/t": "+ added",
              "usr": "", "usr/bin": ""}        # (implied by usr/bin/t: no entry of their own in L2)
# wasted: L1's etc/conf 100 + app/old.txt 3000 + app/cache/a 700 + b 300 + usr/bin/tool 5000; L2's app/new.txt 50
WASTED_TOP, WASTED_MID, WASTED_BASE = 9150, 4100, 0
MISSING = layer(0x1ff)          # a layer no index is carried for


@pytest.fixture
def files_snapshot(tmp_path):
    """A snapshot file carrying the index of L1…L4: top = L1 L2 L3, mid = L1 L2, base = L1, branch = L1 L4,
    and `unindexed` on a layer whose index is not carried."""
    images = (img(1, (L1,), tags=("base:1",)), img(2, (L1, L2), tags=("mid:1",)),
              img(3, (L1, L2, L3), tags=("top:1",)), img(4, (L1, L4), tags=("branch:1",)),
              img(5, (L1, MISSING), tags=("unindexed:1",)))
    s = dataclasses.replace(snap(*images), layer_files=tuple(LayerFiles(k, v) for k, v in LAYERS.items()))
    path = tmp_path / "files.json"
    s.save(path)
    return path, {tag.split(":")[0]: i.id for i in images for tag in i.repo_tags}


def _files_window(qtbot, path):
    window = open_window(qtbot, snapshot=str(path))
    qtbot.waitUntil(lambda: len(window.files.wasted()) == 4, timeout=LOAD_TIMEOUT)  # the carried index, indexed
    return window


def _show_files(qtbot, window, image_id):
    window.selection.select_image(image_id, "test")
    window.act_files.trigger()
    panel = window.details.files
    qtbot.waitUntil(lambda: panel.files is not None and panel.files.image_id == image_id, timeout=LOAD_TIMEOUT)
    return panel


def _choose(panel, view):
    panel.view_combo.setCurrentIndex(panel.view_combo.findData(view))


def _all(model: FileTreeModel, parent: QModelIndex = QModelIndex()) -> dict[str, QModelIndex]:
    """Every index of the tree, fetching each directory's children (what expanding them does)."""
    out = {}
    while model.canFetchMore(parent):
        model.fetchMore(parent)
    for r in range(model.rowCount(parent)):
        index = model.index(r, 0, parent)
        out[index.data(PATH_ROLE)] = index
        out.update(_all(model, index))
    return out


def _cell(model: FileTreeModel, index: QModelIndex, key: str, role=Qt.ItemDataRole.DisplayRole):
    return model.index(index.row(), model.columns.index(key), index.parent()).data(role)


def test_layer_tree_shows_exactly_the_layers_changes(qtbot, files_snapshot):
    """Layer 2's tree: every entry with its change kind as sign + word + colour, the implied directories, the
    symlink's target, modes, directories sized by their contents; nothing read from any daemon."""
    path, ids = files_snapshot
    window = _files_window(qtbot, path)
    panel = _show_files(qtbot, window, ids["top"])
    assert not panel.read_button.isVisible() and not panel.status.isVisible()
    assert window.details.files_shown() and window.tabs.currentWidget() is window.details
    _choose(panel, 1)                                      # layer 2 (index 1)
    model = panel.model
    assert model.columns == LAYER_COLUMNS
    shown = _all(model)
    assert {p: _cell(model, i, "change") for p, i in shown.items()} == L2_CHANGES
    # colour tells the same as the sign and word; never the only cue
    colours = {p: _cell(model, i, "change", Qt.ItemDataRole.ForegroundRole).color().name()
               for p, i in shown.items() if L2_CHANGES[p]}
    assert len({colours["app/new.txt"], colours["etc/conf"], colours["app/old.txt"]}) == 3
    assert _cell(model, shown["usr/bin/t"], "name") == "t → tool"
    assert _cell(model, shown["usr/bin/t"], "mode") == "lrwxrwxrwx"
    assert _cell(model, shown["etc/conf"], "mode") == "-rw-r--r--"
    assert _cell(model, shown["usr"], "mode") == ""        # implied: no entry, no mode
    # directories sized by what they hold in this layer (deleted entries weigh nothing)
    assert _cell(model, shown["app"], "size", BYTES) == 50 + 10
    assert _cell(model, shown["app/cache"], "size", BYTES) == 10
    assert _cell(model, shown["etc/conf"], "size") == human(120)
    # the summary counts the layer's own changes (implied directories are none)
    assert panel.summary.text().startswith("3 added · 4 modified · 3 deleted")
    # the base layer: all added
    _choose(panel, 0)
    base = _all(panel.model)
    assert {p: _cell(panel.model, i, "change") for p, i in base.items()} == \
        {e.path: "+ added" for e in LAYERS[L1]}


def test_tree_is_lazy_and_opens_a_huge_layer_without_making_its_rows(qtbot):
    """100,000 entries: only the top level exists until a directory is expanded, then one batch at a time."""
    rows = [Change("big", DIR, 0, 0o755, "added")] + \
        [Change(f"big/d{i // 1000}", DIR, 0, 0o755, "added") for i in range(0, 100_000, 1000)] + \
        [Change(f"big/d{i // 1000}/f{i}", FILE, 1, 0o644, "added") for i in range(100_000)] + \
        [Change(f"flat/f{i}", FILE, 2, 0o644, "added") for i in range(5000)]
    tree = FileTree(rows)
    assert tree.size("big") == 100_000 and tree.size("flat") == 10_000 and tree.dir_size[""] == 110_000
    model = FileTreeModel()
    model.set_tree(tree, LAYER_COLUMNS)
    assert model.shown_paths() == []                       # nothing made before the view asks
    model.fetchMore(QModelIndex())
    assert model.shown_paths() == ["big", "flat"]          # the top level only
    big = model.index(0, 0)
    assert model.hasChildren(big) and model.rowCount(big) == 0 and model.canFetchMore(big)
    model.fetchMore(big)
    assert model.rowCount(big) == 100 and not model.canFetchMore(big)
    assert len(model.shown_paths()) == 2 + 100             # the 100,000 files are still not made
    flat = model.index(1, 0)
    model.fetchMore(flat)
    assert model.rowCount(flat) == FETCH_BATCH and model.canFetchMore(flat)    # a batch, then more on scroll
    # a real view on it: expanding a directory fetches it
    from PySide6.QtWidgets import QTreeView
    view = QTreeView()
    qtbot.addWidget(view)
    other = FileTreeModel()
    other.set_tree(FileTree(rows), LAYER_COLUMNS)
    view.setModel(other)
    view.show()
    qtbot.waitUntil(lambda: other.rowCount() == 2)
    first = other.index(0, 0)
    view.expand(first)
    qtbot.waitUntil(lambda: other.rowCount(first) == 100)
    assert len(other.shown_paths()) < 1000


def test_filter_and_kind_narrow_the_tree(qtbot, files_snapshot):
    """The path filter keeps matches and the directories above them (sized by what they show); the kind filter
    keeps one change kind."""
    path, ids = files_snapshot
    window = _files_window(qtbot, path)
    panel = _show_files(qtbot, window, ids["top"])
    _choose(panel, 1)
    qtbot.keyClicks(panel.filter_edit, "CACHE")             # case-insensitive substring of the path
    qtbot.waitUntil(lambda: set(_all(panel.model)) == {"app", "app/cache", "app/cache/a", "app/cache/b",
                                                       "app/cache/c"}, timeout=3000)
    shown = _all(panel.model)
    assert _cell(panel.model, shown["app"], "change") == "~ modified"       # the real row, not an implied one
    assert _cell(panel.model, shown["app"], "size", BYTES) == 10
    assert panel.summary.text().startswith("4 of 10 entries match · ")       # app is only above a match
    panel.filter_edit.clear()
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("deleted"))
    shown = _all(panel.model)
    assert {p for p, i in shown.items() if _cell(panel.model, i, "change") == "− deleted"} == \
        {"app/old.txt", "app/cache/a", "app/cache/b"}
    assert set(shown) == {"app", "app/old.txt", "app/cache", "app/cache/a", "app/cache/b"}
    # the whole-image view takes the same path filter (the kind is a layer's)
    panel.kind_combo.setCurrentIndex(0)
    _choose(panel, MERGED)
    assert not panel.kind_combo.isEnabled()
    panel.filter_edit.setText("tool")
    panel.apply_filter()
    assert set(_all(panel.model)) == {"usr", "usr/bin", "usr/bin/tool", "usr/bin/tool2"}


def test_whole_image_view_says_which_layer_last_wrote_each_path(qtbot, files_snapshot):
    """The merged filesystem: deleted and hidden paths are gone, each path names the layer that last wrote it."""
    path, ids = files_snapshot
    window = _files_window(qtbot, path)
    panel = _show_files(qtbot, window, ids["top"])
    _choose(panel, MERGED)
    model = panel.model
    shown = _all(model)
    assert set(shown) == {"etc", "etc/conf", "usr", "usr/bin", "usr/bin/tool", "usr/bin/tool2", "usr/bin/t",
                          "app", "app/new.txt", "app/cache", "app/cache/c"}
    written = {p: _cell(model, i, "layer") for p, i in shown.items()}
    assert written["etc/conf"] == panel.layer_name(1) and written["etc/conf"].startswith("2: ")
    assert written["usr/bin/tool"] == panel.layer_name(2) and written["app/new.txt"] == panel.layer_name(2)
    assert written["app/cache/c"] == panel.layer_name(1)
    assert "step 1" in written["etc/conf"]                 # its history row's created-by (handmade: "step k")
    assert _cell(model, shown["usr/bin/tool"], "size", BYTES) == 6000
    assert _cell(model, shown["usr"], "size", BYTES) == 6000        # tool2 is a link, t a symlink
    # following the layer selected in the map
    window.selection.select_layer(window.current.snapshot.by_id[ids["top"]].chain_ids[2], "graph")
    assert panel.current_view() == 2
    assert window.details.files_shown()


def test_wasted_bytes_in_details_and_a_sortable_table_column(qtbot, files_snapshot):
    """Wasted bytes equal ImageFiles.wasted_bytes and the hand count; the WASTED column fills for indexed images
    only and sorts by bytes; an image whose index is not carried says so in one line."""
    path, ids = files_snapshot
    window = _files_window(qtbot, path)
    loader = window.files
    expected = {ids["top"]: WASTED_TOP, ids["mid"]: WASTED_MID, ids["base"]: WASTED_BASE, ids["branch"]: 0}
    assert {i: loader.known(i).wasted_bytes for i in expected} == expected
    panel = _show_files(qtbot, window, ids["top"])
    assert human(WASTED_TOP) in window.details.wasted_line.text() and window.details.wasted_line.isVisible()
    _choose(panel, WASTED)
    assert panel.stack.currentWidget() is panel.wasted_table
    listed = {panel.wasted_table.item(r, 0).text(): panel.wasted_table.item(r, 2).text()
              for r in range(panel.wasted_table.rowCount())}
    assert listed == {"/usr/bin/tool": human(5000), "/app/old.txt": human(3000), "/app/cache/a": human(700),
                      "/app/cache/b": human(300), "/etc/conf": human(100), "/app/new.txt": human(50)}
    assert [panel.wasted_table.item(r, 0).text() for r in range(2)] == ["/usr/bin/tool", "/app/old.txt"]
    layer_items = [panel.view_combo.itemText(panel.view_combo.findData(i)) for i in range(3)]
    assert "wasted " + human(9100) in layer_items[0] and "wasted " + human(50) in layer_items[1]
    assert "wasted" not in layer_items[2]
    # the table's column
    model, proxy = window.images_model, window.images_proxy
    column = model.column(WASTED_COLUMN)
    assert column > model.column("unique") and model.headerData(column, Qt.Orientation.Horizontal) == "WASTED"
    cells = {model.rows[r].image_id: (model.index(r, column).data(), model.index(r, column).data(SORT_ROLE))
             for r in range(model.rowCount())}
    assert cells[ids["top"]] == (human(WASTED_TOP), WASTED_TOP)
    assert cells[ids["unindexed"]] == ("", -1)
    window.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    order = [proxy.index(r, 0).data(IMAGE_ID_ROLE) for r in range(proxy.rowCount())]
    assert order == [ids["top"], ids["mid"], ids["base"], ids["branch"], ids["unindexed"]] or \
        order == [ids["top"], ids["mid"], ids["branch"], ids["base"], ids["unindexed"]]
    # no index carried, no daemon behind a file: one line, no button, nothing else
    window.selection.select_image(ids["unindexed"], "test")
    assert panel.files is None and not panel.read_button.isVisible() and not panel.tree.isVisible()
    assert "carries no file index" in panel.status.text() and "\n" not in panel.status.text()
    assert not window.details.wasted_line.isVisible()


def test_files_kept_for_the_latest_images_only(qtbot, files_snapshot, monkeypatch):
    """Memory stays bounded: only the latest images' files are kept; the rest keep their wasted bytes and are read
    again (here offline) when shown."""
    import gui.filesworker
    monkeypatch.setattr(gui.filesworker, "KEPT_IMAGES", 2)
    path, ids = files_snapshot
    window = _files_window(qtbot, path)
    assert len(window.files.read) == 2 and len(window.files.wasted()) == 4
    evicted = next(i for i in (ids["top"], ids["mid"], ids["base"]) if i not in window.files.read)
    panel = _show_files(qtbot, window, evicted)
    assert panel.files.image_id == evicted and len(window.files.read) == 2


def test_compare_two_selected_rows(qtbot, files_snapshot):
    """Image → Compare with… on two selected rows: the shared prefix and its bytes, each side's own layers, where
    they diverge, and the files that differ with a filter."""
    path, ids = files_snapshot
    window = _files_window(qtbot, path)
    _select_rows(window, [ids["mid"], ids["branch"]])
    assert window.act_compare.isEnabled()
    window.act_compare.trigger()
    dialog = window.comparing.dialog
    qtbot.waitUntil(lambda: dialog.comparison is not None, timeout=LOAD_TIMEOUT)
    c = dialog.comparison
    a, b = (c.image_a.id, c.image_b.id)
    assert {a, b} == {ids["mid"], ids["branch"]}
    groups = [dialog.layers.topLevelItem(i) for i in range(3)]
    assert [g.childCount() for g in groups] == [1, 1, 1]
    assert groups[0].text(0) == "Shared layers, stored once: 1" and groups[0].text(1) == human(c.common_bytes)
    assert "diverge at layer 2" in dialog.divergence.text()
    shown = _all(dialog.model)
    changes = {p: _cell(dialog.model, i, "change") for p, i in shown.items() if _cell(dialog.model, i, "change")}
    mid_only = {"etc/conf": "~ changed", "app/new.txt": "+ added", "app/cache/c": "+ added", "usr/bin/t": "+ added",
                "app/old.txt": "− removed", "app/cache/a": "− removed", "app/cache/b": "− removed"}
    branch_only = {"srv": "+ added", "srv/x": "+ added"}
    flip = {"+ added": "− removed", "− removed": "+ added", "~ changed": "~ changed"}
    if a == ids["mid"]:          # B = branch: what mid has is removed, what branch has is added
        want = {p: flip[k] for p, k in mid_only.items()} | branch_only
    else:
        want = mid_only | {p: flip[k] for p, k in branch_only.items()}
    assert {p: k for p, k in changes.items() if p not in ("app", "app/cache", "etc")} == want
    dialog.filter_edit.setText("cache")
    dialog.apply_filter()
    assert set(_all(dialog.model)) == {"app", "app/cache", "app/cache/a", "app/cache/b", "app/cache/c"}
    dialog.close()


def test_compare_from_the_context_menu_and_with_a_chosen_image(qtbot, files_snapshot):
    """The table's context menu offers the two selected rows; with one image, the chooser picks the other."""
    path, ids = files_snapshot
    window = _files_window(qtbot, path)
    _select_rows(window, [ids["top"], ids["mid"]])
    menu = window.context_menus.menu_for(ids["top"], window.table.mapToGlobal(window.table.rect().center()))
    entry = next(a for a in menu.actions() if a.text() == "Compare the two selected images")
    entry.trigger()
    dialog = window.comparing.dialog
    qtbot.waitUntil(lambda: dialog.comparison is not None, timeout=LOAD_TIMEOUT)
    c = dialog.comparison
    top_is_b = c.image_b.id == ids["top"]
    assert len(c.common) == 2 and len(c.only_a if not top_is_b else c.only_b) == 1
    assert ("B is built on A" if top_is_b else "A is built on B") in dialog.divergence.text()
    # one image selected: Compare with… asks for the other (the chooser is the seam)
    window.selection.select_image(ids["base"], "test")
    window.comparing.chooser = lambda image_id: ids["top"] if image_id == ids["base"] else None
    _select_rows(window, [ids["base"]])
    window.act_compare.trigger()
    dialog = window.comparing.dialog
    qtbot.waitUntil(lambda: dialog.comparison is not None, timeout=LOAD_TIMEOUT)
    assert (dialog.comparison.image_a.id, dialog.comparison.image_b.id) == (ids["base"], ids["top"])
    assert len(dialog.comparison.only_b) == 2 and not dialog.comparison.only_a


def _select_rows(window, image_ids):
    from PySide6.QtCore import QItemSelection, QItemSelectionModel
    proxy = window.images_proxy
    selection = QItemSelection()
    for r in range(proxy.rowCount()):
        if proxy.index(r, 0).data(IMAGE_ID_ROLE) in image_ids:
            selection.select(proxy.index(r, 0), proxy.index(r, proxy.columnCount() - 1))
    flags = QItemSelectionModel.SelectionFlag
    window.table.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)


def test_files_texts_are_translatable_and_keyboard_reachable(qtbot, files_snapshot):
    """Every control has an accessible name; Ctrl+I reaches the files, which take keyboard focus."""
    path, ids = files_snapshot
    window = _files_window(qtbot, path)
    window.selection.select_image(ids["top"], "test")
    assert window.act_files.shortcut().toString() == "Ctrl+I"
    assert window.act_files in window.menu("Image").actions() and window.act_compare in window.menu("Image").actions()
    panel = window.details.files
    window.act_files.trigger()
    qtbot.waitUntil(lambda: panel.files is not None, timeout=LOAD_TIMEOUT)
    for widget in (panel.read_button, panel.cancel_button, panel.view_combo, panel.filter_edit, panel.kind_combo,
                   panel.tree, panel.wasted_table):
        assert widget.accessibleName()
        assert widget.focusPolicy() != Qt.FocusPolicy.NoFocus
    assert panel.progress.accessibleName() and panel.status.accessibleName()
    assert window.focusWidget() is panel.view_combo          # the keyboard is in the files once they are shown


def test_snapshot_without_files_says_so_in_one_line(qtbot, tmp_path):
    """A snapshot file that carries no file index at all: one line in the panel, no button, no table column."""
    path = tmp_path / "plain.json"
    snap(img(1, (L1,), tags=("plain:1",))).save(path)
    window = open_window(qtbot, snapshot=str(path))
    image_id = window.current.snapshot.images[0].id
    window.selection.select_image(image_id, "test")
    window.act_files.trigger()
    panel = window.details.files
    qtbot.waitUntil(lambda: image_id in window.files.errors or panel.status.text().startswith("This snapshot"),
                    timeout=LOAD_TIMEOUT)
    assert panel.status.text().startswith("This snapshot carries no file index") and "\n" not in panel.status.text()
    assert not panel.read_button.isVisible() and not panel.tree.isVisible()
    assert window.images_model.column(WASTED_COLUMN) == -1


def test_demo_files_offline(qtbot):
    """The bundled demo: once re-recorded with its file index, simple-express's `RUN npm install` layer holds
    node_modules and a `COPY . .` layer (the build with the .dockerignore) does not; before that, one line."""
    window = open_window(qtbot, demo=True)
    snapshot = window.current.snapshot
    express = [i for i in snapshot.images if any(t.startswith("simple-express") for t in i.repo_tags)]
    assert express
    panel = window.details.files
    if not snapshot.layer_files:
        window.selection.select_image(express[0].id, "test")
        window.act_files.trigger()
        assert panel.status.text().startswith("This snapshot carries no file index")
        assert "\n" not in panel.status.text() and not panel.read_button.isVisible()
        return
    copy_without = []
    for image in express:
        panel = _show_files(qtbot, window, image.id)
        made = [panel._created_by(i) for i in range(len(image.diff_ids))]
        npm = next(i for i, m in enumerate(made) if "npm install" in m)
        copy = max(i for i, m in enumerate(made) if m.startswith("COPY") and i > npm)
        _choose(panel, npm)
        assert any(p.startswith("usr/src/app/node_modules/") for p in _all(panel.model))
        _choose(panel, copy)
        copy_without.append(not any("node_modules" in p for p in _all(panel.model)))
    assert any(copy_without)


# -- on a real private dockerd --------------------------------------------------------------------------

def _daemon_image(client, ref: str, big: int = 0) -> str:
    """An image whose files are known: an imported base plus a classic build that modifies and deletes."""
    builders.import_image(client, "files-base:1", {"app/keep.txt": b"k" * 300, "app/gone.txt": b"g" * 4000,
                                                  **({"app/big.bin": builders.noise(big, 7)} if big else {})})
    return builders.build(client, "FROM files-base:1\nRUN rm /app/gone.txt && echo hi > /app/keep.txt\n", tag=ref)


def test_daemon_read_shows_progress_then_the_files(qtbot, daemon):
    """A daemon's image: nothing read on selection; Show files reads it in a worker with progress (bytes), the
    window keeps ticking, and the tree shows what the Dockerfile did; a second look is served at once."""
    client = daemon.client()
    image_id = _daemon_image(client, "files-app:1", big=8 << 20)
    window = open_window(qtbot, host=daemon.url)
    window.selection.select_image(image_id, "test")
    panel = window.details.files
    window.details.sections.setCurrentWidget(panel)
    assert panel.files is None and panel.read_button.isVisible() and not window.files.reading
    seen = []
    window.files.progress.connect(lambda i, done, total: seen.append((i, done, total)))
    ticks = Ticks()
    qtbot.mouseClick(panel.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.files is not None, timeout=READ_TIMEOUT)
    assert ticks.stop() < 1.0                           # the UI never froze
    assert seen and all(i == image_id for i, _, _ in seen) and max(done for _, done, _ in seen) > 8 << 20
    assert seen[-1][2] == window.current.snapshot.by_id[image_id].size
    _choose(panel, 1)
    changes = {p: _cell(panel.model, i, "change") for p, i in _all(panel.model).items()}
    assert changes["app/gone.txt"] == "− deleted" and changes["app/keep.txt"] == "~ modified"
    assert window.files.known(image_id).wasted_bytes == 4000 + 300
    model = window.images_model
    row = next(r for r, x in enumerate(model.rows) if x.image_id == image_id)
    assert model.index(row, model.column(WASTED_COLUMN)).data(SORT_ROLE) == 4300
    # a second image on the same base: its layer comes from the cache, the base image's files appear at once
    base = client.images.get("files-base:1").id
    seen.clear()
    window.selection.select_image(base, "test")
    window.act_files.trigger()
    qtbot.waitUntil(lambda: panel.files is not None and panel.files.image_id == base, timeout=READ_TIMEOUT)
    assert seen == []                                   # no docker save: its one layer was indexed already


def test_daemon_read_cancel_leaves_the_window_usable(qtbot, daemon):
    """Cancel during the read stops it: the panel says so in one line, offers to read again, and the window
    goes on working (another selection, another read)."""
    client = daemon.client()
    image_id = _daemon_image(client, "files-big:1", big=160 << 20)
    window = open_window(qtbot, host=daemon.url)
    window.selection.select_image(image_id, "test")
    panel = window.details.files
    started = []
    window.files.progress.connect(lambda i, done, total: started.append(done))
    with qtbot.waitSignal(window.files.failed, timeout=READ_TIMEOUT) as failed:
        window.act_files.trigger()
        qtbot.waitUntil(lambda: bool(started), timeout=READ_TIMEOUT)
        assert panel.cancel_button.isVisible() and panel.progress.isVisible()
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert failed.args[:2] == [image_id, CANCELLED]
    assert panel.files is None and "cancelled" in panel.status.text() and "\n" not in panel.status.text()
    assert panel.read_button.isVisible() and not panel.cancel_button.isVisible()
    assert not window.files.reading and window.files.known(image_id) is None
    # the window is usable: another image reads fine
    base = client.images.get("files-base:1").id
    window.selection.select_image(base, "test")
    assert window.details.image_id == base
    window.act_files.trigger()
    qtbot.waitUntil(lambda: panel.files is not None and panel.files.image_id == base, timeout=READ_TIMEOUT)


def test_daemon_image_removed_before_the_read_is_one_line(qtbot, daemon):
    """The image was removed after the snapshot was read: the read ends in one line in the panel, no dialog."""
    client = daemon.client()
    image_id = _daemon_image(client, "files-gone:1")
    window = open_window(qtbot, host=daemon.url)
    window.act_live.setChecked(False)                   # the window does not learn of the removal by itself
    window.selection.select_image(image_id, "test")
    client.api.remove_image(image_id, force=True)
    with qtbot.waitSignal(window.files.failed, timeout=READ_TIMEOUT) as failed:
        window.act_files.trigger()
    assert failed.args[1] == DAEMON_FAILED
    panel = window.details.files
    text = panel.status.text()
    assert text.startswith("Could not read the files:") and "not on the daemon" in text
    assert "\n" not in text and "Traceback" not in text
    assert not window.banner.isVisible() and QApplication.activeModalWidget() is None
    assert panel.read_button.isVisible() and panel.read_button.text() == "&Read again"
