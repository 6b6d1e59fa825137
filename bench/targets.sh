#!/usr/bin/env bash
# The performance targets against one fresh silo: builds the silo and the HTTP load benchmark in Release, starts one
# silo on SQLite from an empty temporary data directory on free ports, waits for GET /api/health, runs
#   Orchestrator.LoadBench --targets
# against it (each figure printed as "target <name> <value> (reference/target …)", again in a summary at the end),
# then stops the silo (SIGTERM) and removes the temporary directory.
#   bench/targets.sh [LoadBench options]     e.g. bench/targets.sh --scale 0.1   (a quick smoke run)
#   bench/targets.sh --postgres [LoadBench options]
#     the silo on a throwaway PostgreSQL server instead (fsync and synchronous_commit on), started from the installed
#     binaries (/usr/lib/postgresql/*/bin, as the postgres user when run as root) on a free port in the same temporary
#     directory, and stopped with it; item 1's raw commit reference is still SQLite's (leave it out: --items 2,3,4,5,6).
# The silo's working directory is not its data directory's parent (a watcher there would wake on every write), and the
# raw commit reference writes its throwaway file in the same temporary directory, so on the data directory's disk.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# One build at a time (the silo first: it is the slow one).
dotnet build -c Release silo -nologo -v q
dotnet build -c Release bench/Orchestrator.LoadBench -nologo -v q

postgres=""
if [ "${1:-}" = "--postgres" ]; then
  postgres=1
  shift
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/orchestrator-targets.XXXXXX")"
silo_pid=""
pg_bin=""
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_silo() {
  if [ -n "$silo_pid" ] && kill -0 "$silo_pid" 2>/dev/null; then
    kill -TERM "$silo_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$silo_pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$silo_pid" 2>/dev/null; then
      echo "silo $silo_pid did not stop within 30 s of SIGTERM; killing it" >&2
      kill -KILL "$silo_pid" 2>/dev/null || true
    fi
    wait "$silo_pid" 2>/dev/null || true
  fi
  silo_pid=""
}
cleanup() {
  stop_silo
  if [ -n "$pg_bin" ] && [ -f "$tmp/pg/data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$tmp/pg/data" -m fast -w -t 30 stop >/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Three free loopback ports: HTTP, silo-to-silo, gateway.
read -r http_port silo_port gateway_port < <(python3 - <<'EOF'
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))
for s in sockets:
    s.close()
EOF
)

mkdir -p "$tmp/data" "$tmp/work"
url="http://127.0.0.1:$http_port"
storage=(--data-dir "$tmp/data")
if [ -n "$postgres" ]; then
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$pg_bin" ]; then
    echo "--postgres: no PostgreSQL under /usr/lib/postgresql (install the postgresql package)" >&2
    exit 1
  fi
  pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$tmp/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres "$tmp" "$tmp/pg"; chmod 755 "$tmp"; fi
  as_postgres "$pg_bin/initdb" -D "$tmp/pg/data" -U postgres -A trust -E UTF8 >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $pg_port -k $tmp/pg -c fsync=on -c synchronous_commit=on" start >/dev/null
  as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -q -c "CREATE DATABASE orchestrator"
  storage=(--storage postgres --postgres "Host=127.0.0.1;Port=$pg_port;Database=orchestrator;Username=postgres")
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (fsync=on, synchronous_commit=on)"
fi
echo "silo: $url, silo port $silo_port, gateway port $gateway_port, storage ${storage[*]}, log $tmp/silo.log"
(cd "$tmp/work" && exec dotnet "$root/silo/bin/Release/net10.0/Orchestrator.Silo.dll" \
  --urls "$url" "${storage[@]}" --silo-port "$silo_port" --gateway-port "$gateway_port" \
  >"$tmp/silo.log" 2>&1) &
silo_pid=$!

deadline=$((SECONDS + 120))
until curl -sf "$url/api/health" >/dev/null 2>&1; do
  if ! kill -0 "$silo_pid" 2>/dev/null; then
    wait "$silo_pid" && code=0 || code=$?
    silo_pid=""
    echo "the silo exited (code $code) before it was healthy; its log:" >&2
    cat "$tmp/silo.log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "the silo was not healthy within 120 s; the end of its log:" >&2
    tail -n 40 "$tmp/silo.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "silo $silo_pid healthy"

status=0
dotnet "$root/bench/Orchestrator.LoadBench/bin/Release/net10.0/Orchestrator.LoadBench.dll" \
  --url "$url" --targets --commit-dir "$tmp" "$@" || status=$?

if ! kill -0 "$silo_pid" 2>/dev/null; then
  echo "the silo exited during the run; the end of its log:" >&2
  tail -n 40 "$tmp/silo.log" >&2
  status=1
else
  errors=$(grep -c -E "^[0-9TZ:.-]+ (fail|crit):" "$tmp/silo.log" || true)
  echo "silo log: $(wc -l <"$tmp/silo.log") lines, $errors at fail/crit level"
  if [ "$errors" -gt 0 ]; then
    grep -E "^[0-9TZ:.-]+ (fail|crit):" "$tmp/silo.log" | head -n 10
  fi
fi
exit "$status"
