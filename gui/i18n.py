"""The UI language: Korean or English, chosen from the system locale or a setting, switchable at run time.

Translations are Qt's own: ``resources/i18n/layerscope_ko.ts`` is the source (made with ``lupdate`` over gui/,
translated by hand).  At run time it is compiled with ``lrelease`` (shipped inside the PySide6 wheel) into the
cache directory, keyed by the .ts file's content hash, so editing the .ts needs no build step.  When lrelease is
missing or fails, the committed ``resources/i18n/layerscope_ko.qm`` is used instead (tests check that it matches
the .ts).  Qt's own ``qtbase_ko.qm`` (standard dialogs and buttons) is installed alongside when Qt ships it.

Refreshing the .ts after UI strings change::

    python -m gui.i18n update     # lupdate gui/ → resources/i18n/layerscope_ko.ts (keeps translations)
    python -m gui.i18n release    # lrelease → resources/i18n/layerscope_ko.qm (the committed fallback)
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from resources import I18N

from .settings import Settings

ROOT = Path(__file__).resolve().parent.parent
I18N_DIR = I18N
SYSTEM, ENGLISH, KOREAN = "system", "en", "ko"
CHOICES = (SYSTEM, ENGLISH, KOREAN)
TRANSLATED = (KOREAN,)                   # languages with a .ts file; English is the source language


def language_name(code: str) -> str:
    """What the Language menu shows for ``code`` (each language in its own words, "System" translated)."""
    if code == SYSTEM:
        return QCoreApplication.translate("Language", "System language")
    return {ENGLISH: "English", KOREAN: "한국어"}.get(code, code)


def ts_path(lang: str) -> Path:
    """The translation source of ``lang``."""
    return I18N_DIR / f"layerscope_{lang}.ts"


def committed_qm(lang: str) -> Path:
    """The compiled fallback kept in the repository."""
    return I18N_DIR / f"layerscope_{lang}.qm"


def _qt_tool(name: str) -> str | None:
    """Qt's ``lupdate``/``lrelease``: the binary inside the PySide6 package, its pyside6- wrapper, or PATH."""
    try:
        import PySide6
        inside = Path(PySide6.__file__).resolve().parent / name
        if inside.is_file() and os.access(inside, os.X_OK):
            return str(inside)
    except ImportError:
        pass
    return shutil.which(f"pyside6-{name}") or shutil.which(name)


def cache_dir() -> Path:
    """Where compiled translations go: $LAYERSCOPE_CACHE/i18n, else the XDG cache."""
    base = os.environ.get("LAYERSCOPE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "layerscope")
    return Path(base) / "i18n"


def compile_ts(ts: Path, qm: Path, timeout: float = 60.0) -> bool:
    """Run lrelease ``ts`` → ``qm``; False when lrelease is missing or fails."""
    tool = _qt_tool("lrelease")
    if tool is None or not ts.exists():
        return False
    qm.parent.mkdir(parents=True, exist_ok=True)
    tmp = qm.with_name(qm.name + f".{os.getpid()}.tmp")
    try:
        done = subprocess.run([tool, "-silent", str(ts), "-qm", str(tmp)], capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            return False
        os.replace(tmp, qm)          # atomic: two windows compiling at once never read half a file
        return True
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        tmp.unlink(missing_ok=True)


def qm_file(lang: str) -> Path | None:
    """A compiled translation of ``lang``: compiled from the .ts into the cache, else the committed .qm."""
    ts = ts_path(lang)
    if ts.exists():
        digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
        cached = cache_dir() / f"layerscope_{lang}-{digest}.qm"
        if cached.exists() and cached.stat().st_size > 0:
            return cached
        if compile_ts(ts, cached):
            return cached
    fallback = committed_qm(lang)
    return fallback if fallback.exists() else None


def system_language(locale: QLocale | None = None) -> str:
    """The language the system locale asks for, if Layerscope has it (else English)."""
    locale = locale or QLocale.system()
    if locale.language() == QLocale.Language.Korean:
        return KOREAN
    for name in locale.uiLanguages():         # e.g. LANGUAGE=ko:en with an English LC_*
        if name.lower().startswith("ko"):
            return KOREAN
        if name.lower().startswith("en"):
            break
    return ENGLISH


def saved_choice(settings: QSettings | None) -> str:
    """The Language menu's choice (System unless the user picked one)."""
    value = Settings(settings).language if settings is not None else SYSTEM
    return value if value in CHOICES else SYSTEM


def resolve(choice: str, locale: QLocale | None = None) -> str:
    """The language to show for a menu choice: ``system`` becomes the locale's language."""
    return system_language(locale) if choice == SYSTEM else (choice if choice in CHOICES else ENGLISH)


class FallbackTranslator(QTranslator):
    """Layerscope's translator: a message not found in its own context is looked up in the empty context.

    lupdate files calls of module-level helpers such as ``def tr(text): return QCoreApplication.translate(
    "GraphView", text)`` under the empty context (it cannot see the helper's context), while at run time the
    lookup names "GraphView"; the fallback finds them.  None (a null string) lets Qt try the next translator
    and finally show the English source."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        """The translation in ``context``, else in the empty context; None lets the next translator try."""
        found = super().translate(context, source, disambiguation, n)
        if not found and context:
            found = super().translate("", source, disambiguation, n)
        return found or None


class Translations:
    """The translators installed on the application (one per app, shared by its windows)."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.language = ENGLISH
        self.installed: list[QTranslator] = []
        self.qm: Path | None = None

    @classmethod
    def of(cls, app: QCoreApplication | None = None) -> "Translations":
        """The application's Translations object (made on first use; kept on the app)."""
        app = app or QCoreApplication.instance()
        existing = getattr(app, "_layerscope_translations", None)
        if existing is None:
            existing = cls(app)
            app._layerscope_translations = existing      # noqa: SLF001 (a Python attribute on the app object)
        return existing

    def apply(self, lang: str) -> bool:
        """Show ``lang`` (en | ko): swap translators; Qt sends LanguageChange to every widget.

        Returns False when the language's translation cannot be found (English is then shown)."""
        for tr in self.installed:
            self.app.removeTranslator(tr)
        self.installed = []
        self.qm = None
        self.language = ENGLISH
        if lang == ENGLISH:
            return True
        qm = qm_file(lang)
        ours = FallbackTranslator(self.app)
        if qm is None or not ours.load(str(qm)):
            return False
        qt_own = QTranslator(self.app)
        if qt_own.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self.app.installTranslator(qt_own)
            self.installed.append(qt_own)
        self.app.installTranslator(ours)
        self.installed.append(ours)
        self.qm, self.language = qm, lang
        return True


# -- maintenance commands: lupdate / lrelease over the sources --------------------------------
def sources() -> list[Path]:
    """The Python files lupdate reads: everything under gui/."""
    return sorted(p for p in (ROOT / "gui").glob("*.py") if p.name != "__init__.py")


def run_lupdate(lang: str = KOREAN) -> int:
    """Refresh the .ts from the sources (obsolete entries dropped, existing translations kept)."""
    tool = _qt_tool("lupdate")
    if tool is None:
        print("lupdate not found (pip install PySide6-Essentials)", file=sys.stderr)
        return 2
    I18N_DIR.mkdir(parents=True, exist_ok=True)
    cmd = [tool, "-no-obsolete", "-locations", "none", "-target-language", "ko_KR",
           *map(str, sources()), "-ts", str(ts_path(lang))]
    return subprocess.run(cmd).returncode


def run_lrelease(lang: str = KOREAN) -> int:
    """Compile the .ts into the committed fallback .qm."""
    return 0 if compile_ts(ts_path(lang), committed_qm(lang)) else 1


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    if what == "update":
        sys.exit(run_lupdate())
    if what == "release":
        sys.exit(run_lrelease())
    print("usage: python -m gui.i18n update|release", file=sys.stderr)
    sys.exit(2)
