#!/usr/bin/env bash
# Installs what the seed 002 client test (tests/seed-clients) runs: Debian's python3 with websockets and requests,
# with apt, when they are missing. Does nothing when they are there. Used by ./test.sh and so by .ci/run.
set -euo pipefail

if /usr/bin/python3 -c 'import websockets, requests' >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-python: apt-get not found; the seed client test needs python3 with websockets and requests" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-python: run as root (or install sudo): apt-get install python3-websockets python3-requests" >&2
    exit 1
  fi
  sudo=(sudo)
fi

"${sudo[@]}" apt-get update >/dev/null
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends python3 python3-websockets python3-requests >/dev/null
