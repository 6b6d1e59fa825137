#!/usr/bin/env bash
# The fault tests (tests/Orchestrator.Cluster.Tests/Faults) as a soak: the storage-fault load runs SCALE minutes
# instead of one, the restart storm makes 100 × SCALE restarts. Prints each test's figures and the result.
#   bench/soak.sh [SCALE]      (default 10: about 45 minutes; SCALE 2 took 8 to 9)
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-10}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
ORCHESTRATOR_SOAK="$scale" dotnet test tests/Orchestrator.Cluster.Tests -c Release \
  --filter "FullyQualifiedName~Orchestrator.Cluster.Tests.Faults" \
  --logger "console;verbosity=normal" >"$log" 2>&1 || status=$?
grep -E "^\s*(Passed|Failed) Orchestrator|restarts in|storage: .* calls|Filled .* MB|Error Message|Total tests|Passed:|Failed:" "$log" || true
if [ "$status" -ne 0 ]; then
  echo "soak failed (exit $status); the whole log follows"; cat "$log"
fi
exit "$status"
