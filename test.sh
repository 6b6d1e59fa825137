#!/usr/bin/env bash
# Every test, as README shows it: installs the PostgreSQL server when it is missing (.ci/install-postgres.sh, apt),
# then runs `dotnet test` with the arguments given. .ci/run runs this too.
set -uo pipefail
cd "$(dirname "$0")"

./.ci/install-postgres.sh \
  || echo "test.sh: PostgreSQL could not be installed; the PostgreSQL tests will fail and say how to install it" >&2

exec dotnet test "$@"
