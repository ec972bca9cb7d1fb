#!/usr/bin/env bash
# Stops the fleet that scripts/start.sh runs (from any shell): workers finish their active jobs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
if ! fleet_running; then
  echo "no fleet started by scripts/start.sh is running"
  rm -f "$FLEET_PIDFILE"
  exit 0
fi
pid=$(cat "$FLEET_PIDFILE")
echo "==> stopping the fleet (pid $pid)"
kill -TERM "$pid"
# Workers get SHUTDOWN_DEADLINE_MS (25 s by default) to finish active jobs.
for _ in $(seq 1 70); do
  fleet_running || { echo "==> stopped"; exit 0; }
  sleep 0.5
done
echo "error: the fleet (pid $pid) is still running after 35 s; kill it with: kill -KILL $pid" >&2
exit 1
