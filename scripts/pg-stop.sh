#!/usr/bin/env bash
# Stops the throwaway PostgreSQL that pg-start.sh started and removes its folder.
set -euo pipefail

PORT="${PG_PORT:-54329}"
STATE_FILE="${PG_STATE_FILE:-/tmp/tagasivaade-pg-$PORT.dir}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"

[ -f "$STATE_FILE" ] || exit 0
PG="$(cat "$STATE_FILE")"
case "$PG" in
    /tmp/tagasivaade-pg.*) ;;
    *) echo "pg-stop: unexpected folder in $STATE_FILE: $PG" >&2; exit 1 ;;
esac
if [ -f "$PG/data/postmaster.pid" ]; then
    su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PG/data -m fast -w stop >/dev/null" || true
fi
rm -rf "$PG"
rm -f "$STATE_FILE"
