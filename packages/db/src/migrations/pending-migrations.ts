import { Client } from 'pg';
import { readMigrationList } from './migration-files';

/** Postgres' "undefined_table": no migration ever ran on this database. */
const UNDEFINED_TABLE = '42P01';

/**
 * The committed migrations (prisma/migrations) not yet applied to the database at `databaseUrl`, in
 * order: what an app's initContainer waits on before the new code starts on an old schema. A
 * migration counts as applied once `_prisma_migrations` records it finished and not rolled back,
 * the same test `prisma migrate deploy` makes. Migrations the database has and the image does not
 * (a rollback of the code) are no concern of this check.
 */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const committed = (await readMigrationList()).migrationDirectories.map((d) => d.path);
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  // A server going away mid-query emits 'error' on the client; the query's rejection carries it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const rows = await client
      .query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')
      .then((r) => r.rows, (err: Error & { code?: string }) => {
        if (err.code === UNDEFINED_TABLE) return [];
        throw err;
      });
    const applied = new Set(rows.map((r) => r.migration_name));
    return committed.filter((name) => !applied.has(name));
  } finally {
    await client.end().catch(() => undefined);
  }
}
