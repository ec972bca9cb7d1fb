import { randomUUID } from 'node:crypto';
import { createDatabase, createDb, poolOf, type Database, type EffectRow, type PrismaClient } from '@switchyard/db';
import type { HubspotClient } from '@switchyard/connectors';
import { createLogger } from '@switchyard/logger';
import type { OutboundClients, SettingsHolder } from '@switchyard/workflows';
import { dealSyncPerformer } from '../src/performers/crm-performers';

// The deal sync against the real database with a scripted HubSpot: what it reads, writes and
// records around the call, without the queue.
let db: PrismaClient;
let database: Database;
beforeAll(() => {
  db = createDb({ url: process.env.DATABASE_URL ?? '', poolSize: 4 });
  database = createDatabase({ url: '', pool: poolOf(db)! });
});
afterAll(async () => {
  await db.$disconnect();
});

const stages = { paid: 'closedwon', paymentFailed: 'payment_failed', refunded: 'refunded', partiallyRefunded: 'partially_refunded', disputed: 'disputed', newLead: 'new' };
const settings = { current: () => ({ crm: { provider: 'hubspot', pipeline: 'default', stages } }) } as unknown as SettingsHolder;

/** A HubSpot whose deal upserts are recorded and may run a step while the request is "in flight". */
function scriptedHubspot(whileInFlight: (call: number) => Promise<void> = async () => undefined) {
  const stagesSent: string[] = [];
  const client = {
    async upsert(_type: string, _idProperty: string, items: { id: string; properties: Record<string, unknown> }[]) {
      stagesSent.push(String(items[0]!.properties.dealstage));
      await whileInFlight(stagesSent.length);
      return [{ key: items[0]!.id, id: 'deal-1', created: false }];
    },
  } as unknown as HubspotClient;
  const clients = { hubspot: () => client } as unknown as OutboundClients;
  return { clients, stagesSent };
}

async function payment(status: string, version: number): Promise<string> {
  const key = `razorpay:default:pay_${randomUUID()}`;
  await db.payment.create({ data: { key, provider: 'razorpay', connection: 'default', paymentId: key.split(':')[2]!, status, version, amount: 1000, currency: 'INR' } });
  return key;
}

function effectFor(paymentKey: string): EffectRow {
  return { id: randomUUID(), kind: 'crm.deal.sync', businessKey: `${paymentKey}@v1`, queue: 'crm', provider: 'hubspot', connection: 'default', entityType: 'payment', entityKey: paymentKey, request: { provider: 'hubspot', connection: 'default', paymentKey }, status: 'pending', idempotencyKey: 'sy-x', eventId: null, providerRef: null, attempts: 0, sentAt: null, createdAt: new Date() };
}

const ctx = () => ({ db, database, logger: createLogger({ service: 'deal-sync-test', level: 'error' }) });

describe('dealSyncPerformer', () => {
  it('calls HubSpot with no transaction open and no lock on the payment row, then records the version it sent', async () => {
    const key = await payment('succeeded', 1);
    const pool = poolOf(db)!;
    let checkedOut = -1;
    const { clients, stagesSent } = scriptedHubspot(async () => {
      // While the request is out: no connection of the pool is checked out (none is held for the
      // call), and the payment's row can be locked at once.
      checkedOut = pool.totalCount - pool.idleCount;
      await db.$transaction(async (tx) => tx.$queryRawUnsafe(`SELECT key FROM payments WHERE key = $1 FOR UPDATE NOWAIT`, key));
    });
    const outcome = await dealSyncPerformer({ clients, settings }).perform(effectFor(key), ctx());
    expect(outcome).toMatchObject({ providerRef: 'deal-1', response: { stage: 'closedwon' } });
    expect(stagesSent).toEqual(['closedwon']);
    expect(checkedOut).toBe(0);
    expect(await db.payment.findUniqueOrThrow({ where: { key } })).toMatchObject({ version: 1, crmSyncedVersion: 1 });
  });

  it('writes again when the payment moved on during the call, so the deal ends at the newest stage', async () => {
    const key = await payment('succeeded', 1);
    const { clients, stagesSent } = scriptedHubspot(async (call) => {
      if (call === 1) await db.payment.update({ where: { key }, data: { status: 'refunded', version: 2 } });
    });
    const outcome = await dealSyncPerformer({ clients, settings }).perform(effectFor(key), ctx());
    expect(stagesSent).toEqual(['closedwon', 'refunded']);
    expect(outcome).toMatchObject({ providerRef: 'deal-1', response: { stage: 'refunded' } });
    expect(await db.payment.findUniqueOrThrow({ where: { key } })).toMatchObject({ version: 2, crmSyncedVersion: 2 });
  });

  it('makes no call when the payment version it would send is already synced', async () => {
    const key = await payment('refunded', 3);
    await db.payment.update({ where: { key }, data: { crmSyncedVersion: 3 } });
    const { clients, stagesSent } = scriptedHubspot();
    const outcome = await dealSyncPerformer({ clients, settings }).perform(effectFor(key), ctx());
    expect(stagesSent).toEqual([]);
    expect(outcome).toEqual({ providerRef: null, response: { skipped: 'payment version 3 already synced' } });
  });

  it('repairs its own stale write: a newer version synced by another sync during the call is written again, the record stays', async () => {
    const key = await payment('succeeded', 2);
    const { clients, stagesSent } = scriptedHubspot(async (call) => {
      // Meanwhile the payment was refunded (version 3) and that version's own sync landed first and was recorded.
      if (call === 1) await db.payment.update({ where: { key }, data: { status: 'refunded', version: 3, crmSyncedVersion: 3 } });
    });
    await dealSyncPerformer({ clients, settings }).perform(effectFor(key), ctx());
    expect(stagesSent).toEqual(['closedwon', 'refunded']);
    expect(await db.payment.findUniqueOrThrow({ where: { key } })).toMatchObject({ version: 3, crmSyncedVersion: 3 });
  });

  it('backs off with a retryable error when the payment keeps changing under every call', async () => {
    const key = await payment('succeeded', 1);
    let version = 1;
    const { clients, stagesSent } = scriptedHubspot(async () => {
      version += 1;
      await db.payment.update({ where: { key }, data: { version } });
    });
    await expect(dealSyncPerformer({ clients, settings }).perform(effectFor(key), ctx())).rejects.toMatchObject({ code: 'DEAL_SYNC_OUTPACED', kind: 'retryable' });
    expect(stagesSent).toHaveLength(5);
  });
});
