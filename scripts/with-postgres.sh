#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL, which is stopped afterwards even when the command fails.
# Usage: scripts/with-postgres.sh .venv/bin/pytest ...
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
PORT="${PG_PORT:-54329}"
trap '"$HERE/pg-stop.sh"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$HERE/pg-start.sh"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
"$@"
