import { randomUUID } from 'node:crypto';
import { createDatabase, createEffectLedger, createDb, createPool, type Database, type PrismaClient } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { Writable } from 'node:stream';
import { runEffect } from '../src/effect-runner';
import type { IdempotentPerformer, IntentPerformer } from '../src/performer';

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

// An intent effect of the catalog (a team post cannot be deduplicated by its receiver).
const teamPost = { name: 'ops', url: 'http://127.0.0.1:9/hook', format: 'json', event: 'payment.succeeded', text: 'Payment received', data: {} };

async function storeEffect(fields: { status: 'pending' | 'sending'; sentAt?: Date; kind?: string; request?: { [key: string]: string | number | object } }): Promise<string> {
  const id = randomUUID();
  await db.effect.create({
    data: {
      id,
      kind: fields.kind ?? 'team.notify',
      businessKey: `runner:${id}`,
      status: fields.status,
      queue: 'crm',
      provider: 'http',
      connection: 'ops',
      idempotencyKey: id,
      entityType: 'payment',
      entityKey: id,
      request: fields.request ?? teamPost,
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
    const performer: IntentPerformer<'team.notify'> = {
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
    await runEffect(id, { db: database, logger, ledger: createEffectLedger(database) }, { performers: { 'team.notify': performer }, parkAfterMs: 60_000 });
    expect(seen).toEqual(['prepare while pending', 'perform while sending with {"asText":true}']);
    expect(await status(id)).toBe('done');
  });

  it('a failed prepare leaves the effect pending: nothing was committed, the job simply retries', async () => {
    const id = await storeEffect({ status: 'pending' });
    const performer: IntentPerformer<'team.notify'> = {
      mode: 'intent',
      prepare: () => Promise.reject(new Error('outbound limit: no permit within 5000 ms')),
      perform: () => Promise.reject(new Error('must not be called')),
    };
    await expect(runEffect(id, { db: database, logger, ledger: createEffectLedger(database) }, { performers: { 'team.notify': performer }, parkAfterMs: 60_000 })).rejects.toThrow('no permit');
    expect(await status(id)).toBe('pending');
  });

  it('parks an old unknown outcome and raises one attention item', async () => {
    const id = await storeEffect({ status: 'sending', sentAt: new Date(Date.now() - 120_000) });
    const performer: IntentPerformer<'team.notify'> = { mode: 'intent', perform: () => Promise.reject(new Error('must not resend')), findOutcome: async () => null };
    await runEffect(id, { db: database, logger, ledger: createEffectLedger(database) }, { performers: { 'team.notify': performer }, parkAfterMs: 60_000 });
    expect(await status(id)).toBe('parked');
    expect(await openAttention(id)).toBe(1);
  });

  it('raises no attention item when the status webhook settled the effect between the outcome lookup and the park', async () => {
    const id = await storeEffect({ status: 'sending', sentAt: new Date(Date.now() - 120_000) });
    const performer: IntentPerformer<'team.notify'> = {
      mode: 'intent',
      perform: () => Promise.reject(new Error('must not resend')),
      // Nothing recorded yet when asked; the webhook's worker marks it done right after.
      findOutcome: async () => {
        await db.effect.update({ where: { id }, data: { status: 'done', providerRef: 'wamid.late', doneAt: new Date() } });
        return null;
      },
    };
    await runEffect(id, { db: database, logger, ledger: createEffectLedger(database) }, { performers: { 'team.notify': performer }, parkAfterMs: 60_000 });
    expect(await status(id)).toBe('done');
    expect(await openAttention(id)).toBe(0);
  });
});

describe('runEffect, stored requests', () => {
  it('hands the performer the request as its kind\'s schema parsed it', async () => {
    const id = await storeEffect({ status: 'pending' });
    const seen: unknown[] = [];
    const performer: IntentPerformer<'team.notify'> = {
      mode: 'intent',
      async perform(effect) {
        seen.push(effect.request);
        return { providerRef: null };
      },
    };
    await runEffect(id, { db: database, logger, ledger: createEffectLedger(database) }, { performers: { 'team.notify': performer }, parkAfterMs: 60_000 });
    expect(seen).toEqual([teamPost]);
    expect(await status(id)).toBe('done');
  });

  it('a request that no longer parses is a permanent failure naming the kind and the field, and nothing is performed', async () => {
    const id = await storeEffect({ status: 'pending', kind: 'payment.refund', request: { provider: 'stripe', connection: 'default', amount: 100 } });
    const performer: IdempotentPerformer<'payment.refund'> = { mode: 'idempotent', perform: () => Promise.reject(new Error('must not be called')) };
    const err = await runEffect(id, { db: database, logger, ledger: createEffectLedger(database) }, { performers: { 'payment.refund': performer }, parkAfterMs: 60_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'permanent', code: 'EFFECT_REQUEST_INVALID', message: expect.stringMatching(/payment\.refund.*paymentId/) });
    expect(await status(id)).toBe('pending');
  });

  it('an effect kind without a performer on this worker is a permanent failure', async () => {
    const id = await storeEffect({ status: 'pending', kind: 'test.unknown' });
    const err = await runEffect(id, { db: database, logger, ledger: createEffectLedger(database) }, { performers: {}, parkAfterMs: 60_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'permanent', code: 'EFFECT_KIND_UNKNOWN' });
  });
});
