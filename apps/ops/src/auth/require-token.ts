import type { RequestHandler } from 'express';
import type { Logger } from '@switchyard/logger';
import { tokenMatcher } from './token-matches';

export const REALM = 'switchyard-ops';

export interface RequireTokenOptions {
  token: string;
  logger: Logger;
  /** Also accept HTTP Basic with the token as password (any user), so a browser can log in. */
  allowBasic: boolean;
}

type Credentials = { who: string; secret: string } | null;

function credentialsOf(header: string | undefined, allowBasic: boolean): Credentials {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return { who: 'token', secret: value };
  if (scheme === 'basic' && allowBasic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    return { who: decoded.slice(0, colon) || 'anonymous', secret: decoded.slice(colon + 1) };
  }
  return null;
}

/**
 * Lets a request through only with the ops token; sets `res.locals.opsUser` to who it was
 * (the Basic user name, or "token" for a bearer) for the audit log.
 */
export function requireToken({ token, logger, allowBasic }: RequireTokenOptions): RequestHandler {
  const matches = tokenMatcher(token);
  const challenge = allowBasic ? `Basic realm="${REALM}", charset="UTF-8"` : `Bearer realm="${REALM}"`;
  return (req, res, next) => {
    const presented = credentialsOf(req.get('authorization'), allowBasic);
    if (presented && matches(presented.secret)) {
      res.locals.opsUser = presented.who;
      next();
      return;
    }
    // A browser's first request carries no credentials by design; only wrong ones are worth a line.
    if (presented) logger.warn('ops authentication failed', { who: presented.who, method: req.method, path: req.originalUrl.split('?')[0], ip: req.ip });
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
