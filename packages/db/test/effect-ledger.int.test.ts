import { randomBytes, randomUUID } from 'node:crypto';
import { applyMigrations, createDatabase, createEffectLedger, createPool, dropDatabase, ensureDatabase, isDatabaseUnavailable, type Database, type Pool } from '../src';
import { countedDatabase } from './counted-database';

// The effect ledger (createEffectLedger, what the workers' effect runner reads and writes with)
// against the real database: concurrent jobs' reads, intents and outcomes share statements, each
// caller answered with its own row; two runs of one effect in one batch never both hold its intent;
// a settled effect is left alone; a call that makes the statement fail fails only itself.
const counted = countedDatabase();
beforeEach(() => counted.reset());

async function storeEffects(n: number, status: 'pending' | 'sending' | 'done' = 'pending'): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await counted.db.effect.createMany({
    data: ids.map((id) => ({ id, kind: 'message.send', businessKey: `receipt:${id}`, status, queue: 'whatsapp', provider: 'whatsapp', connection: 'default', idempotencyKey: `sy-${id}`, entityType: 'payment', entityKey: `k:${id}`, request: { to: '15550001111' } })),
  });
  counted.reset();
  return ids;
}

const statusOf = async (ids: string[]) => (await counted.db.effect.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, attempts: true } })).sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));

describe('createEffectLedger', () => {
  it('reads concurrent jobs’ effects in shared statements, each answered with its own row (null when absent)', async () => {
    const ledger = createEffectLedger(counted.database, { maxInFlight: 1 });
    const ids = [...(await storeEffects(9)), randomUUID()];
    const rows = await Promise.all(ids.map((id) => ledger.find(id)));
    const used = counted.statements;
    expect(rows.map((r) => r?.id ?? null)).toEqual([...ids.slice(0, 9), null]);
    expect(rows[0]).toMatchObject({ kind: 'message.send', businessKey: `receipt:${ids[0]}`, status: 'pending', attempts: 0 });
    // The first read leaves alone; the nine made during it share the next statement.
    expect(used).toBe(2);
  });

  it('commits concurrent intents in shared statements; an effect whose intent another run holds answers false', async () => {
    const ledger = createEffectLedger(counted.database, { maxInFlight: 1 });
    const pending = await storeEffects(6);
    const [held] = await storeEffects(1, 'sending');
    const answers = await Promise.all([...pending, held as string].map((id) => ledger.markSending(id)));
    const used = counted.statements;
    expect(answers).toEqual([true, true, true, true, true, true, false]);
    expect((await statusOf(pending)).map((r) => [r.status, r.attempts])).toEqual(Array(6).fill(['sending', 1]));
    expect(used).toBe(2);
  });

  it('gives an effect’s intent to one run only when two runs of it share a batch', async () => {
    const ledger = createEffectLedger(counted.database, { maxInFlight: 1 });
    const [opener] = await storeEffects(1);
    const [twice] = await storeEffects(1);
    // The opener holds the only statement slot, so both runs of `twice` wait and leave in one batch.
    const answers = await Promise.all([ledger.markSending(opener as string), ledger.markSending(twice as string), ledger.markSending(twice as string)]);
    const used = counted.statements;
    expect(used).toBe(2);
    expect(answers).toEqual([true, true, false]);
    expect((await statusOf([twice as string]))[0]).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it('records concurrent outcomes in shared statements and leaves a settled effect alone', async () => {
    const ledger = createEffectLedger(counted.database, { maxInFlight: 1 });
    const sending = await storeEffects(4, 'sending');
    const [settled] = await storeEffects(1, 'done');
    const answers = await Promise.all([...sending, settled as string].map((id) => ledger.markDone({ effectId: id, providerRef: `ref-${id}`, response: { ok: id } })));
    const used = counted.statements;
    expect(answers).toEqual([true, true, true, true, false]);
    const rows = await counted.db.effect.findMany({ where: { id: { in: [...sending, settled as string] } } });
    for (const id of sending) expect(rows.find((r) => r.id === id)).toMatchObject({ status: 'done', providerRef: `ref-${id}`, response: { ok: id } });
    expect(rows.find((r) => r.id === settled)).toMatchObject({ status: 'done', providerRef: null, response: null });
    expect(used).toBe(2);
  });

  it('records sends with their messages in shared statements, keeping what a status webhook wrote first', async () => {
    const ledger = createEffectLedger(counted.database, { maxInFlight: 1 });
    const sending = await storeEffects(3, 'sending');
    const wamids = sending.map((id) => `wamid.${id}`);
    // A status webhook for the third message was stored before its send's outcome.
    await counted.db.message.create({ data: { id: wamids[2] as string, channel: 'whatsapp', status: 'delivered' } });
    counted.reset();
    await Promise.all(sending.map((id, i) => ledger.markDoneWithMessage({ effectId: id, response: { messageId: wamids[i] }, message: { id: wamids[i] as string, channel: 'whatsapp', recipient: '15550001111' } })));
    const used = counted.statements;
    expect((await statusOf(sending)).map((r) => r.status)).toEqual(['done', 'done', 'done']);
    const messages = await counted.db.message.findMany({ where: { id: { in: wamids } }, orderBy: { id: 'asc' } });
    expect(messages.map((m) => [m.id, m.effectId, m.status]).sort()).toEqual(wamids.map((w, i) => [w, sending[i], i === 2 ? 'delivered' : 'queued']).sort());
    expect(used).toBe(2);
  });

  it('a call that fails its batch (the same message twice) is run alone: its neighbours are recorded, each once', async () => {
    const ledger = createEffectLedger(counted.database, { maxInFlight: 1 });
    const [opener, a, b, c] = await storeEffects(4, 'sending');
    const same = `wamid.same.${randomUUID()}`;
    const send = (effectId: string, messageId: string) => ledger.markDoneWithMessage({ effectId, response: null, message: { id: messageId, channel: 'whatsapp', recipient: '15550001111' } });
    // a and b name one message id: one statement cannot upsert a row twice, so the batch fails and each call runs alone.
    await Promise.all([send(opener as string, `wamid.${opener}`), send(a as string, same), send(b as string, same), send(c as string, `wamid.${c}`)]);
    const used = counted.statements;
    expect((await statusOf([opener, a, b, c] as string[])).map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(await counted.db.message.count({ where: { id: { in: [same, `wamid.${c}`] } } })).toBe(2);
    // The opener, the failed batch of three, then each of the three alone.
    expect(used).toBe(5);
  });

  it('fails only the call whose input the database refuses', async () => {
    const ledger = createEffectLedger(counted.database, { maxInFlight: 1 });
    const [opener, good] = await storeEffects(2);
    const answers = await Promise.allSettled([ledger.markSending(opener as string), ledger.markSending('not-a-uuid'), ledger.markSending(good as string)]);
    const used = counted.statements;
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((answers[1] as PromiseRejectedResult).reason)).toMatch(/uuid/);
    expect((await statusOf([opener, good] as string[])).map((r) => r.status)).toEqual(['sending', 'sending']);
    // The opener, the failed batch of two, then each of the two alone.
    expect(used).toBe(4);
  });

  it('reads concurrent sends’ contacts in shared statements', async () => {
    const ledger = createEffectLedger(counted.database, { maxInFlight: 1 });
    const phones = Array.from({ length: 4 }, () => `ledger-test-${randomUUID()}`);
    await counted.db.contact.createMany({ data: phones.slice(0, 3).map((phone, i) => ({ phone, consent: i !== 1 })), skipDuplicates: true });
    counted.reset();
    const contacts = await Promise.all(phones.map((p) => ledger.contact(p)));
    const used = counted.statements;
    expect(contacts.map((c) => c && [c.phone, c.consent])).toEqual([[phones[0], true], [phones[1], false], [phones[2], true], null]);
    expect(used).toBe(2);
  });
});

// A database of its own, reached directly: the test ends a backend with pg_terminate_backend, which
// through a transaction pooler would cut the pooler's connection instead of the statement's.
describe('createEffectLedger, a batch cut off mid-statement', () => {
  const url = `${(process.env.TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '')}/switchyard_own_${randomBytes(4).toString('hex')}`;
  let own: Database;
  let admin: Pool;
  beforeAll(async () => {
    await ensureDatabase(url);
    await applyMigrations(url);
    own = createDatabase({ url, poolSize: 4 });
    admin = createPool({ url, poolSize: 4 });
  });
  afterAll(async () => {
    await own.destroy();
    await admin.end();
    await dropDatabase(url);
  });

  const store = async (n: number) => {
    const ids = Array.from({ length: n }, () => randomUUID());
    for (const id of ids) {
      await admin.query(
        `INSERT INTO effects (id, kind, business_key, queue, provider, connection, idempotency_key, entity_type, entity_key, request, updated_at)
         VALUES ($1::uuid, 'message.send', 'receipt:' || $1::text, 'whatsapp', 'whatsapp', 'default', 'sy-' || $1::text, 'payment', 'k', '{}', now())`,
        [id],
      );
    }
    return ids;
  };
  /** Holds an effect's row lock, as a concurrent writer would: a statement locking it waits. */
  const holdRow = async (id: string) => {
    const client = await admin.connect();
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM effects WHERE id = $1 FOR UPDATE', [id]);
    return {
      release: async () => {
        await client.query('ROLLBACK');
        client.release();
      },
    };
  };
  const backendWaitingOnLock = async (): Promise<number> => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%update%effects%'`);
      if (rows[0]) return rows[0].pid as number;
    }
    throw new Error('no intent statement came to wait on the held row');
  };
  const statuses = async (ids: string[]) => (await admin.query(`SELECT id, status::text, attempts FROM effects WHERE id = ANY($1::uuid[])`, [ids])).rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id)).map((r) => [r.status, r.attempts]);

  it('commits no intent of the batch, answers every caller with the outage, and the retried runs each commit one', async () => {
    const ledger = createEffectLedger(own, { maxInFlight: 1 });
    const [opener, a, b, c] = await store(4);
    const holdOpener = await holdRow(opener as string);
    const holdB = await holdRow(b as string);
    try {
      // The opener's statement waits on its held row, so the next three calls queue and form one batch.
      const first = ledger.markSending(opener as string);
      await backendWaitingOnLock();
      const batch = Promise.allSettled([a, b, c].map((id) => ledger.markSending(id as string)));
      await holdOpener.release();
      expect(await first).toBe(true);
      // The batch's statement now waits on b, having locked a (ids in order, so perhaps c too): end its connection there, as a crash or a Postgres restart would.
      await admin.query('SELECT pg_terminate_backend($1)', [await backendWaitingOnLock()]);
      const results = await batch;
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      for (const r of results) expect(isDatabaseUnavailable((r as PromiseRejectedResult).reason)).toBe(true);
    } finally {
      await holdB.release();
    }
    // Nothing of the batch half-committed: no request may leave for a, b or c on this attempt.
    expect(await statuses([opener, a, b, c] as string[])).toEqual([['sending', 1], ['pending', 0], ['pending', 0], ['pending', 0]]);
    // Their jobs run again: each intent is committed once.
    expect(await Promise.all([a, b, c].map((id) => ledger.markSending(id as string)))).toEqual([true, true, true]);
    expect(await statuses([a, b, c] as string[])).toEqual([['sending', 1], ['sending', 1], ['sending', 1]]);
  });
});
