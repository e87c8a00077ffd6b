"""Engine 29's containerd image store in the real window (pytest-qt, offscreen), from the recorded demo snapshot
(resources/demo/engine29.json, bench/record_engine29.py): platforms and both size kinds in the table, the
multi-platform badge and its tooltip, manifests and attestations in the details panel, `<missing>` explained,
and a classic-store snapshot that shows none of it.  One test reads a live Engine 29 and compares the table
with the docker CLI's own `docker image ls --tree`."""
from __future__ import annotations

import re
import subprocess

import builders
import pytest
from PySide6.QtCore import Qt

from gui.tablemodel import CONTENT, DISK_USAGE, IMAGE_ID_ROLE, PLATFORMS, SIZE, SORT_ROLE, ImagesModel
from model.core.sizes import human, image_size
from model.core.snapshot import MANIFEST_ATTESTATION, MANIFEST_IMAGE, Snapshot
from resources import DEMO_SNAPSHOT, ENGINE29_SNAPSHOT
from windows import open_window


@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Every test here runs with the shared temp_settings (tests/conftest.py)."""
    return temp_settings


@pytest.fixture(scope="module")
def snap() -> Snapshot:
    """The recorded Engine 29 snapshot."""
    return Snapshot.load(ENGINE29_SNAPSHOT)


@pytest.fixture
def window(qtbot):
    """The window showing the Engine 29 snapshot, intermediates listed too (`docker images -a`)."""
    w = open_window(qtbot, snapshot=str(ENGINE29_SNAPSHOT))
    w.views.set_intermediates(True)
    return w


def multi_platform(snap: Snapshot):
    """The snapshot's multi-platform image (an index of two or more platform manifests)."""
    found = [i for i in snap.images if len(i.platforms) > 1]
    assert len(found) == 1
    return found[0]


def with_attestation(snap: Snapshot):
    """The BuildKit image: an index holding an attestation manifest."""
    found = [i for i in snap.images if any(m.kind == MANIFEST_ATTESTATION for m in i.manifests)]
    assert found
    return found[0]


def header_titles(model: ImagesModel) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal).rstrip(" ▲▼") for c in range(model.columnCount())]


def test_recorded_snapshot_holds_each_kind_of_image(snap):
    """The demo is what bench/record_engine29.py says it records: containerd store, manifests on every image,
    a two-platform index, a BuildKit index with one platform and its attestation, `<missing>` history rows."""
    assert snap.info.image_store == "containerd" and snap.info.major_version == 29
    assert all(i.manifests for i in snap.images)
    assert multi_platform(snap).is_index and multi_platform(snap).platforms == ("linux/amd64", "linux/arm64")
    bk = with_attestation(snap)
    assert bk.is_index and bk.platforms == ("linux/amd64",)
    attestation = next(m for m in bk.manifests if m.kind == MANIFEST_ATTESTATION)
    assert attestation.attestation_for in {m.id for m in bk.manifests if m.kind == MANIFEST_IMAGE}
    assert any(row.id == "<missing>" for row in bk.history)


def test_table_shows_platforms_disk_usage_and_content_size(window, snap):
    """PLATFORMS, DISK USAGE and CONTENT SIZE cells are the snapshot's figures as docker prints them; no SIZE."""
    model = window.images_model
    titles = header_titles(model)
    assert {"PLATFORMS", "DISK USAGE", "CONTENT SIZE", "SHARED SIZE", "UNIQUE SIZE"} <= set(titles)
    assert "SIZE" not in titles and model.column(SIZE) == -1
    cols = {key: model.column(key) for key in (PLATFORMS, DISK_USAGE, CONTENT)}
    seen = set()
    for r in range(model.rowCount()):
        img = snap.by_id[model.index(r, 0).data(IMAGE_ID_ROLE)]
        seen.add(img.id)
        cell = {key: model.index(r, c).data() for key, c in cols.items()}
        assert cell[PLATFORMS] == ", ".join(m.platform for m in img.manifests if m.kind == MANIFEST_IMAGE)
        assert cell[DISK_USAGE] == human(img.disk_usage) == human(image_size(img))
        assert cell[CONTENT] == human(sum(m.content_size for m in img.manifests))
    assert seen == set(snap.by_id)
    multi = multi_platform(snap)
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(IMAGE_ID_ROLE) == multi.id)
    assert model.index(row, cols[PLATFORMS]).data() == "linux/amd64, linux/arm64"
    tip = model.index(row, cols[PLATFORMS]).data(Qt.ItemDataRole.ToolTipRole)
    assert "linux/amd64" in tip and "linux/arm64" in tip
    assert model.headerData(cols[CONTENT], Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("key", [DISK_USAGE, CONTENT])
def test_size_columns_sort_by_bytes(window, key):
    """Sorting by DISK USAGE or CONTENT SIZE orders rows by bytes (not by the text: "3.03MB" < "13.1MB")."""
    proxy, model = window.images_proxy, window.images_model
    column = model.column(key)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        proxy.sort(column, order)
        values = [proxy.index(r, column).data(SORT_ROLE) for r in range(proxy.rowCount())]
        assert all(isinstance(v, int) for v in values) and len(set(values)) > 2
        assert values == sorted(values, reverse=order == Qt.SortOrder.DescendingOrder)
        assert [proxy.index(r, column).data() for r in range(proxy.rowCount())] == [human(v) for v in values]


def test_attestations_are_not_images(window, snap):
    """Attestation manifests are listed under their image, never drawn, listed or counted as images."""
    attestations = {m.id for i in snap.images for m in i.manifests if m.kind == MANIFEST_ATTESTATION}
    assert attestations
    view, model = window.graph_view, window.images_model
    assert set(view.image_items) <= set(snap.by_id) and not attestations & set(view.image_items)
    shown = {model.index(r, 0).data(IMAGE_ID_ROLE) for r in range(model.rowCount())}
    assert shown == set(snap.by_id) and not attestations & shown
    assert f"{len(snap.images)} images" in window.counts_label.text()
    bk = with_attestation(snap)
    assert ", " not in model.index(next(r for r in range(model.rowCount())
                                        if model.index(r, 0).data(IMAGE_ID_ROLE) == bk.id),
                                   model.column(PLATFORMS)).data()


def test_multi_platform_badge_and_tooltip(window, snap):
    """The multi-platform image's badge carries "2 platforms"; its tooltip lists each platform with its sizes
    and availability; single-platform images (and the BuildKit index with its attestation) carry no chip."""
    view = window.graph_view
    multi = multi_platform(snap)
    item = view.image_items[multi.id]
    assert item.platform_chip == "2 platforms"
    assert item.boundingRect().top() < item.rect.top() - item.CHIP_H / 2      # the chip is painted inside it
    for image_id, other in view.image_items.items():
        if image_id != multi.id:
            assert other.platform_chip == ""
    tip = view.tooltip_for(item)
    for m in multi.manifests:
        line = next(part for part in tip.split("<br>") if m.platform in part)
        assert human(m.content_size) in line and human(m.unpacked_size) in line
    assert "DISK USAGE " + human(multi.disk_usage) in tip and "CONTENT SIZE " + human(multi.content_size) in tip
    bk_tip = view.tooltip_for(view.image_items[with_attestation(snap).id])
    assert "attestation for linux/amd64" in bk_tip


def test_each_platform_stack_is_drawn_where_its_layers_are(window, snap):
    """The other platform's layers (present, not unpacked on this host) form their own stack in the map,
    its top box naming the image and platform; those layers count as the image's, not as another image's."""
    from model.core.graph import LAYER
    multi = multi_platform(snap)
    (platform, chains, _), = multi.platform_stacks
    assert platform == "linux/arm64" and not set(chains) & set(multi.chain_ids)
    graph = window.graph_view.analysis.graph
    for chain_id in chains:
        assert graph.nodes[chain_id]["kind"] == LAYER and graph.nodes[chain_id]["images"] == [multi.id]
        assert window.graph_view.analysis.layer_use[chain_id].images == (multi.id,)
    top = window.graph_view.layer_items[window.graph_view.node_of[chains[-1]]]
    assert top.title == f"{multi.repo_tags[0]} · linux/arm64" and top.detail == "not unpacked"


def test_badge_chip_is_painted(window, snap, qtbot):
    """The chip is really drawn: the pixels above the badge's top edge change with it."""
    view = window.graph_view
    item = view.image_items[multi_platform(snap).id]
    view.resetTransform()
    view.centerOn(item.rect.center())
    qtbot.wait(50)
    chip = view.mapFromScene(item.chip_rect()).boundingRect()
    assert view.viewport().rect().contains(chip)
    with_chip = view.viewport().grab(chip).toImage()
    item.set_label(item.tags, item.status, item.in_use, item.running, 0, "")
    qtbot.wait(50)
    assert view.viewport().grab(chip).toImage() != with_chip


def test_details_list_manifests_and_explain_missing(window, snap):
    """The details panel lists the image's manifests (an attestation names the platform it describes) and
    explains `<missing>` history rows in a note and in those rows' tooltip."""
    details = window.details
    bk = with_attestation(snap)
    window.selection.select_image(bk.id, "test")
    table = details.manifests
    assert table.isVisible() and table.rowCount() == len(bk.manifests)
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    by_digest = {row[5]: row for row in rows}
    for m in bk.manifests:
        row = by_digest[m.id.split(":")[1][:12]]
        assert row[2] == ("yes" if m.available else "no")
        assert row[3] == human(m.content_size) and row[4] == human(m.unpacked_size)
        if m.kind == MANIFEST_ATTESTATION:
            assert row[0] == "attestation for linux/amd64" and row[1] == "attestation"
        else:
            assert row[0] == m.platform and row[1] == "image"
    assert "DISK USAGE" in details.image_header.text() and human(bk.content_size) in details.image_header.text()
    assert details.missing_note.isVisible() and "BuildKit" in details.missing_note.text()
    missing = [r for r in range(details.history.rowCount()) if details.history.item(r, 0).text() == "<missing>"]
    assert missing and all(details.history.item(r, 0).toolTip() == details.missing_note.text() for r in missing)
    # an image whose history has no <missing> row (a commit on a legacy build) shows no note
    committed = next(i for i in snap.images if i.repo_tags == ("committed:1",))
    assert all(row.id != "<missing>" for row in committed.history)
    window.selection.select_image(committed.id, "test")
    assert not details.missing_note.isVisible() and details.manifests.rowCount() == 1


def test_classic_snapshot_shows_no_containerd_columns(qtbot):
    """A classic-store snapshot keeps the old table: SIZE, no PLATFORMS / DISK USAGE / CONTENT SIZE, no chips,
    no manifests table."""
    window = open_window(qtbot, snapshot=str(DEMO_SNAPSHOT))
    model = window.images_model
    titles = [t for t in header_titles(model) if t != "WASTED"]    # WASTED: once the demo's files are indexed
    assert titles == ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE",
                      "CONTAINERS", "STATUS"]
    assert all(model.column(k) == -1 for k in (PLATFORMS, DISK_USAGE, CONTENT))
    assert all(item.platform_chip == "" for item in window.graph_view.image_items.values())
    first = next(iter(window.graph_view.image_items))
    window.selection.select_image(first, "test")
    assert not window.details.manifests.isVisible() and window.details.manifests.rowCount() == 0
    assert "SIZE" in window.details.image_header.text() and "DISK USAGE" not in window.details.image_header.text()


def test_chart_and_status_line_say_what_they_count(window, snap):
    """The window's chart titles its totals with the containerd store's kind of bytes."""
    window.tabs.setCurrentWidget(window.chart)
    figure = window.chart_figure()
    texts = [ax.get_title(loc="left") for ax in figure.axes] + \
        [t.get_text() for ax in figure.axes for t in ax.get_yticklabels()]
    assert any("compressed content + unpacked layers" in t for t in texts)
    assert any(t == "Σ docker images DISK USAGE" for t in texts)
    assert "DISK USAGE" in window.totals_label.toolTip()
    assert re.search(r"on disk \S+", window.totals_label.text())


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def image_ls_tree(env: dict[str, str]) -> dict[str, tuple[str, str, list[str]]]:
    """`docker image ls --tree` as {name: (DISK USAGE, CONTENT SIZE, [platforms])}."""
    text = subprocess.run(["docker", "image", "ls", "--tree"], env=env, capture_output=True, text=True,
                          check=True, timeout=60).stdout
    rows: dict[str, tuple[str, str, list[str]]] = {}
    name = None
    for line in ANSI.sub("", text).splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if line.startswith(("├─ ", "└─ ")) and name is not None:
            rows[name][2].append(cells[0][3:])
        elif len(cells) >= 4 and re.fullmatch(r"[0-9a-f]{12}", cells[1]):
            name = cells[0]
            rows[name] = (cells[2], cells[3], [])
    return rows


def test_table_equals_docker_image_ls_tree(qtbot, engine29):
    """On a live Engine 29 the table's PLATFORMS, DISK USAGE and CONTENT SIZE equal what the docker CLI prints
    for an imported image, a BuildKit build (an index with an attestation) and a two-platform index."""
    client = engine29.client()
    builders.import_image(client, "base:1", {"usr/lib/base.bin": builders.noise(300_000, 3)})
    builders.buildkit_build(engine29.cli_env(), "FROM base:1\nRUN echo built > /built\n", "bk:1")
    builders.load_oci_index(client, "multi:1")
    cli = image_ls_tree(engine29.cli_env())
    assert set(cli) == {"base:1", "bk:1", "multi:1"} and cli["multi:1"][2] == ["linux/amd64", "linux/arm64"]
    window = open_window(qtbot, host=engine29.url)
    model = window.images_model
    shown = {}
    for r in range(model.rowCount()):
        ref = model.index(r, 0).data() + ":" + model.index(r, 1).data()
        shown[ref] = (model.index(r, model.column(DISK_USAGE)).data(), model.index(r, model.column(CONTENT)).data(),
                      model.index(r, model.column(PLATFORMS)).data().split(", "))
    assert shown == cli
