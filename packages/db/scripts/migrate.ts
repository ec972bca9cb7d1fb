// pnpm db:migrate: applies prisma/migrations to DATABASE_DIRECT_URL, else DATABASE_URL (creating the
// database if missing), offline. The schema engine holds a session advisory lock while it migrates, so
// behind a transaction-mode pooler it must reach the server directly.
import { applyMigrations } from '../src/migrations/apply-migrations';
import { ensureDatabase } from '../src/migrations/ensure-database';
import { loadDbEnv, migrationUrl } from '../src/env';

async function main(): Promise<void> {
  const url = migrationUrl(loadDbEnv());
  await ensureDatabase(url);
  const applied = await applyMigrations(url);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
}

main().catch((err: Error) => {
  console.error(`migration failed: ${err.message}`);
  process.exit(1);
});
