import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Takes the lease `name` for `holder`, or renews it, until the database's now() + `ttlMs`: true
 * when `holder` holds it afterwards. One statement, compare-and-set on the row (free, expired, or
 * already this holder's), so two replicas racing for it never both win, and nothing stays locked
 * while the holder works. The database's clock decides expiry, so replicas' clocks need not agree.
 */
export async function acquireLease(db: Db, lease: { name: string; holder: string; ttlMs: number }): Promise<boolean> {
  const { rows } = await sql<{ holder: string }>`INSERT INTO leases (name, holder, expires_at)
     VALUES (${lease.name}, ${lease.holder}, now() + ${lease.ttlMs} * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at < now()
     RETURNING holder`.execute(db);
  return rows.length === 1;
}

/** Gives the lease up (a replica shutting down), so another takes over without waiting for expiry. */
export async function releaseLease(db: Db, lease: { name: string; holder: string }): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', lease.name).where('holder', '=', lease.holder).execute();
}
