import { randomBytes } from 'node:crypto';
import { applyMigrations, dropDatabase, ensureDatabase } from '@switchyard/db';

/**
 * A migrated database of the test's own, for tests whose subject reads the whole database (the
 * stale-work redriver re-drives every stale event it finds, including other test files').
 */
export async function createOwnDatabase(serverUrl = 'postgresql://root@127.0.0.1:5432'): Promise<{ url: string; drop(): Promise<void> }> {
  const url = `${serverUrl.replace(/\/$/, '')}/switchyard_own_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url);
  await applyMigrations(url);
  return { url, drop: () => dropDatabase(url) };
}
