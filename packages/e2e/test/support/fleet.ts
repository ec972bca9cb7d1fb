import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createDatabase, createDb, createPool, type PrismaClient } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { staticSettings, type ConfiguredWorkerDeps, type SettingsHolder } from '@switchyard/outbound';
import { Queue, createRedis, queueNames, type QueueName, type Redis, deleteKeys, queuePrefix } from '@switchyard/queues';
import { connectionsFromEnv, createReceiver, loadEnv as loadReceiverEnv, resolveConnections } from '@switchyard/receiver';
import { createServer as createSandbox, httpWebhookSender, loadEnv as loadSandboxEnv, mulberry32, sendWebhook, SANDBOX_DEFAULTS, systemClock, type WebhookRequest } from '@switchyard/sandbox';
import { parseSettings } from '@switchyard/settings';
import { captureLogs, createOwnDatabase, eventually, listen, must, testPrefix } from '@switchyard/testing';
import { createCrmWorker } from '@switchyard/worker-crm';
import { createPaymentsWorker } from '@switchyard/worker-payments';
import type { WorkerApp, WorkerAppOptions } from '@switchyard/worker-runtime';
import { createWhatsappWorker } from '@switchyard/worker-whatsapp';
import { testSettingsDoc } from './test-settings';

export interface FleetOptions {
  /** Sections replacing the test settings' (see test-settings.ts); a function gets the sandbox's URL. */
  settings?: Record<string, unknown> | ((sandboxUrl: string) => Record<string, unknown>);
  /** Worker replicas per queue (default 1 each). */
  replicas?: Partial<Record<QueueName, number>>;
  concurrency?: number;
  /** WhatsApp status webhooks from the sandbox (default on, fast). */
  statusCallbacks?: boolean;
  parkAfterMs?: number;
  /** The Redis (or `redis+cluster://` Redis Cluster) to run on; REDIS_URL, or the machine's, by default. */
  redisUrl?: string;
}

export interface SandboxRequest {
  method: string;
  path: string;
  provider?: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * The whole fleet in one process, over real Redis and a Postgres database of its own: the
 * receiver and the three workers, each built by its app's own factory (what its main.ts runs, so
 * the wiring cannot drift), and the sandbox, on real ports. Webhooks go in over HTTP, effects come out over HTTP.
 */
export async function startFleet(opts: FleetOptions = {}) {
  // In the pooler run (scripts/test.sh) the fleet reaches its database through PgBouncer.
  const database = await createOwnDatabase(undefined, process.env.TEST_POOLER_URL);
  const prefix = testPrefix();
  const { stream, lines: logs } = captureLogs();
  const logger = createLogger({ service: 'fleet-test', level: process.env.FLEET_LOG_LEVEL ?? 'info', stream });
  const pool = createPool({ url: database.url, poolSize: 20, connectTimeoutMs: 2000 });
  const db: PrismaClient = createDb({ url: database.url, pool });
  // What the apps run on (the tests read rows through `db`); one pool for all, as one process has.
  const typed = createDatabase({ url: database.url, pool });
  const redisUrl = opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis: Redis = createRedis(redisUrl, 'producer');
  redis.on('error', () => undefined);
  // Fast relays: a test waits for follow-up work, not for a production poll interval.
  const outbox = { outboxPollIntervalMs: 100, outboxMaxBackoffMs: 300 };

  const secrets = SANDBOX_DEFAULTS;
  const receiverEnv = loadReceiverEnv({ DATABASE_URL: database.url, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, STRIPE_WEBHOOK_SECRET: secrets.STRIPE_WEBHOOK_SECRET, RAZORPAY_WEBHOOK_SECRET: secrets.RAZORPAY_WEBHOOK_SECRET, HUBSPOT_CLIENT_SECRET: secrets.HUBSPOT_CLIENT_SECRET, SALESFORCE_ORG_ID: secrets.SALESFORCE_ORG_ID, PIPEDRIVE_WEBHOOK_USER: secrets.PIPEDRIVE_WEBHOOK_USER, PIPEDRIVE_WEBHOOK_PASSWORD: secrets.PIPEDRIVE_WEBHOOK_PASSWORD, WHATSAPP_APP_SECRET: secrets.WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN: 'sandbox-verify-token', TWILIO_AUTH_TOKEN: secrets.TWILIO_AUTH_TOKEN, STANDARD_WEBHOOK_SOURCES: 'acme', STANDARD_WEBHOOK_SECRET: secrets.STANDARD_WEBHOOK_SECRET });
  const connections = resolveConnections([connectionsFromEnv(receiverEnv)]);

  // The sandbox's port is needed in the settings and the receiver's in the sandbox: listen first.
  const ref: { settings?: SettingsHolder } = {};
  const receiver = createReceiver(
    {
      database: typed,
      redis,
      connections,
      get forms() {
        return ref.settings?.current().forms;
      },
      logger,
    },
    // The redriver is not on a timer: tests call redriveStale() when they have made Redis lose its data.
    { prefix, bodyLimitBytes: receiverEnv.BODY_LIMIT_BYTES, ...outbox, redriveStaleAfterMs: 0, redriveIntervalMs: 60_000, startRedriver: false },
  );
  const receiverUrl = `http://127.0.0.1:${await receiver.start(0, '127.0.0.1')}`;
  const sandboxConfig = loadSandboxEnv({ SANDBOX_RECEIVER_URL: receiverUrl, SANDBOX_STATUS_CALLBACKS: opts.statusCallbacks === false ? 'false' : 'true', SANDBOX_STATUS_DELAYS_MS: '30,60,90' });
  const sandbox = createSandbox({ config: sandboxConfig, clock: systemClock, rng: mulberry32(7), webhookSender: httpWebhookSender() });
  const sandboxServer = await listen(sandbox.app);
  const settings = staticSettings(parseSettings(testSettingsDoc(sandboxServer.url, typeof opts.settings === 'function' ? opts.settings(sandboxServer.url) : opts.settings), {}));
  ref.settings = settings;

  // Each worker is its app's own factory (what its main.ts runs), with a blocking connection of its own.
  const factories: { [Q in QueueName]: (deps: ConfiguredWorkerDeps, options: WorkerAppOptions) => WorkerApp<Q> } = {
    payments: createPaymentsWorker,
    crm: createCrmWorker,
    whatsapp: createWhatsappWorker,
  };
  const workers: { queue: QueueName; app: WorkerApp<QueueName>; close(): Promise<void> }[] = [];
  const startWorker = async <Q extends QueueName>(queue: Q) => {
    const connection = createRedis(redisUrl, 'worker');
    connection.on('error', () => undefined);
    const app: WorkerApp<QueueName> = factories[queue](
      { db: typed, logger, redis, connection, redisUrl, settings },
      { prefix, concurrency: opts.concurrency ?? 8, parkAfterMs: opts.parkAfterMs ?? 60_000, ...outbox, metricsHost: '127.0.0.1', metricsPort: 0, shutdownDeadlineMs: 30_000 },
    );
    const entry = {
      queue,
      app,
      close: async () => {
        await app.stop();
        connection.disconnect();
      },
    };
    workers.push(entry);
    await app.start();
    return entry;
  };
  for (const queue of queueNames) for (let i = 0; i < (opts.replicas?.[queue] ?? 1); i++) await startWorker(queue);

  const control = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${sandboxServer.url}/__sandbox${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const fleet = {
    db,
    databaseUrl: database.url,
    prefix,
    logs,
    settings,
    receiverUrl,
    sandboxUrl: sandboxServer.url,
    redisUrl,
    startWorker,
    workers,
    /** Re-drives every unfinished event and owed effect (what the receiver's redriver does on a timer). */
    redriveStale: () => receiver.redriver.tick(),
    /** One pass of the outbox relay, as its timer would run it; resolves to how many jobs it dispatched. */
    relayPass: () => receiver.relay.drainOnce(),
    /**
     * Resolves once `queue` holds no job waiting, delayed or running: after that nothing more can
     * run there unless something enqueues, so a test may then assert that nothing else happened.
     */
    async drained(queue: QueueName, timeoutMs = 10_000) {
      const q = new Queue(queue, { connection: redis, prefix: queuePrefix(prefix, queue) });
      try {
        await eventually(async () => Object.values(await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')).every((n) => n === 0), timeoutMs, 50, `${queue} drained`);
      } finally {
        await q.close();
      }
    },
    /** Deletes every key of this fleet: Redis restarted without persistence, or someone ran FLUSHALL. */
    async loseRedisData() {
      const r = createRedis(redisUrl, 'worker');
      const deleted = await deleteKeys(r, `${prefix}:*`);
      r.disconnect();
      return deleted;
    },
    /** Delivers a sandbox-built webhook to the receiver (with the provider's retries, compressed). */
    async deliver(request: WebhookRequest) {
      const result = await sendWebhook(request, { to: receiverUrl, timeScale: 0.001, maxAttempts: 5 });
      return result;
    },
    /** What the workers sent to the emulated providers, oldest first. */
    async sandboxRequests(filter?: { provider?: string; pathIncludes?: string }): Promise<SandboxRequest[]> {
      const out = await control<{ requests: SandboxRequest[] } | SandboxRequest[]>('/requests');
      const list = Array.isArray(out) ? out : out.requests;
      return list.filter((r) => (!filter?.provider || r.provider === filter.provider) && (!filter?.pathIncludes || r.path.includes(filter.pathIncludes)));
    },
    sandboxState: () => control<Record<string, unknown>>('/state'),
    addFault: (rule: Record<string, unknown>) => control('/faults', { method: 'POST', body: JSON.stringify(rule) }),
    clearFaults: () => control('/faults', { method: 'DELETE' }),
    /**
     * Waits until every stored event is finished, no effect is waiting or in flight, and no status
     * webhook is owed by the sandbox: the sandbox's callback counts, read before and after the
     * database, show nothing pending and nothing delivered in between (a status webhook landing
     * after the database was read would be an unfinished event the read missed).
     */
    async settled(timeoutMs = 30_000) {
      await eventually(
        async () => {
          const before = await control<{ pending: number; delivered: number }>('/callbacks');
          if (before.pending > 0) throw new Error(`still busy: ${before.pending} status webhooks owed by the sandbox`);
          const rows = await db.$queryRawUnsafe<{ events: number; effects: number; outbox: number }[]>(
            `SELECT (SELECT count(*) FROM inbound_events WHERE status NOT IN ('processed', 'ignored', 'unmapped', 'dead'))::int AS events,
                    (SELECT count(*) FROM effects WHERE status IN ('pending', 'sending'))::int AS effects,
                    (SELECT count(*) FROM outbox_entries WHERE dispatched_at IS NULL)::int AS outbox`,
          );
          const r = must(rows[0]);
          if (r.events + r.effects + r.outbox > 0) {
            const busy = await db.$queryRawUnsafe<{ kind: string; status: string; last_error: string | null; attempts: number }[]>(`SELECT kind, status::text, last_error, attempts FROM effects WHERE status IN ('pending', 'sending') LIMIT 5`);
            throw new Error(`still busy: ${r.events} events, ${r.effects} effects, ${r.outbox} outbox entries ${JSON.stringify(busy)}`);
          }
          const after = await control<{ pending: number; delivered: number }>('/callbacks');
          if (after.pending > 0 || after.delivered !== before.delivered) throw new Error('still busy: status webhooks moved while the database was read');
          return true;
        },
        timeoutMs,
        100,
        'the fleet to settle',
      );
    },
    async close() {
      await Promise.all(workers.map((w) => w.close().catch(() => undefined)));
      sandbox.close();
      await sandboxServer.close();
      await receiver.stop();
      redis.disconnect();
      await db.$disconnect();
      await pool.end().catch(() => undefined);
      await database.drop().catch(() => undefined);
      await fleet.loseRedisData();
      if (process.env.FLEET_LOGS) writeFileSync(process.env.FLEET_LOGS, logs.join('\n'));
    },
  };
  return fleet;
}

export type Fleet = Awaited<ReturnType<typeof startFleet>>;
export type { Server };
