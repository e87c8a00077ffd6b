"""Render the real window under Xvfb and save PNGs to resources/screenshots/.

Run: ``python bench/screenshots.py [--snapshot FILE] [--only NAME.png ...]``.  Without a DISPLAY it starts
``Xvfb :99`` itself (QT_QPA_PLATFORM=xcb).  The tutorial comes from --snapshot, else resources/demo/tutorial.json,
else it is replayed on a private dockerd (tests/builders.tutorial).  Engine 29 (containerd image store) is
resources/demo/engine29.json (bench/record_engine29.py).  The large host is the synthetic 1,000-image snapshot
of bench_gui.py.  ``--only`` saves just the pictures named (the others are left as they are).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "resources" / "screenshots"


def start_xvfb() -> subprocess.Popen | None:
    """Start Xvfb :99 when there is no display; returns the process to stop afterwards."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        raise SystemExit("no DISPLAY and Xvfb is not installed (apt-get install xvfb)")
    proc = subprocess.Popen(["Xvfb", ":99", "-screen", "0", "1920x1200x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ["DISPLAY"] = ":99"
    for _ in range(50):
        if Path("/tmp/.X11-unix/X99").exists():
            break
        time.sleep(0.1)
    return proc


def tutorial_snapshot(path: str | None):
    """The tutorial snapshot: a file if given or bundled, else replayed on a private daemon."""
    from model.core.snapshot import Snapshot

    for candidate in (path, ROOT / "resources" / "demo" / "tutorial.json"):
        if candidate and Path(candidate).exists():
            return Snapshot.load(candidate), "demo"
    sys.path.insert(0, str(ROOT / "tests"))
    import builders
    from daemon import PrivateDaemon
    from model.daemon.source import read_snapshot

    daemon = PrivateDaemon()
    daemon.start()
    try:
        builders.tutorial(daemon.client())
        return read_snapshot(daemon.client()), "daemon"
    finally:
        daemon.cleanup()


def first_start(app, name: str = "first-start.png") -> Path | None:
    """The window right after start on a daemon (nothing selected: the host summary in Details, the images
    newest first): a private dockerd with the tutorial's images, a built one and one stamped with the zero
    time (reproducible builds), read as `layerscope` reads the user's daemon."""
    sys.path.insert(0, str(ROOT / "tests"))
    import builders
    from daemon import PrivateDaemon
    from gui.app import make_window
    from gui.mainwindow import WindowOptions

    daemon = PrivateDaemon()
    try:
        daemon.start()
    except Exception as exc:            # no dockerd or no root here: this picture is left as it is
        print(f"{name}: not made ({exc})", file=sys.stderr)
        return None
    try:
        client = daemon.client()
        builders.tutorial(client)
        builders.build(client, 'FROM ubuntu:18.04\nRUN echo built > /built.txt\nCMD ["/bin/sh"]\n', tag="web:1.0")
        client.images.load(builders.stamped_image_tar("reproducible/tool:1.2", "0001-01-01T00:00:00Z", 7))
        builders.run_container(client, "web:1.0", name="web")
        window = make_window(None)
        window.options = WindowOptions(host=daemon.url)
        window.resize(1600, 960)
        window.show()
        window.start()
        end = time.monotonic() + 60
        while window.current is None or window.current.provisional:
            if time.monotonic() > end:
                raise SystemExit(f"{name}: the daemon was not read within a minute")
            settle(app, 100)
        settle(app, 800)
        path = OUT / name
        window.grab().save(str(path))
        window.close()
        return path
    finally:
        daemon.cleanup()


def settle(app, ms: int = 400) -> None:
    """Let Qt lay out and paint (and matplotlib draw_idle) for ``ms`` milliseconds."""
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def lesson_shots(app, shot) -> None:
    """The lesson (Help → Lesson) in presentation mode, in English then in Korean: the second rmi guessed and
    revealed (lesson-presentation-en.png, lesson-presentation-ko.png)."""
    from gui.app import make_window
    for lang in ("en", "ko"):
        window = make_window(None)
        window.resize(1600, 960)
        window.show()
        window.language.set_language(lang)
        window.lesson.start()
        deadline = time.monotonic() + 60
        while (window.lesson._waiting or window.session.current is None) and time.monotonic() < deadline:
            settle(app, 100)
        window.lesson.go(5)                              # docker rmi iscreamedu_apache
        panel = window.lesson.panel
        panel.guess_images.setValue(1)
        panel.guess_layers.setValue(1)
        window.lesson.reveal()
        window.set_presentation(True)
        settle(app, 1200)
        shot(window, f"lesson-presentation-{lang}.png")
        window.set_presentation(False)
        window.language.set_language("en")
        window.close()


def main() -> int:
    """Save the screenshots and print their paths."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--snapshot", help="tutorial snapshot file")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="save only these pictures (e.g. engine29.png)")
    args = parser.parse_args()
    xvfb = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        from PySide6.QtCore import QPointF, QSettings
        from PySide6.QtWidgets import QApplication

        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          tempfile.mkdtemp(prefix="ls-shot-settings-"))
        app = QApplication.instance() or QApplication(["layerscope"])
        from bench_gui import synthetic_snapshot
        from gui.app import make_window

        OUT.mkdir(parents=True, exist_ok=True)
        snap, origin = tutorial_snapshot(args.snapshot)
        tags = {t: i.id for i in snap.images for t in i.repo_tags}
        saved = []

        def shot(window, name: str) -> None:
            settle(app)
            if args.only and name not in args.only:
                return
            path = OUT / name
            window.grab().save(str(path))
            saved.append(path)

        from gui.actions import ConfirmDialog
        from model.engine.plan import RMI, Request

        if not args.only or "first-start.png" in args.only:
            made = first_start(app)
            saved += [made] if made else []

        window = make_window(None)
        window.resize(1600, 960)
        window.show()
        window.show_snapshot(snap, origin=origin)
        settle(app)
        window.graph_view.show_readable()
        edu = tags.get("iscreamedu_apache:latest")
        if edu:
            window.selection.select_image(edu, "screenshot")
            shared_layer = snap.by_id[edu].chain_ids[-2]       # apache's layer, shared with ubuntu_apache
            window.selection.select_layer(shared_layer, "screenshot")
        window.tabs.setCurrentWidget(window.details)
        shot(window, "tutorial.png")

        window.tabs.setCurrentWidget(window.chart)
        shot(window, "tutorial-storage.png")

        # the storage map (area = bytes, each layer once), and the files of the tutorial's Express app: the
        # `npm install` layer holds node_modules, `COPY . .` does not (its .dockerignore)
        window.views.show_storage_map(True)
        settle(app, 1200)
        window.tabs.setCurrentWidget(window.details)
        shot(window, "storage-map.png")
        window.views.show_storage_map(False)
        express = tags.get("simple-express:latest")
        if express:
            window.selection.select_image(express, "screenshot", ref="simple-express:latest")
            window.tabs.setCurrentWidget(window.details)
            window.details.show_files()
            settle(app, 1500)
            npm = next(i for i, row in enumerate(snap.by_id[express].history) if "npm install" in row.created_by)
            layer = window.session.current.analysis.history_mapping(express).row_layer[npm]
            window.selection.select_layer(snap.by_id[express].chain_ids[layer], "screenshot")
            settle(app, 800)
            window.details.files.tree.expandToDepth(3)         # usr/src/app/node_modules
            settle(app, 800)
            shot(window, "layer-files.png")
            window.details.sections.setCurrentIndex(0)

        if edu:
            window.selection.select_image(edu, "screenshot", ref="iscreamedu_apache:latest")
            window.preview_rmi("iscreamedu_apache")
            shot(window, "rmi-preview-iscreamedu_apache.png")
            window.clear_preview()

        # the confirmation dialog (the same list the preview shows), and one refused by a running container
        for name, ref in (("confirm-dialog.png", "iscreamedu_apache"), ("confirm-conflict.png", "apache-ubuntu:1")):
            if ref.split(":")[0] in {t.split(":")[0] for t in tags} and (not args.only or name in args.only):
                plan = window._replan(Request(RMI, (ref,)))
                dialog = ConfirmDialog(plan, window._replan, window)
                dialog.show()
                settle(app)
                dialog.grab().save(str(OUT / name))
                saved.append(OUT / name)
                dialog.close()

        # what-if: the tutorial's first two deletions simulated; then the preview of ubuntu_apache shows the rest
        window.enter_whatif()
        for ref in ("ubuntu:18.04", "iscreamedu_apache"):
            window.request_action(Request(RMI, (ref,)))
        settle(app)
        window.graph_view.show_readable()
        window.tabs.setCurrentWidget(window.whatif_panel)
        shot(window, "whatif.png")
        apache = tags.get("ubuntu_apache:latest")
        if apache:
            window.selection.select_image(apache, "screenshot", ref="ubuntu_apache:latest")
            window.preview_rmi("ubuntu_apache")
            shot(window, "rmi-preview-ubuntu_apache.png")
            window.clear_preview()
        window.leave_whatif()

        # presentation mode, stepping to iscreamedu_apache's lineage
        window.set_presentation(True)
        settle(app, 600)
        if edu:
            window.presentation.focus(edu)
        else:
            window.act_next.trigger()
        settle(app, 600)
        shot(window, "presentation.png")
        window.set_presentation(False)
        settle(app)
        window.resize(1600, 960)
        lesson_shots(app, shot)

        # Engine 29 (containerd image store): PLATFORMS, DISK USAGE and CONTENT SIZE in the table, the
        # multi-platform badge, and the BuildKit image's manifests (its platform and the attestation for it)
        # with its <missing> history rows explained
        from model.core.snapshot import Snapshot
        from resources import ENGINE29_SNAPSHOT
        e29 = Snapshot.load(ENGINE29_SNAPSHOT)
        window.show_snapshot(e29, origin="file")
        window.file_path = ENGINE29_SNAPSHOT.name
        window.views.update_title()
        settle(app)
        window.graph_view.show_readable()
        buildkit = next((i.id for i in e29.images if "buildkit:1" in i.repo_tags), None)
        if buildkit:
            window.selection.select_image(buildkit, "screenshot", ref="buildkit:1")
        window.tabs.setCurrentWidget(window.details)
        shot(window, "engine29.png")

        big = synthetic_snapshot(1000, 2600)
        window.show_snapshot(big, origin="file")
        window.file_path = "synthetic-1000-images.json"
        window.views.update_title()
        settle(app)
        window.graph_view.fit_all()
        window.tabs.setCurrentWidget(window.chart)
        shot(window, "large-host-fit.png")
        window.views.show_storage_map(True)
        settle(app, 2500)
        shot(window, "storage-map-large.png")
        window.views.show_storage_map(False)
        target = next(i.id for i in big.images[::-1] if i.repo_tags)
        window.selection.focus_lineage(target)
        window.graph_view.zoom_to(0.75)                       # readable: the top of the lineage and its image
        window.graph_view.centerOn(window.graph_view.image_items[target].rect.center() + QPointF(0, 220))
        window.tabs.setCurrentWidget(window.details)
        shot(window, "large-host-detail.png")
        window.close()
        for path in saved:
            print(path)
        return 0
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
