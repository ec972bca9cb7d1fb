import { prismaTransaction, type EffectRow, type PrismaClient } from '@switchyard/db';
import { PermanentError } from '@switchyard/errors';
import type { EffectPerformer } from '@switchyard/worker-runtime';
import { dealExternalId, type ContactUpsertRequest, type CrmNoteRequest, type DealSyncRequest, type LeadUpsertRequest } from '@switchyard/planning';
import type { OutboundClients, SettingsHolder } from '@switchyard/outbound';
import { crmFor } from '../crm/crm-for';

interface Deps {
  clients: OutboundClients;
  settings: SettingsHolder;
  db: PrismaClient;
}

const req = <T>(effect: EffectRow) => effect.request as unknown as T;

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
export function dealSyncPerformer({ clients, settings, db }: Deps): EffectPerformer {
  return {
    mode: 'idempotent',
    async perform(effect) {
      const r = req<DealSyncRequest>(effect);
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

export function crmNotePerformer({ clients, settings, db }: Deps): EffectPerformer {
  return {
    mode: 'idempotent',
    async perform(effect) {
      const r = req<CrmNoteRequest>(effect);
      const note = r.paymentKey ? { ...r, deal: { externalId: await paymentDealId(db, r.paymentKey, r.deal) } } : r;
      const id = await crmFor(r, clients, settings, db).addNote(note);
      return { providerRef: id, response: { crmKey: `notes:${r.noteId}`, crmId: id } };
    },
  };
}

export function contactUpsertPerformer({ clients, settings, db }: Deps): EffectPerformer {
  return {
    mode: 'idempotent',
    async perform(effect) {
      const r = req<ContactUpsertRequest>(effect);
      const id = await crmFor(r, clients, settings, db).upsertContact(r);
      return { providerRef: id, response: { crmKey: `persons:${r.phone ?? r.email}`, crmId: id } };
    },
  };
}

/** The deal a payment's note belongs to now (its order, once any event has told us the order). */
async function paymentDealId(db: PrismaClient, paymentKey: string, planned: { externalId: string } | undefined): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ order_id: string | null }[]>(`SELECT order_id FROM payments WHERE key = $1`, paymentKey);
  return rows[0] ? dealExternalId(paymentKey, { orderId: rows[0].order_id }) : (planned?.externalId ?? paymentKey);
}

/** A lead: its contact, then its deal in the configured pipeline with the routed owner. */
export function leadUpsertPerformer({ clients, settings, db }: Deps): EffectPerformer {
  return {
    mode: 'idempotent',
    async perform(effect) {
      const r = req<LeadUpsertRequest>(effect);
      const crm = crmFor(r, clients, settings, db);
      if (r.contact.phone || r.contact.email) await crm.upsertContact({ ...r.contact, properties: { ...(r.source ? { lead_source: r.source } : {}) } });
      const id = await crm.upsertDeal({ externalId: r.dealExternalId, name: r.name, pipeline: r.pipeline, stage: r.stage, owner: r.owner, properties: { ...(r.region ? { switchyard_region: r.region } : {}) } });
      return { providerRef: id, response: { crmKey: `deals:${r.dealExternalId}`, crmId: id, owner: r.owner } };
    },
  };
}
