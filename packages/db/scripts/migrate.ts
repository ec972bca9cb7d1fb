// pnpm db:migrate: applies prisma/migrations to DATABASE_URL (creating the database if missing), offline.
import { applyMigrations } from '../src/migrations/apply-migrations';
import { ensureDatabase } from '../src/migrations/ensure-database';
import { loadDbEnv } from '../src/env';

async function main(): Promise<void> {
  const url = loadDbEnv().DATABASE_URL;
  await ensureDatabase(url);
  const applied = await applyMigrations(url);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
}

main().catch((err: Error) => {
  console.error(`migration failed: ${err.message}`);
  process.exit(1);
});
