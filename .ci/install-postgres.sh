#!/usr/bin/env bash
# Installs the PostgreSQL server that the tests start throwaway copies of (initdb and pg_ctl from
# /usr/lib/postgresql/<version>/bin), with apt, when it is missing. Does nothing when a server is installed.
# Run it as root, or as a user with sudo. Used by ./test.sh and so by .ci/run.
set -euo pipefail

if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  exit 0
fi

source "$(dirname "$0")/apt.sh"
apt_prepare install-postgres "the PostgreSQL server (postgresql: initdb, pg_ctl)"

echo "install-postgres: installing the PostgreSQL server with apt" >&2
"${sudo[@]}" apt-get update
# The tests start their own servers, so the package is told not to create and start a system-wide cluster:
# postgresql-common first, then its createcluster.conf, then the server.
apt_install postgresql-common
if [ -f /etc/postgresql-common/createcluster.conf ]; then
  "${sudo[@]}" sed -ri 's/^#?\s*create_main_cluster\s*=.*$/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
fi
apt_install postgresql
