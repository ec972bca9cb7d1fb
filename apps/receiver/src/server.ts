import express, { type Express } from 'express';
import type { Redis } from '@switchyard/queues';
import { createInboundEventRecorder, poolOfDatabase, readiness, type Database } from '@switchyard/db';
import type { TrustProxy } from '@switchyard/config';
import type { Logger } from '@switchyard/logger';
import type { Settings } from '@switchyard/settings';
import type { Connections } from './connections/connections';
import { formRoutes } from './forms/form-routes';
import type { ReceiverMetrics } from './http/metrics';
import { webhookRoutes } from './http/webhook-routes';

export interface ReceiverDeps {
  /** The typed query layer: the ingest statement (the hot path) runs on it. */
  database: Database;
  redis: Redis;
  connections: Connections;
  /** Lead forms served at `POST /forms/:formId` (none when omitted). */
  forms?: Settings['forms'];
  /** Largest accepted form body, in bytes (default 16 kB). */
  formBodyLimitBytes?: number;
  logger: Logger;
  metrics: ReceiverMetrics;
  bodyLimitBytes: number;
  publicBaseUrl?: string;
  onStored: () => void;
  /**
   * Group commit at ingest: most deliveries one statement stores, and most such statements at once.
   * Default 64 and 2: a lone delivery is written at once; under load, what arrives during a commit shares the next.
   */
  ingestBatch?: { maxDeliveries: number; maxInFlight: number };
  now?: () => Date;
  /** Proxies whose X-Forwarded-For names the client (TRUST_PROXY); none by default. */
  trustProxy?: TrustProxy;
}

export function createServer(deps: ReceiverDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // The client address (the lead-form rate limit's key) is the socket's peer unless proxies are
  // configured; trusting every hop would let any client name its own address.
  app.set('trust proxy', deps.trustProxy ?? false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const { ready, postgres, redis } = await readiness(poolOfDatabase(deps.database), deps.redis);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', postgres, redis });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  const recordEvents = createInboundEventRecorder(deps.database, deps.ingestBatch ?? { maxDeliveries: 64, maxInFlight: 2 });
  app.use(webhookRoutes({ ...deps, recordEvents, now: deps.now ?? (() => new Date()) }));
  // Read per request, not copied: `deps.forms` may be a getter over settings that are (re)loaded later.
  const { forms: _forms, ...formDeps } = deps;
  app.use(
    formRoutes({
      ...formDeps,
      get forms() {
        return deps.forms ?? {};
      },
      formBodyLimitBytes: deps.formBodyLimitBytes ?? 16 * 1024,
      now: deps.now ?? (() => new Date()),
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such endpoint' });
  });
  return app;
}
