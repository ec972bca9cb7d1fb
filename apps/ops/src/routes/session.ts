import express, { Router } from 'express';
import { z } from 'zod';
import { insertAuditEntry, type Database } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { AuthThrottle } from '../auth/auth-throttle';
import { sessionOf } from '../auth/authenticate';
import { decoyHash, verifyPassword } from '../auth/password-hash';
import { clientOf, opsUserOf, tooManyAttempts } from '../auth/require-token';
import { mayReveal, mayRevealPersonalData } from '../auth/personal-data-permission';
import { opsRoleOf } from '../auth/roles';
import { clearSessionCookies, cookieOf, SESSION_COOKIE, setSessionCookies } from '../auth/session-cookies';
import type { SessionStore } from '../auth/session-store';
import { parseRequest, unknownKeys } from '../validation/parse-request';

const signInBody = z.strictObject(
  {
    name: z.string({ error: 'is required' }).min(1, 'is required').max(64, 'must be at most 64 characters'),
    password: z.string({ error: 'is required' }).min(1, 'is required').max(1024, 'must be at most 1024 characters'),
  },
  unknownKeys('field'),
);

export interface SessionRouteDeps {
  db: Database;
  logger: Logger;
  throttle: AuthThrottle;
  /** Absent when no console users are configured. */
  sessions?: SessionStore;
  now?: () => Date;
}

/**
 * `POST /api/session {name, password}`: signs a console user in. Mounted before authentication
 * (it is how one gets a session); failed attempts count against the client address and the user
 * name in the same throttle as wrong tokens. The answer never says whether the name exists.
 */
export function signInRoute(deps: SessionRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  const decoy = decoyHash(deps.sessions?.someHash());

  router.post('/api/session', express.json({ limit: '10kb' }), async (req, res) => {
    // Answers carry the CSRF token: no cache keeps them.
    res.set('Cache-Control', 'no-store');
    const body = parseRequest(signInBody, req.body, res, 'body');
    if (!body) return;
    if (!deps.sessions) {
      res.status(404).json({ error: 'not_configured', message: 'no console users are configured (console.users in the SWITCHYARD_CONFIG file); use OPS_TOKEN' });
      return;
    }
    const attempt = { client: clientOf(req), user: body.name };
    const decision = await deps.throttle.check(attempt, now());
    if (decision.blocked) {
      deps.logger.warn('console sign-in throttled', { scope: decision.scope, ip: req.ip });
      tooManyAttempts(res, decision);
      return;
    }
    const user = deps.sessions.user(body.name);
    // An unknown name is checked against a decoy of the same cost: the timing does not tell names apart.
    const matches = await verifyPassword(body.password, user?.passwordHash ?? decoy);
    if (!user || !matches) {
      await deps.throttle.recordFailure(attempt, now());
      // The name is not logged: people type their password into it.
      deps.logger.warn('console sign-in failed', { ip: req.ip });
      res.status(401).json({ error: 'invalid_credentials', message: 'wrong user name or password' });
      return;
    }
    const at = now();
    // A fresh id at every sign-in, and the one the browser held is ended: an id planted before sign-in is worth nothing after.
    const previous = cookieOf(req, SESSION_COOKIE);
    if (previous !== undefined) await deps.sessions.destroy(previous);
    const session = await deps.sessions.create({ name: user.name, role: user.role }, at);
    await insertAuditEntry(deps.db, { actor: user.name, action: 'session.sign_in', target: `user:${user.name}`, details: { role: user.role, ip: req.ip ?? null } });
    deps.logger.info('console sign-in', { audit: true, who: user.name, role: user.role, ip: req.ip });
    setSessionCookies(req, res, session, at);
    res.json({ user: session.user, permissions: { revealPersonalData: mayReveal(user.role, session.revealPersonalData) }, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  return router;
}

/**
 * `GET /api/session` (who am I, and what I may do beyond my role: `permissions.revealPersonalData`)
 * and `DELETE /api/session` (sign out), behind authentication.
 */
export function sessionRoutes(deps: SessionRouteDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.get('/api/session', (req, res) => {
    res.set('Cache-Control', 'no-store');
    const session = sessionOf(res.locals);
    const permissions = { revealPersonalData: mayRevealPersonalData(res.locals) };
    if (!session) {
      // OPS_TOKEN: a program or a break-glass login, acting as admin; there is no session to show.
      res.json({ user: { name: opsUserOf(res.locals), role: opsRoleOf(res.locals) }, permissions, csrfToken: null, expiresAt: null, via: 'token' });
      return;
    }
    // The CSRF cookie again, in case the browser dropped it: Bull Board's buttons need it.
    setSessionCookies(req, res, session, now());
    res.json({ user: session.user, permissions, csrfToken: session.csrfToken, expiresAt: session.expiresAt, via: 'session' });
  });

  router.delete('/api/session', async (req, res) => {
    const session = sessionOf(res.locals);
    if (!session || !deps.sessions) {
      res.status(400).json({ error: 'no_session', message: 'this request was authenticated with OPS_TOKEN, not a session: there is nothing to sign out' });
      return;
    }
    await deps.sessions.destroy(session.id);
    await insertAuditEntry(deps.db, { actor: session.user.name, action: 'session.sign_out', target: `user:${session.user.name}` });
    deps.logger.info('console sign-out', { audit: true, who: session.user.name });
    clearSessionCookies(req, res);
    res.status(204).end();
  });

  return router;
}
