#!/usr/bin/env bash
# `make run`: the web server, the background-task worker and the loop that enqueues due work, together.
# Ctrl-C (or any one of them stopping) stops all three.
set -uo pipefail

cd "$(dirname "$0")/.."
PY=".venv/bin/python"
ADDRESS="127.0.0.1:${TAGASIVAADE_PORT:-8000}"
pids=()

stop_all() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do
        # Each runs in its own process group (setsid), so the server's autoreloader child stops too.
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

setsid "$PY" manage.py runserver "$ADDRESS" &
pids+=($!)
setsid "$PY" manage.py task_worker &
pids+=($!)
setsid "$PY" manage.py run_due --loop 60 &
pids+=($!)

echo "Tagasivaade: http://$ADDRESS (worker and due-work loop running; Ctrl-C stops all)"
wait -n
status=$?
echo "A process stopped (exit $status); stopping the others." >&2
exit "$status"
