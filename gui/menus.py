"""The window's menu bar and toolbar: where each action sits, what it says, and when it is enabled."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from .session import Mode, Origin

if TYPE_CHECKING:
    from .mainwindow import MainWindow


class WindowMenus(QObject):
    """Fills the menu bar and the toolbar with the window's actions, and keeps their texts and states."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = w = window
        layout: dict[str, tuple[QAction | QMenu | None, ...]] = {
            "File": (w.act_open, w.act_save, None, w.act_demo, w.act_lesson, w.act_handout, None, w.act_reload,
                     w.exporter.export_menu, None, w.act_quit),
            "View": (w.act_zoom_in, w.act_zoom_out, w.act_fit, w.act_storage_map, None, w.act_focus, w.act_clear,
                     None, w.act_filter,
                     w.act_intermediates, w.act_legend, None, w.act_presentation, None, w.act_live),
            "Image": (w.act_preview, w.act_focus, None, w.act_files, w.act_compare, None, w.act_remove, w.act_untag,
                      None, w.act_prune,
                      w.act_prune_all, None, w.act_whatif, w.act_undo, w.act_redo),
            "Settings": (w.act_read_only, w.language.language_menu),
            "Help": (w.act_lesson_panel, w.act_lesson_live, None, w.act_delete_history, None, w.act_about),
        }
        self.menus: dict[str, QMenu] = {}
        for name, entries in layout.items():
            menu = w.menuBar().addMenu("")
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                elif isinstance(entry, QMenu):
                    menu.addMenu(entry)
                else:
                    menu.addAction(entry)
            self.menus[name] = menu
        self.toolbar = w.toolbar
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for act in (w.act_open, w.act_reload, None, w.act_fit, w.act_zoom_in, w.act_zoom_out, w.act_focus, None,
                    w.act_preview, w.act_remove, w.act_clear, None, w.act_whatif, w.act_undo, w.act_redo, None,
                    w.act_presentation):
            self.toolbar.addSeparator() if act is None else self.toolbar.addAction(act)
        w.addToolBar(self.toolbar)

    def retranslate(self) -> None:
        """Every action's text and tip, the menu titles and the read-only badge, in the current language."""
        w = self.w
        texts = {
            w.act_open: (self.tr("&Open snapshot…"), self.tr("Open a saved snapshot file")),
            w.act_save: (self.tr("&Save snapshot…"),
                         self.tr("Save what is shown to a snapshot file (works offline later)")),
            w.act_demo: (self.tr("Open the &demo snapshot"),
                         self.tr("The bundled tutorial: ubuntu:18.04, two commits, a Dockerfile build, node")),
            w.act_lesson: (self.tr("Open the tutorial's r&mi lesson"),
                           self.tr("Only ubuntu:18.04, ubuntu_apache and iscreamedu_apache: use What-if to "
                                   "replay the tutorial's three docker rmi answers")),
            w.act_lesson_panel: (self.tr("&Lesson…"),
                                 self.tr("The seed tutorial step by step: each command, what to say, what to look "
                                         "at; guess each docker rmi, then reveal its exact answer (Ctrl+L)")),
            w.act_lesson_live: (self.tr("Lesson &live on a practice daemon…"),
                                self.tr("Perform the lesson's commands for real on a daemon you name (never your "
                                        "default one); Reset lesson removes what it made")),
            w.act_handout: (self.tr("&Export lesson handout…"),
                            self.tr("A PDF for the class: one page per lesson step with its command, explanation "
                                    "and the map at that step")),
            w.act_reload: (self.tr("&Reload"), self.tr("Read the daemon again (F5)")),
            w.act_quit: (self.tr("&Quit"), self.tr("Quit Layerscope")),
            w.act_zoom_in: (self.tr("Zoom &in"), self.tr("Zoom in (Ctrl+=, wheel)")),
            w.act_zoom_out: (self.tr("Zoom &out"), self.tr("Zoom out (Ctrl+-, wheel)")),
            w.act_fit: (self.tr("&Fit graph"), self.tr("Show the whole forest (Ctrl+0, F)")),
            w.act_storage_map: (self.tr("&Storage map"),
                                self.tr("Show the storage map instead of the layer map: every layer once, its "
                                        "area its bytes on disk (M)")),
            w.act_focus: (self.tr("Focus on &lineage"),
                          self.tr("Show only the selected image and the layers under it (L)")),
            w.act_legend: (self.tr("&Legend"), self.tr("Show or hide the legend under the graph")),
            w.act_intermediates: (self.tr("Show &intermediate images (-a)"),
                                  self.tr("Like `docker images -a`: also show untagged images that "
                                          "have children (Ctrl+Shift+A)")),
            w.act_filter: (self.tr("&Filter images"), self.tr("Filter the images table by tag or ID (Ctrl+F)")),
            w.act_preview: (self.tr("&Preview rmi"),
                            self.tr("Show what `docker rmi` of the selected tag or image would untag, delete "
                                    "and free — nothing is deleted (Ctrl+R)")),
            w.act_clear: (self.tr("&Clear preview / focus"),
                          self.tr("Clear the rmi preview and the lineage focus (Esc)")),
            w.act_presentation: (self.tr("&Presentation"),
                                 self.tr("Full screen, large and high-contrast; Right/Left step through "
                                         "images or what-if steps; Esc leaves (F11)")),
            w.act_next: (self.tr("Next"), self.tr("Next image, or redo in what-if mode")),
            w.act_prev: (self.tr("Previous"), self.tr("Previous image, or undo in what-if mode")),
            w.act_remove: (self.tr("&Remove image…"),
                           self.tr("docker rmi the selection: by tag for a tag row, by ID for an image "
                                   "(asks first, shows exactly what goes) (Delete)")),
            w.act_untag: (self.tr("&Untag…"), self.tr("Remove only this tag (docker rmi of the tag)")),
            w.act_prune: (self.tr("Prune &dangling images…"), self.tr("docker image prune (asks first)")),
            w.act_prune_all: (self.tr("Prune &all unused images…"),
                              self.tr("docker image prune -a: every image no container uses (asks first)")),
            w.act_whatif: (self.tr("&What-if"),
                           self.tr("A sandbox over this snapshot: remove, untag and prune are simulated, "
                                   "nothing is deleted (W)")),
            w.act_undo: (self.tr("&Undo what-if step"), self.tr("Take back the last what-if step (Ctrl+Z)")),
            w.act_redo: (self.tr("Re&do what-if step"), self.tr("Apply the undone step again (Ctrl+Shift+Z)")),
            w.act_read_only: (self.tr("&Read-only"), self.tr("Disable every action that changes the daemon")),
            w.act_about: (self.tr("&About Layerscope"), self.tr("What Layerscope is")),
            w.act_files: (self.tr("Show &files"),
                          self.tr("What each layer of the selected image adds, modifies and deletes, the merged "
                                  "filesystem and the wasted bytes (Ctrl+I)")),
            w.act_compare: (self.tr("&Compare with…"),
                            self.tr("The layers two images share, where they diverge and the files that differ: "
                                    "the two selected rows, or the selected image and one you choose "
                                    "(Ctrl+Shift+D)")),
            w.act_delete_history: (self.tr("&Delete history…"),
                                   self.tr("Every delete refused or performed, with its prediction and the "
                                           "daemon's answer")),
        }
        for act, (text, tip) in texts.items():
            act.setText(text)
            act.setToolTip(tip)
            act.setStatusTip(tip)
        titles = {"File": self.tr("&File"), "View": self.tr("&View"), "Image": self.tr("&Image"),
                  "Settings": self.tr("&Settings"), "Help": self.tr("&Help")}
        for name, title in titles.items():
            self.menus[name].setTitle(title)
        self.toolbar.setWindowTitle(self.tr("Main"))
        w.read_only_badge.setText(self.tr("READ-ONLY"))
        w.read_only_badge.setToolTip(self.tr("Read-only: nothing can be removed (--read-only, "
                                             "LAYERSCOPE_READ_ONLY=1 or Settings → Read-only)"))

    # Which actions may run.  Destructive ones need a daemon (not a file or the
    # demo), no read-only, nothing running; in what-if mode the same actions
    # act on the sandbox and are always allowed (nothing is deleted).
    def update(self) -> None:
        """Enable, check and explain the actions as the session allows now."""
        w, s = self.w, self.w.session
        has = s.current is not None
        sandbox = s.whatif if s.mode is Mode.WHATIF else None
        allowed = sandbox is not None or s.can_delete()
        w.act_save.setEnabled(has)
        w.act_preview.setEnabled(has and s.current_image is not None)
        w.act_focus.setEnabled(has and s.current_image is not None)
        w.act_files.setEnabled(has and s.current_image is not None)
        w.act_compare.setEnabled(has and (s.current_image is not None or len({i for i, _ in s.targets}) == 2))
        w.act_remove.setEnabled(allowed and bool(s.targets))
        w.act_untag.setEnabled(allowed and s.untag_ref() is not None)
        w.act_prune.setEnabled(allowed)
        w.act_prune_all.setEnabled(allowed)
        w.act_whatif.setEnabled(has and s.mode is not Mode.PERFORMING)
        w.act_whatif.setChecked(sandbox is not None)
        w.act_undo.setEnabled(sandbox is not None and sandbox.can_undo)
        w.act_redo.setEnabled(sandbox is not None and sandbox.can_redo)
        w.act_next.setEnabled(s.presenting or w.lesson.active)
        w.act_prev.setEnabled(s.presenting or w.lesson.active)
        w.read_only_badge.setVisible(s.read_only)
        w.act_read_only.setChecked(s.read_only)
        w.act_read_only.setEnabled(not s.read_only_forced())
        why = ""                    # said in the tooltip of a disabled destructive action
        if has and not allowed:
            if s.read_only:
                why = self.tr("read-only")
            elif s.origin == Origin.DEMO:
                why = self.tr("no daemon behind the demo — use What-if (W)")
            elif s.origin == Origin.FILE:
                why = self.tr("no daemon behind a snapshot file — use What-if (W)")
        for act in w.destructive_actions:
            base = act.toolTip().split(" — [")[0]
            act.setToolTip(base + (f" — [{why}]" if why else ""))
