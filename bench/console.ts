// pnpm bench:console — the ops console's API over real HTTP on a database the size of a busy
// deployment: fills a fresh database with N inbound events (default 1,000,000) and the payments,
// contacts, leads, effects and messages they imply, set-based (INSERT … SELECT generate_series),
// runs ANALYZE, starts the ops app as its own process and times each kind of call.
// Options: --events N (default 1000000), --calls C (timed calls per kind, default 50).
// Keep N small (--events 20000) on a shared machine: the fill takes both cores for minutes at 1M.
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { applyMigrations, dropDatabase, ensureDatabase } from '@switchyard/db';
import { deadLetterJobId, effectJobId } from '@switchyard/queues';
import { freePort } from './lib/processes';
import { deletePrefix } from './lib/redis-keys';
import { killAllNow, startChild, stopAll, waitForHttp } from './pipeline/children';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}
const N = option('events', 1_000_000);
const CALLS = option('calls', 50);
const WARMUP = 5;
/** Four events per payment (created, succeeded, message statuses…): the rest of the data follows from it. */
const P = Math.max(10, Math.ceil(N / 4));
const LEADS = Math.max(1, Math.floor(P / 10));
const BATCH = 100_000;
/** Every 200th payment's effects failed, every 500th's receipt is parked; DLQ_SIZE of the failed CRM writes still have a dead letter. */
const FAILED_EVERY = 200;
const PARKED_EVERY = 500;
const DLQ_SIZE = 200;

const root = path.resolve(__dirname, '..');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pgBase = (process.env.BENCH_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '');
const tag = randomBytes(4).toString('hex');
const dbUrl = `${pgBase}/switchyard_bench_console_${tag}`;
const prefix = `{sybench-console-${tag}}`;
const token = `bench-ops-token-${tag}`;

/** The uuid Postgres makes of `md5(text)::uuid`, so the bench can name rows the fill created. */
function md5uuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
const phoneOf = (i: number) => `447${String(i).padStart(9, '0')}`;

// ── fill ────────────────────────────────────────────────────────────────────────────────────
const payments = `
  INSERT INTO payments (key, provider, connection, payment_id, order_id, status, amount, currency, customer, facts, version, last_occurred_at, created_at, updated_at)
  SELECT 'stripe:default:pi_bench' || i, 'stripe', 'default', 'pi_bench' || i, 'order-' || i,
         (ARRAY['succeeded','succeeded','succeeded','failed','refunded'])[1 + i % 5], 1000 + (i * 37) % 90000, (ARRAY['gbp','usd','eur','inr'])[1 + i % 4],
         jsonb_build_object('id', 'cus_bench' || i, 'email', 'Customer' || i || '@Example.com', 'phone', '+447' || lpad(i::text, 9, '0'), 'name', 'Customer ' || i),
         '[]', 2, now() - (i % 43200) * interval '1 minute', now() - (i % 43200) * interval '1 minute', now() - (i % 43200) * interval '1 minute'
  FROM generate_series($1::int, $2::int) i`;
const contacts = `
  INSERT INTO contacts (phone, email, name, consent, last_inbound_at, created_at, updated_at)
  SELECT '447' || lpad(i::text, 9, '0'), 'customer' || i || '@example.com', 'Customer ' || i, i % 3 > 0, now() - (i % 1440) * interval '1 minute', now(), now()
  FROM generate_series($1::int, $2::int) i`;
const leads = `
  INSERT INTO leads (id, form_id, dedup_key, email, phone, name, owner, fields, created_at, updated_at)
  SELECT md5('lead-' || i)::uuid, 'contact-us', 'email:lead' || i || '@example.com', 'lead' || i || '@example.com', '449' || lpad(i::text, 9, '0'), 'Lead ' || i,
         'owner-' || (i % 5), '{"region":"uk"}', now(), now()
  FROM generate_series($1::int, $2::int) i`;
const effects = `
  INSERT INTO effects (id, kind, business_key, status, queue, provider, connection, idempotency_key, event_id, entity_type, entity_key, request, provider_ref, attempts, last_error, created_at, updated_at, sent_at, done_at)
  SELECT md5('eff-' || k.name || '-' || i)::uuid, k.kind, k.name || ':pi_bench' || i, s.status::"EffectStatus", k.queue, k.provider, 'default', md5('eff-' || k.name || '-' || i),
         md5('evt-' || i)::uuid, 'payment', 'stripe:default:pi_bench' || i,
         jsonb_build_object('to', '447' || lpad(i::text, 9, '0'), 'template', 'receipt', 'dealName', 'order-' || i),
         CASE WHEN s.status = 'done' THEN (CASE k.name WHEN 'msg' THEN 'wamid.bench' || i ELSE 'deal_bench' || i END) END,
         CASE WHEN s.status = 'done' THEN 1 ELSE 8 END,
         CASE s.status WHEN 'failed' THEN 'permanent: ' || (ARRAY['PROPERTY_MISSING','CONTACT_NOT_FOUND','TEMPLATE_PAUSED'])[1 + (i / ${FAILED_EVERY}) % 3] || ': the provider refused it'
                       WHEN 'parked' THEN 'outcome unknown 120 s after the send; not resent' END,
         now() - (i % 10080) * interval '1 minute', now() - (i % 10080) * interval '1 minute', now() - (i % 10080) * interval '1 minute',
         CASE WHEN s.status = 'done' THEN now() - (i % 10080) * interval '1 minute' END
  FROM generate_series($1::int, $2::int) i
  CROSS JOIN (VALUES ('msg', 'message.send', 'whatsapp', 'whatsapp'), ('crm', 'crm.deal.sync', 'crm', 'hubspot')) AS k(name, kind, queue, provider)
  CROSS JOIN LATERAL (SELECT CASE WHEN i % ${FAILED_EVERY} = 0 THEN 'failed' WHEN k.name = 'msg' AND i % ${PARKED_EVERY} = 1 THEN 'parked' ELSE 'done' END AS status) s`;
const messages = `
  INSERT INTO messages (id, channel, recipient, status, effect_id, last_occurred_at, version, created_at, updated_at)
  SELECT 'wamid.bench' || i, 'whatsapp_cloud', '447' || lpad(i::text, 9, '0'), (ARRAY['delivered','read','sent'])[1 + i % 3], md5('eff-msg-' || i)::uuid,
         now() - (i % 10080) * interval '1 minute', 3, now(), now()
  FROM generate_series($1::int, $2::int) i
  WHERE i % ${FAILED_EVERY} <> 0 AND i % ${PARKED_EVERY} <> 1`;
// Eight in ten events are Stripe's about a payment, two in ten WhatsApp statuses of its receipt.
const events = `
  INSERT INTO inbound_events (id, provider, connection, provider_event_id, type, canonical_type, queue, status, deliveries, attempts, payload, canonical, headers,
                              occurred_at, received_at, last_delivered_at, queued_at, processed_at, entity_type, entity_key)
  SELECT md5('evt-' || j)::uuid, e.provider, 'default', e.provider_event_id, e.type, e.canonical_type, e.queue, 'processed', 1, 1, e.payload, jsonb_build_object('type', e.canonical_type),
         '{"content-type":"application/json"}', e.at, e.at, e.at, e.at, e.at + interval '40 milliseconds', e.entity_type, e.entity_key
  FROM generate_series($1::int, $2::int) j
  CROSS JOIN LATERAL (SELECT 1 + (j - 1) % ${P} AS p, now() - (${N} - j) * (interval '30 days' / ${N}) AS at) x
  CROSS JOIN LATERAL (
    SELECT CASE WHEN j % 10 < 8 THEN 'stripe' ELSE 'whatsapp' END AS provider,
           CASE WHEN j % 10 < 8 THEN 'evt_bench' || j ELSE 'wamid.bench' || x.p || '.s' || j END AS provider_event_id,
           CASE WHEN j % 10 < 8 THEN 'payment_intent.succeeded' ELSE 'statuses.delivered' END AS type,
           CASE WHEN j % 10 < 8 THEN 'payment.succeeded' ELSE 'message.status_changed' END AS canonical_type,
           CASE WHEN j % 10 < 8 THEN 'payments' ELSE 'whatsapp' END AS queue,
           CASE WHEN j % 10 < 8 THEN 'payment' ELSE 'message' END AS entity_type,
           CASE WHEN j % 10 < 8 THEN 'stripe:default:pi_bench' || x.p ELSE 'wamid.bench' || x.p END AS entity_key,
           x.at,
           CASE WHEN j % 10 < 8
             THEN jsonb_build_object('id', 'evt_bench' || j, 'object', 'event', 'type', 'payment_intent.succeeded', 'created', extract(epoch FROM x.at)::bigint,
                    'data', jsonb_build_object('object', jsonb_build_object('id', 'pi_bench' || x.p, 'object', 'payment_intent', 'amount', 1000 + (x.p * 37) % 90000,
                      'currency', 'gbp', 'status', 'succeeded', 'receipt_email', 'customer' || x.p || '@example.com', 'customer', 'cus_bench' || x.p,
                      'metadata', jsonb_build_object('order_id', 'order-' || x.p, 'phone', '+447' || lpad(x.p::text, 9, '0')))))
             ELSE jsonb_build_object('id', 'wamid.bench' || x.p, 'status', 'delivered', 'timestamp', extract(epoch FROM x.at)::bigint::text, 'recipient_id', '447' || lpad(x.p::text, 9, '0'))
           END AS payload
  ) e`;

/** Runs `statement` over 1..count in batches; `count` counts the series, not the rows (effects make two per step). */
async function fillTable(c: Client, name: string, statement: string, count: number): Promise<void> {
  const t = Date.now();
  for (let start = 1; start <= count; start += BATCH) {
    await c.query(statement, [start, Math.min(count, start + BATCH - 1)]);
    if (count > BATCH) process.stdout.write(`\r  ${name}: ${Math.min(count, start + BATCH - 1)} / ${count}`);
  }
  console.log(`${count > BATCH ? '\r' : ''}  ${name}: ${count} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

async function fill(): Promise<void> {
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  try {
    await fillTable(c, 'payments', payments, P);
    await fillTable(c, 'contacts', contacts, P);
    await fillTable(c, 'leads', leads, LEADS);
    await fillTable(c, 'payments\' effects (a receipt and a CRM deal sync each)', effects, P);
    await fillTable(c, 'messages', messages, P);
    await fillTable(c, 'inbound_events', events, N);
    const t = Date.now();
    await c.query('ANALYZE');
    const size = (await c.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size')).rows[0]?.size;
    console.log(`  ANALYZE in ${((Date.now() - t) / 1000).toFixed(1)} s; database size ${size}`);
  } finally {
    await c.end();
  }
}

/** Dead letters of some failed CRM writes, as the workers write them, so failure groups read real DLQs. */
async function fillDeadLetters(redis: Redis): Promise<number> {
  const dlq = new Queue('crm.dead', { connection: redis, prefix });
  const failed = Array.from({ length: Math.min(DLQ_SIZE, Math.floor(P / FAILED_EVERY)) }, (_, k) => (k + 1) * FAILED_EVERY);
  await dlq.addBulk(
    failed.map((i) => {
      const effectId = md5uuid(`eff-crm-${i}`);
      const jobId = effectJobId('crm', effectId);
      const code = ['PROPERTY_MISSING', 'CONTACT_NOT_FOUND', 'TEMPLATE_PAUSED'][Math.floor(i / FAILED_EVERY) % 3] ?? 'PROPERTY_MISSING';
      const data = {
        queue: 'crm',
        jobName: 'crm.perform-effect.v1',
        jobId,
        data: { effectId },
        attemptsMade: 8,
        error: { message: `${code}: the provider refused it`, code, kind: 'permanent' },
        errors: [],
        failedAt: new Date(Date.now() - (i % 10080) * 60_000).toISOString(),
      };
      return { name: 'dead-letter.v1', data, opts: { jobId: deadLetterJobId(jobId), removeOnComplete: false, removeOnFail: false } };
    }),
  );
  await dlq.close();
  return failed.length;
}

// ── timing ──────────────────────────────────────────────────────────────────────────────────
interface Case {
  name: string;
  /** The path of the i-th call (different rows each time, as people search for different things). */
  path(i: number): string;
  /** Whether the answer found what it was asked for. */
  found(body: unknown): boolean;
}

const pick = (i: number) => 1 + ((i * 7919 + 13) % P);
/** A payment whose effects are done (so its CRM record and message exist). */
const donePayment = (i: number) => {
  let p = pick(i);
  while (p % FAILED_EVERY === 0 || p % PARKED_EVERY === 1) p = p > 2 ? p - 1 : p + 2;
  return p;
};
/** One of Stripe's events (eight in ten; the others are WhatsApp statuses). */
const stripeEvent = (i: number) => {
  const j = 1 + ((i * 104729 + 7) % N);
  return j % 10 < 8 ? j : j - 2;
};
const q = (text: string) => `/api/search?q=${encodeURIComponent(text)}`;
const has = (group: string) => (body: unknown) => Array.isArray((body as Record<string, unknown[]>)[group]) && ((body as Record<string, unknown[]>)[group]?.length ?? 0) > 0;

const cases: Case[] = [
  { name: 'search: phone +44 7700 …', path: (i) => q(`+44 ${phoneOf(pick(i)).slice(2, 6)} ${phoneOf(pick(i)).slice(6)}`), found: has('customers') },
  { name: 'search: phone 0 7xxx (national)', path: (i) => q(`0${phoneOf(pick(i)).slice(2)}`), found: has('customers') },
  { name: 'search: email (any case)', path: (i) => q(`CUSTOMER${pick(i)}@example.COM`), found: has('customers') },
  { name: 'search: payment id', path: (i) => q(`pi_bench${pick(i)}`), found: has('payments') },
  { name: 'search: order id', path: (i) => q(`order-${pick(i)}`), found: has('payments') },
  { name: 'search: provider event id', path: (i) => q(`evt_bench${stripeEvent(i)}`), found: has('payments') },
  { name: 'search: effect id', path: (i) => q(md5uuid(`eff-crm-${pick(i)}`)), found: has('payments') },
  { name: 'search: CRM record id', path: (i) => q(`deal_bench${donePayment(i)}`), found: has('payments') },
  { name: 'search: message id', path: (i) => q(`wamid.bench${donePayment(i)}`), found: has('messages') },
  { name: 'entity page: payment', path: (i) => `/api/entities/payment/${encodeURIComponent(`stripe:default:pi_bench${pick(i)}`)}`, found: (b) => ((b as { timeline?: unknown[] }).timeline?.length ?? 0) > 0 },
  { name: 'failure groups (7 days)', path: () => '/api/failure-groups', found: (b) => ((b as { groups?: unknown[] }).groups?.length ?? 0) > 0 },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function time(base: string, c: Case): Promise<{ p50: number; p99: number; max: number; misses: number }> {
  const headers = { Authorization: `Bearer ${token}` };
  const call = async (i: number) => {
    const t = performance.now();
    const res = await fetch(base + c.path(i), { headers });
    const body = (await res.json()) as unknown;
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`${c.name}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, found: c.found(body) };
  };
  for (let i = 0; i < WARMUP; i++) await call(CALLS + i);
  const ms: number[] = [];
  let misses = 0;
  // One at a time: the figure is what one person waits for, not throughput.
  for (let i = 0; i < CALLS; i++) {
    const r = await call(i);
    ms.push(r.ms);
    if (!r.found) misses += 1;
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1] ?? NaN, misses };
}

// ── main ────────────────────────────────────────────────────────────────────────────────────
let redis: Redis | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll(5000).catch(() => undefined);
    await dropDatabase(dbUrl).catch((err: Error) => console.error(`could not drop ${dbUrl}: ${err.message}`));
    if (redis) {
      await deletePrefix(redis, prefix).catch(() => undefined);
      redis.disconnect();
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the ops app and cleaning up`);
    killAllNow();
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  console.log(`console bench: ${N} events, ${P} payments and contacts, ${LEADS} leads, ${2 * P} effects; ${CALLS} timed calls per kind (after ${WARMUP} warm-up)`);
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  await ensureDatabase(dbUrl);
  await applyMigrations(dbUrl);
  const t = Date.now();
  await fill();
  const dead = await fillDeadLetters(redis);
  console.log(`filled in ${((Date.now() - t) / 1000).toFixed(1)} s (+ ${dead} dead letters in crm.dead)`);

  const port = await freePort();
  const ops = startChild('ops', path.join(root, 'apps/ops/src/main.ts'), { OPS_PORT: String(port), OPS_TOKEN: token, DATABASE_URL: dbUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' }, { cwd: path.join(root, 'apps/ops') });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(ops, `${base}/healthz`);

  const rows: string[][] = [];
  for (const c of cases) {
    const r = await time(base, c);
    rows.push([c.name, r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1), r.misses ? `${r.misses} of ${CALLS} found nothing` : '']);
  }
  const header = ['call', 'p50 ms', 'p99 ms', 'max ms', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ').trimEnd()}`);
  for (const r of rows) console.log(line(r));
}

main()
  .catch((err: Error) => {
    console.error(`console bench failed: ${err.message}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
