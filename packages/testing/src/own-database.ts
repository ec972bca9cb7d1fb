import { randomBytes } from 'node:crypto';
import { applyMigrations, dropDatabase, ensureDatabase } from '@switchyard/db';

const SHARED_SERVER = 'postgresql://root@127.0.0.1:5432';

/**
 * A migrated database of the test's own, for tests whose subject reads the whole database (the
 * stale-work redriver re-drives every stale event it finds, including other test files').
 *
 * Given `pooler` (the pooler run's TEST_POOLER_URL: a PgBouncer in front of the shared server), a database on the
 * shared server is created and migrated direct, and `url` reaches it through the pooler, as the
 * apps would; a server of the test's own (OwnPostgres) is never behind that pooler.
 */
export async function createOwnDatabase(serverUrl = SHARED_SERVER, pooler?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `switchyard_own_${randomBytes(4).toString('hex')}`;
  const direct = `${serverUrl.replace(/\/$/, '')}/${name}`;
  await ensureDatabase(direct);
  await applyMigrations(direct);
  const viaPooler = pooler && serverUrl.replace(/\/$/, '') === SHARED_SERVER;
  return { url: viaPooler ? `${pooler.replace(/\/$/, '')}/${name}` : direct, drop: () => dropDatabase(direct) };
}
