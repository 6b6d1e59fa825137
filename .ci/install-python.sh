#!/usr/bin/env bash
# Installs what the seed 002 client test (tests/seed-clients) runs: Debian's python3 with websockets and requests,
# with apt, when they are missing. Does nothing when they are there. Used by ./test.sh and so by .ci/run.
set -euo pipefail

if /usr/bin/python3 -c 'import websockets, requests' >/dev/null 2>&1; then
  exit 0
fi

source "$(dirname "$0")/apt.sh"
apt_prepare install-python "python3-websockets and python3-requests"
"${sudo[@]}" apt-get update >/dev/null
apt_install python3 python3-websockets python3-requests >/dev/null
