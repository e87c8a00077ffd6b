"""The first minute in the window (issue 17), on the real window offscreen: CREATED as docker prints it (both
languages, exact time in a tooltip), the history table's columns, the host summary, the sort indicator against
the rows, the status bar in presentation mode, keyboard focus and accessible names."""
from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from gui import i18n
from gui.details import COMMENT_COLUMN, CREATED_BY_COLUMN, MIN_COLUMN, MIN_CREATED_BY
from gui.tablemodel import CREATED, IMAGE_ID_ROLE, REPO
from model.core.humantime import exact_time, parse_created
from model.core.snapshot import Snapshot
from resources import ENGINE29_SNAPSHOT
from windows import open_window

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_gui import synthetic_snapshot  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Temp settings; English again after each test."""
    yield
    i18n.Translations.of(QApplication.instance()).apply(i18n.ENGLISH)


def _demo(qtbot):
    return open_window(qtbot, demo=True)


def _tagged(window, ref: str) -> str:
    return next(i.id for i in window.current_snapshot().images if ref in i.repo_tags)


def _korean(window) -> None:
    window.language.set_language("ko")
    assert i18n.Translations.of(QApplication.instance()).language == "ko"


# -- 1. dates ---------------------------------------------------------------------------------------------
def test_created_zero_time_and_epoch_as_docker_in_both_languages(qtbot):
    """A zero-time image reads N/A (not "2027 years ago"), an epoch one "56 years ago"-like years; the exact time
    is the cell's tooltip; in Korean the words are Korean and N/A stays."""
    window = _demo(qtbot)
    snap = window.current_snapshot()
    first, second = [i for i in snap.images if i.repo_tags][:2]
    stamped = dataclasses.replace(snap, images=tuple(
        dataclasses.replace(i, created="0001-01-01T00:00:00Z") if i.id == first.id else
        dataclasses.replace(i, created="1970-01-01T00:00:00Z") if i.id == second.id else i for i in snap.images))
    window.show_snapshot(stamped, origin="file")
    model = window.images_model
    column = model.column(CREATED)

    def cell(image_id: str, role=Qt.ItemDataRole.DisplayRole):
        row = next(n for n, r in enumerate(model.rows) if r.image_id == image_id)
        return model.index(row, column).data(role)

    assert cell(first.id) == "N/A"
    assert re.fullmatch(r"\d\d years ago", cell(second.id)) and int(cell(second.id)[:2]) >= 56
    assert cell(first.id, Qt.ItemDataRole.ToolTipRole) == "0001-01-01 00:00:00 +0000 UTC"
    assert cell(second.id, Qt.ItemDataRole.ToolTipRole) == "1970-01-01 00:00:00 +0000 UTC"
    other = next(i for i in snap.images if i.repo_tags and i.id not in (first.id, second.id))
    assert cell(other.id, Qt.ItemDataRole.ToolTipRole) == exact_time(parse_created(other.created))
    # the history of the zero-time image: docker history prints N/A for steps up to 2000
    window.selection.select_image(second.id, "test")
    created = [window.details.history.item(r, 1) for r in range(window.details.history.rowCount())]
    assert created and all(item.text() for item in created)
    assert all(item.toolTip().endswith("+0000 UTC") for item in created)
    _korean(window)
    assert cell(first.id) == "N/A"
    assert re.fullmatch(r"\d\d년 전", cell(second.id)), cell(second.id)
    assert "ago" not in cell(other.id) and cell(other.id)


# -- 2. history columns ------------------------------------------------------------------------------------
def _check_history_columns(details) -> None:
    table = details.history
    width = table.viewport().width()
    widths = [0 if table.isColumnHidden(c) else table.columnWidth(c) for c in range(table.columnCount())]
    assert abs(sum(widths) - width) <= 2, (widths, width)          # no sideways scrolling, no gap
    others = [c for c in range(table.columnCount()) if c != CREATED_BY_COLUMN and not table.isColumnHidden(c)]
    wanted = {c: max(table.sizeHintForColumn(c), table.horizontalHeader().sectionSizeHint(c)) for c in others}
    room = width - int(width * MIN_CREATED_BY)
    if sum(wanted.values()) <= room:             # room for every column's content: each has it
        assert all(widths[c] == wanted[c] for c in others), (widths, wanted)
        assert widths[CREATED_BY_COLUMN] >= width * MIN_CREATED_BY - 2
    else:                                        # the others gave way, none below MIN_COLUMN
        assert all(widths[c] >= min(MIN_COLUMN, wanted[c]) for c in others)
        assert widths[CREATED_BY_COLUMN] >= min(width * MIN_CREATED_BY, width - sum(wanted.values())) - 2
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle


def test_history_columns_fit_content_created_by_takes_the_rest(qtbot):
    """CREATED BY is never squashed: after resizes, a narrow panel and presentation mode the columns still fit."""
    window = _demo(qtbot)
    edu = _tagged(window, "iscreamedu_apache:latest")
    window.selection.select_image(edu, "test")
    details = window.details
    img = window.current_snapshot().by_id[edu]
    for r, step in enumerate(img.history):
        assert details.history.item(r, CREATED_BY_COLUMN).toolTip() == step.created_by
    assert not details.history.isColumnHidden(COMMENT_COLUMN)          # (its steps have comments)
    for size in ((1920, 1080), (1280, 720), (1600, 960)):
        window.resize(*size)
        qtbot.wait(30)
        _check_history_columns(details)
    window.main_splitter.setSizes([900, 400])          # a narrow Details panel
    qtbot.wait(30)
    _check_history_columns(details)
    table = details.history
    assert table.columnWidth(CREATED_BY_COLUMN) >= int(MIN_CREATED_BY * table.viewport().width()) - 2
    window.set_presentation(True)
    qtbot.wait(30)
    window.set_presentation(False)
    window.resize(1600, 960)
    qtbot.wait(30)
    _check_history_columns(details)


# -- 3. host summary --------------------------------------------------------------------------------------
def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?[kMGT]?B|\d+", text)


def test_host_summary_figures_equal_the_status_bar_and_links_select(qtbot):
    """Nothing selected: Details shows the host; its counts and totals are the status bar's, and each image
    freeing the most is a link that selects it."""
    window = _demo(qtbot)
    details = window.details
    assert details.pages.currentIndex() == 0 and details.host_view.isVisible()
    text = details.host_view.text()
    snap = window.current_snapshot()
    assert snap.info.version in text
    counts = window.counts_label.text()         # "{n} images · {t} tagged · {d} dangling · {i} intermediate · {l}"
    n, t, d, i, layers = (int(x) for x in re.findall(r"\d+", counts))
    plain = re.sub(r"<[^>]+>", "", text)
    for figure, word in ((n, "images"), (t, "tagged"), (d, "dangling"), (i, "intermediate"), (layers, "layers")):
        assert f"{figure} {word}" in plain, (figure, word, plain)
    naive, actual = _numbers(window.totals_label.text())
    assert f"Σ image sizes {naive} · on disk {actual}" in plain
    in_use = sum(1 for s in window.current.analysis.status.values() if s.in_use)
    assert f"{in_use} in use" in plain
    links = re.findall(r"href='image:([0-9a-z:]+)'", text)
    sizes = window.current.analysis.image_sizes
    assert links and [sizes[x].unique_size for x in links] == sorted((sizes[x].unique_size for x in links),
                                                                     reverse=True)
    best = max((x for x in snap.by_id if window.current.analysis.status[x].status != "intermediate"),
               key=lambda x: sizes[x].unique_size)
    assert sizes[links[0]].unique_size == sizes[best].unique_size
    details.host_view.linkActivated.emit(f"image:{links[1]}")
    assert window.session.current_image == links[1]
    assert details.pages.currentWidget() is details.sections
    assert window.table.selectionModel().selectedRows()[0].data(IMAGE_ID_ROLE) == links[1]
    window.show_snapshot(snap, origin="demo")            # a new state: nothing selected, the host again
    assert details.pages.currentIndex() == 0


# -- 4. sorting -----------------------------------------------------------------------------------------
def _header_says(window) -> tuple[str, str]:
    """(column key, "▲"/"▼") as the header's text shows it; the one column with a mark."""
    model = window.images_model
    marked = [(key, model.headerData(c, Qt.Orientation.Horizontal)[-1]) for c, key in enumerate(model.columns)
              if model.headerData(c, Qt.Orientation.Horizontal)[-1] in "▲▼"]
    assert len(marked) == 1, marked
    return marked[0]


def _shown(window, key: str) -> list:
    proxy, model = window.images_proxy, window.images_model
    column = model.column(key)
    return [model.cell_value(model.rows[proxy.mapToSource(proxy.index(r, column)).row()], key)
            for r in range(proxy.rowCount())]


def _check_order(window) -> None:
    key, mark = _header_says(window)
    values = _shown(window, key)
    assert values == sorted(values, reverse=mark == "▼"), (key, mark, values[:5])
    assert window.images.sort_shown() == window.images_model.sort_by


@pytest.mark.parametrize("which", ["demo", "synthetic"])
def test_sort_indicator_matches_the_rows(qtbot, which):
    """The default order is docker images' (CREATED, newest first, ▼); clicks flip it; the indicator always
    names the order the rows are in, on the demo and on 1,000 images, across snapshots of other columns."""
    window = _demo(qtbot)
    if which == "synthetic":
        window.show_snapshot(synthetic_snapshot(1000, 2600), origin="file")
    assert _header_says(window) == (CREATED, "▼")
    _check_order(window)
    header = window.table.horizontalHeader()

    def click(key: str) -> None:
        column = window.images_model.column(key)
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(
            header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2))

    click(REPO)
    assert _header_says(window) == (REPO, "▲")
    _check_order(window)
    click(REPO)
    assert _header_says(window) == (REPO, "▼")
    _check_order(window)
    click(CREATED)                      # a first click on a time: newest first
    assert _header_says(window) == (CREATED, "▼")
    _check_order(window)
    click("size")
    _check_order(window)
    window.show_snapshot(Snapshot.load(ENGINE29_SNAPSHOT), origin="file")     # other columns: SIZE is gone
    assert _header_says(window) == (CREATED, "▼")
    _check_order(window)


# -- 5. status bar -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_status_bar_widgets_never_overlap(qtbot, language, size):
    """Presentation mode (and the normal window) at 1280×720 and 1920×1080, English and Korean: the message,
    the DEMO badge and the figures lie side by side inside the bar, none on another."""
    window = _demo(qtbot)
    if language == "ko":
        _korean(window)
    window.selection.select_image(_tagged(window, "iscreamedu_apache:latest"), "test")   # a long message
    bar = window.statusBar()
    assert window.session.current_image and bar.currentMessage()
    for presenting in (False, True):
        window.set_presentation(presenting)
        window.setGeometry(0, 0, *size)
        qtbot.wait(50)
        shown = [w for w in bar.findChildren(QWidget) if w.isVisible() and w.parentWidget() is bar]
        assert window.mode_label in shown and window.counts_label in shown and bar.message in shown
        for w in shown:
            assert bar.rect().contains(w.geometry()), (w.objectName(), w.geometry(), bar.rect())
        for a in shown:
            for b in shown:
                if a is not b:
                    assert not a.geometry().intersects(b.geometry()), (a.objectName(), b.objectName())
        assert bar.message.geometry().right() < window.mode_label.geometry().left()
        if bar.message.elided():
            assert bar.currentMessage() in bar.message.toolTip()
    window.set_presentation(False)


# -- 6. keyboard and screen readers ---------------------------------------------------------------------------
def _unnamed(window) -> list[str]:
    """Every shown widget that takes the focus and has no accessible name."""
    out = []
    for widget in QApplication.allWidgets():
        if widget.window() is not window or not widget.isVisible() or \
                widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        if face is None or not face.text(QAccessible.Text.Name).strip():
            out.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parentWidget()).__name__}")
    return out


def test_no_unnamed_interactive_widget_and_focus_order(qtbot):
    """Walking every widget (nothing selected, an image selected, each panel, the storage map) finds no
    unnamed interactive one; Tab goes filter → table → map → details; every action has a shortcut or a menu
    entry (reachable with Alt); the map's description says what is selected."""
    window = _demo(qtbot)
    assert _unnamed(window) == []
    edu = _tagged(window, "iscreamedu_apache:latest")
    window.selection.select_image(edu, "test")
    assert "iscreamedu_apache:latest" in window.graph_view.accessibleDescription()
    face = QAccessible.queryAccessibleInterface(window.graph_view)
    assert "iscreamedu_apache:latest" in face.text(QAccessible.Text.Description)
    window.selection.select_layer(window.current_snapshot().by_id[edu].chain_ids[0], "graph")
    assert "Layer" in window.graph_view.accessibleDescription()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        assert _unnamed(window) == [], window.tabs.tabText(index)
    window.tabs.setCurrentWidget(window.details)
    window.details.sections.setCurrentIndex(1)
    assert _unnamed(window) == []
    window.details.sections.setCurrentIndex(0)
    window.views.show_storage_map(True)
    assert _unnamed(window) == []
    window.views.show_storage_map(False)
    # focus order: Tab from the filter goes to the table, the map, then the details
    window.activateWindow()
    window.filter_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.filter_edit)
    order = []
    for _ in range(3):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order[0] is window.table and order[1] is window.graph_view, order
    assert order[2] is window.tabs or window.tabs.isAncestorOf(order[2]), order
    # every action: a shortcut, or an entry in a menu of the menu bar
    in_menus = set()
    pending = [a.menu() for a in window.menuBar().actions() if a.menu()]
    while pending:
        menu = pending.pop()
        for act in menu.actions():
            in_menus.add(act)
            if act.menu():
                pending.append(act.menu())
    for act in window.actions() + window.toolbar.actions():
        if act.isSeparator() or not act.text():
            continue
        assert act.shortcuts() or act in in_menus, act.text()
    for title in (a.text() for a in window.menuBar().actions()):
        assert "&" in title, title                       # Alt+letter opens each menu
