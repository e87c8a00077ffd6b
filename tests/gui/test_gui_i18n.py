"""The Korean UI: the .ts is complete and current, it compiles, the window shows Korean menus, the language follows
the system locale unless the menu chose one, and switching applies at once without a reload."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QApplication

from gui import i18n
from gui.languagemenu import LanguageController
from gui.mainwindow import MainWindow, open_settings
import windows
from windows import LOAD_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
TS = i18n.ts_path("ko")
HANGUL = re.compile("[\uac00-\ud7a3]")
# Texts that stay as they are in Korean too: commands, product names, docker's own output words
KEEP = re.compile(r"^(What-if|WHAT-IF|\[WHAT-IF\]|What-if: docker rmi \{ref\}|Graphviz DOT|Untagged: \{ref\}|"
                  r"English|한국어|docker .*)$")


@pytest.fixture(autouse=True)
def _english_after(temp_settings):
    """Shared temp settings but no language chosen (these tests choose it); English again after each test."""
    from gui.mainwindow import open_settings
    settings = open_settings()
    settings.remove("ui/language")
    settings.sync()
    yield temp_settings
    if QApplication.instance() is not None:
        i18n.Translations.of(QApplication.instance()).apply(i18n.ENGLISH)


def messages() -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) of every message in the Korean .ts."""
    root = ET.parse(TS).getroot()
    assert root.get("language", "").startswith("ko")
    return [(ctx.findtext("name") or "", m.findtext("source"), m.find("translation"))
            for ctx in root.iter("context") for m in ctx.iter("message")]


def set_language_setting(code: str) -> None:
    s = open_settings()
    s.setValue("ui/language", code)
    s.sync()


def open_window(qtbot, **options) -> tuple[MainWindow, LanguageController]:
    window = windows.open_window(qtbot, start=False, **options)
    return window, window.language


def menu_titles(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions() if a.menu() is not None]


def all_menu_texts(window: MainWindow) -> list[str]:
    """The text of every action in every menu and submenu of the menu bar."""
    out: list[str] = []

    def walk(menu) -> None:
        for a in menu.actions():
            if a.isSeparator():
                continue
            out.append(a.text())
            if a.menu() is not None:
                walk(a.menu())
    for a in window.menuBar().actions():
        out.append(a.text())
        if a.menu() is not None:
            walk(a.menu())
    return out


# -- the translation source --------------------------------------------------------------------
def test_ts_every_message_translated():
    """No unfinished, obsolete or empty translation; placeholders, markup, accelerators and edges kept."""
    msgs = messages()
    assert len(msgs) > 150
    bad = []
    for ctx, src, tr in msgs:
        text = tr.text or ""
        if tr.get("type") in ("unfinished", "obsolete", "vanished") or not text.strip():
            bad.append((ctx, src, "not translated"))
            continue
        if sorted(re.findall(r"\{\w*\}", src)) != sorted(re.findall(r"\{\w*\}", text)):
            bad.append((ctx, src, "placeholders differ"))
        if sorted(re.findall(r"%[vmn\d]", src)) != sorted(re.findall(r"%[vmn\d]", text)):
            bad.append((ctx, src, "% markers differ"))
        if sorted(re.findall(r"</?\w+", src)) != sorted(re.findall(r"</?\w+", text)):
            bad.append((ctx, src, "markup differs"))
        if re.search(r"&\w", src.replace("&nbsp;", "").replace("&apos;", "")) and \
                not re.search(r"&\w", text.replace("&nbsp;", "")):
            bad.append((ctx, src, "accelerator lost"))
        if (src[:1].isspace(), src[-1:].isspace()) != (text[:1].isspace(), text[-1:].isspace()):
            bad.append((ctx, src, "leading/trailing space differs"))
        if not HANGUL.search(text) and not KEEP.match(text) and src not in ("Next", "Previous") and \
                re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>|\{\w+\}|docker \w+|`[^`]*`|\([^)]*\)", "", text)):
            bad.append((ctx, src, "left in English: " + text))
    assert not bad, "\n".join(map(str, bad))


def test_ts_is_current_with_the_sources(tmp_path):
    """lupdate over gui/ now finds exactly the messages the committed .ts translates (nothing new, none stale)."""
    tool = i18n._qt_tool("lupdate")
    if tool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("lupdate is missing (it ships in the PySide6-Essentials wheel)")
        pytest.skip("lupdate not installed")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([tool, "-silent", "-no-obsolete", "-locations", "none", *map(str, i18n.sources()),
                    "-ts", str(fresh)], check=True, capture_output=True)
    found = {(c.findtext("name") or "", m.findtext("source"))
             for c in ET.parse(fresh).getroot().iter("context") for m in c.iter("message")}
    have = {(ctx, src) for ctx, src, _ in messages()}
    assert found - have == set(), "new UI strings without a translation: run `python -m gui.i18n update`"
    assert have - found == set(), "the .ts keeps strings the code no longer has"


def test_committed_qm_matches_ts(tmp_path):
    """The committed fallback .qm is what lrelease makes of the .ts today, and lrelease is found."""
    assert i18n._qt_tool("lrelease") is not None
    out = tmp_path / "ko.qm"
    assert i18n.compile_ts(TS, out)
    assert out.read_bytes() == i18n.committed_qm("ko").read_bytes(), "run `python -m gui.i18n release`"


def test_qm_compiled_at_load_into_cache_else_committed(tmp_path, monkeypatch):
    """First use compiles the .ts into the cache (keyed by its hash); without lrelease the committed .qm serves."""
    qm = i18n.qm_file("ko")
    assert qm is not None and qm.parent == tmp_path / "cache" / "i18n" and qm.stat().st_size > 1000
    assert i18n.qm_file("ko") == qm                       # cached: not compiled again
    monkeypatch.setenv("LAYERSCOPE_CACHE", str(tmp_path / "other-cache"))
    monkeypatch.setattr(i18n, "_qt_tool", lambda name: None)
    assert i18n.qm_file("ko") == i18n.committed_qm("ko")


# -- choosing the language ------------------------------------------------------------------------
def test_language_from_locale_and_setting():
    """System → the locale's language (Korean locales give Korean, others English); a setting overrides it."""
    assert i18n.system_language(QLocale("ko_KR")) == "ko"
    assert i18n.system_language(QLocale("en_US")) == "en"
    assert i18n.system_language(QLocale(QLocale.Language.German)) == "en"
    assert i18n.resolve("system", QLocale("ko_KR")) == "ko"
    assert i18n.resolve("en", QLocale("ko_KR")) == "en"
    assert i18n.resolve("ko", QLocale("en_US")) == "ko"
    s = open_settings()
    assert i18n.saved_choice(s) == "system"
    s.setValue("ui/language", "ko")
    assert i18n.saved_choice(s) == "ko"
    s.setValue("ui/language", "klingon")
    assert i18n.saved_choice(s) == "system"


def test_korean_system_locale_gives_korean_window(tmp_path):
    """A real start under LANG=ko_KR.UTF-8 (another process, so the system locale is really Korean)."""
    code = (
        "import os, sys; sys.path.insert(0, os.getcwd())\n"
        "from PySide6.QtCore import QSettings, QLocale\n"
        "from PySide6.QtWidgets import QApplication\n"
        "QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])\n"
        "app = QApplication([])\n"
        "from gui.app import make_window\n"
        "w = make_window(None)\n"
        "print(QLocale.system().name())\n"
        "print('|'.join(a.text() for a in w.menuBar().actions()))\n"
        "print(w.language.translations.language)\n"
        "w.live_updates.shutdown()\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANGUAGE"}
    env.update(LANG="ko_KR.UTF-8", QT_QPA_PLATFORM="offscreen", LAYERSCOPE_CACHE=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "s")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    locale, titles, lang = done.stdout.strip().splitlines()[-3:]
    assert locale == "ko_KR" and lang == "ko"
    assert "파일(&F)" in titles.split("|") and "보기(&V)" in titles.split("|")


# -- the window in Korean ---------------------------------------------------------------------------
def test_window_shows_korean_everywhere(qtbot):
    """Setting 한국어: menus, actions, table headers, status bar and tabs are Korean; no English menu item left."""
    set_language_setting("ko")
    window, ext = open_window(qtbot, demo=True)
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.start()
    assert ext.translations.language == "ko"
    titles = menu_titles(window)
    for want in ("파일(&F)", "보기(&V)", "이미지(&I)", "도움말(&H)"):
        assert want in titles
    texts = all_menu_texts(window)
    english = [t for t in texts if not HANGUL.search(t) and not KEEP.match(t.replace("&", ""))]
    assert not english, f"menu items left in English: {english}"
    assert "내보내기(&E)" in texts and "언어(&L)" in texts and "한국어" in texts
    model = window.table.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "저장소" in headers and "이미지 ID" in headers
    assert HANGUL.search(window.counts_label.text())
    assert all(HANGUL.search(window.tabs.tabText(i)) or KEEP.match(window.tabs.tabText(i))
               for i in range(window.tabs.count()))
    assert HANGUL.search(window.live_updates.live.indicator.text())
    # Korean renders: the UI font has every glyph of the menu texts (no tofu boxes)
    font = window.menuBar().font()
    metrics = QFontMetricsF(font)
    assert "NanumGothic" in QFontDatabase.families(QFontDatabase.WritingSystem.Korean)
    for ch in set("".join(texts)):
        if HANGUL.match(ch):
            assert metrics.inFontUcs4(ord(ch)), ch


def test_switching_language_applies_without_restart(qtbot, tmp_path):
    """English → 한국어 → English from the menu: texts change at once, same snapshot, no reload; remembered."""
    set_language_setting("en")
    window, ext = open_window(qtbot, demo=True)
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.start()
    snap = window.current_snapshot()
    loads: list[int] = []
    window.loaded.connect(lambda: loads.append(1))
    assert "&File" in menu_titles(window) and ext.translations.language == "en"
    assert ext.language_actions["en"].isChecked()
    view = window.graph_view
    apache = next(i for i in snap.images if "ubuntu_apache:latest" in i.repo_tags)
    window.preview_rmi("ubuntu_apache:latest")                 # marks that must survive the switch
    view.select_image(apache.id, center=False)
    marked = (view.marked("untagged"), view.marked("deleted"))
    scale = view.current_scale()
    shared = next(it for it in view.layer_items.values() if it.holders > 1)
    assert "shared by" in shared.detail and "tagged" in view.image_items[apache.id].detail

    ext.language_actions["ko"].trigger()
    assert ext.translations.language == "ko" and ext.language_actions["ko"].isChecked()
    assert "파일(&F)" in menu_titles(window) and "&File" not in menu_titles(window)
    assert window.exporter.export_menu.title() == "내보내기(&E)" and window.act_live.text() == "실시간 반영(&V)"
    assert HANGUL.search(window.counts_label.text())
    assert window.current_snapshot() is snap and not loads      # no reload, the same snapshot
    assert open_settings().value("ui/language") == "ko"
    # the graph's own texts follow too, with the preview marks, the selection and the zoom kept
    shared = next(it for it in view.layer_items.values() if it.holders > 1)
    assert "공유" in shared.detail and "태그 있음" in view.image_items[apache.id].detail
    assert (view.marked("untagged"), view.marked("deleted")) == marked and marked[0]
    assert view.selected_ids() == [apache.id] and view.current_scale() == pytest.approx(scale)

    # a second window (e.g. after a restart) starts in the remembered language
    other, _ = open_window(qtbot)
    assert "파일(&F)" in menu_titles(other)
    other.live_updates.shutdown()

    ext.language_actions["en"].trigger()
    assert "&File" in menu_titles(window) and window.exporter.export_menu.title() == "&Export"
    assert "tagged" in view.image_items[apache.id].detail
    assert "images" in window.counts_label.text()
    assert window.current_snapshot() is snap and not loads
    ext.language_actions["system"].trigger()
    assert ext.translations.language == i18n.system_language()
    assert open_settings().value("ui/language") == "system"


def test_korean_text_paints_with_a_korean_font(qtbot):
    """A Korean label painted with the app's UI font puts ink in the image, with the same width as in Nanum."""
    open_window(qtbot)                                   # the app's style (font) is set with the first window
    font = QApplication.instance().font()
    assert "NanumGothic" in font.families() or font.family() == "NanumGothic"
    img = QImage(200, 40, QImage.Format.Format_RGB32)
    img.fill(0xFFFFFF)
    p = QPainter(img)
    p.setFont(font)
    p.drawText(5, 28, "레이어 공유")
    p.end()
    dark = sum(1 for x in range(img.width()) for y in range(img.height()) if img.pixelColor(x, y).lightness() < 128)
    assert dark > 40
    assert QFontMetricsF(font).horizontalAdvance("레이어") == \
        pytest.approx(QFontMetricsF(QFont(["NanumGothic"], font.pointSize())).horizontalAdvance("레이어"), rel=0.3)
