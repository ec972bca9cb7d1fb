import { findDealSyncState, recordDealSynced } from '@switchyard/db';
import { PermanentError, RetryableError } from '@switchyard/errors';
import { dealExternalId } from '@switchyard/planning';
import type { EffectOutcome, Performer } from '@switchyard/worker-runtime';
import { crmFor, type CrmDeps } from '../crm/crm-for';

/** The CRM stage a payment's current state maps to (settings.crm.stages), or null for pending. */
export function stageForPayment(stages: { paid: string; paymentFailed: string; refunded: string; partiallyRefunded?: string; disputed: string }, state: { status: string; disputed: boolean }): string | null {
  if (state.disputed) return stages.disputed;
  switch (state.status) {
    case 'succeeded':
      return stages.paid;
    case 'failed':
      return stages.paymentFailed;
    case 'refunded':
      return stages.refunded;
    case 'partially_refunded':
      return stages.partiallyRefunded ?? stages.paid;
    default:
      return null;
  }
}

/** Rounds one deal sync makes while the payment keeps changing under it, before it backs off and retries. */
const MAX_SYNC_ROUNDS = 5;

/**
 * Moves the payment's deal to the stage of the payment's state, holding no transaction, row lock
 * or pooled connection while the CRM is called: a row lock held over the HTTP call (as this did
 * before) blocked the payment's own events for up to the CRM's timeout and pinned a connection
 * per sync in flight.
 *
 * Syncs of one payment may therefore run at the same time, and the CRM keeps whichever write lands
 * last. A version compare-and-set makes them converge instead of a lock: read the state with its
 * version (one autocommit read), write the stage for it, record that version as synced (the record
 * never moves back), and if the payment has a newer version by then, write again. So the deal ends at the
 * stage of the payment's final state whatever the order of events and syncs: the last write to land
 * came from a sync that found no newer version once it had landed, and a version saved after that
 * check plans a sync of its own. A stale write that lands after a newer one is repaired by the sync
 * that sent it, which sees the newer version when its call returns.
 *
 * A sync that finds the payment's current version already recorded as synced makes no call: that
 * stage is at the CRM, and any older write still in flight is repaired by its own sender.
 */
export function dealSyncPerformer({ clients, settings }: CrmDeps): Performer<'crm.deal.sync'> {
  return {
    mode: 'idempotent',
    async perform(effect, { db }) {
      const r = effect.request;
      const crm = settings.current().crm;
      if (!crm) throw new PermanentError('crm.deal.sync needs a crm section in the configuration file', 'CRM_NOT_CONFIGURED');
      const gateway = crmFor(r, clients, settings, db);
      let written: EffectOutcome | null = null;
      for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
        const p = await findDealSyncState(db, r.paymentKey);
        if (!p) throw new PermanentError(`payment ${r.paymentKey} not found`, 'PAYMENT_NOT_FOUND');
        const stage = stageForPayment(crm.stages, p);
        if (!stage) return written ?? { providerRef: null, response: { skipped: 'payment still pending' } };
        if (!written && p.crm_synced_version >= p.version) return { providerRef: null, response: { skipped: `payment version ${p.version} already synced` } };
        const externalId = dealExternalId(r.paymentKey, { orderId: p.order_id });
        const id = await gateway.upsertDeal({
          externalId,
          name: `Order ${p.order_id ?? p.payment_id}`,
          pipeline: crm.pipeline,
          stage,
          ...(p.amount !== null ? { amount: p.amount } : {}),
          ...(p.currency ? { currency: p.currency } : {}),
        });
        written = { providerRef: id, response: { crmKey: `deals:${externalId}`, crmId: id, stage } };
        const now = await recordDealSynced(db, { paymentKey: r.paymentKey, version: p.version });
        if (!now || now.version <= p.version) return written;
      }
      throw new RetryableError(`payment ${r.paymentKey} kept changing during its deal sync; syncing again later`, 'DEAL_SYNC_OUTPACED');
    },
  };
}
