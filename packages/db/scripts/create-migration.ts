// pnpm db:migration:create <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql with the
// SQL from the last migration's schema snapshot to prisma/schema.prisma, offline.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diffSchemas } from '../src/migrations/apply-migrations';
import { migrationsDir, readLatestSnapshot, readSchema, snapshotFile } from '../src/migrations/migration-files';
import { loadDbEnv, migrationUrl } from '../src/env';

async function main(): Promise<void> {
  const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]+/gi, '_').toLowerCase();
  if (!name) throw new Error('usage: pnpm db:migration:create <name>');
  const schema = await readSchema();
  const sql = await diffSchemas(migrationUrl(loadDbEnv()), await readLatestSnapshot(), schema);
  if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
    console.log('schema.prisma matches the last migration: nothing to create');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  await writeFile(path.join(dir, snapshotFile), schema);
  console.log(`created ${path.relative(process.cwd(), dir)}/migration.sql`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
