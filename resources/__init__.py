"""Where the app's bundled files are: demo snapshots, icons, translations, style (found next to this file)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEMO_SNAPSHOT = ROOT / "demo" / "tutorial.json"              # the whole tutorial
LESSON_SNAPSHOT = ROOT / "demo" / "tutorial-commit.json"     # the tutorial's three images, before its rmi
ENGINE29_SNAPSHOT = ROOT / "demo" / "engine29.json"         # Engine 29, containerd store: platforms, attestations
LESSON_BUILD = ROOT / "lesson" / "apache-ubuntu"             # the tutorial's Dockerfile, for the live lesson
LESSON_EXPRESS = ROOT / "lesson" / "simple-express"          # the tutorial's Express app, for the live lesson
ICONS = ROOT / "icons"
I18N = ROOT / "i18n"
STYLE = ROOT / "style.qss"
SCREENSHOTS = ROOT / "screenshots"
HICOLOR = ICONS / "hicolor"                                   # the app's icon at the freedesktop sizes (PNG)
DEBIAN_PACKAGES = ROOT / "debian-packages.txt"              # what the window needs from Debian/Ubuntu
