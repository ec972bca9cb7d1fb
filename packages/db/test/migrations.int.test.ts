import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, diffSchemas } from '../src/migrations/apply-migrations';
import { ensureDatabase, dropDatabase } from '../src/migrations/ensure-database';
import { migrationsDir, readLatestSnapshot, readMigrationList, readSchema } from '../src/migrations/migration-files';

const base = (process.env.TEST_POSTGRES_URL || 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '');
const freshUrl = () => `${base}/switchyard_drift_${randomBytes(4).toString('hex')}`;

/**
 * What the migrations create by hand because schema.prisma cannot declare it (indexes on
 * expressions): the statements between `-- expression-indexes: begin` and `-- expression-indexes: end`
 * in each migration, in order.
 */
async function expressionIndexes(): Promise<string> {
  const list = await readMigrationList();
  return list.migrationDirectories
    .flatMap((d) => (d.migrationFile.content.tag === 'ok' ? [...d.migrationFile.content.value.matchAll(/^-- expression-indexes: begin\n([\s\S]*?)^-- expression-indexes: end$/gm)].map((m) => m[1] ?? '') : []))
    .join('\n');
}

/** Everything about the public schema that Prisma cares about, in a comparable form. */
async function describeCatalog(url: string) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string) => (await c.query(sql)).rows;
    return {
      columns: await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, datetime_precision
                        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`),
      indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1, 2`),
      constraints: await q(`SELECT conrelid::regclass::text AS tbl, conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
                            WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`),
      enums: await q(`SELECT t.typname, e.enumlabel, e.enumsortorder FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY 1, 3`),
    };
  } finally {
    await c.end();
  }
}

describe('migrations', () => {
  const urls: string[] = [];
  afterAll(async () => {
    for (const url of urls) await dropDatabase(url);
  });

  it('build exactly the database prisma/schema.prisma describes, plus the expression indexes it cannot (no drift)', async () => {
    const migrated = freshUrl();
    const fromSchema = freshUrl();
    urls.push(migrated, fromSchema);
    await ensureDatabase(migrated);
    await ensureDatabase(fromSchema);
    await applyMigrations(migrated);

    const sql = await diffSchemas(fromSchema, null, await readSchema());
    const c = new Client({ connectionString: fromSchema });
    await c.connect();
    await c.query(sql);
    await c.query(await expressionIndexes());
    await c.end();

    const [a, b] = await Promise.all([describeCatalog(migrated), describeCatalog(fromSchema)]);
    expect(a.columns.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });

  it('include every schema change: the last migration was generated from the current schema', async () => {
    const url = freshUrl();
    urls.push(url);
    await ensureDatabase(url);
    const pending = await diffSchemas(url, await readLatestSnapshot(), await readSchema());
    expect(pending.replace(/^--.*$/gm, '').trim()).toBe('');
  });

  it('record history as prisma migrate deploy does, and apply nothing the second time', async () => {
    const url = freshUrl();
    urls.push(url);
    await ensureDatabase(url);
    const list = await readMigrationList();
    expect(await applyMigrations(url)).toEqual(list.migrationDirectories.map((d) => d.path));
    expect(await applyMigrations(url)).toEqual([]);

    const c = new Client({ connectionString: url });
    await c.connect();
    const rows = (await c.query('SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name')).rows;
    await c.end();
    expect(rows.map((r) => r.migration_name)).toEqual(list.migrationDirectories.map((d) => d.path));
    for (const row of rows) {
      const file = readFileSync(path.join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });
});
