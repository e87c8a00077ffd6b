#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run the whole suite.
# Runs as root (it installs Debian packages and starts private engines of its own): started as another user, it
# runs itself again through sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo bash tests/run_all.sh "$@"
  fi
  echo "run_all.sh: run as root: it installs packages and starts private engines (and sudo is not installed)" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# the window's packages (resources/debian-packages.txt, the list README's first command installs) plus the suite's
sh resources/debian-packages.sh \
  python3 python3-pip docker.io containerd runc podman docker-registry busybox-static openssl xz-utils curl \
  xvfb xauth poppler-utils desktop-file-utils debootstrap >/dev/null
# a virtual environment of the project's own (Debian's system Python refuses pip installs)
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt 'pytest>=7' 'pytest-qt>=4' 'import-linter>=2'

export QT_QPA_PLATFORM=offscreen
export LAYERSCOPE_CACHE="$(mktemp -d)"
export LAYERSCOPE_STATE="$(mktemp -d)"     # the delete log of anything the suite runs outside its fixtures
set +e
timeout 4800 .venv/bin/python -m pytest -q -p no:cacheprovider tests "$@"
rc=$?
set -e
rm -rf "$LAYERSCOPE_CACHE" "$LAYERSCOPE_STATE"
# pytest's 5 means "no tests collected": that is a failure here, not a pass
[ "$rc" -eq 5 ] && { echo "run_all.sh: no tests were collected" >&2; exit 1; }
exit "$rc"
