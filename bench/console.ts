// pnpm bench:console — the ops console's API over real HTTP on a database the size of a busy
// deployment: fills a fresh database with N inbound events (default 1,000,000) and the payments,
// contacts, leads, effects and messages they imply, set-based (INSERT … SELECT generate_series),
// vacuums and analyzes it (bench/lib/fill-store.ts), starts the ops app as its own process and times each kind of call.
// Options: --events N (default 1000000), --calls C (timed calls per kind, default 50).
// Keep N small (--events 20000) on a shared machine: the fill takes both cores for minutes at 1M.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { applyMigrations, dropDatabase, ensureDatabase } from '@switchyard/db';
import { deadLetterJobId, effectJobId } from '@switchyard/queues';
import { fillStore, FAILED_EVERY, md5uuid, PARKED_EVERY, phoneOf, storeShape } from './lib/fill-store';
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
const SHAPE = storeShape(N);
const P = SHAPE.payments;
const LEADS = SHAPE.leads;
/** DLQ_SIZE of the failed CRM writes still have a dead letter. */
const DLQ_SIZE = 200;

const root = path.resolve(__dirname, '..');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pgBase = (process.env.BENCH_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '');
const tag = randomBytes(4).toString('hex');
const dbUrl = `${pgBase}/switchyard_bench_console_${tag}`;
const prefix = `{sybench-console-${tag}}`;
const token = `bench-ops-token-${tag}`;

/** Fills this bench's database (see lib/fill-store.ts). */
const fill = () => fillStore(dbUrl, N);

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
