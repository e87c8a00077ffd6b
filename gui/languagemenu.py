"""Settings → Language: the menu, the saved choice, and switching the UI language at run time (gui.i18n loads it)."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from . import i18n
from .settings import Settings


class LanguageController(QObject):
    """One checkable action per choice (system, en, ko); a switch installs the translators and says so.

    Installing a translator only posts LanguageChange events; ``changed`` lets the window re-apply its texts
    at once, so a switch needs no reload and no restart."""

    changed = Signal()          # another language is shown now

    def __init__(self, window: QMainWindow, settings: Settings) -> None:
        super().__init__(window)
        self.window, self.settings = window, settings
        self.translations = i18n.Translations.of(QApplication.instance())
        self.language_menu = QMenu(window)
        self.language_menu.setObjectName("menuLanguage")
        self.language_group = QActionGroup(self)
        self.language_group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        choice = i18n.saved_choice(settings.store)
        for code in i18n.CHOICES:
            act = QAction(window)
            act.setObjectName(f"actLanguage_{code}")
            act.setCheckable(True)
            act.setChecked(code == choice)
            act.setData(code)
            act.triggered.connect(lambda checked=False, c=code: self.set_language(c))
            self.language_group.addAction(act)
            self.language_menu.addAction(act)
            if code == i18n.SYSTEM:
                self.language_menu.addSeparator()
            self.language_actions[code] = act

    def retranslate(self) -> None:
        """Set the menu's texts in the current language."""
        self.language_menu.setTitle(self.tr("&Language"))
        for code, act in self.language_actions.items():
            act.setText(i18n.language_name(code))

    def apply_saved(self) -> None:
        """Show the language the settings (or the system locale) ask for, if the app shows another one."""
        wanted = i18n.resolve(i18n.saved_choice(self.settings.store))
        if wanted != self.translations.language:
            self.translations.apply(wanted)
            self.changed.emit()

    def set_language(self, choice: str) -> str:
        """Switch the UI to ``choice`` (system | en | ko) now, and remember it; returns the language shown."""
        choice = choice if choice in i18n.CHOICES else i18n.SYSTEM
        self.settings.language = choice
        self.language_actions[choice].setChecked(True)
        lang = i18n.resolve(choice)
        if lang != self.translations.language:
            if not self.translations.apply(lang):
                self.window.statusBar().showMessage(
                    self.tr("No translation for {lang} was found").format(lang=lang), 8000)
            self.changed.emit()
        return self.translations.language
