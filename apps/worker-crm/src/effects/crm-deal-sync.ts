import { prismaTransaction } from '@switchyard/db';
import { PermanentError } from '@switchyard/errors';
import { dealExternalId } from '@switchyard/planning';
import type { Performer } from '@switchyard/worker-runtime';
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

/**
 * Moves the payment's deal to the stage of the payment's state as it is NOW, under the payment's
 * row lock: syncs run one at a time per payment and each writes the newest state, so the deal
 * ends in the stage of the final state whatever order the events came in.
 */
export function dealSyncPerformer({ clients, settings, db }: CrmDeps): Performer<'crm.deal.sync'> {
  return {
    mode: 'idempotent',
    async perform(effect) {
      const r = effect.request;
      const crm = settings.current().crm;
      if (!crm) throw new PermanentError('crm.deal.sync needs a crm section in the configuration file', 'CRM_NOT_CONFIGURED');
      return prismaTransaction(
        db,
        async (tx) => {
          const rows = await tx.$queryRawUnsafe<{ status: string; disputed: boolean; amount: number | null; currency: string | null; order_id: string | null; payment_id: string; provider: string }[]>(
            `SELECT status, disputed, amount, currency, order_id, payment_id, provider FROM payments WHERE key = $1 FOR UPDATE`,
            r.paymentKey,
          );
          const p = rows[0];
          if (!p) throw new PermanentError(`payment ${r.paymentKey} not found`, 'PAYMENT_NOT_FOUND');
          const stage = stageForPayment(crm.stages, p);
          if (!stage) return { providerRef: null, response: { skipped: 'payment still pending' } };
          const externalId = dealExternalId(r.paymentKey, { orderId: p.order_id });
          const id = await crmFor(r, clients, settings, db).upsertDeal({
            externalId,
            name: `Order ${p.order_id ?? p.payment_id}`,
            pipeline: crm.pipeline,
            stage,
            ...(p.amount !== null ? { amount: p.amount } : {}),
            ...(p.currency ? { currency: p.currency } : {}),
          });
          return { providerRef: id, response: { crmKey: `deals:${externalId}`, crmId: id, stage } };
        },
        { timeoutMs: 25_000 },
      );
    },
  };
}
