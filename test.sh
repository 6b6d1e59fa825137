#!/usr/bin/env bash
# Every test, as README shows it: installs the PostgreSQL server (.ci/install-postgres.sh), the seed client test's
# python3 packages (.ci/install-python.sh), promtool (.ci/install-prometheus.sh) and Chromium for the dashboard's
# browser tests (.ci/install-chromium.sh) with apt when they are missing,
# then runs `dotnet test` with the arguments given. .ci/run runs this too.
set -uo pipefail
cd "$(dirname "$0")"

./.ci/install-postgres.sh \
  || echo "test.sh: PostgreSQL could not be installed; the PostgreSQL tests will fail and say how to install it" >&2

./.ci/install-python.sh \
  || echo "test.sh: python3-websockets and python3-requests could not be installed; the seed client test will fail" >&2

./.ci/install-prometheus.sh \
  || echo "test.sh: promtool could not be installed; the metrics format test will fail" >&2

./.ci/install-chromium.sh \
  || echo "test.sh: chromium could not be installed; the dashboard's browser tests will fail" >&2

exec dotnet test "$@"
