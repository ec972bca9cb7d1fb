import { createHash, randomBytes } from 'node:crypto';
import { createConsoleSession, deleteConsoleSession, purgeConsoleSessions, touchConsoleSession, type Database } from '@switchyard/db';
import type { ConsoleRole, ConsoleSettings, ConsoleUser } from '@switchyard/settings';

export interface SessionUser {
  name: string;
  role: ConsoleRole;
}

export interface LiveSession {
  user: SessionUser;
  /** The user's `revealPersonalData` in the configuration (read on each request, as the role is). */
  revealPersonalData: boolean;
  csrfToken: string;
  expiresAt: Date;
}

/** The session id only ever leaves in the cookie; the table holds its hash. */
export function sessionIdHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/**
 * Console sessions kept in Postgres, so a restart or another replica keeps them. A session names a
 * user, not a role: the role is read from the configuration on each request, so a demotion or a
 * removed user takes effect at the next restart without hunting sessions down.
 */
export class SessionStore {
  private readonly users: Map<string, ConsoleUser>;
  private readonly ttlMs: number;
  private readonly idleMs: number;

  constructor(
    private readonly db: Database,
    settings: ConsoleSettings,
  ) {
    this.users = new Map(settings.users.map((u) => [u.name, u]));
    this.ttlMs = settings.sessionHours * 3_600_000;
    this.idleMs = settings.idleMinutes * 60_000;
  }

  user(name: string): ConsoleUser | undefined {
    return this.users.get(name);
  }

  /** Any configured hash, so a decoy check for an unknown name costs what a real one does. */
  someHash(): string | undefined {
    return this.users.values().next().value?.passwordHash;
  }

  async create(user: SessionUser, now: Date): Promise<LiveSession & { id: string }> {
    // Sessions that ended are removed as new ones start: the table stays the size of who is signed in.
    await purgeConsoleSessions(this.db, { now, idleSince: new Date(now.getTime() - this.idleMs) });
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await createConsoleSession(this.db, { idHash: sessionIdHash(id), userName: user.name, csrfToken, now, expiresAt });
    return { id, user, revealPersonalData: this.users.get(user.name)?.revealPersonalData ?? false, csrfToken, expiresAt };
  }

  /** The session this cookie names if it is live and its user still configured; marks it as seen. */
  async resolve(id: string, now: Date): Promise<LiveSession | null> {
    const row = await touchConsoleSession(this.db, { idHash: sessionIdHash(id), now, idleSince: new Date(now.getTime() - this.idleMs) });
    if (!row) return null;
    const user = this.users.get(row.userName);
    if (!user) {
      await deleteConsoleSession(this.db, sessionIdHash(id));
      return null;
    }
    return { user: { name: user.name, role: user.role }, revealPersonalData: user.revealPersonalData, csrfToken: row.csrfToken, expiresAt: row.expiresAt };
  }

  async destroy(id: string): Promise<void> {
    await deleteConsoleSession(this.db, sessionIdHash(id));
  }
}
