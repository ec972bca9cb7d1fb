import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '@switchyard/logger';
import type { AuthThrottle } from './auth-throttle';
import { tokenCheck, unauthorized } from './require-token';
import { clearSessionCookies, cookieOf, SESSION_COOKIE } from './session-cookies';
import type { LiveSession, SessionStore } from './session-store';

export const CSRF_HEADER = 'X-CSRF-Token';
/** What Bull Board's client (axios) sends from the XSRF-TOKEN cookie; accepted as the same token. */
const AXIOS_CSRF_HEADER = 'X-XSRF-TOKEN';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuthenticateOptions {
  token: string;
  logger: Logger;
  throttle: AuthThrottle;
  /** Console sessions; absent when no console users are configured (then only OPS_TOKEN signs in). */
  sessions?: SessionStore;
  now?: () => Date;
}

/** The signed-in session `authenticate` found, for GET and DELETE /api/session. */
export function sessionOf(locals: Record<string, unknown>): (LiveSession & { id: string }) | undefined {
  return (locals.opsSession as (LiveSession & { id: string }) | undefined) ?? undefined;
}

function sameToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Sec-Fetch-Site says where a browser request came from; only a page of our own origin, or the
 * person typing the URL, may write with credentials the browser attaches by itself.
 */
function fromAnotherSite(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  return site === 'cross-site' || site === 'same-site';
}

function csrfFailed(res: Response, why: string): void {
  res.status(403).json({ error: 'csrf_failed', message: `${why}: send the ${CSRF_HEADER} header with the csrfToken from POST or GET /api/session` });
}

/**
 * Who is calling, for everything behind it: OPS_TOKEN (Bearer, or Basic with the token as the
 * password) acts as admin and is audited as `token`; otherwise the session cookie names a console
 * user, whose role comes from the configuration. Sets `res.locals.opsUser` (the audit actor),
 * `opsRole` and, for a session, `opsSession`.
 *
 * Cookies (and a browser's remembered Basic credentials) are sent by the browser on its own, even
 * for a form another site submits, so a session's writes must carry the session's CSRF token in
 * `X-CSRF-Token`, and a Basic write coming from another site is refused. A Bearer header is only
 * ever set by a program holding the token, so it needs neither.
 */
export function authenticate(opts: AuthenticateOptions): RequestHandler {
  const checkToken = tokenCheck(opts);
  const now = opts.now ?? (() => new Date());
  return async (req, res, next) => {
    const write = WRITES.has(req.method);
    const byToken = await checkToken(req, res);
    if (byToken === 'answered') return;
    if (byToken !== 'absent') {
      if (byToken === 'basic' && write && fromAnotherSite(req)) {
        csrfFailed(res, 'a write from another site is refused');
        return;
      }
      res.locals.opsRole = 'admin';
      next();
      return;
    }
    const id = cookieOf(req, SESSION_COOKIE);
    if (id === undefined || !opts.sessions) {
      unauthorized(req, res);
      return;
    }
    const session = await opts.sessions.resolve(id, now());
    if (!session) {
      clearSessionCookies(req, res);
      res.status(401).json({ error: 'session_expired', message: 'the session has expired or was signed out; sign in again (POST /api/session)' });
      return;
    }
    if (write && !sameToken(req.get(CSRF_HEADER) ?? req.get(AXIOS_CSRF_HEADER), session.csrfToken)) {
      opts.logger.warn('ops csrf check failed', { user: session.user.name, method: req.method, path: req.originalUrl.split('?')[0], ip: req.ip });
      csrfFailed(res, req.get(CSRF_HEADER) === undefined && req.get(AXIOS_CSRF_HEADER) === undefined ? `the ${CSRF_HEADER} header is missing` : `the ${CSRF_HEADER} header does not match this session`);
      return;
    }
    res.locals.opsUser = session.user.name;
    res.locals.opsRole = session.user.role;
    res.locals.opsSession = { id, ...session };
    next();
  };
}
