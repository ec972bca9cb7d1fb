#!/usr/bin/env bash
# Stops the fleet that scripts/start.sh runs (from any shell): workers finish their active jobs first.
set -euo pipefail
cd "$(dirname "$0")/.."
pidfile=node_modules/.switchyard-fleet.pid
if ! [ -f "$pidfile" ] || ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "no fleet started by scripts/start.sh is running"
  rm -f "$pidfile"
  exit 0
fi
pid=$(cat "$pidfile")
echo "==> stopping the fleet (pid $pid)"
kill -TERM "$pid"
# Workers get SHUTDOWN_DEADLINE_MS (25 s by default) to finish active jobs.
for _ in $(seq 1 70); do
  kill -0 "$pid" 2>/dev/null || { echo "==> stopped"; exit 0; }
  sleep 0.5
done
echo "error: the fleet (pid $pid) is still running after 35 s; kill it with: kill -KILL $pid" >&2
exit 1
