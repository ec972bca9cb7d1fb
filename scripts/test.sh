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
# Before the first jest run: its pooler tests (apps/receiver/test/pooler-unavailable) start a
# PgBouncer of their own, so on a fresh machine it must be installed before them, not only before
# the pooler run below. A failure here is reported again by that run and fails those tests by name.
pgbouncer_ready=0
ensure_pgbouncer && pgbouncer_ready=1
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
# ── pooler run: the integration tests of every database path again, through a test-owned PgBouncer
# in transaction mode (DATABASE_POOL_MODE=transaction). The global setup migrates the test database
# direct and points DATABASE_URL at the pooler. connection-loss is left out: it cuts the client's own
# backend and waits for that client's socket to end, which a pooler in between never does (the
# pooler's errors for a lost server are tested in apps/receiver/test/pooler-unavailable).
echo "==> tests through PgBouncer (transaction mode)"
pooler_results=$(mktemp)
pooler_dir=$(mktemp -d)
if [ "$pgbouncer_ready" = 1 ] && pooler_url=$(start_pgbouncer "${PGBOUNCER_TEST_PORT:-6432}" "$pooler_dir"); then
  TEST_POOLER_URL="$pooler_url" DATABASE_POOL_MODE=transaction pnpm exec jest --ci --json --outputFile="$pooler_results" \
    packages/db/test apps/receiver/test packages/e2e/test/workflow- --testPathIgnorePatterns connection-loss || status=$?
  stop_pgbouncer "$pooler_dir" || true
else
  echo "error: PgBouncer did not start; the pooler run counts as one failure" >&2
  status=1
fi
# ── end pooler run
# Every run's jest results; the closing line sums them.
result_files=("$results" "$pooler_results")
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
