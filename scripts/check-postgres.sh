#!/usr/bin/env bash
# `make test` runs the web tests on PostgreSQL too: say so at once when it is not
# there, rather than after the SQLite half of the suite. Usage: check-postgres.sh URL
set -euo pipefail
url="${1:-postgres://postgres@127.0.0.1:5432/test}"
rest="${url#*://}"
rest="${rest#*@}"
hostport="${rest%%/*}"
host="${hostport%%:*}"
port="${hostport##*:}"
[ "$port" = "$hostport" ] && port=5432
if ! timeout 5 bash -c "exec 3<>/dev/tcp/${host}/${port}" 2>/dev/null; then
    echo "make test: no PostgreSQL at ${host}:${port} (the web tests also run on ${url}); start it, or run make test POSTGRES=postgres://USER@HOST:PORT/DB" >&2
    exit 1
fi
