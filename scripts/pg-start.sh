#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests on 127.0.0.1:54329 (trust auth, fsync off) in a fresh
# temporary folder owned by the postgres user, and records that folder so pg-stop.sh can find it.
# Usage: scripts/pg-start.sh   then   DATABASE_URL=postgres://postgres@127.0.0.1:54329/postgres
set -euo pipefail

PORT="${PG_PORT:-54329}"
STATE_FILE="${PG_STATE_FILE:-/tmp/tagasivaade-pg-$PORT.dir}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
HERE="$(cd "$(dirname "$0")" && pwd)"

if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "pg-start: PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 1
fi

# A server left behind by an earlier run that was killed: stop it first.
if [ -f "$STATE_FILE" ]; then
    "$HERE/pg-stop.sh" || true
fi
if pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
    echo "pg-start: something else already answers on 127.0.0.1:$PORT; stop it or set PG_PORT" >&2
    exit 1
fi

PG="$(mktemp -d /tmp/tagasivaade-pg.XXXXXX)"
chown postgres:postgres "$PG"
echo "$PG" >"$STATE_FILE"
as_postgres() { su postgres -s /bin/sh -c "$1"; }
if ! as_postgres "$PGBIN/initdb -D $PG/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >$PG/initdb.log 2>&1"; then
    cat "$PG/initdb.log" >&2
    exit 1
fi
if ! as_postgres "$PGBIN/pg_ctl -D $PG/data -l $PG/server.log -w -t 60 start -o \"-c listen_addresses=127.0.0.1 -p $PORT -k $PG -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" >/dev/null"; then
    cat "$PG/server.log" >&2
    exit 1
fi
for _ in $(seq 1 50); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.2
done
pg_isready -h 127.0.0.1 -p "$PORT"
