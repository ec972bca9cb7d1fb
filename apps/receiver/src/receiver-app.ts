import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { TrustProxy } from '@switchyard/config';
import { countPendingOutbox, type Database } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import { OutboxRelay, StaleWorkRedriver } from '@switchyard/outbox';
import { QueueProducer, type Redis } from '@switchyard/queues';
import type { Settings } from '@switchyard/settings';
import type { Connections } from './connections/connections';
import { createReceiverMetrics } from './http/metrics';
import { createServer } from './server';

/** What the receiver runs on. The caller owns these: stopping the receiver leaves them open. */
export interface ReceiverAppDeps {
  database: Database;
  /** A producer-side connection (fails fast while Redis is away). */
  redis: Redis;
  connections: Connections;
  /** Lead forms; may be a getter over settings loaded later (read per request). */
  readonly forms?: Settings['forms'];
  logger: Logger;
  now?: () => Date;
}

/** The receiver's knobs: what main.ts reads from env.ts, and what a test sets directly. */
export interface ReceiverAppOptions {
  prefix: string;
  bodyLimitBytes: number;
  formBodyLimitBytes?: number;
  publicBaseUrl?: string;
  trustProxy?: TrustProxy;
  outboxPollIntervalMs: number;
  /** Longest wait between the relay's tries while Redis is unreachable (the relay's default when omitted). */
  outboxMaxBackoffMs?: number;
  redriveStaleAfterMs: number;
  redriveIntervalMs: number;
  /** Group commit at ingest (createServer's defaults when omitted). */
  ingestBatch?: { maxDeliveries: number; maxInFlight: number };
  /** False: the relay runs only when `relay.drainOnce()` is called (a test that races it). */
  startRelay?: boolean;
  /** False: the redriver runs only when `redriver.tick()` is called (a test that makes Redis lose its data). */
  startRedriver?: boolean;
}

/**
 * The receiver, built from what it is given: the HTTP app (createServer), the outbox relay that
 * its stored webhooks wake, and the redriver. main.ts runs it as a process, the e2e fleet in-process.
 */
export function createReceiver(deps: ReceiverAppDeps, opts: ReceiverAppOptions) {
  const { database, logger } = deps;
  const producer = new QueueProducer(deps.redis, opts.prefix);
  const relay = new OutboxRelay({ database, producer, logger, pollIntervalMs: opts.outboxPollIntervalMs, maxBackoffMs: opts.outboxMaxBackoffMs });
  const redriver = new StaleWorkRedriver({ database, relay, logger, staleAfterMs: opts.redriveStaleAfterMs, intervalMs: opts.redriveIntervalMs });
  const app: Express = createServer({
    database,
    redis: deps.redis,
    connections: deps.connections,
    // A getter, not a copy: the forms may be (re)loaded after the receiver is built.
    get forms() {
      return deps.forms;
    },
    logger,
    metrics: createReceiverMetrics(() => countPendingOutbox(database)),
    bodyLimitBytes: opts.bodyLimitBytes,
    formBodyLimitBytes: opts.formBodyLimitBytes,
    publicBaseUrl: opts.publicBaseUrl,
    trustProxy: opts.trustProxy,
    ingestBatch: opts.ingestBatch,
    now: deps.now,
    onStored: () => relay.wake(),
  });
  let server: Server | undefined;

  return {
    app,
    relay,
    redriver,
    /** Starts the relay and the redriver (unless told not to), then listens (every interface unless `host` is given); resolves with the port. */
    async start(port: number, host?: string): Promise<number> {
      if (opts.startRelay !== false) relay.start();
      if (opts.startRedriver !== false) redriver.start();
      const listening = await new Promise<Server>((resolve) => {
        const s: Server = host === undefined ? app.listen(port, () => resolve(s)) : app.listen(port, host, () => resolve(s));
      });
      server = listening;
      const actual = (listening.address() as AddressInfo).port;
      logger.info('receiver listening', { port: actual, providers: Object.fromEntries(Object.entries(deps.connections).map(([p, c]) => [p, Object.keys(c)])), forms: Object.keys(deps.forms ?? {}) });
      return actual;
    },
    /** Stops listening, then the redriver and the relay. */
    async stop(): Promise<void> {
      const closing = server;
      if (closing) await new Promise<void>((r) => closing.close(() => r()));
      await redriver.stop();
      await relay.stop();
      await producer.close();
    },
  };
}

export type ReceiverApp = ReturnType<typeof createReceiver>;
