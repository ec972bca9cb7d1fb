import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createDatabase, createEffectLedger, markEffectParked, poolOfDatabase, raiseAttention, transaction, type Database } from '@switchyard/db';
import type { CanonicalOf } from '@switchyard/domain';
import { createLogger } from '@switchyard/logger';
import { staticSettings } from '@switchyard/outbound';
import { defaultSettings } from '@switchyard/settings';
import { runEffect, type EventHandlerContext, type IntentPerformer } from '@switchyard/worker-runtime';
import { handleMessageStatusChanged } from '../src/events/message-status-changed';

// A send whose worker died with the request in flight is later either settled by its status
// webhook (it went out) or parked for a person by the re-run job (no sign of it). The two race;
// whichever order they run in, a send that ends done must leave no open "outcome unknown" item
// (the crash e2e test once counted 24 open items for 23 parked sends). These interleavings are
// forced here with the repository's own statements and row locks, not by killing processes.
let db: Database;
const logger = createLogger({ service: 'parked-send-settled-test', level: 'error', stream: new Writable({ write: (_chunk, _enc, cb) => cb() }) });
const settings = staticSettings(defaultSettings());

beforeAll(() => {
  db = createDatabase({ url: process.env.DATABASE_URL ?? '', poolSize: 4 });
});
afterAll(async () => {
  await db.destroy();
});

/** A message.send whose intent was committed `sentAgoMs` ago and whose outcome is unknown. */
async function sendingEffect(sentAgoMs: number): Promise<string> {
  const id = randomUUID();
  const request = { channel: 'whatsapp_cloud', connection: 'default', to: '15550001111', notification: 'receipt', template: { name: 'receipt', language: 'en', parameters: [] }, consent: 'unless_opted_out' };
  await db
    .insertInto('effects')
    .values({ id, kind: 'message.send', business_key: `receipt:${id}`, status: 'sending', queue: 'whatsapp', provider: 'whatsapp', connection: 'default', idempotency_key: `sy-${id}`, entity_type: 'payment', entity_key: `pay_${id}`, request: JSON.stringify(request), attempts: 1, sent_at: new Date(Date.now() - sentAgoMs) })
    .execute();
  return id;
}

/** The status webhook of the send `effectId` made, as the whatsapp worker handles it. */
function statusWebhook(effectId: string): Promise<void> {
  const event: CanonicalOf<'message.status_changed'> = {
    type: 'message.status_changed',
    provider: 'whatsapp',
    connection: 'default',
    providerEventId: `wamid.${effectId}:delivered`,
    occurredAt: new Date().toISOString(),
    channel: 'whatsapp_cloud',
    messageId: `wamid.${effectId}`,
    recipient: '15550001111',
    status: 'delivered',
    callbackData: effectId,
  };
  // The handler reads only db, logger and eventId; the job it came in is not part of this test.
  const ctx = { db, logger, eventId: randomUUID(), attempt: 1 } as unknown as EventHandlerContext;
  return handleMessageStatusChanged(event, ctx, settings);
}

async function effectStatus(id: string): Promise<string | undefined> {
  return (await db.selectFrom('effects').select('status').where('id', '=', id).executeTakeFirst())?.status;
}

async function openItems(effectId: string): Promise<number> {
  const rows = await db.selectFrom('attention_items').select('id').where('kind', '=', 'effect_outcome_unknown').where('entity_key', '=', effectId).where('resolved_at', 'is', null).execute();
  return rows.length;
}

/** Resolves once another backend waits for a lock `pid` holds (a positive signal, no sleep). */
async function someoneWaitsFor(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await poolOfDatabase(db).query<{ waiting: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))) AS waiting', [pid]);
    if (rows[0]?.waiting) return;
    if (Date.now() > deadline) throw new Error(`nobody waited for backend ${pid} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('the status webhook arriving while the re-run job parks the send: the send ends done and the item the park raised is closed', async () => {
  const effectId = await sendingEffect(60_000);
  let commitPark: () => void = () => undefined;
  const parkMayCommit = new Promise<void>((resolve) => (commitPark = resolve));
  let parkedBy: (pid: number) => void = () => undefined;
  const parkedUncommitted = new Promise<number>((resolve) => (parkedBy = resolve));

  // The runner's park transaction (effect-runner.ts), held open after its two statements.
  const park = transaction(db, async (tx) => {
    expect(await markEffectParked(tx, { effectId, reason: 'outcome unknown 60 s after the send; not resent' })).toBe(true);
    await raiseAttention(tx, { kind: 'effect_outcome_unknown', entityType: 'effect', entityKey: effectId, eventId: null, summary: 'message.send: confirm or resend it' });
    const { pid } = await tx.selectNoFrom((eb) => eb.fn<number>('pg_backend_pid').as('pid')).executeTakeFirstOrThrow();
    parkedBy(pid);
    await parkMayCommit;
  });

  const parker = await parkedUncommitted;
  const webhook = statusWebhook(effectId);
  // The webhook's transaction reaches the effect's row and waits for the park to commit.
  await someoneWaitsFor(parker);
  commitPark();
  await park;
  await webhook;

  expect(await effectStatus(effectId)).toBe('done');
  expect(await openItems(effectId)).toBe(0);
});

it('the status webhook settling the send while the re-run job looks for it: the job does not park it and raises nothing', async () => {
  const effectId = await sendingEffect(60_000);
  // The re-run job's findOutcome misses the message (its webhook is not stored yet), and the webhook
  // is stored right after, before the job decides to park.
  const performer: IntentPerformer<'message.send'> = {
    mode: 'intent',
    perform: () => Promise.reject(new Error('a re-run job must never send again')),
    findOutcome: async () => {
      await statusWebhook(effectId);
      return null;
    },
  };
  await runEffect(effectId, { db, logger, ledger: createEffectLedger(db) }, { performers: { 'message.send': performer }, parkAfterMs: 1000 });

  expect(await effectStatus(effectId)).toBe('done');
  expect(await openItems(effectId)).toBe(0);
});

it('a send parked twice (two re-run jobs) raises one item', async () => {
  const effectId = await sendingEffect(60_000);
  const performer: IntentPerformer<'message.send'> = { mode: 'intent', perform: () => Promise.reject(new Error('a re-run job must never send again')), findOutcome: async () => null };
  const opts = { performers: { 'message.send': performer }, parkAfterMs: 1000 };
  await Promise.all([runEffect(effectId, { db, logger, ledger: createEffectLedger(db) }, opts), runEffect(effectId, { db, logger, ledger: createEffectLedger(db) }, opts)]);

  expect(await effectStatus(effectId)).toBe('parked');
  expect(await openItems(effectId)).toBe(1);
});
