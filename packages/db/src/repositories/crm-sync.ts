import { sql, type Selectable } from 'kysely';
import type { Db } from '../database';
import { EffectStatus } from '../generated/kysely/enums';
import type { Payment } from '../generated/kysely/types';

/** What a CRM deal sync reads of a payment: the state its stage comes from, and the versions. */
export type DealSyncState = Pick<Selectable<Payment>, 'status' | 'disputed' | 'amount' | 'currency' | 'order_id' | 'payment_id' | 'version' | 'crm_synced_version'>;

/**
 * The payment as a deal sync sends it, in one autocommit read: no lock, no transaction, so nothing
 * is held while the CRM is called. The sync then records what it sent (recordDealSynced).
 */
export async function findDealSyncState(db: Db, paymentKey: string): Promise<DealSyncState | null> {
  const row = await db
    .selectFrom('payments')
    .select(['status', 'disputed', 'amount', 'currency', 'order_id', 'payment_id', 'version', 'crm_synced_version'])
    .where('key', '=', paymentKey)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * After the CRM call: records that the deal was written at the stage of payment version `version`
 * (compare-and-set: never moves the record back to an older version), and returns the payment's
 * version now, so the caller can tell whether the payment changed while it was calling.
 */
export async function recordDealSynced(db: Db, input: { paymentKey: string; version: number }): Promise<{ version: number } | null> {
  const row = await db
    .with('recorded', (qb) =>
      qb.updateTable('payments').set({ crm_synced_version: input.version }).where('key', '=', input.paymentKey).where('crm_synced_version', '<', input.version).returning('key'),
    )
    .selectFrom('payments')
    .select('version')
    .where('key', '=', input.paymentKey)
    .executeTakeFirst();
  return row ?? null;
}

/** The CRM's id for an object we wrote before, by the key our performers store with the outcome (`response.crmKey`). */
export async function findCrmObjectRef(db: Db, input: { provider: string; crmKey: string }): Promise<string | null> {
  const row = await db
    .selectFrom('effects')
    .select('provider_ref')
    .where('provider', '=', input.provider)
    .where('status', '=', EffectStatus.done)
    .where(sql<string>`response->>'crmKey'`, '=', input.crmKey)
    .orderBy('done_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.provider_ref ?? null;
}
