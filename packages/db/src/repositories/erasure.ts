import { identifierPattern, normalizeEmail, normalizePhone, personMasker, type PersonIdentifiers, type PersonMasker } from '@switchyard/domain';
import type { Sql } from '../transaction';

/**
 * Erasure of one person's data, found by email or phone: everything stored about them is masked
 * or removed, in one transaction, while what bookkeeping needs stays (amounts, currencies,
 * statuses, the effect ledger and the event rows that are the dedup keys). Run it inside a
 * transaction (the caller's), so a failure changes nothing.
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

const add = (set: Set<string>, value: string | null | undefined, normalize: (v: string) => string | null) => {
  const v = value ? normalize(value) : null;
  if (v) set.add(v);
};

/** The person's other identifiers, from the records that hold several (contacts, leads, payment customers). */
async function collectIdentifiers(tx: Sql, start: { emails: string[]; phones: string[] }): Promise<PersonIdentifiers> {
  const emails = new Set(start.emails);
  const phones = new Set(start.phones);
  const names = new Set<string>();
  for (let round = 0; round < 3; round++) {
    const size = emails.size + phones.size;
    const pattern = identifierPattern({ emails: [...emails], phones: [...phones] });
    const keys = [...[...emails].map((e) => `email:${e}`), ...[...phones].map((p) => `phone:${p}`)];
    const people = await tx.$queryRawUnsafe<{ email: string | null; phone: string | null; name: string | null }[]>(
      `SELECT email, phone, name FROM contacts WHERE phone = ANY($1::text[]) OR lower(email) = ANY($2::text[])
       UNION ALL
       SELECT email, phone, name FROM leads WHERE phone = ANY($1::text[]) OR lower(email) = ANY($2::text[]) OR dedup_key = ANY($3::text[])
       UNION ALL
       SELECT customer->>'email', customer->>'phone', customer->>'name' FROM payments WHERE customer::text ~* $4`,
      [...phones],
      [...emails],
      keys,
      pattern ?? '$^',
    );
    for (const p of people) {
      add(emails, p.email, normalizeEmail);
      add(phones, p.phone, normalizePhone);
      if (p.name?.trim()) names.add(p.name.trim());
    }
    if (emails.size + phones.size === size) break;
  }
  return { emails: [...emails], phones: [...phones], names: [...names] };
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const maskText = (m: PersonMasker, v: string | null, names = true) => (v === null ? null : m.text(v, { names }));

/**
 * Masks or removes the data of the person with `email` and/or `phone`. `erasureId` names the
 * tokens that replace their identifiers (`erased-<erasureId>-<n>`). A second call finds nothing
 * left to change.
 */
export async function erasePerson(tx: Sql, request: { email?: string; phone?: string }, erasureId: string): Promise<ErasureResult> {
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
  const events = await tx.$queryRawUnsafe<{ id: string; canonical: unknown; last_error: string | null; entity_key: string | null }[]>(
    `SELECT id, canonical, last_error, entity_key FROM inbound_events
     WHERE payload::text ~* $1 OR headers::text ~* $1 OR canonical::text ~* $1 OR last_error ~* $1 OR entity_key ~* $1 FOR UPDATE`,
    pattern,
  );
  for (const e of events) {
    await tx.$executeRawUnsafe(
      `UPDATE inbound_events SET payload = NULL, headers = NULL, payload_dropped_at = coalesce(payload_dropped_at, now()), canonical = $2::jsonb, last_error = $3, entity_key = $4 WHERE id = $1::uuid`,
      e.id,
      json(m.json(e.canonical)),
      maskText(m, e.last_error),
      maskText(m, e.entity_key, false),
    );
  }
  changed.inbound_events = events.length;

  const outbox = await tx.$queryRawUnsafe<{ id: bigint; data: unknown; last_error: string | null }[]>(
    `SELECT id, data, last_error FROM outbox_entries WHERE data::text ~* $1 OR last_error ~* $1 FOR UPDATE`,
    pattern,
  );
  for (const o of outbox) await tx.$executeRawUnsafe(`UPDATE outbox_entries SET data = $2::jsonb, last_error = $3 WHERE id = $1::bigint`, String(o.id), json(m.json(o.data)), maskText(m, o.last_error));
  changed.outbox_entries = outbox.length;

  // Effects not sent yet are not sent to a masked address: they are skipped.
  const effects = await tx.$queryRawUnsafe<{ id: string; business_key: string; entity_key: string; request: unknown; response: unknown; last_error: string | null; status: string }[]>(
    `SELECT id, business_key, entity_key, request, response, last_error, status::text AS status FROM effects
     WHERE business_key ~* $1 OR entity_key ~* $1 OR request::text ~* $1 OR response::text ~* $1 OR last_error ~* $1 FOR UPDATE`,
    pattern,
  );
  for (const f of effects) {
    const cancel = ['pending', 'parked', 'failed'].includes(f.status);
    await tx.$executeRawUnsafe(
      `UPDATE effects SET business_key = $2, entity_key = $3, request = $4::jsonb, response = $5::jsonb, last_error = $6,
         status = CASE WHEN $7 THEN 'skipped'::"EffectStatus" ELSE status END, updated_at = now() WHERE id = $1::uuid`,
      f.id,
      m.text(f.business_key, { names: false }),
      m.text(f.entity_key, { names: false }),
      json(m.json(f.request)),
      json(m.json(f.response)),
      cancel ? `not sent: its recipient's data was erased (${erasureId})` : maskText(m, f.last_error),
      cancel,
    );
    if (cancel) changed.effects_cancelled++;
  }
  changed.effects = effects.length;

  // Amounts, currencies, statuses and refunds stay: bookkeeping needs them; who paid does not.
  const payments = await tx.$queryRawUnsafe<{ key: string; customer: unknown; facts: unknown }[]>(
    `SELECT key, customer, facts FROM payments WHERE customer::text ~* $1 OR facts::text ~* $1 FOR UPDATE`,
    pattern,
  );
  for (const p of payments) await tx.$executeRawUnsafe(`UPDATE payments SET customer = $2::jsonb, facts = $3::jsonb, updated_at = now() WHERE key = $1`, p.key, json(m.json(p.customer)), json(m.json(p.facts)));
  changed.payments = payments.length;

  const messages = await tx.$queryRawUnsafe<{ id: string; recipient: string | null; error_message: string | null }[]>(
    `SELECT id, recipient, error_message FROM messages WHERE recipient ~* $1 OR error_message ~* $1 FOR UPDATE`,
    pattern,
  );
  for (const g of messages) await tx.$executeRawUnsafe(`UPDATE messages SET recipient = $2, error_message = $3, updated_at = now() WHERE id = $1`, g.id, maskText(m, g.recipient), maskText(m, g.error_message));
  changed.messages = messages.length;

  changed.contacts_deleted = await tx.$executeRawUnsafe(
    `DELETE FROM contacts WHERE phone = ANY($1::text[]) OR lower(email) = ANY($2::text[]) OR phone ~* $3 OR email ~* $3`,
    ids.phones,
    ids.emails,
    pattern,
  );

  const leads = await tx.$queryRawUnsafe<{ id: string; dedup_key: string; fields: unknown }[]>(
    `SELECT id, dedup_key, fields FROM leads WHERE email ~* $1 OR phone ~* $1 OR dedup_key ~* $1 OR fields::text ~* $1 FOR UPDATE`,
    pattern,
  );
  for (const l of leads)
    await tx.$executeRawUnsafe(`UPDATE leads SET email = NULL, phone = NULL, name = NULL, dedup_key = $2, fields = $3::jsonb, updated_at = now() WHERE id = $1::uuid`, l.id, m.text(l.dedup_key, { names: false }), json(m.json(l.fields)));
  changed.leads = leads.length;

  const attention = await tx.$queryRawUnsafe<{ id: string; summary: string; entity_key: string; resolution: string | null }[]>(
    `SELECT id, summary, entity_key, resolution FROM attention_items WHERE summary ~* $1 OR entity_key ~* $1 OR resolution ~* $1 FOR UPDATE`,
    pattern,
  );
  for (const a of attention)
    await tx.$executeRawUnsafe(`UPDATE attention_items SET summary = $2, entity_key = $3, resolution = $4 WHERE id = $1::uuid`, a.id, m.text(a.summary), m.text(a.entity_key, { names: false }), maskText(m, a.resolution));
  changed.attention_items = attention.length;

  const audit = await tx.$queryRawUnsafe<{ id: bigint; target: string; reason: string | null; details: unknown }[]>(
    `SELECT id, target, reason, details FROM audit_entries WHERE target ~* $1 OR reason ~* $1 OR details::text ~* $1 FOR UPDATE`,
    pattern,
  );
  for (const a of audit)
    await tx.$executeRawUnsafe(`UPDATE audit_entries SET target = $2, reason = $3, details = $4::jsonb WHERE id = $1::bigint`, String(a.id), m.text(a.target, { names: false }), maskText(m, a.reason), json(m.json(a.details)));
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
