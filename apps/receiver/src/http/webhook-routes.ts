import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isDatabaseUnavailable, isTransientConflict } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import type { Connections } from '../connections/connections';
import { receiveWebhook, type IngestDeps } from '../ingest/receive-webhook';
import { adapters } from '../providers/adapters';
import { WebhookRejection } from '../providers/webhook-rejection';
import type { ReceiverMetrics } from './metrics';
import { toInboundRequest } from './to-inbound-request';

export interface WebhookRouteDeps extends IngestDeps {
  connections: Connections;
  logger: Logger;
  metrics: ReceiverMetrics;
  bodyLimitBytes: number;
  publicBaseUrl?: string;
  /** Told after each commit that new outbox entries exist; must not block. */
  onStored: () => void;
}

interface Target {
  provider: string;
  connection: string;
}

/** `/webhooks/standard/:source` names the source; `/webhooks/:provider/:connection?` the account. */
function targetOf(req: Request): Target {
  const parts = (req.originalUrl.split('?')[0] ?? '').split('/').filter(Boolean);
  const provider = parts[1] ?? '';
  return { provider, connection: parts[2] ?? 'default' };
}

export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: deps.bodyLimitBytes });

  const reject = (res: Response, target: Target, rejection: WebhookRejection, started: bigint) => {
    const provider = adapters[target.provider] ? target.provider : 'unknown';
    deps.metrics.rejected.inc({ provider, reason: rejection.reason });
    deps.metrics.ackLatency.observe({ provider, outcome: 'rejected' }, Number(process.hrtime.bigint() - started) / 1e9);
    deps.logger.warn('webhook rejected', { provider: target.provider, connection: target.connection, reason: rejection.reason, status: rejection.status, error: rejection.message });
    res.status(rejection.status).json({ error: rejection.reason, message: rejection.message });
  };

  const resolve = (target: Target) => {
    const adapter = adapters[target.provider];
    if (!adapter) throw new WebhookRejection('unknown_provider', `unknown provider "${target.provider}"`);
    const connection = deps.connections[target.provider]?.[target.connection];
    if (!connection) throw new WebhookRejection('unknown_connection', `no connection "${target.connection}" is configured for ${target.provider}`);
    return { adapter, connection };
  };

  // Unknown providers are refused before their body is read.
  router.use(['/webhooks/:provider', '/webhooks/:provider/:connection'], (req, res, next) => {
    if (adapters[targetOf(req).provider]) return next();
    reject(res, targetOf(req), new WebhookRejection('unknown_provider', `unknown provider "${targetOf(req).provider}"`), process.hrtime.bigint());
  });

  router.get(['/webhooks/:provider', '/webhooks/:provider/:connection'], (req, res) => {
    const started = process.hrtime.bigint();
    const target = targetOf(req);
    try {
      const { adapter, connection } = resolve(target);
      if (!adapter.handleGet) throw new WebhookRejection('unknown_provider', `${target.provider} webhooks are POSTed; GET is not supported`);
      const answer = adapter.handleGet(toInboundRequest(req, deps.publicBaseUrl), connection);
      res.status(answer.status).type(answer.contentType).send(answer.body);
    } catch (err) {
      if (err instanceof WebhookRejection) return reject(res, target, err, started);
      throw err;
    }
  });

  router.post(['/webhooks/:provider', '/webhooks/:provider/:connection'], raw, async (req, res) => {
    const started = process.hrtime.bigint();
    const target = targetOf(req);
    deps.metrics.received.inc({ provider: target.provider });
    try {
      const { adapter, connection } = resolve(target);
      const { events, stored } = await receiveWebhook(deps, adapter, connection, toInboundRequest(req, deps.publicBaseUrl));
      deps.metrics.verified.inc({ provider: target.provider });
      const duplicates = events.filter((e) => !e.inserted).length;
      if (duplicates) deps.metrics.duplicates.inc({ provider: target.provider }, duplicates);
      for (const e of events) if (e.inserted) deps.metrics.stored.inc({ provider: target.provider, status: e.status });
      for (const e of stored) {
        if (e.unknownApiVersion && e.apiVersion) {
          deps.metrics.unknownApiVersion.inc({ provider: target.provider, version: e.apiVersion });
          deps.logger.warn('event from an API version the adapter does not know', { provider: target.provider, connection: target.connection, type: e.type, providerEventId: e.providerEventId, apiVersion: e.apiVersion, mapped: e.unmappedReason === null });
        }
        if (e.unmappedReason !== null) deps.logger.warn('event stored unmapped', { provider: target.provider, connection: target.connection, type: e.type, providerEventId: e.providerEventId, reason: e.unmappedReason });
      }
      if (events.length > duplicates) deps.onStored();
      deps.metrics.ackLatency.observe({ provider: target.provider, outcome: 'accepted' }, Number(process.hrtime.bigint() - started) / 1e9);
      if (adapter.acknowledge) {
        const ack = adapter.acknowledge(events.length);
        res.status(ack.status).type(ack.contentType).send(ack.body);
      } else {
        res.status(200).json({ received: events.length, duplicates, events: events.map((e) => ({ id: e.id, providerEventId: e.providerEventId, duplicate: !e.inserted })) });
      }
    } catch (err) {
      if (err instanceof WebhookRejection) return reject(res, target, err, started);
      deps.metrics.ackLatency.observe({ provider: target.provider, outcome: 'error' }, Number(process.hrtime.bigint() - started) / 1e9);
      if (isDatabaseUnavailable(err)) {
        deps.logger.error('database unavailable; asking the provider to retry', { provider: target.provider, error: (err as Error).message });
        res.status(503).set('Retry-After', '5').json({ error: 'database_unavailable', message: 'the event store is unavailable; retry later' });
        return;
      }
      if (isTransientConflict(err)) {
        deps.logger.warn('webhook ingest lost a race with a concurrent write; asking the provider to retry', { provider: target.provider, error: (err as Error).message });
        res.status(503).set('Retry-After', '1').json({ error: 'conflict', message: 'the event store was busy with a concurrent delivery of the same events; retry' });
        return;
      }
      deps.logger.error('webhook ingest failed', { provider: target.provider, error: (err as Error).message });
      res.status(500).json({ error: 'internal_error', message: 'the event could not be stored; retry later' });
    }
  });

  // Body-parser errors (oversized, aborted) reach here before any handler ran.
  router.use((err: Error & { type?: string; status?: number }, req: Request, res: Response, next: NextFunction) => {
    if (!req.originalUrl.startsWith('/webhooks/')) return next(err);
    const target = targetOf(req);
    if (err.type === 'entity.too.large') return reject(res, target, new WebhookRejection('payload_too_large', `body exceeds the ${deps.bodyLimitBytes}-byte limit`), process.hrtime.bigint());
    return reject(res, target, new WebhookRejection('malformed_body', `body could not be read: ${err.message}`), process.hrtime.bigint());
  });
  return router;
}
