#!/usr/bin/env bash
# Run by the service build before its tests: the dashboard's browser test drives Debian's Chromium,
# and Playwright cannot download a browser on these machines (only Maven Central, npm and Debian's
# package mirrors are reachable). Installs it with apt-get when it is missing; needs root or sudo.
set -euo pipefail
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "provision-chromium: $chromium is missing and this user can neither apt-get nor sudo;" \
       "install Debian's chromium package, or point CHROMIUM at a Chromium binary" >&2
  exit 1
fi
echo "provision-chromium: installing Debian's chromium for the dashboard browser test"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends chromium
