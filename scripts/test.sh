#!/usr/bin/env bash
# Installs everything and runs every check: typecheck, lint, and all tests against the machine's
# real PostgreSQL and Redis (a fresh migrated database is created for the run and dropped after).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_services
ensure_pnpm
install_deps
ensure_chromium
echo "==> console build"
pnpm --filter @switchyard/console build
echo "==> typecheck"
pnpm typecheck
echo "==> lint"
pnpm lint
echo "==> tests"
results=$(mktemp)
status=0
pnpm exec jest --ci --json --outputFile="$results" || status=$?
# The plain closing line CI reads: "N passed, N failed".
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);' "$results" || true
exit $status
