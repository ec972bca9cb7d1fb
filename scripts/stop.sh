#!/usr/bin/env bash
# Stops the fleet that scripts/start.sh runs (from any shell): workers finish their active jobs first.
set -euo pipefail
cd "$(dirname "$0")/.."
pidfile=node_modules/.switchyard-fleet.pid
# A process that has exited but not yet been reaped by its parent (a zombie) counts as stopped, and
# a pid the system has since given to another program is not the fleet.
alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ] && ps -o args= -p "$1" | grep -q "scripts/start.sh"; }
if ! [ -f "$pidfile" ] || ! alive "$(cat "$pidfile")"; then
  echo "no fleet started by scripts/start.sh is running"
  rm -f "$pidfile"
  exit 0
fi
pid=$(cat "$pidfile")
echo "==> stopping the fleet (pid $pid)"
kill -TERM "$pid"
# Workers get SHUTDOWN_DEADLINE_MS (25 s by default) to finish active jobs.
for _ in $(seq 1 70); do
  alive "$pid" || { echo "==> stopped"; exit 0; }
  sleep 0.5
done
echo "error: the fleet (pid $pid) is still running after 35 s; kill it with: kill -KILL $pid" >&2
exit 1
