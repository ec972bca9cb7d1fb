import express, { type ErrorRequestHandler, type Express } from 'express';
import type { TrustProxy } from '@switchyard/config';
import { isDatabaseUnavailable, type Database } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { Redis } from '@switchyard/queues';
import type { AlertRule, ConsoleSettings } from '@switchyard/settings';
import { AuthThrottle } from './auth/auth-throttle';
import { authenticate } from './auth/authenticate';
import { requireRoleByMethod } from './auth/roles';
import { SessionStore } from './auth/session-store';
import { mountBullBoard } from './bull-board/mount-bull-board';
import { serveConsole } from './console/serve-console';
import { RedriveRunner } from './dead-letters/redrive-runner';
import { OpsQueues } from './queues/ops-queues';
import { alertRoutes } from './routes/alerts';
import { attentionRoutes } from './routes/attention';
import { auditRoutes } from './routes/audit';
import { dashboardRoutes } from './routes/dashboard';
import { deadLetterRoutes } from './routes/dead-letters';
import { effectActionRoutes } from './routes/effect-actions';
import { effectRoutes } from './routes/effects';
import { entityRoutes } from './routes/entities';
import { erasureRoutes } from './routes/erasure';
import { failureGroupRoutes } from './routes/failure-groups';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { personalDataRoutes } from './routes/personal-data';
import { redriveRoutes } from './routes/redrives';
import { searchRoutes } from './routes/search';
import { EntityKeySeal } from './search/entity-key-seal';
import { sessionRoutes, signInRoute } from './routes/session';

export interface OpsDeps {
  db: Database;
  /** Shared by the board's queue handles and the readiness check. */
  redis: Redis;
  /** BullMQ key prefix the workers use (QUEUE_PREFIX). */
  prefix: string;
  /** OPS_TOKEN; never empty (env.ts refuses to start without one). */
  token: string;
  logger: Logger;
  /** Failed sign-ins allowed per client address and per user name each minute (default 10). */
  authFailuresPerMinute?: number;
  /** Proxies whose X-Forwarded-For names the client (TRUST_PROXY); none by default. */
  trustProxy?: TrustProxy;
  /** Console users and session lengths (the configuration file's `console` section); without users only OPS_TOKEN signs in. */
  console?: ConsoleSettings;
  /** The configuration file's alert rules, listed with their state at /api/alerts; none by default. */
  alertRules?: AlertRule[];
  /**
   * Tries bulk re-drives' items (started here, and resumed from stopped replicas once started);
   * without one, a runner that only runs the re-drives this server starts.
   */
  redriveRunner?: RedriveRunner;
  /** The clock sessions and the throttle read; tests move it. */
  now?: () => Date;
}

export function createServer(deps: OpsDeps): Express {
  if (deps.token.length < 16) throw new Error('OPS_TOKEN is required: the ops console never runs without authentication');
  const app = express();
  app.disable('x-powered-by');
  // The client address keys the sign-in throttle: only configured proxies may name it.
  app.set('trust proxy', deps.trustProxy ?? false);

  const throttle = new AuthThrottle({ redis: deps.redis, prefix: deps.prefix, maxFailures: deps.authFailuresPerMinute ?? 10, windowMs: 60_000 });
  const sessions = deps.console?.users.length ? new SessionStore(deps.db, deps.console) : undefined;
  const auth = authenticate({ token: deps.token, logger: deps.logger, throttle, sessions, now: deps.now });
  app.use(healthRoutes(deps.db, deps.redis));
  mountBullBoard(app, { ...deps, auth });
  const session = { db: deps.db, logger: deps.logger, throttle, sessions, now: deps.now };
  // Signing in is the one API call made before there is anyone to authenticate.
  app.use(signInRoute(session));
  // Basic too: a browser that signed in to Bull Board with the token can read the API it shows.
  app.use('/api', auth);
  app.use('/api', express.json({ limit: '100kb' }));
  const queues = new OpsQueues(deps.redis, deps.prefix);
  app.use(sessionRoutes(session));
  const entityKeys = new EntityKeySeal(deps.token);
  // Before the floor below: a viewer's refusal must name the permission this needs, not the operator role.
  app.use(personalDataRoutes({ db: deps.db, keys: entityKeys, logger: deps.logger }));
  // A floor under every route's own requirement (requireRole in routes/*.ts): a route added without
  // one is still read-only for viewers.
  app.use('/api', requireRoleByMethod('viewer', 'operator'));
  app.use(eventRoutes(deps.db));
  app.use(deadLetterRoutes({ db: deps.db, redis: deps.redis, queues, logger: deps.logger }));
  app.use(attentionRoutes(deps.db));
  app.use(effectRoutes(deps.db, queues));
  app.use(auditRoutes(deps.db));
  app.use(entityRoutes(deps.db, entityKeys));
  app.use(searchRoutes(deps.db, entityKeys));
  app.use(failureGroupRoutes({ db: deps.db, queues, keys: entityKeys }));
  app.use(erasureRoutes(deps.db));
  app.use(effectActionRoutes({ db: deps.db, queues, logger: deps.logger }));
  const runner = deps.redriveRunner ?? new RedriveRunner({ db: deps.db, redis: deps.redis, queues, logger: deps.logger });
  app.use(redriveRoutes({ db: deps.db, redis: deps.redis, queues, logger: deps.logger, runner }));
  app.use(dashboardRoutes({ db: deps.db, queues, logger: deps.logger }));
  app.use(alertRoutes({ db: deps.db, rules: () => deps.alertRules ?? [] }));
  app.use(serveConsole());

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such endpoint' });
  });
  const onError: ErrorRequestHandler = (err: Error & { type?: string }, req, res, _next) => {
    if (err.type === 'entity.parse.failed' && !res.headersSent) {
      res.status(400).json({ error: 'invalid_body', message: 'the body is not valid JSON' });
      return;
    }
    deps.logger.error('ops request failed', { method: req.method, path: req.originalUrl.split('?')[0], error: err.message });
    if (res.headersSent) return;
    // Postgres (or Redis, whose refusals look the same) being down is not the request's fault: a
    // 503 with Retry-After tells the console and scripts to try again instead of reporting a bug.
    if (isDatabaseUnavailable(err)) {
      res.status(503).set('Retry-After', '5').json({ error: 'unavailable', message: 'a dependency (the database or the queues) is unavailable; retry shortly' });
      return;
    }
    res.status(500).json({ error: 'internal', message: 'the request failed; see the ops log' });
  };
  app.use(onError);
  return app;
}
