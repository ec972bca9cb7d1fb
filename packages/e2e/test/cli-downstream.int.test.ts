import { createLogger } from '@switchyard/logger';
import { createDatabase, poolOf } from '@switchyard/db';
import { createServer as createOps } from '@switchyard/ops';
import { createRedis, type Redis } from '@switchyard/queues';
import { loadEnv, runCli } from '@switchyard/sandbox';
import { listen, must } from '@switchyard/testing';
import { startFleet, type Fleet } from './support/fleet';

jest.setTimeout(90_000);

const TOKEN = 'cli-downstream-test-token-0123456789';

let fleet: Fleet;
let redis: Redis;
let ops: Awaited<ReturnType<typeof listen>>;

async function cli(argv: string[], env: Record<string, string> = { OPS_TOKEN: TOKEN }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env: loadEnv(env), out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

beforeAll(async () => {
  fleet = await startFleet();
  redis = createRedis(fleet.redisUrl, 'producer');
  redis.on('error', () => undefined);
  ops = await listen(createOps({ db: createDatabase({ url: fleet.databaseUrl, pool: poolOf(fleet.db) }), redis, prefix: fleet.prefix, token: TOKEN, logger: createLogger({ service: 'ops-test', level: 'error' }) }));
});
afterAll(async () => {
  await ops.close();
  redis.disconnect();
  await fleet.close();
});

describe('switchyard trigger shows what happened downstream', () => {
  let eventId: string;

  it('reports the events stored and their effects by status, as the event store has them', async () => {
    const run = await cli(['trigger', 'razorpay', 'payment.captured', '--seed', '31', '--duplicate', '1', '--to', fleet.receiverUrl, '--ops', ops.url, '--time-scale', '100000']);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    const rows = await fleet.db.$queryRawUnsafe<{ id: string; status: string }[]>(`SELECT id::text, status::text FROM inbound_events WHERE provider = 'razorpay'`);
    expect(rows).toHaveLength(1);
    eventId = must(rows[0]).id;
    expect(run.out).toContain(`# downstream (ops API ${ops.url}): 2 deliveries stored as 1 event (1 processed)`);
    const effects = await fleet.db.$queryRawUnsafe<{ status: string; n: number }[]>(`SELECT status::text, count(*)::int AS n FROM effects WHERE event_id = $1::uuid GROUP BY 1 ORDER BY min(created_at)`, eventId);
    expect(effects.length).toBeGreaterThan(0);
    const line = run.out.find((l) => l.startsWith('#   effects: '));
    const shown = Object.fromEntries((line ?? '').slice('#   effects: '.length).split(', ').map((part) => part.split(' ').reverse()));
    expect(shown).toEqual(Object.fromEntries(effects.map((e) => [e.status, String(e.n)])));
    expect(run.out.some((l) => l.includes(`(pnpm switchyard ops events ${eventId})`))).toBe(true);
  });

  it('switchyard ops events|effects|dead-letters read the ops API with the token from the settings', async () => {
    const events = await cli(['ops', 'events', '--provider', 'razorpay', '--ops', ops.url]);
    expect(events.code).toBe(0);
    expect(events.out[0]).toContain(eventId);
    expect(events.out.at(-1)).toBe('# 1 events');
    const detail = await cli(['ops', 'events', eventId, '--ops', ops.url]);
    const body = JSON.parse(detail.out.join('\n')) as { id: string; entityType: string; effects: { kind: string; status: string }[] };
    expect(body.id).toBe(eventId);
    expect(body.entityType).toBe('payment');
    expect(body.effects.length).toBeGreaterThan(0);
    const done = await cli(['ops', 'effects', '--status', 'done', '--ops', ops.url]);
    expect(done.code).toBe(0);
    expect(done.out.filter((l) => !l.startsWith('#')).every((l) => l.includes('  done  '))).toBe(true);
    const dead = await cli(['ops', 'dead-letters', '--ops', ops.url]);
    expect(dead).toMatchObject({ code: 0, out: ['# 0 dead-letters'] });
  });

  it('names the ops URL when the token is refused, without the token', async () => {
    const run = await cli(['ops', 'events', '--ops', ops.url], { OPS_TOKEN: 'wrong-token-000000000000' });
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toContain(`the ops API at ${ops.url} refused OPS_TOKEN (401)`);
    expect(run.err.join('\n')).not.toContain('wrong-token');
  });
});
