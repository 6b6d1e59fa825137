#!/usr/bin/env bash
# Installs promtool (Debian's prometheus package), which the metrics tests run as `promtool check metrics` on what
# GET /metrics serves, with apt, when it is missing. Does nothing when promtool is on PATH. Used by ./test.sh and so
# by .ci/run.
set -euo pipefail

if command -v promtool >/dev/null 2>&1; then
  exit 0
fi

source "$(dirname "$0")/apt.sh"
apt_prepare install-prometheus "promtool (the prometheus package)"

echo "install-prometheus: installing promtool with apt" >&2
"${sudo[@]}" apt-get update >/dev/null
# The package also installs a Prometheus server service; only its promtool is used.
apt_install prometheus >/dev/null
