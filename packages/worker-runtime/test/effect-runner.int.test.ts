import { randomUUID } from 'node:crypto';
import { createDatabase, createDb, createPool, type Database, type PrismaClient } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { Writable } from 'node:stream';
import { runEffect, type EffectPerformer } from '../src/effect-runner';

// The intent path of the effect runner against the real database: what is committed when, and
// what a person is told.
let db: PrismaClient;
let database: Database;
const logger = createLogger({ service: 'effect-runner-test', level: 'error', stream: new Writable({ write: (_c, _e, cb) => cb() }) });

beforeAll(() => {
  const pool = createPool({ url: process.env.DATABASE_URL ?? '', poolSize: 2 });
  db = createDb({ url: '', pool });
  database = createDatabase({ url: '', pool });
});
afterAll(async () => {
  await db.$disconnect();
});

async function storeEffect(fields: { status: 'pending' | 'sending'; sentAt?: Date }): Promise<string> {
  const id = randomUUID();
  await db.effect.create({
    data: {
      id,
      kind: 'test.intent',
      businessKey: `runner:${id}`,
      status: fields.status,
      queue: 'whatsapp',
      provider: 'whatsapp',
      connection: 'default',
      idempotencyKey: id,
      entityType: 'message',
      entityKey: id,
      request: { to: '15550001111' },
      sentAt: fields.sentAt ?? null,
    },
  });
  return id;
}

const status = async (id: string) => (await db.effect.findUniqueOrThrow({ where: { id } })).status;
const openAttention = (id: string) => db.attentionItem.count({ where: { kind: 'effect_outcome_unknown', entityKey: id, resolvedAt: null } });

describe('runEffect, intent mode', () => {
  it('prepares (permit, reads) before the intent is committed, and hands the result to perform', async () => {
    const id = await storeEffect({ status: 'pending' });
    const seen: string[] = [];
    const performer: EffectPerformer = {
      mode: 'intent',
      async prepare() {
        seen.push(`prepare while ${await status(id)}`);
        return { asText: true };
      },
      async perform(_effect, _ctx, prepared) {
        seen.push(`perform while ${await status(id)} with ${JSON.stringify(prepared)}`);
        return { providerRef: 'wamid.1' };
      },
    };
    await runEffect(id, { db, database, logger }, { performers: { 'test.intent': performer }, parkAfterMs: 60_000 });
    expect(seen).toEqual(['prepare while pending', 'perform while sending with {"asText":true}']);
    expect(await status(id)).toBe('done');
  });

  it('a failed prepare leaves the effect pending: nothing was committed, the job simply retries', async () => {
    const id = await storeEffect({ status: 'pending' });
    const performer: EffectPerformer = {
      mode: 'intent',
      prepare: () => Promise.reject(new Error('outbound limit: no permit within 5000 ms')),
      perform: () => Promise.reject(new Error('must not be called')),
    };
    await expect(runEffect(id, { db, database, logger }, { performers: { 'test.intent': performer }, parkAfterMs: 60_000 })).rejects.toThrow('no permit');
    expect(await status(id)).toBe('pending');
  });

  it('parks an old unknown outcome and raises one attention item', async () => {
    const id = await storeEffect({ status: 'sending', sentAt: new Date(Date.now() - 120_000) });
    const performer: EffectPerformer = { mode: 'intent', perform: () => Promise.reject(new Error('must not resend')), reconcile: async () => null };
    await runEffect(id, { db, database, logger }, { performers: { 'test.intent': performer }, parkAfterMs: 60_000 });
    expect(await status(id)).toBe('parked');
    expect(await openAttention(id)).toBe(1);
  });

  it('raises no attention item when the status webhook settled the effect between the reconcile and the park', async () => {
    const id = await storeEffect({ status: 'sending', sentAt: new Date(Date.now() - 120_000) });
    const performer: EffectPerformer = {
      mode: 'intent',
      perform: () => Promise.reject(new Error('must not resend')),
      // Nothing recorded yet when asked; the webhook's worker marks it done right after.
      reconcile: async () => {
        await db.effect.update({ where: { id }, data: { status: 'done', providerRef: 'wamid.late', doneAt: new Date() } });
        return null;
      },
    };
    await runEffect(id, { db, database, logger }, { performers: { 'test.intent': performer }, parkAfterMs: 60_000 });
    expect(await status(id)).toBe('done');
    expect(await openAttention(id)).toBe(0);
  });
});
