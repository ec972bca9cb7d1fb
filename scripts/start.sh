#!/usr/bin/env bash
# Installs everything, migrates the database and runs the fleet on this machine's Redis and
# PostgreSQL: receiver :3000, ops console :3001, sandbox :4010, and the workers. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_services
ensure_pnpm
install_deps
set -a
source .env.example
[ -f .env ] && source .env
# The business configuration (workflows, templates, CRM stages, forms): the example drives the demo.
SWITCHYARD_CONFIG="${SWITCHYARD_CONFIG:-switchyard.example.yaml}"
case "$SWITCHYARD_CONFIG" in /*) ;; *) SWITCHYARD_CONFIG="$PWD/$SWITCHYARD_CONFIG" ;; esac
# This script runs the sandbox, so the receiver may fetch the sandbox's PayPal certificate (plain http, this URL only).
PAYPAL_CERT_SANDBOX_URL="${PAYPAL_CERT_SANDBOX_URL:-${SANDBOX_URL%/}/__sandbox/paypal/cert.pem}"
set +a
pnpm db:migrate

pids=()
run() {
  local name=$1; shift
  ( "$@" 2>&1 | sed -u "s/^/[$name] /" ) &
  pids+=($!)
}
trap 'kill ${pids[*]} 2>/dev/null; wait' INT TERM EXIT
run sandbox pnpm --filter @switchyard/sandbox start
run receiver pnpm --filter @switchyard/receiver start
run ops pnpm --filter @switchyard/ops start
for app in apps/worker-*; do
  [ -f "$app/src/main.ts" ] && run "$(basename "$app")" pnpm --filter "@switchyard/$(basename "$app")" start
done
echo "==> Switchyard is starting: receiver http://127.0.0.1:3000, ops http://127.0.0.1:3001/ops/queues (token: \$OPS_TOKEN), sandbox http://127.0.0.1:4010"
wait
