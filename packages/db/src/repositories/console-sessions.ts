import type { Db } from '../database';

/**
 * Signed-in ops console sessions. Rows are keyed by a hash of the session id (the cookie's value is
 * never stored), so every replica, and the process after a restart, sees the same sessions.
 */

export interface NewConsoleSession {
  /** sha256 of the session id, hex. */
  idHash: string;
  userName: string;
  csrfToken: string;
  now: Date;
  expiresAt: Date;
}

export interface ConsoleSessionRecord {
  userName: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createConsoleSession(db: Db, session: NewConsoleSession): Promise<void> {
  await db
    .insertInto('console_sessions')
    .values({ id_hash: session.idHash, user_name: session.userName, csrf_token: session.csrfToken, created_at: session.now, last_seen_at: session.now, expires_at: session.expiresAt })
    .execute();
}

/**
 * The live session with this id hash, marked as seen now; null when there is none, it has expired,
 * or it was idle since before `idleSince`. One statement, so a session that just went idle cannot
 * be revived by a request racing the check.
 */
export async function touchConsoleSession(db: Db, lookup: { idHash: string; now: Date; idleSince: Date }): Promise<ConsoleSessionRecord | null> {
  const row = await db
    .updateTable('console_sessions')
    .set({ last_seen_at: lookup.now })
    .where('id_hash', '=', lookup.idHash)
    .where('expires_at', '>', lookup.now)
    .where('last_seen_at', '>', lookup.idleSince)
    .returning(['user_name as userName', 'csrf_token as csrfToken', 'expires_at as expiresAt'])
    .executeTakeFirst();
  return row ?? null;
}

/** Signs one session out; false when it did not exist (already signed out or purged). */
export async function deleteConsoleSession(db: Db, idHash: string): Promise<boolean> {
  const { numDeletedRows } = await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).executeTakeFirst();
  return numDeletedRows > 0n;
}

/** Removes sessions past their expiry or idle since before `idleSince`; returns how many. */
export async function purgeConsoleSessions(db: Db, cutoff: { now: Date; idleSince: Date }): Promise<number> {
  const { numDeletedRows } = await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', cutoff.now), eb('last_seen_at', '<=', cutoff.idleSince)]))
    .executeTakeFirst();
  return Number(numDeletedRows);
}
