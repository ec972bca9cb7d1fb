import type { Request, Response } from 'express';
import type { Logger } from '@switchyard/logger';
import type { AuthThrottle } from './auth-throttle';
import { tokenMatcher } from './token-matches';

export const REALM = 'switchyard-ops';

/**
 * The identity the audit log records for OPS_TOKEN. The token is shared, so it is all the system
 * can verify; a Basic user name is whatever the client typed and is never recorded as who acted.
 */
export const TOKEN_IDENTITY = 'token';

export interface TokenCheckOptions {
  token: string;
  logger: Logger;
  throttle: AuthThrottle;
  now?: () => Date;
}

/** The presented secret, and the Basic user name when one was asserted (only to throttle by). */
type Credentials = { scheme: 'bearer' | 'basic'; user?: string; secret: string } | null;

function credentialsOf(header: string | undefined): Credentials {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return { scheme, secret: value };
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    return { scheme, user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return null;
}

/** `absent`: no Authorization credentials; `answered`: refused (401 or 429 sent); otherwise the scheme that carried the token. */
export type TokenCheck = 'absent' | 'answered' | 'bearer' | 'basic';

/**
 * Checks an `Authorization` header against the ops token: Bearer, or Basic with the token as the
 * password (any user), so a browser can open Bull Board. On success sets `res.locals.opsUser` to
 * the verified identity for the audit log. Failed attempts are throttled per client address and
 * per Basic user name: past the limit every attempt from that client or for that user, right or
 * wrong, is answered 429 with Retry-After until the window ends, so guessing gains nothing from speed.
 */
export function tokenCheck({ token, logger, throttle, now = () => new Date() }: TokenCheckOptions): (req: Request, res: Response) => Promise<TokenCheck> {
  const matches = tokenMatcher(token);
  return async (req, res) => {
    const header = req.get('authorization');
    const presented = credentialsOf(header);
    if (!header) return 'absent';
    const path = req.originalUrl.split('?')[0];
    if (presented) {
      const attempt = { client: clientOf(req), user: presented.user };
      const decision = await throttle.check(attempt, now());
      if (decision.blocked) {
        logger.warn('ops authentication throttled', { scope: decision.scope, method: req.method, path, ip: req.ip });
        tooManyAttempts(res, decision);
        return 'answered';
      }
      if (matches(presented.secret)) {
        res.locals.opsUser = TOKEN_IDENTITY;
        return presented.scheme;
      }
      await throttle.recordFailure(attempt, now());
      // The user name is not logged: it is unverified, and people type passwords into it.
      logger.warn('ops authentication failed', { scheme: presented.scheme, method: req.method, path, ip: req.ip });
    }
    unauthorized(req, res);
    return 'answered';
  };
}

export function clientOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** 429 with Retry-After, saying whether the address or the user name is locked, and for how long. */
export function tooManyAttempts(res: Response, decision: { scope: 'client' | 'user'; retryAfterSeconds: number }): void {
  const from = decision.scope === 'client' ? 'from this address' : 'for this user name';
  res
    .status(429)
    .set('Retry-After', String(decision.retryAfterSeconds))
    .json({ error: 'too_many_attempts', message: `too many failed sign-in attempts ${from}; retry in ${decision.retryAfterSeconds} s` });
}

/**
 * 401 with a challenge. A page's own script (fetch sends Sec-Fetch-Mode other than "navigate")
 * gets a Bearer challenge, which browsers do not answer with a password dialog, so the console can
 * show its sign-in form; a person opening a URL, or a tool, gets the Basic one.
 */
export function unauthorized(req: Request, res: Response): void {
  const mode = req.get('sec-fetch-mode');
  const fromScript = mode !== undefined && mode !== 'navigate';
  res
    .status(401)
    .set('WWW-Authenticate', fromScript ? `Bearer realm="${REALM}"` : `Basic realm="${REALM}", charset="UTF-8"`)
    .json({ error: 'unauthorized', message: 'sign in (POST /api/session), or send Authorization: Bearer <OPS_TOKEN> (or Basic with OPS_TOKEN as the password)' });
}

/** Who the authenticated caller is (a console user name, or `token`), as `authenticate` recorded it. */
export function opsUserOf(locals: Record<string, unknown>): string {
  return typeof locals.opsUser === 'string' ? locals.opsUser : 'unknown';
}
