// pnpm bench:ingest — durable ingest (verify → one group-committed Postgres statement → 200, relay to BullMQ)
// against the naive baseline (express → queue.add), same machine, same run.
// BENCH_DURATION (s, default 20) and BENCH_CONNECTIONS (default 50) tune the run.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import Stripe from 'stripe';
import { Client } from 'pg';
import { applyMigrations, dropDatabase, ensureDatabase } from '@switchyard/db';
import { cpuPerEvent, readCpu } from './lib/cpu';
import { freePort, startProcess, stopProcess } from './lib/processes';

const duration = Number(process.env.BENCH_DURATION ?? 20);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const secret = 'whsec_bench_secret';
const stripe = new Stripe('sk_test_unused');
const root = path.resolve(__dirname, '..');

interface Figures {
  name: string;
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU ms per request of each process while the load ran (the sender is autocannon, in this process). */
  cpu: ReturnType<typeof cpuPerEvent>;
}

/** Unique, validly signed Stripe events, made before the clock starts so signing load is not measured. */
function makeEvents(n: number): { body: string; signature: string }[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, () => {
    const id = `evt_${randomUUID().replace(/-/g, '')}`;
    const body = JSON.stringify({ id, object: 'event', type: 'payment_intent.succeeded', created: now, livemode: false, data: { object: { id: `pi_${id.slice(4, 28)}`, object: 'payment_intent', amount: 2000, amount_received: 2000, currency: 'usd', metadata: { order_id: `ord_${id.slice(4, 12)}` } } } });
    return { body, signature: stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now }) };
  });
}

async function load(name: string, url: string, events: { body: string; signature: string }[], server: { name: string; pid: number | undefined }): Promise<Figures> {
  let i = 0;
  const before = readCpu([server]);
  const result = await autocannon({
    url,
    connections,
    duration,
    method: 'POST',
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- an index modulo the length of a non-empty list (at least 60,000 events)
          const e = events[i++ % events.length]!;
          return { ...req, body: e.body, headers: { 'content-type': 'application/json', 'stripe-signature': e.signature } };
        },
      },
    ],
  });
  const cpu = cpuPerEvent(before, readCpu([server]), result.requests.total);
  return { cpu, name, requests: result.requests.total, throughput: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function main(): Promise<void> {
  const base = (process.env.BENCH_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '');
  const dbUrl = `${base}/switchyard_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(dbUrl);
  await applyMigrations(dbUrl);
  const events = makeEvents(Math.max(60_000, duration * 8000));
  const prefix = `{bench-${randomBytes(3).toString('hex')}}`;

  const baselinePort = await freePort();
  const baseline = await startProcess(path.join(__dirname, 'baseline-server.ts'), { PORT: String(baselinePort), QUEUE_PREFIX: `${prefix}-naive` }, `http://127.0.0.1:${baselinePort}/`);
  const naive = await load('naive baseline (express → queue.add)', `http://127.0.0.1:${baselinePort}/webhooks/stripe`, events, { name: 'server', pid: baseline.pid });
  await stopProcess(baseline);

  const receiverPort = await freePort();
  const receiver = await startProcess(
    path.join(root, 'apps/receiver/src/main.ts'),
    { RECEIVER_PORT: String(receiverPort), DATABASE_URL: dbUrl, DATABASE_POOL_SIZE: '20', STRIPE_WEBHOOK_SECRET: secret, QUEUE_PREFIX: prefix, LOG_LEVEL: 'error', OUTBOX_POLL_INTERVAL_MS: '200' },
    `http://127.0.0.1:${receiverPort}/healthz`,
  );
  const durable = await load('switchyard durable ingest', `http://127.0.0.1:${receiverPort}/webhooks/stripe`, events, { name: 'server', pid: receiver.pid });
  // Let the relay finish so the backlog figure is about catching up, not about the cut-off.
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  const stored = Number((await c.query('SELECT count(*) AS n FROM inbound_events')).rows[0].n);
  let backlog = Number((await c.query('SELECT count(*) AS n FROM outbox_entries WHERE dispatched_at IS NULL')).rows[0].n);
  const drainStart = Date.now();
  while (backlog > 0 && Date.now() - drainStart < 30_000) {
    await new Promise((r) => setTimeout(r, 200));
    backlog = Number((await c.query('SELECT count(*) AS n FROM outbox_entries WHERE dispatched_at IS NULL')).rows[0].n);
  }
  const drainMs = Date.now() - drainStart;
  await c.end();
  await stopProcess(receiver);
  await dropDatabase(dbUrl);
  const { Redis } = await import('ioredis');
  const r = new Redis();
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(...keys);
  r.disconnect();

  const rows = [naive, durable].map((f) => ({ run: f.name, 'req/s': Math.round(f.throughput), 'p50 ms': f.p50, 'p99 ms': f.p99, requests: f.requests, 'non-2xx': f.non2xx, errors: f.errors }));
  console.log(`\ningest bench: ${duration} s, ${connections} connections, unique signed Stripe events, 2-core machine\n`);
  console.table(rows);
  console.log('CPU ms per request while the load ran (/proc/<pid>/stat; server = the naive server or the receiver; Postgres and Redis are the whole servers, the sender is autocannon in the bench process):');
  const names = [...new Set([naive, durable].flatMap((f) => f.cpu.map((r) => r.process)))];
  console.table(names.map((p) => ({ process: p, naive: naive.cpu.find((r) => r.process === p)?.['cpu ms / event'] ?? '–', switchyard: durable.cpu.find((r) => r.process === p)?.['cpu ms / event'] ?? '–' })));
  console.log(`throughput ratio (switchyard / naive): ${(durable.throughput / naive.throughput).toFixed(2)}x  (target >= 0.90x)`);
  console.log(`switchyard p99 ack latency: ${durable.p99} ms  (target <= 50 ms)`);
  console.log(`events stored durably: ${stored} of ${durable.requests} requests; outbox drained to Redis ${backlog === 0 ? `within ${drainMs} ms after the load` : `NOT drained (${backlog} left)`}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
