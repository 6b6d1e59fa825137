#!/usr/bin/env bash
# Installs Debian's Chromium, which the dashboard's browser tests drive through Playwright (its own browser download is
# not used), with apt, when it is missing. Does nothing when /usr/bin/chromium is there. Used by ./test.sh and so by
# .ci/run.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

source "$(dirname "$0")/apt.sh"
apt_prepare install-chromium "chromium"

echo "install-chromium: installing chromium with apt" >&2
"${sudo[@]}" apt-get update >/dev/null
apt_install chromium >/dev/null
