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
# Every run's jest results; the closing line sums them.
result_files=("$results")
# ── Redis Cluster run (issue 16): the queue, outbox, rate-limiter and end-to-end suites again, on a
# test-owned 3-master Redis Cluster (see run_cluster_tests in scripts/lib.sh).
cluster_results=$(mktemp)
run_cluster_tests "$cluster_results" || status=1
result_files+=("$cluster_results")
# ── end Redis Cluster run
# The plain closing line CI reads: "N passed, N failed", summed over every run (a run that wrote
# no results counts as one failure).
node -e '
  let passed = 0, failed = 0;
  for (const file of process.argv.slice(1)) {
    try {
      const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
      passed += r.numPassedTests;
      failed += r.numFailedTests;
    } catch {
      failed += 1;
    }
  }
  console.log(`${passed} passed, ${failed} failed`);' "${result_files[@]}" || true
exit $status
