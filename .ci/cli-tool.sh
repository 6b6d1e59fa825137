#!/usr/bin/env bash
# Packs the command-line tool, installs it from the local package folder into a temporary tool path, starts a silo
# (in-memory storage, on a free port) and runs `orchestrator health` with the installed tool. .ci/run calls this after
# the tests; it exits non-zero when any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
silo=""
cleanup() {
  if [ -n "$silo" ]; then kill "$silo" 2>/dev/null || true; wait "$silo" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet pack cli -c Release -o "$work/packages" -p:Version=0.0.0-ci --nologo -v quiet
dotnet tool install Orchestrator.Cli --tool-path "$work/tools" --add-source "$work/packages" --version 0.0.0-ci >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:${port}"
dotnet build silo -v quiet --nologo >/dev/null
(cd "$work" && exec dotnet "$OLDPWD/silo/bin/Debug/net10.0/Orchestrator.Silo.dll" --storage memory --urls "$url" >"$work/silo.log" 2>&1) &
silo=$!

# The silo answers once it has started; the installed tool is the check.
for _ in $(seq 1 120); do
  if "$work/tools/orchestrator" health --server "$url" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$silo" 2>/dev/null; then echo "cli-tool: the silo exited:" >&2; cat "$work/silo.log" >&2; exit 1; fi
  sleep 0.5
done
"$work/tools/orchestrator" health --server "$url"
echo "cli-tool: the installed 'orchestrator' tool reached the silo at ${url}"
