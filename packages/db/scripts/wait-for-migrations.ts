// Waits until every committed migration is applied to DATABASE_URL, then exits 0: an app's
// initContainer, so a pod of a new release never runs on the schema of the old one. It only reads;
// the migration Job applies. Polls every WAIT_FOR_MIGRATIONS_INTERVAL_MS (2000) until
// WAIT_FOR_MIGRATIONS_TIMEOUT_MS (0: forever) passes, then exits 1 so the pod's restarts show it.
import { parseEnv } from '@switchyard/config';
import { waitForMigrationsEnvSchema } from '../src/env';
import { pendingMigrations } from '../src/migrations/pending-migrations';

async function main(): Promise<void> {
  const env = parseEnv(waitForMigrationsEnvSchema, process.env);
  const started = Date.now();
  let last = '';
  for (;;) {
    const state = await pendingMigrations(env.DATABASE_URL).then(
      (pending) => (pending.length ? `waiting for ${pending.length} migration(s): ${pending.join(', ')}` : null),
      // The message of a connection failure names host and port, never the password.
      (err: Error) => `database not reachable: ${err.message}`,
    );
    if (state === null) {
      console.log('every committed migration is applied');
      return;
    }
    if (state !== last) console.log(state);
    last = state;
    if (env.WAIT_FOR_MIGRATIONS_TIMEOUT_MS > 0 && Date.now() - started > env.WAIT_FOR_MIGRATIONS_TIMEOUT_MS) {
      console.error(`gave up after ${env.WAIT_FOR_MIGRATIONS_TIMEOUT_MS} ms: ${state}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, env.WAIT_FOR_MIGRATIONS_INTERVAL_MS));
  }
}

main().catch((err: Error) => {
  console.error(`wait-for-migrations failed: ${err.message}`);
  process.exit(1);
});
