#!/bin/sh
# Install the Debian/Ubuntu packages the window needs (resources/debian-packages.txt), plus any packages named as
# arguments (tests/run_all.sh adds the suite's).  As root it runs apt-get itself, otherwise through sudo.
set -eu
list="$(dirname "$0")/debian-packages.txt"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# a fresh container has no package lists yet: fetch them once
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
  $sudo apt-get update -qq
fi
# shellcheck disable=SC2046  # one word per package
$sudo apt-get install -y -qq --no-install-recommends $(sed -e 's/#.*//' "$list" | awk 'NF {print $1}') "$@"
