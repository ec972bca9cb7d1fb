#!/usr/bin/env bash
# Installs what changed, migrates the database and runs the fleet on the PostgreSQL and Redis that
# DATABASE_URL and REDIS_URL name: receiver, ops console, sandbox and the workers. Settings: the
# shell's environment, then .env, then .env.example. Ctrl-C (or scripts/stop.sh) stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
load_env .
# The business configuration (workflows, templates, CRM stages, forms): the example drives the demo.
SWITCHYARD_CONFIG="${SWITCHYARD_CONFIG:-switchyard.example.yaml}"
case "$SWITCHYARD_CONFIG" in /*) ;; *) SWITCHYARD_CONFIG="$PWD/$SWITCHYARD_CONFIG" ;; esac
# This script runs the sandbox, so the receiver may fetch the sandbox's PayPal certificate (plain http, this URL only).
PAYPAL_CERT_SANDBOX_URL="${PAYPAL_CERT_SANDBOX_URL:-${SANDBOX_URL%/}/__sandbox/paypal/cert.pem}"
export SWITCHYARD_CONFIG PAYPAL_CERT_SANDBOX_URL
ensure_services
ensure_pnpm
install_deps
# The operations console ops serves at /: built once per start (a few seconds).
pnpm --filter @switchyard/console build
pnpm db:migrate

if fleet_running; then
  echo "error: a fleet started by scripts/start.sh is already running (pid $(cat "$FLEET_PIDFILE")); stop it with: bash scripts/stop.sh" >&2
  exit 1
fi
echo $$ >"$FLEET_PIDFILE"

# Each app runs in its own process group (job control), so stopping it reaches pnpm, tsx and node.
set -m
pids=()
run() {
  local name=$1; shift
  # The prefixing sed ignores the stop signal, so an app's last lines (its graceful shutdown) still print.
  ( trap : TERM; "$@" 2>&1 | (trap '' TERM; exec sed -u "s/^/[$name] /") ) &
  pids+=($!)
}
stop_all() {
  trap - INT TERM EXIT
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait
  rm -f "$FLEET_PIDFILE"
}
trap stop_all INT TERM EXIT
health=("$PUBLIC_BASE_URL/healthz" "$OPS_URL/healthz" "$SANDBOX_URL/__sandbox/faults")
run sandbox pnpm --filter @switchyard/sandbox start
run receiver pnpm --filter @switchyard/receiver start
run ops pnpm --filter @switchyard/ops start
# Each worker's /healthz is on its own METRICS_PORT default.
declare -A metrics_port=([worker-payments]=9101 [worker-crm]=9102 [worker-whatsapp]=9103)
for app in apps/worker-*; do
  [ -f "$app/src/main.ts" ] || continue
  name=$(basename "$app")
  run "$name" pnpm --filter "@switchyard/$name" start
  if [ -n "${metrics_port[$name]:-}" ]; then health+=("http://127.0.0.1:${metrics_port[$name]}/healthz"); fi
done
echo "==> starting: waiting for every app to answer its health check"
for url in "${health[@]}"; do
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "error: an app exited during start-up (see its lines above); stopping the others" >&2; exit 1; }
    done
    sleep 0.5
  done
done
echo "==> Switchyard is ready: receiver $PUBLIC_BASE_URL, console $OPS_URL/ (sign in as a console user of SWITCHYARD_CONFIG; the example's is admin / switchyard-demo), ops $OPS_URL/ops/queues (any user, password OPS_TOKEN)," \
  "sandbox $SANDBOX_URL. Stop: ctrl-c, or bash scripts/stop.sh from another shell"
wait
