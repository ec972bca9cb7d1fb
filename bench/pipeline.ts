// pnpm bench:pipeline — N payment webhooks end to end: receiver → worker → provider (the sandbox),
// with every guarantee on (signature check, durable-before-ack, outbox, effect ledger), against
// two references measured in the same run on the same machine:
//   naive:   express → queue.add → BullMQ worker → one axios call + one UPDATE (no guarantees)
//   durable: express → INSERT + pg-boss send in one transaction → pg-boss worker → the same axios
//            call + one UPDATE (durable before ack; no verification, ledger or dedup)
//   ceiling: addBulk N jobs → bare BullMQ no-op worker, concurrency 50
// Options: --events N (default 20000), --concurrency C (webhook sender, default 50),
//          --worker-concurrency W (per worker, Switchyard and naive alike; default 32, Switchyard's default),
//          --replicas R[,R2...] (processes per Switchyard payments and whatsapp worker; default 1;
//                     a list runs Switchyard once per value and prints the throughput ratios),
//          --provider-latency MS (the sandbox answers every WhatsApp send MS later, in every run;
//                     default 0: a real provider's latency is what makes replicas pay off),
//          --prefill N (fill the store with N past events and what they imply before the runs,
//                     bench/lib/fill-store.ts; compare with a run on an empty store),
//          --only switchyard|naive|durable|ceiling (repeatable; default all four).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { applyMigrations, createDb, dropDatabase, ensureDatabase, type PrismaClient } from '@switchyard/db';
import { buildWebhook, mulberry32, WHATSAPP_MAGIC_SUFFIXES } from '../apps/sandbox/src/index';
import { cpuPerEvent, readCpu, type CpuReading } from './lib/cpu';
import { fillStore } from './lib/fill-store';
import { freePort } from './lib/processes';
import { deletePrefix } from './lib/redis-keys';
import { killAllNow, startChild, stopAll, stopChild, waitForHttp, type Child } from './pipeline/children';
import { sendAll, type SendResult, type SignedRequest } from './pipeline/load';

// ── options ─────────────────────────────────────────────────────────────────────────────────
function option(name: string, fallback: number, zeroAllowed = false): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) throw new Error(`--${name} needs a ${zeroAllowed ? 'non-negative' : 'positive'} integer`);
  return value;
}
function listOption(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const values = String(process.argv[i + 1]).split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`--${name} needs positive integers separated by commas`);
  return values;
}
const N = option('events', 20_000);
const C = option('concurrency', 50);
const W = option('worker-concurrency', 32);
/** Processes per Switchyard worker app (payments and whatsapp; crm stays at one, it has no work here), one run per value. */
const REPLICAS = listOption('replicas', [1]);
const PROVIDER_LATENCY_MS = option('provider-latency', 0, true);
/** Inbound events (and the payments, effects, messages they imply) in the store before Switchyard's run. */
const PREFILL = option('prefill', 0, true);
const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--only' ? [a] : []));
const runs = (name: string) => only.length === 0 || only.includes(name);

const root = path.resolve(__dirname, '..');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pgBase = (process.env.BENCH_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '');
const tag = randomBytes(4).toString('hex');
const dbUrl = `${pgBase}/switchyard_bench_${tag}`;
const prefix = `{sybench-${tag}}`;
const secret = `bench-razorpay-secret-${tag}`;
const phoneNumberId = '100000000000001';
const whatsappToken = 'sandbox-token';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
/** A run that makes no progress for this long is reported as stalled instead of waiting forever. */
const STALL_MS = 60_000;

interface Figures {
  name: string;
  /** events/s: N / (first send → last effect done). */
  throughput: number;
  wallMs: number;
  p50?: number;
  p99?: number;
  max?: number;
  /** Time for the sender to get every webhook acknowledged. */
  ingestMs?: number;
  retries?: number;
  memBefore?: number;
  memPeak?: number;
  memAfter?: number;
  prefixBytes?: number;
  prefixKeys?: number;
  /** CPU ms per event of every process, Postgres and Redis between the first send and the last effect. */
  cpu?: ReturnType<typeof cpuPerEvent>;
  /** Postgres commits + rollbacks in the bench database, and Redis commands, per event. */
  perEvent?: { transactions: number; redisCommands: number };
  notes: string[];
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number | undefined) => (bytes === undefined ? '–' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const num = (v: unknown) => Number(v ?? 0);

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** What one run costs beyond wall time: CPU of every process, Postgres transactions and Redis commands. */
interface CostReading {
  cpu: CpuReading;
  transactions: number;
  redisCommands: number;
}

let sandboxChild: Child | undefined;

async function readCost(db: PrismaClient, redis: Redis, children: Child[]): Promise<CostReading> {
  const [row] = await db.$queryRawUnsafe<{ xacts: bigint }[]>(`SELECT xact_commit + xact_rollback AS xacts FROM pg_stat_database WHERE datname = current_database()`);
  const stats = await redis.info('stats');
  const named = [...children, ...(sandboxChild ? [sandboxChild] : [])].map((c) => ({ name: c.name, pid: c.proc.pid }));
  return { cpu: readCpu(named), transactions: num(row?.xacts), redisCommands: Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? NaN) };
}

/** pg_stat_database is updated when a backend reports (at most every second or so): wait for it before the second reading. */
async function costBetween(before: CostReading, db: PrismaClient, redis: Redis, children: Child[]): Promise<Pick<Figures, 'cpu' | 'perEvent'>> {
  const cpuAfter = await readCost(db, redis, children);
  await sleep(1100);
  const late = await readCost(db, redis, children);
  return {
    cpu: cpuPerEvent(before.cpu, cpuAfter.cpu, N),
    perEvent: { transactions: (late.transactions - before.transactions) / N, redisCommands: (cpuAfter.redisCommands - before.redisCommands) / N },
  };
}

/** Keys and bytes (MEMORY USAGE) under one prefix: ours only, whatever else shares the Redis. */
async function prefixUsage(redis: Redis, match: string): Promise<{ keys: number; bytes: number }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${match}*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length) {
      const pipe = redis.pipeline();
      for (const k of batch) pipe.call('MEMORY', 'USAGE', k);
      const res = (await pipe.exec()) ?? [];
      for (const [, v] of res) bytes += num(v);
      keys += batch.length;
    }
  } while (cursor !== '0');
  return { keys, bytes };
}

/** Samples used_memory once a second so the peak is reported along with before/after. */
function memorySampler(redis: Redis): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    usedMemory(redis).then((m) => (peak = Math.max(peak, m)), () => undefined);
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/**
 * Polls `progress` until it reports `n` finished, failing when nothing moved for STALL_MS.
 * `progress` returns how many are finished and how many of those failed.
 */
async function waitFor(label: string, n: number, progress: () => Promise<{ finished: number; detail: string }>): Promise<void> {
  let last = -1;
  let lastMove = Date.now();
  let lastPrint = Date.now();
  for (;;) {
    const p = await progress();
    if (p.finished >= n) return;
    if (p.finished !== last) {
      last = p.finished;
      lastMove = Date.now();
    }
    if (Date.now() - lastPrint > 10_000) {
      console.log(`  … ${label}: ${p.finished}/${n} (${p.detail})`);
      lastPrint = Date.now();
    }
    if (Date.now() - lastMove > STALL_MS) throw new Error(`${label} stalled at ${p.finished}/${n} (${p.detail})`);
    await sleep(250);
  }
}

// ── the events: signed Razorpay payment.captured webhooks built by the sandbox ─────────────
/**
 * Razorpay's payment.captured, because its payment entity carries the customer's phone (the
 * sandbox's Stripe payment_intent.succeeded carries only an email, so it would plan no receipt).
 * Built and signed before any clock starts. Numbers ending in the sandbox's magic suffixes
 * (forced Meta errors) are skipped so every send succeeds in every pipeline.
 */
function buildEvents(n: number): SignedRequest[] {
  const rng = mulberry32(0x5eed ^ n);
  const magic = Object.values(WHATSAPP_MAGIC_SUFFIXES);
  const out: SignedRequest[] = [];
  while (out.length < n) {
    const w = buildWebhook('razorpay', 'payment.captured', { rng, secrets: { razorpayWebhookSecret: secret } });
    const contact = (JSON.parse(w.body) as { payload: { payment: { entity: { contact: string } } } }).payload.payment.entity.contact;
    if (magic.some((m) => contact.endsWith(m))) continue;
    out.push({ path: w.path, headers: w.headers, body: w.body });
  }
  return out;
}

function paymentIdOf(r: SignedRequest): string {
  return (JSON.parse(r.body) as { payload: { payment: { entity: { id: string } } } }).payload.payment.entity.id;
}

async function sandboxMessages(sandboxUrl: string): Promise<number> {
  const res = await fetch(`${sandboxUrl}/__sandbox/state`);
  const state = (await res.json()) as { whatsapp?: { messages?: unknown[] } };
  return state.whatsapp?.messages?.length ?? 0;
}

async function sandboxReset(sandboxUrl: string): Promise<void> {
  await (await fetch(`${sandboxUrl}/__sandbox/reset`, { method: 'POST' })).arrayBuffer();
}

/** `--provider-latency`: every WhatsApp send is answered that much later, for every run alike. */
async function sandboxLatency(sandboxUrl: string): Promise<void> {
  await (await fetch(`${sandboxUrl}/__sandbox/faults`, { method: 'DELETE' })).arrayBuffer();
  if (PROVIDER_LATENCY_MS === 0) return;
  const res = await fetch(`${sandboxUrl}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'whatsapp', path: '/**/messages', type: 'latency', latencyMs: PROVIDER_LATENCY_MS }),
  });
  if (res.status !== 201) throw new Error(`the sandbox refused the latency fault: ${res.status} ${await res.text()}`);
}

/** What both pipeline runs measured, as one row of figures. */
interface Measured {
  /** Receipt → done percentiles (ms) and the last done time (epoch ms). */
  latency: { p50: number; p99: number; max: number; last: number } | undefined;
  sent: SendResult;
  memBefore: number;
  memPeak: number;
  memAfter: number;
  usage: { keys: number; bytes: number };
  /** WhatsApp sends the sandbox received. */
  messages: number;
}

function figures(name: string, m: Measured, notes: string[]): Figures {
  const wallMs = num(m.latency?.last) - m.sent.startedAt;
  return {
    name,
    throughput: (N * 1000) / wallMs,
    wallMs,
    p50: num(m.latency?.p50),
    p99: num(m.latency?.p99),
    max: num(m.latency?.max),
    ingestMs: m.sent.endedAt - m.sent.startedAt,
    retries: m.sent.retries,
    memBefore: m.memBefore,
    memPeak: Math.max(m.memPeak, m.memAfter),
    memAfter: m.memAfter,
    prefixBytes: m.usage.bytes,
    prefixKeys: m.usage.keys,
    notes: [...notes, `sandbox received ${m.messages} WhatsApp sends for ${N} events${m.sent.failed ? `; ${m.sent.failed} webhooks never accepted` : ''}`],
  };
}

// ── the three runs ──────────────────────────────────────────────────────────────────────────
async function runCeiling(redis: Redis): Promise<Figures> {
  const qPrefix = `${prefix}-ceiling`;
  const worker = startChild('noop worker', path.join(__dirname, 'pipeline/noop-worker.ts'), { REDIS_URL: redisUrl, QUEUE_PREFIX: qPrefix, BENCH_EVENTS: String(N) });
  await worker.message('ready');
  const done = worker.message<{ at: number }>('done', 600_000);
  const queue = new Queue('ceiling', { connection: redis, prefix: qPrefix });
  const start = Date.now();
  for (let i = 0; i < N; i += 1000) {
    const size = Math.min(1000, N - i);
    await queue.addBulk(Array.from({ length: size }, (_, j) => ({ name: 'noop', data: { i: i + j }, opts: { removeOnComplete: true } })));
  }
  const { at } = await done;
  await stopChild(worker);
  await queue.close();
  const wallMs = at - start;
  return { name: 'ceiling: bare BullMQ no-op (addBulk, concurrency 50)', throughput: (N * 1000) / wallMs, wallMs, notes: [] };
}

/** A reference pipeline: its two processes, and the order table its worker updates. */
interface Reference {
  /** The figures' row name ("naive: …"). */
  name: string;
  /** What its worker UPDATEs: one order row per payment, inserted before the clock. */
  table: string;
  /** Starts its worker and server (the server on `port`) and resolves once both are ready. */
  start(port: number, common: Record<string, string>): Promise<Child[]>;
  /** Drops what it made besides the order table. */
  cleanup(): Promise<void>;
}

function naiveReference(): Reference {
  const qPrefix = `${prefix}-naive`;
  return {
    name: 'naive: express → queue.add → worker (axios + 1 UPDATE)',
    table: 'bench_naive_orders',
    async start(port, common) {
      const worker = startChild('naive worker', path.join(__dirname, 'pipeline/naive-worker.ts'), { ...common, QUEUE_PREFIX: qPrefix });
      const server = startChild('naive server', path.join(__dirname, 'pipeline/naive-server.ts'), { REDIS_URL: redisUrl, QUEUE_PREFIX: qPrefix, PORT: String(port) });
      await Promise.all([worker.message('ready'), server.message('ready')]);
      return [server, worker];
    },
    cleanup: async () => undefined,
  };
}

function durableReference(db: PrismaClient): Reference {
  return {
    name: 'durable peer: express → INSERT + pg-boss send in one transaction → pg-boss worker (axios + 1 UPDATE)',
    table: 'bench_durable_orders',
    async start(port, common) {
      await db.$executeRawUnsafe(`CREATE TABLE bench_durable_webhooks (id bigserial PRIMARY KEY, payload jsonb NOT NULL, received_at timestamptz(3) NOT NULL DEFAULT now())`);
      // The worker creates pg-boss's schema and queue; the server starts once they exist.
      const worker = startChild('durable worker', path.join(__dirname, 'pipeline/durable-worker.ts'), common);
      await worker.message('ready');
      const server = startChild('durable server', path.join(__dirname, 'pipeline/durable-server.ts'), { DATABASE_URL: dbUrl, DATABASE_POOL_SIZE: '10', PORT: String(port) });
      await server.message('ready');
      return [server, worker];
    },
    async cleanup() {
      await db.$executeRawUnsafe(`DROP TABLE bench_durable_webhooks`);
      await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS pgboss CASCADE`);
    },
  };
}

async function runReference(db: PrismaClient, redis: Redis, events: SignedRequest[], sandboxUrl: string, ref: Reference): Promise<Figures> {
  const { table } = ref;
  await db.$executeRawUnsafe(`CREATE TABLE ${table} (payment_id text PRIMARY KEY, status text NOT NULL DEFAULT 'pending', message_id text, received_at timestamptz(3), done_at timestamptz(3))`);
  const ids = events.map(paymentIdOf);
  for (let i = 0; i < ids.length; i += 1000) await db.$executeRawUnsafe(`INSERT INTO ${table} (payment_id) VALUES ${ids.slice(i, i + 1000).map((id) => `('${id.replace(/'/g, "''")}')`).join(',')}`);
  await db.$executeRawUnsafe(`VACUUM ANALYZE ${table}`);

  const port = await freePort();
  const label = ref.name.split(':')[0] ?? ref.name;
  const children = await ref.start(port, {
    REDIS_URL: redisUrl,
    DATABASE_URL: dbUrl,
    DATABASE_POOL_SIZE: '10',
    WORKER_CONCURRENCY: String(W),
    SANDBOX_URL: sandboxUrl,
    WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_TOKEN: whatsappToken,
    BENCH_TABLE: table,
  });

  const memBefore = await usedMemory(redis);
  const sampler = memorySampler(redis);
  const costBefore = await readCost(db, redis, children);
  const sent = await sendAll(`http://127.0.0.1:${port}`, events, C);
  await waitFor(label, N, async () => {
    const [r] = await db.$queryRawUnsafe<{ done: bigint }[]>(`SELECT count(*) AS done FROM ${table} WHERE done_at IS NOT NULL`);
    return { finished: num(r?.done), detail: 'orders updated' };
  });
  const cost = await costBetween(costBefore, db, redis, children);
  const memPeak = sampler.stop();
  const [s] = await db.$queryRawUnsafe<{ p50: number; p99: number; max: number; last: number }[]>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max, (SELECT extract(epoch FROM max(done_at)) * 1000 FROM ${table})::float8 AS last
       FROM (SELECT extract(epoch FROM done_at - received_at)::float8 * 1000 AS ms FROM ${table}) t`,
  );
  await sleep(1000);
  const memAfter = await usedMemory(redis);
  const usage = await prefixUsage(redis, `${prefix}-${label}`);
  const messages = await sandboxMessages(sandboxUrl);
  await Promise.all(children.map(stopChild));
  await db.$executeRawUnsafe(`DROP TABLE ${table}`);
  await ref.cleanup();
  return { ...figures(ref.name, { latency: s, sent, memBefore, memPeak, memAfter, usage, messages }, []), ...cost };
}

function settingsYaml(sandboxUrl: string): string {
  // Only messaging: each payment plans exactly one effect (the WhatsApp receipt), like the naive
  // worker's one call. No crm section (no deal sync/notes), no team notifications. The sandbox has
  // no throughput cap, so the per-number send limit (Meta's default 80/s) is raised out of the way;
  // the shared Redis rate limiter still runs on every send.
  return `version: 1
outbound:
  whatsapp:
    default:
      baseUrl: "${sandboxUrl}"
      token: "${whatsappToken}"
      phoneNumberId: "${phoneNumberId}"
      messagesPerSecond: 100000
messaging:
  channel: whatsapp_cloud
  connection: default
  templates:
    payment_receipt:
      name: payment_receipt
      language: en_US
      parameters: [payment.amount, order.id]
  notifications:
    paymentReceipt: payment_receipt
consent:
  transactional: unless_opted_out
`;
}

async function runSwitchyard(db: PrismaClient, redis: Redis, events: SignedRequest[], sandboxUrl: string, receiverPort: number, R: number): Promise<Figures> {
  const configFile = path.join(tmp, 'switchyard.yaml');
  writeFileSync(configFile, settingsYaml(sandboxUrl));
  const common = { DATABASE_URL: dbUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const receiver = startChild('receiver', path.join(root, 'apps/receiver/src/main.ts'), { ...common, RECEIVER_PORT: String(receiverPort), RAZORPAY_WEBHOOK_SECRET: secret }, { cwd: path.join(root, 'apps/receiver') });
  const workers: Child[] = [];
  for (const app of ['worker-payments', 'worker-whatsapp', 'worker-crm'].flatMap((a) => Array.from({ length: a === 'worker-crm' ? 1 : R }, () => a))) {
    const metricsPort = await freePort();
    const child = startChild(app, path.join(root, `apps/${app}/src/main.ts`), { ...common, METRICS_PORT: String(metricsPort), WORKER_CONCURRENCY: String(W), SWITCHYARD_CONFIG: configFile }, { cwd: path.join(root, `apps/${app}`) });
    workers.push(child);
    await waitForHttp(child, `http://127.0.0.1:${metricsPort}/healthz`);
  }
  await waitForHttp(receiver, `http://127.0.0.1:${receiverPort}/healthz`);

  const memBefore = await usedMemory(redis);
  const sampler = memorySampler(redis);
  // This run's rows are those written from here on: a --prefill store's rows are all older. Every
  // query below reads only them, through an index, so polling costs the same on a filled store.
  const [{ at: runStart } = { at: new Date(0) }] = await db.$queryRawUnsafe<{ at: Date }[]>(`SELECT now() AS at`);
  const costBefore = await readCost(db, redis, [receiver, ...workers]);
  const sent = await sendAll(`http://127.0.0.1:${receiverPort}`, events, C);
  await waitFor('switchyard', N, async () => {
    const [r] = await db.$queryRawUnsafe<{ finished: bigint; done: bigint; dead: bigint }[]>(
      `SELECT (SELECT count(*) FROM effects WHERE status IN ('done','skipped','parked','failed') AND updated_at >= $1) AS finished,
              (SELECT count(*) FROM effects WHERE done_at >= $1) AS done,
              (SELECT count(*) FROM inbound_events WHERE status IN ('failed','dead')) AS dead`,
      runStart,
    );
    return { finished: num(r?.finished), detail: `effects done ${num(r?.done)}; events failed/dead ${num(r?.dead)}` };
  });
  const cost = await costBetween(costBefore, db, redis, [receiver, ...workers]);
  const memPeak = sampler.stop();
  const [s] = await db.$queryRawUnsafe<{ p50: number; p99: number; max: number; last: number }[]>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max, (SELECT extract(epoch FROM max(done_at)) * 1000 FROM effects)::float8 AS last
       FROM (SELECT extract(epoch FROM e.done_at - i.received_at)::float8 * 1000 AS ms FROM effects e JOIN inbound_events i ON i.id = e.event_id WHERE e.done_at >= $1 AND e.status = 'done') t`,
    runStart,
  );
  // Let the last completions and the relay settle, then look at what is left in Redis.
  await sleep(1000);
  const memAfter = await usedMemory(redis);
  const usage = await prefixUsage(redis, prefix);
  const [check] = await db.$queryRawUnsafe<Record<string, bigint>[]>(
    `SELECT (SELECT count(*) FROM inbound_events WHERE received_at >= $1) AS events,
            (SELECT count(*) FROM inbound_events WHERE received_at >= $1 AND status = 'processed') AS processed,
            (SELECT count(*) FROM effects WHERE created_at >= $1) AS effects,
            (SELECT count(*) FROM effects WHERE created_at >= $1 AND status = 'done') AS done,
            (SELECT count(*) FROM effects WHERE created_at >= $1 AND status <> 'done') AS not_done,
            (SELECT count(*) FROM effects WHERE created_at >= $1 AND provider_ref IS NOT NULL) AS with_ref,
            (SELECT count(*) FROM messages WHERE created_at >= $1) AS messages,
            (SELECT count(*) FROM outbox_entries WHERE created_at >= $1) AS outbox,
            (SELECT count(*) FROM outbox_entries WHERE created_at >= $1 AND dispatched_at IS NULL) AS undispatched`,
    runStart,
  );
  const messages = await sandboxMessages(sandboxUrl);
  await Promise.all([stopChild(receiver), ...workers.map((w) => stopChild(w))]);
  const c = Object.fromEntries(Object.entries(check ?? {}).map(([k, v]) => [k, num(v)]));
  return { ...cost, ...figures(`switchyard: receiver → payments → whatsapp workers (×${R} replica${R > 1 ? 's' : ''})`, { latency: s, sent, memBefore, memPeak, memAfter, usage, messages }, [
    `Postgres: ${c.events} events stored (${c.processed} processed), ${c.effects} effects in the ledger (${c.done} done, ${c.not_done} not done, ${c.with_ref} with a provider message id), ${c.messages} messages recorded, ${c.outbox} outbox entries (${c.undispatched} undispatched)`,
  ]) };
}

// ── main ────────────────────────────────────────────────────────────────────────────────────
let redis: Redis | undefined;
let db: PrismaClient | undefined;
let cleaning: Promise<void> | undefined;
let interrupted = false;

/** Idempotent: every caller waits for the same clean-up. */
function cleanup(graceMs: number): Promise<void> {
  cleaning ??= doCleanup(graceMs);
  return cleaning;
}

async function doCleanup(graceMs: number): Promise<void> {
  await stopAll(graceMs).catch(() => undefined);
  await db?.$disconnect().catch(() => undefined);
  await dropDatabase(dbUrl).catch((err: Error) => console.error(`could not drop ${dbUrl}: ${err.message}`));
  if (redis) {
    await deletePrefix(redis, prefix.slice(0, -1)).catch(() => undefined);
    redis.disconnect();
  }
  rmSync(tmp, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping children and cleaning up`);
    interrupted = true;
    killAllNow();
    void cleanup(0).finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  console.log(`pipeline bench: ${N} events, sender concurrency ${C}, worker concurrency ${W}, ${os.cpus().length} cores`);
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
  await ensureDatabase(dbUrl);
  await applyMigrations(dbUrl);
  db = createDb({ url: dbUrl, poolSize: 2 });
  if (PREFILL > 0) {
    // A second Switchyard run starts from empty tables (TRUNCATE): it would not be on the filled store.
    if (REPLICAS.length > 1) throw new Error('--prefill takes one --replicas value');
    console.log(`prefilling the store with ${PREFILL} past events and what they imply…`);
    await fillStore(dbUrl, PREFILL);
  }
  const t = Date.now();
  const events = buildEvents(N);
  console.log(`built and signed ${N} Razorpay payment.captured webhooks in ${Date.now() - t} ms (before any clock starts)`);

  const sandboxPort = await freePort();
  const receiverPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = (sandboxChild = startChild('sandbox', path.join(root, 'apps/sandbox/src/main.ts'), {
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_URL: sandboxUrl,
    SANDBOX_RECEIVER_URL: `http://127.0.0.1:${receiverPort}`,
    SANDBOX_STATUS_CALLBACKS: 'false',
    SANDBOX_WHATSAPP_TOKEN: whatsappToken,
  }, { cwd: path.join(root, 'apps/sandbox') }));
  await waitForHttp(sandbox, `${sandboxUrl}/__sandbox/health`);

  const results: Figures[] = [];
  if (runs('ceiling')) {
    console.log('running the ceiling (bare BullMQ no-op)…');
    results.push(await runCeiling(redis));
  }
  if (runs('naive')) {
    console.log('running the naive pipeline…');
    await sandboxLatency(sandboxUrl);
    results.push(await runReference(db, redis, events, sandboxUrl, naiveReference()));
    await sandboxReset(sandboxUrl);
  }
  if (runs('durable')) {
    console.log('running the durable peer (pg-boss)…');
    await sandboxLatency(sandboxUrl);
    results.push(await runReference(db, redis, events, sandboxUrl, durableReference(db)));
    await sandboxReset(sandboxUrl);
  }
  if (runs('switchyard')) {
    for (const [i, R] of REPLICAS.entries()) {
      if (i > 0) {
        // The same signed webhooks again: start from empty tables and queues, or all would be duplicates.
        await db.$executeRawUnsafe(`TRUNCATE inbound_events, outbox_entries, effects, payments, messages, contacts, attention_items CASCADE`);
        await deletePrefix(redis, prefix.slice(0, -1));
        await sandboxReset(sandboxUrl);
      }
      console.log(`running Switchyard (${R} replica${R > 1 ? 's' : ''} of each worker)…`);
      await sandboxLatency(sandboxUrl);
      results.push(await runSwitchyard(db, redis, events, sandboxUrl, receiverPort, R));
    }
  }
  await stopChild(sandbox);

  console.log(`\npipeline bench: ${N} events, store prefilled with ${PREFILL} events, sender concurrency ${C}, worker concurrency ${W}, provider latency ${PROVIDER_LATENCY_MS} ms, ${os.cpus().length}-core machine, Redis maxmemory-policy ${policy[1]}\n`);
  console.table(
    results.map((f) => ({
      run: f.name,
      'events/s': Math.round(f.throughput),
      'wall s': (f.wallMs / 1000).toFixed(1),
      'p50 ms': f.p50 === undefined ? '–' : Math.round(f.p50),
      'p99 ms': f.p99 === undefined ? '–' : Math.round(f.p99),
      'max ms': f.max === undefined ? '–' : Math.round(f.max),
      'all acked s': f.ingestMs === undefined ? '–' : (f.ingestMs / 1000).toFixed(1),
    })),
  );
  const withMem = results.filter((f) => f.memBefore !== undefined);
  if (withMem.length) {
    console.log('Redis (INFO memory used_memory is the whole shared instance; the prefix columns are this run\'s keys only, MEMORY USAGE):');
    console.table(
      withMem.map((f) => ({
        run: f.name.split(':')[0],
        'used_memory before': mb(f.memBefore),
        peak: mb(f.memPeak),
        after: mb(f.memAfter),
        'after − before': mb((f.memAfter ?? 0) - (f.memBefore ?? 0)),
        'keys left': f.prefixKeys,
        'bytes left': mb(f.prefixBytes),
        'bytes left / event': Math.round((f.prefixBytes ?? 0) / N),
      })),
    );
  }
  const withCpu = results.flatMap((f) => (f.cpu && f.perEvent ? [{ run: f.name.split(':')[0], cpu: f.cpu, perEvent: f.perEvent }] : []));
  if (withCpu.length) {
    console.log('CPU per event from the first send to the last effect done (/proc/<pid>/stat; Postgres = every backend of the server, Redis = the whole server, both shared with anything else running):');
    const names = [...new Set(withCpu.flatMap((f) => f.cpu.map((r) => r.process)))];
    console.table(names.map((p) => ({ process: p, ...Object.fromEntries(withCpu.map((f) => [`${f.run} ms/event`, f.cpu.find((r) => r.process === p)?.['cpu ms / event'] ?? '–'])) })));
    for (const f of withCpu) console.log(`${f.run}: ${f.perEvent.transactions.toFixed(2)} Postgres transactions and ${f.perEvent.redisCommands.toFixed(1)} Redis commands per event`);
  }
  for (const f of results) for (const note of f.notes) console.log(`${f.name.split(':')[0]}: ${note}`);
  const sy = results.find((f) => f.name.startsWith('switchyard'));
  const naive = results.find((f) => f.name.startsWith('naive'));
  const durable = results.find((f) => f.name.startsWith('durable'));
  const ceiling = results.find((f) => f.name.startsWith('ceiling'));
  if (sy && naive) {
    const ratio = sy.throughput / naive.throughput;
    console.log(`\nthroughput ratio switchyard / naive:   ${ratio.toFixed(2)}x  (target >= 0.70x: ${ratio >= 0.7 ? 'met' : 'NOT met'})`);
  }
  if (sy && durable) {
    const ratio = sy.throughput / durable.throughput;
    console.log(`throughput ratio switchyard / durable peer: ${ratio.toFixed(2)}x  (target >= 1.00x: ${ratio >= 1 ? 'met' : 'NOT met'})`);
  }
  if (sy && ceiling) console.log(`throughput ratio switchyard / ceiling: ${(sy.throughput / ceiling.throughput).toFixed(2)}x`);
  if (naive && ceiling) console.log(`throughput ratio naive / ceiling:      ${(naive.throughput / ceiling.throughput).toFixed(2)}x`);
  const [firstScaled, ...moreScaled] = results.filter((f) => f.name.startsWith('switchyard'));
  if (firstScaled) for (const f of moreScaled) console.log(`throughput ratio ${f.name.replace(/^.*\(/, '(')} / first Switchyard run: ${(f.throughput / firstScaled.throughput).toFixed(2)}x`);
}

main()
  .then(() => cleanup(8000))
  .then(() => process.exit(0))
  .catch(async (err: Error) => {
    if (interrupted) return cleanup(0).finally(() => process.exit(130));
    console.error(err);
    await cleanup(3000);
    process.exit(1);
  });
