import type { PipedriveClient } from '@switchyard/connectors';
import { PermanentError } from '@switchyard/errors';
import type { CrmGateway } from './crm-gateway';

/** Where the Pipedrive id of one of our external keys is remembered (Pipedrive has no upsert). */
export interface PipedriveIds {
  get(key: string): Promise<number | undefined>;
  set(key: string, id: number): Promise<void>;
}

/**
 * Pipedrive has no upsert by external id: we remember the id Pipedrive gave each of our keys and
 * PATCH it next time. A create is not idempotent on Pipedrive's side; the effect ledger makes
 * sure each create is attempted once per business key.
 */
export function pipedriveGateway(client: PipedriveClient, ids: PipedriveIds): CrmGateway {
  const upsert = async (entity: 'deals' | 'persons', key: string, data: Record<string, unknown>) => {
    const known = await ids.get(`${entity}:${key}`);
    const out = await client.upsert(entity, known, data);
    if (out.id !== known) await ids.set(`${entity}:${key}`, out.id);
    return String(out.id);
  };
  return {
    upsertDeal: (d) => upsert('deals', d.externalId, { title: d.name, stage_id: Number(d.stage) || undefined, ...(d.amount !== undefined ? { value: d.amount / 100 } : {}), ...(d.currency ? { currency: d.currency.toUpperCase() } : {}) }),
    upsertContact: (c) => upsert('persons', c.phone ?? c.email ?? 'unknown', { name: c.name ?? c.phone ?? c.email, ...(c.phone ? { phones: [{ value: c.phone, primary: true }] } : {}), ...(c.email ? { emails: [{ value: c.email, primary: true }] } : {}) }),
    addNote: () => Promise.reject(new PermanentError('notes are not supported by the Pipedrive connector yet; use HubSpot or Salesforce for CRM notes', 'PIPEDRIVE_NOTES_UNSUPPORTED')),
  };
}
