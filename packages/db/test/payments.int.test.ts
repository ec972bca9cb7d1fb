import { randomUUID } from 'node:crypto';
import type { PaymentFact, PaymentState } from '@switchyard/domain';
import { createDatabase, createDb, poolOf, transaction, type Database, type NewEffect, type PrismaClient } from '../src';
import { createPaymentWithEffects } from '../src/repositories/effect-plans';
import { lockPayment } from '../src/repositories/payments';

// The first-event fast path of the payments worker, against the real database.
let db: PrismaClient;
let database: Database;

beforeAll(() => {
  db = createDb({ url: process.env.DATABASE_URL ?? '', poolSize: 4 });
  const pool = poolOf(db);
  if (!pool) throw new Error('createDb made a client without a pool');
  database = createDatabase({ url: '', pool });
});
afterAll(async () => {
  await db.$disconnect();
});

const jobOf = (queue: string, effectId: string) => ({ jobName: `${queue}.perform-effect.v1`, jobId: `${queue}.eff.${effectId}` });

async function storeEvent(): Promise<string> {
  const id = randomUUID();
  await db.inboundEvent.create({ data: { id, provider: 'razorpay', connection: 'default', providerEventId: `evt_${id}`, type: 'payment.captured', status: 'processing', payload: {}, headers: {} } });
  return id;
}

function first(paymentId: string): { key: string; ids: { provider: string; connection: string; payment_id: string }; facts: PaymentFact[]; state: PaymentState; plans: NewEffect[] } {
  const occurredAt = '2026-11-21T10:00:00.000Z';
  const facts = [{ id: `captured:${paymentId}`, kind: 'succeeded', occurredAt, amount: 1000, currency: 'INR' }] as unknown as PaymentFact[];
  const state = { status: 'succeeded', amount: 1000, currency: 'INR', orderId: null, refundedAmount: 0, disputed: false, customer: {}, lastOccurredAt: occurredAt } as unknown as PaymentState;
  const key = `razorpay:default:${paymentId}`;
  const plans: NewEffect[] = [{ kind: 'message.send', businessKey: `receipt:${key}`, queue: 'whatsapp', provider: 'whatsapp', connection: 'default', entityType: 'payment', entityKey: key, request: { to: '15550001111' } }];
  return { key, ids: { provider: 'razorpay', connection: 'default', payment_id: paymentId }, facts, state, plans };
}

describe('createPaymentWithEffects', () => {
  it('creates a new payment at version 1, marks the event processed and plans its effects with their outbox jobs, in one statement', async () => {
    const p = first(`pay_${randomUUID()}`);
    const eventId = await storeEvent();
    const planned = await createPaymentWithEffects(database, { key: p.key, ...p.ids, facts: p.facts, state: p.state, eventId, plans: p.plans, jobOf });
    expect(planned).toEqual([{ id: expect.any(String), kind: 'message.send', businessKey: `receipt:${p.key}`, inserted: true }]);
    expect(await db.payment.findUniqueOrThrow({ where: { key: p.key } })).toMatchObject({ version: 1, status: 'succeeded', amount: 1000, paymentId: p.ids.payment_id });
    expect(await db.inboundEvent.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({ status: 'processed', entityType: 'payment', entityKey: p.key });
    expect(await db.effect.count({ where: { entityKey: p.key } })).toBe(1);
    expect(await db.outboxEntry.count({ where: { eventId } })).toBe(1);
  });

  it('writes nothing and returns null when the payment exists: the event, the ledger and the outbox are untouched', async () => {
    const p = first(`pay_${randomUUID()}`);
    await createPaymentWithEffects(database, { key: p.key, ...p.ids, facts: p.facts, state: p.state, eventId: await storeEvent(), plans: p.plans, jobOf });
    const second = await storeEvent();
    const other = { ...p, plans: p.plans.map((plan) => ({ ...plan, businessKey: `other:${p.key}` })) };
    expect(await createPaymentWithEffects(database, { key: p.key, ...p.ids, facts: p.facts, state: p.state, eventId: second, plans: other.plans, jobOf })).toBeNull();
    expect(await db.inboundEvent.findUniqueOrThrow({ where: { id: second } })).toMatchObject({ status: 'processing', entityKey: null });
    expect(await db.effect.count({ where: { entityKey: p.key } })).toBe(1);
    expect(await db.outboxEntry.count({ where: { eventId: second } })).toBe(0);
    expect((await db.payment.findUniqueOrThrow({ where: { key: p.key } })).version).toBe(1);
  });

  it('waits for a concurrent creator holding the row and then returns null (never two creators)', async () => {
    const p = first(`pay_${randomUUID()}`);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // The locked path creates the row in an open transaction (lockPayment's insert) and holds it.
    const holder = transaction(database, async (tx) => {
      await lockPayment(tx, { key: p.key, ...p.ids });
      locked();
      await held;
    });
    await isLocked;
    let settled = false;
    const racing = createPaymentWithEffects(database, { key: p.key, ...p.ids, facts: p.facts, state: p.state, eventId: await storeEvent(), plans: p.plans, jobOf }).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    release();
    await holder;
    expect(await racing).toBeNull();
    expect(await db.effect.count({ where: { entityKey: p.key } })).toBe(0);
  });
});
