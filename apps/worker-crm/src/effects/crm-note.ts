import type { PrismaClient } from '@switchyard/db';
import { dealExternalId } from '@switchyard/planning';
import type { Performer } from '@switchyard/worker-runtime';
import { crmFor, type CrmDeps } from '../crm/crm-for';

export function crmNotePerformer({ clients, settings, db }: CrmDeps): Performer<'crm.note'> {
  return {
    mode: 'idempotent',
    async perform(effect) {
      const r = effect.request;
      const note = r.paymentKey ? { ...r, deal: { externalId: await paymentDealId(db, r.paymentKey, r.deal) } } : r;
      const id = await crmFor(r, clients, settings, db).addNote(note);
      return { providerRef: id, response: { crmKey: `notes:${r.noteId}`, crmId: id } };
    },
  };
}

/** The deal a payment's note belongs to now (its order, once any event has told us the order). */
async function paymentDealId(db: PrismaClient, paymentKey: string, planned: { externalId: string } | undefined): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ order_id: string | null }[]>(`SELECT order_id FROM payments WHERE key = $1`, paymentKey);
  return rows[0] ? dealExternalId(paymentKey, { orderId: rows[0].order_id }) : (planned?.externalId ?? paymentKey);
}
