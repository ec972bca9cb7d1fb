import { identifierPattern, normalizeEmail, normalizePhone, personMasker, type PersonIdentifiers, type PersonMasker } from '@switchyard/domain';
import { sql } from 'kysely';
import type { Db, Tx } from '../database';
import { EffectStatus } from '../generated/kysely/enums';
import { transaction } from '../transaction';

/**
 * Erasure of one person's data, found by email or phone: everything stored about them is masked
 * or removed, in one transaction, while what bookkeeping needs stays (amounts, currencies,
 * statuses, the effect ledger and the event rows that are the dedup keys). It runs in one
 * transaction (the caller's, when given one), so a failure changes nothing.
 */

export type ErasureTable =
  | 'inbound_events'
  | 'outbox_entries'
  | 'effects'
  | 'effects_cancelled'
  | 'payments'
  | 'messages'
  | 'contacts_deleted'
  | 'leads'
  | 'attention_items'
  | 'audit_entries';

export interface ErasureResult {
  /** How many identifiers were erased (the request's and those found with it); never the values. */
  identifiers: { emails: number; phones: number; names: number };
  /** Rows changed per table (`contacts_deleted`: removed; `effects_cancelled`: unsent effects skipped). */
  changed: Record<ErasureTable, number>;
  total: number;
}

/** Effects that have not reached the provider: erasing their recipient means they are never sent. */
const UNSENT = new Set<EffectStatus>([EffectStatus.pending, EffectStatus.parked, EffectStatus.failed]);

const add = (set: Set<string>, value: string | null | undefined, normalize: (v: string) => string | null) => {
  const v = value ? normalize(value) : null;
  if (v) set.add(v);
};

/** The person's other identifiers, from the records that hold several (contacts, leads, payment customers). */
async function collectIdentifiers(db: Db, start: { emails: string[]; phones: string[] }): Promise<PersonIdentifiers> {
  const emails = new Set(start.emails);
  const phones = new Set(start.phones);
  const names = new Set<string>();
  for (let round = 0; round < 3; round++) {
    const size = emails.size + phones.size;
    const pattern = identifierPattern({ emails: [...emails], phones: [...phones] }) ?? '$^';
    const phoneList = [...phones];
    const emailList = [...emails];
    const keys = [...emailList.map((e) => `email:${e}`), ...phoneList.map((p) => `phone:${p}`)];
    const { rows: people } = await sql<{ email: string | null; phone: string | null; name: string | null }>`
      SELECT email, phone, name FROM contacts WHERE phone = ANY(${phoneList}::text[]) OR lower(email) = ANY(${emailList}::text[])
      UNION ALL
      SELECT email, phone, name FROM leads WHERE phone = ANY(${phoneList}::text[]) OR lower(email) = ANY(${emailList}::text[]) OR dedup_key = ANY(${keys}::text[])
      UNION ALL
      SELECT customer->>'email', customer->>'phone', customer->>'name' FROM payments WHERE customer::text ~* ${pattern}`.execute(db);
    for (const p of people) {
      add(emails, p.email, normalizeEmail);
      add(phones, p.phone, normalizePhone);
      if (p.name?.trim()) names.add(p.name.trim());
    }
    if (emails.size + phones.size === size) break;
  }
  return { emails: [...emails], phones: [...phones], names: [...names] };
}

/** A JSON value for a jsonb column (null stays SQL NULL). */
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const maskText = (m: PersonMasker, v: string | null, names = true) => (v === null ? null : m.text(v, { names }));
type JsonColumn = 'payload' | 'headers' | 'canonical' | 'data' | 'request' | 'response' | 'customer' | 'facts' | 'fields' | 'details';
/** `column::text ~* pattern`: the JSON column mentions one of the person's identifiers somewhere inside. */
const mentions = (column: JsonColumn, pattern: string) => sql<boolean>`${sql.ref(column)}::text ~* ${pattern}`;

/**
 * Masks or removes the data of the person with `email` and/or `phone`. `erasureId` names the
 * tokens that replace their identifiers (`erased-<erasureId>-<n>`). A second call finds nothing
 * left to change. Runs in a transaction: the caller's, or its own.
 */
export async function erasePerson(db: Db, request: { email?: string; phone?: string; erasureId: string }): Promise<ErasureResult> {
  return transaction(db, (tx) => eraseInTransaction(tx, request));
}

async function eraseInTransaction(tx: Tx, request: { email?: string; phone?: string; erasureId: string }): Promise<ErasureResult> {
  const { erasureId } = request;
  const start = { emails: request.email ? [normalizeEmail(request.email)].filter((e): e is string => !!e) : [], phones: request.phone ? [normalizePhone(request.phone)].filter((p): p is string => !!p) : [] };
  if (start.emails.length + start.phones.length === 0) throw new Error('an erasure needs a valid email or phone');
  const ids = await collectIdentifiers(tx, start);
  const pattern = identifierPattern(ids) as string;
  const m = personMasker(ids, erasureId);
  const changed: Record<ErasureTable, number> = {
    inbound_events: 0,
    outbox_entries: 0,
    effects: 0,
    effects_cancelled: 0,
    payments: 0,
    messages: 0,
    contacts_deleted: 0,
    leads: 0,
    attention_items: 0,
    audit_entries: 0,
  };

  // Payloads and headers are removed outright (they hold more than we can recognise: addresses,
  // free text); the canonical event keeps its business facts with the person masked out.
  const events = await tx
    .selectFrom('inbound_events')
    .select(['id', 'canonical', 'last_error', 'entity_key'])
    .where((eb) => eb.or([mentions('payload', pattern), mentions('headers', pattern), mentions('canonical', pattern), eb('last_error', '~*', pattern), eb('entity_key', '~*', pattern)]))
    .forUpdate()
    .execute();
  for (const e of events) {
    await tx
      .updateTable('inbound_events')
      .set({
        payload: null,
        headers: null,
        payload_dropped_at: sql<Date>`coalesce(payload_dropped_at, now())`,
        canonical: json(m.json(e.canonical)),
        last_error: maskText(m, e.last_error),
        entity_key: maskText(m, e.entity_key, false),
      })
      .where('id', '=', e.id)
      .execute();
  }
  changed.inbound_events = events.length;

  const outbox = await tx
    .selectFrom('outbox_entries')
    .select(['id', 'data', 'last_error'])
    .where((eb) => eb.or([mentions('data', pattern), eb('last_error', '~*', pattern)]))
    .forUpdate()
    .execute();
  for (const o of outbox) await tx.updateTable('outbox_entries').set({ data: json(m.json(o.data)), last_error: maskText(m, o.last_error) }).where('id', '=', o.id).execute();
  changed.outbox_entries = outbox.length;

  // Effects not sent yet are not sent to a masked address: they are skipped.
  const effects = await tx
    .selectFrom('effects')
    .select(['id', 'business_key', 'entity_key', 'request', 'response', 'last_error', 'status'])
    .where((eb) => eb.or([eb('business_key', '~*', pattern), eb('entity_key', '~*', pattern), mentions('request', pattern), mentions('response', pattern), eb('last_error', '~*', pattern)]))
    .forUpdate()
    .execute();
  for (const f of effects) {
    const cancel = UNSENT.has(f.status);
    await tx
      .updateTable('effects')
      .set({
        business_key: m.text(f.business_key, { names: false }),
        entity_key: m.text(f.entity_key, { names: false }),
        request: json(m.json(f.request)),
        response: json(m.json(f.response)),
        last_error: cancel ? `not sent: its recipient's data was erased (${erasureId})` : maskText(m, f.last_error),
        ...(cancel ? { status: EffectStatus.skipped } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', f.id)
      .execute();
    if (cancel) changed.effects_cancelled++;
  }
  changed.effects = effects.length;

  // Amounts, currencies, statuses and refunds stay: bookkeeping needs them; who paid does not.
  const payments = await tx
    .selectFrom('payments')
    .select(['key', 'customer', 'facts'])
    .where((eb) => eb.or([mentions('customer', pattern), mentions('facts', pattern)]))
    .forUpdate()
    .execute();
  for (const p of payments) await tx.updateTable('payments').set({ customer: json(m.json(p.customer)), facts: json(m.json(p.facts)), updated_at: sql<Date>`now()` }).where('key', '=', p.key).execute();
  changed.payments = payments.length;

  const messages = await tx
    .selectFrom('messages')
    .select(['id', 'recipient', 'error_message'])
    .where((eb) => eb.or([eb('recipient', '~*', pattern), eb('error_message', '~*', pattern)]))
    .forUpdate()
    .execute();
  for (const g of messages) await tx.updateTable('messages').set({ recipient: maskText(m, g.recipient), error_message: maskText(m, g.error_message), updated_at: sql<Date>`now()` }).where('id', '=', g.id).execute();
  changed.messages = messages.length;

  const deleted = await tx
    .deleteFrom('contacts')
    .where((eb) => eb.or([sql<boolean>`phone = ANY(${ids.phones}::text[])`, sql<boolean>`lower(email) = ANY(${ids.emails}::text[])`, eb('phone', '~*', pattern), eb('email', '~*', pattern)]))
    .executeTakeFirst();
  changed.contacts_deleted = Number(deleted.numDeletedRows);

  const leads = await tx
    .selectFrom('leads')
    .select(['id', 'dedup_key', 'fields'])
    .where((eb) => eb.or([eb('email', '~*', pattern), eb('phone', '~*', pattern), eb('dedup_key', '~*', pattern), mentions('fields', pattern)]))
    .forUpdate()
    .execute();
  for (const l of leads)
    await tx
      .updateTable('leads')
      .set({ email: null, phone: null, name: null, dedup_key: m.text(l.dedup_key, { names: false }), fields: json(m.json(l.fields)), updated_at: sql<Date>`now()` })
      .where('id', '=', l.id)
      .execute();
  changed.leads = leads.length;

  const attention = await tx
    .selectFrom('attention_items')
    .select(['id', 'summary', 'entity_key', 'resolution'])
    .where((eb) => eb.or([eb('summary', '~*', pattern), eb('entity_key', '~*', pattern), eb('resolution', '~*', pattern)]))
    .forUpdate()
    .execute();
  for (const a of attention)
    await tx.updateTable('attention_items').set({ summary: m.text(a.summary), entity_key: m.text(a.entity_key, { names: false }), resolution: maskText(m, a.resolution) }).where('id', '=', a.id).execute();
  changed.attention_items = attention.length;

  const audit = await tx
    .selectFrom('audit_entries')
    .select(['id', 'target', 'reason', 'details'])
    .where((eb) => eb.or([eb('target', '~*', pattern), eb('reason', '~*', pattern), mentions('details', pattern)]))
    .forUpdate()
    .execute();
  for (const a of audit)
    await tx.updateTable('audit_entries').set({ target: m.text(a.target, { names: false }), reason: maskText(m, a.reason), details: json(m.json(a.details)) }).where('id', '=', a.id).execute();
  changed.audit_entries = audit.length;

  const total = Object.entries(changed).reduce((n, [k, v]) => (k === 'effects_cancelled' ? n : n + v), 0);
  return { identifiers: { emails: ids.emails.length, phones: ids.phones.length, names: ids.names.length }, changed, total };
}

/** Masks the person's identifiers in a text about the erasure itself (the operator's reason). */
export function maskForAudit(text: string, request: { email?: string; phone?: string }): string {
  const emails = request.email ? [normalizeEmail(request.email)].filter((e): e is string => !!e) : [];
  const phones = request.phone ? [normalizePhone(request.phone)].filter((p): p is string => !!p) : [];
  return personMasker({ emails, phones, names: [] }, 'request').text(text);
}
