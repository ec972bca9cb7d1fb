import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const schemaPath = path.join(repoRoot, 'prisma/schema.prisma');
export const migrationsDir = path.join(repoRoot, 'prisma/migrations');

export async function readSchema(): Promise<string> {
  return readFile(schemaPath, 'utf8');
}

/** The committed migration folders, in the shape the schema engine (and `prisma migrate`) reads. */
export async function readMigrationList(): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const lockContent = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => {
        const file = path.join(migrationsDir, dir, 'migration.sql');
        const content = await readFile(file, 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (err: Error) => ({ tag: 'error' as const, value: err.message }),
        );
        return { path: dir, migrationFile: { path: 'migration.sql', content } };
      }),
    ),
  };
}

/** Each migration folder keeps the schema it was generated from, so the next one is a diff from it. */
export const snapshotFile = 'schema.snapshot.prisma';

export async function readLatestSnapshot(): Promise<string | null> {
  const list = await readMigrationList();
  const last = list.migrationDirectories.at(-1);
  if (!last) return null;
  return readFile(path.join(migrationsDir, last.path, snapshotFile), 'utf8');
}
