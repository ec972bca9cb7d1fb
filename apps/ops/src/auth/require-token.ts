import type { RequestHandler } from 'express';
import type { Logger } from '@switchyard/logger';
import type { AuthThrottle } from './auth-throttle';
import { tokenMatcher } from './token-matches';

export const REALM = 'switchyard-ops';

/**
 * The identity the audit log records. The token is shared, so it is all the system can verify;
 * a Basic user name is whatever the client typed and is never recorded as who acted.
 */
export const TOKEN_IDENTITY = 'token';

export interface RequireTokenOptions {
  token: string;
  logger: Logger;
  /** Also accept HTTP Basic with the token as password (any user), so a browser can log in. */
  allowBasic: boolean;
  throttle: AuthThrottle;
  now?: () => Date;
}

/** The presented secret, and the Basic user name when one was asserted (only to throttle by). */
type Credentials = { scheme: 'bearer' | 'basic'; user?: string; secret: string } | null;

function credentialsOf(header: string | undefined, allowBasic: boolean): Credentials {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return { scheme, secret: value };
  if (scheme === 'basic' && allowBasic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    return { scheme, user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return null;
}

/**
 * Lets a request through only with the ops token; sets `res.locals.opsUser` to the verified
 * identity for the audit log. Failed attempts are throttled per client address and per Basic user
 * name: past the limit every attempt from that client or for that user, right or wrong, is
 * answered 429 with Retry-After until the window ends, so guessing gains nothing from speed.
 */
export function requireToken({ token, logger, allowBasic, throttle, now = () => new Date() }: RequireTokenOptions): RequestHandler {
  const matches = tokenMatcher(token);
  const challenge = allowBasic ? `Basic realm="${REALM}", charset="UTF-8"` : `Bearer realm="${REALM}"`;
  return async (req, res, next) => {
    const presented = credentialsOf(req.get('authorization'), allowBasic);
    const path = req.originalUrl.split('?')[0];
    if (presented) {
      const attempt = { client: req.ip ?? req.socket.remoteAddress ?? 'unknown', user: presented.user };
      const decision = await throttle.check(attempt, now());
      if (decision.blocked) {
        logger.warn('ops authentication throttled', { scope: decision.scope, method: req.method, path, ip: req.ip });
        const from = decision.scope === 'client' ? 'from this address' : 'for this user name';
        res
          .status(429)
          .set('Retry-After', String(decision.retryAfterSeconds))
          .json({ error: 'too_many_attempts', message: `too many failed sign-in attempts ${from}; retry in ${decision.retryAfterSeconds} s` });
        return;
      }
      if (matches(presented.secret)) {
        res.locals.opsUser = TOKEN_IDENTITY;
        next();
        return;
      }
      await throttle.recordFailure(attempt, now());
      // The user name is not logged: it is unverified, and people type passwords into it.
      logger.warn('ops authentication failed', { scheme: presented.scheme, method: req.method, path, ip: req.ip });
    }
    // A browser's first request carries no credentials by design: answered, but neither logged nor counted.
    res
      .status(401)
      .set('WWW-Authenticate', challenge)
      .json({ error: 'unauthorized', message: allowBasic ? 'send Authorization: Bearer <OPS_TOKEN>, or Basic with OPS_TOKEN as the password' : 'send Authorization: Bearer <OPS_TOKEN>' });
  };
}

/** Who the authenticated caller is, as `requireToken` recorded it. */
export function opsUserOf(locals: Record<string, unknown>): string {
  return typeof locals.opsUser === 'string' ? locals.opsUser : 'unknown';
}
