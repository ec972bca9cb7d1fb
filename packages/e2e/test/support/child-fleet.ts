import { request as httpRequest } from 'node:http';
import { createPool, type Pool } from '@switchyard/db';
import { createRedis, deleteKeys } from '@switchyard/queues';
import { createServer as createSandbox, httpWebhookSender, loadEnv as loadSandboxEnv, mulberry32, SANDBOX_DEFAULTS, systemClock, type WebhookRequest, type WebhookSender } from '@switchyard/sandbox';
import { eventually, listen, must, testPrefix } from '@switchyard/testing';
import { ChildWorker, freePort, withChildLogs, writeSettingsFile } from './child-workers';
import type { SandboxRequest } from './fleet';

export interface ChildFleetOptions {
  databaseUrl: string;
  redisUrl?: string;
  /** Sections replacing the test settings' (see test-settings.ts). */
  settings?: Record<string, unknown>;
  /** Extra environment for every app. */
  env?: Record<string, string>;
}

/**
 * Meta retries a status webhook that was not accepted (for days); compressed here to every 500 ms
 * for a minute, so a receiver that answered 503 while its database was away still gets them.
 */
function retryingSender(): WebhookSender & { stop(): void } {
  const once = httpWebhookSender();
  let stopped = false;
  const send = async (url: string, request: WebhookRequest) => {
    const until = Date.now() + 60_000;
    for (;;) {
      const outcome = await once(url, request);
      if ((outcome.status !== null && outcome.status < 300) || Date.now() > until || stopped) return outcome;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  return Object.assign(send, { stop: () => void (stopped = true) });
}

/**
 * The fleet as separate processes, the way it is deployed: the receiver and the three workers each
 * a child process (see ChildWorker) on one database and queue prefix, with the sandbox in this
 * process. For tests that take a dependency away from under all of them.
 */
export async function startChildFleet(opts: ChildFleetOptions) {
  const prefix = testPrefix();
  const receiverPort = await freePort();
  const receiverUrl = `http://127.0.0.1:${receiverPort}`;
  const sender = retryingSender();
  const sandbox = createSandbox({ config: loadSandboxEnv({ SANDBOX_RECEIVER_URL: receiverUrl, SANDBOX_STATUS_CALLBACKS: 'true', SANDBOX_STATUS_DELAYS_MS: '30,60,90' }), clock: systemClock, rng: mulberry32(7), webhookSender: sender });
  const sandboxServer = await listen(sandbox.app);
  const settingsFile = writeSettingsFile(sandboxServer.url, opts.settings);
  const secrets = SANDBOX_DEFAULTS;
  const common = { databaseUrl: opts.databaseUrl, prefix, settingsFile: settingsFile.file };
  const env = { ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}), ...opts.env };
  const receiver = new ChildWorker({
    ...common,
    app: 'receiver',
    port: receiverPort,
    env: { RAZORPAY_WEBHOOK_SECRET: secrets.RAZORPAY_WEBHOOK_SECRET, STRIPE_WEBHOOK_SECRET: secrets.STRIPE_WEBHOOK_SECRET, WHATSAPP_APP_SECRET: secrets.WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN: 'sandbox-verify-token', ...env },
  });
  const workers = {
    payments: new ChildWorker({ ...common, app: 'payments', env }),
    crm: new ChildWorker({ ...common, app: 'crm', env }),
    whatsapp: new ChildWorker({ ...common, app: 'whatsapp', env }),
  };
  const children = [receiver, workers.payments, workers.crm, workers.whatsapp];
  // Assertions read the database through a pool of their own (createPool: survives the restarts too).
  const pool: Pool = createPool({ url: opts.databaseUrl, poolSize: 2, connectTimeoutMs: 1000 });

  const control = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${sandboxServer.url}/__sandbox${path}`, { ...init, headers: { 'content-type': 'application/json' } });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const fleet = {
    prefix,
    receiver,
    workers,
    children,
    pool,
    sandboxUrl: sandboxServer.url,
    async start() {
      await withChildLogs(children, () => Promise.all(children.map((c) => c.start(60_000))));
    },
    /**
     * POSTs a webhook once (no provider retry): the receiver's answer as it was. A connection of its
     * own per request, as a provider's is: a pooled keep-alive socket the server is just closing
     * (likely on a loaded machine) would fail the request before the receiver ever saw it.
     */
    post(request: WebhookRequest): Promise<{ status: number | null; retryAfter: string | null; error?: string }> {
      return new Promise((resolve) => {
        const req = httpRequest(new URL(request.path, receiverUrl), { method: request.method, headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) }, agent: false, timeout: 10_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? null, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null }));
        });
        req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
        req.on('error', (err) => resolve({ status: null, retryAfter: null, error: err.message }));
        req.end(request.body);
      });
    },
    /** POSTs each request once, `perSecond` of them a second; `answers[i]` is set as request i is answered. */
    postAtRate(requests: WebhookRequest[], perSecond: number) {
      const answers: Awaited<ReturnType<typeof fleet.post>>[] = new Array(requests.length);
      const done = (async () => {
        const inFlight: Promise<void>[] = [];
        const t0 = Date.now();
        for (let i = 0; i < requests.length; i++) {
          const due = t0 + (i * 1000) / perSecond;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          inFlight.push(fleet.post(must(requests[i])).then((a) => void (answers[i] = a)));
        }
        await Promise.all(inFlight);
      })();
      return { answers, done };
    },
    /**
     * The provider's retries, compressed: each request is POSTed again (25 at a time, a second
     * apart, up to 10 times) until the receiver acknowledges it; returns each one's last answer.
     */
    async postUntilAcknowledged(requests: WebhookRequest[]) {
      const last: Awaited<ReturnType<typeof fleet.post>>[] = [];
      for (let i = 0; i < requests.length; i += 25) {
        last.push(
          ...(await Promise.all(
            requests.slice(i, i + 25).map(async (r) => {
              for (let attempt = 1; ; attempt++) {
                const answer = await fleet.post(r);
                if (answer.status === 200 || attempt === 10 || !receiver.running) return answer;
                await new Promise((resolve) => setTimeout(resolve, 1000));
              }
            }),
          )),
        );
      }
      return last;
    },
    /** Every child's /readyz status code (null when it does not answer). */
    async readiness(): Promise<(number | null)[]> {
      return Promise.all(children.map((c) => fetch(`${c.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => null)));
    },
    /** Waits until every child answers /readyz with `status`. */
    async waitReadiness(status: 200 | 503, timeoutMs: number) {
      await eventually(
        async () => {
          const codes = await fleet.readiness();
          if (codes.some((c) => c !== status)) throw new Error(`readyz ${children.map((c, i) => `${c.label}=${codes[i]}`).join(' ')}`);
          return true;
        },
        timeoutMs,
        100,
        `every app's /readyz to answer ${status}`,
      );
    },
    addFault: (rule: Record<string, unknown>) => control('/faults', { method: 'POST', body: JSON.stringify(rule) }),
    /** What the workers sent to the emulated providers, oldest first. */
    async sandboxRequests(filter: { provider: string; pathIncludes: string }): Promise<SandboxRequest[]> {
      const out = await control<{ requests: SandboxRequest[] } | SandboxRequest[]>('/requests');
      const list = Array.isArray(out) ? out : out.requests;
      return list.filter((r) => r.provider === filter.provider && r.path.includes(filter.pathIncludes));
    },
    /** Counts of unfinished work: events not finished, effects owed or in flight, outbox entries not dispatched. */
    async unfinished(): Promise<{ events: number; effects: number; outbox: number }> {
      const { rows } = await pool.query<{ events: number; effects: number; outbox: number }>(
        `SELECT (SELECT count(*) FROM inbound_events WHERE status NOT IN ('processed', 'ignored', 'unmapped', 'dead'))::int AS events,
                (SELECT count(*) FROM effects WHERE status IN ('pending', 'sending'))::int AS effects,
                (SELECT count(*) FROM outbox_entries WHERE dispatched_at IS NULL)::int AS outbox`,
      );
      return must(rows[0]);
    },
    /** Waits until no event, effect or outbox entry is left unfinished and no status webhook is owed (as fleet.ts's settled). */
    async settled(timeoutMs: number) {
      await eventually(
        async () => {
          const before = await control<{ pending: number; delivered: number }>('/callbacks');
          if (before.pending > 0) throw new Error(`unfinished: ${before.pending} status webhooks owed by the sandbox`);
          const left = await fleet.unfinished();
          if (left.events + left.effects + left.outbox > 0) throw new Error(`unfinished: ${JSON.stringify(left)}`);
          const after = await control<{ pending: number; delivered: number }>('/callbacks');
          if (after.pending > 0 || after.delivered !== before.delivered) throw new Error('unfinished: status webhooks moved while the database was read');
          return true;
        },
        timeoutMs,
        100,
        'the fleet to finish every acknowledged event',
      );
    },
    async close() {
      sender.stop();
      await Promise.all(children.map((c) => c.stop()));
      sandbox.close();
      await sandboxServer.close();
      await pool.end().catch(() => undefined);
      settingsFile.remove();
      const redis = createRedis(opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
      await deleteKeys(redis, `${prefix}:*`);
      redis.disconnect();
    },
  };
  return fleet;
}

export type ChildFleet = Awaited<ReturnType<typeof startChildFleet>>;
