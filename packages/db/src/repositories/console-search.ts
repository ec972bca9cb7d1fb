import { sql, type Expression, type SelectExpression, type Selection, type SqlBool } from 'kysely';
import type { Db } from '../database';
import type { DB } from '../generated/kysely/types';

/**
 * The ops console's one-box search: whatever a person pastes (a payment or order id, an email, a
 * phone number, a provider event id, a CRM record id, an effect or message id) → the customers,
 * payments, leads, messages and deals it is about. Every lookup here uses an index (migration
 * 20261202141030_console_search adds the expression indexes schema.prisma cannot declare); rows
 * come back unmasked, the caller masks personal data.
 */

/** What the typed text may be; the caller decides (apps/ops search-term.ts), this module only looks. */
export interface ConsoleSearchTerm {
  /** The text as typed, trimmed: compared exactly with ids and keys. */
  text: string;
  /** Lower-cased, when the text is an email address. */
  email: string | null;
  /** Digits a stored number must end with, when the text is a phone number. */
  phoneSuffix: string | null;
  /** The text, when it is a uuid (our event, effect and lead ids). */
  uuid: string | null;
  /** Most rows per group. */
  limit: number;
}

export type SearchEntityType = 'contact' | 'payment' | 'lead' | 'message' | 'deal';
export const searchEntityTypes: readonly SearchEntityType[] = ['contact', 'payment', 'lead', 'message', 'deal'];

/** How a row was found, in words a person reads ("phone", "provider event id"). */
type MatchedBy = string[];

// What each group shows of its rows, under the names the API answers with.
const contactColumns = [
  'phone',
  'email',
  'name',
  'consent',
  'opted_out_at as optedOutAt',
  'last_inbound_at as lastInboundAt',
  'updated_at as updatedAt',
] as const satisfies readonly SelectExpression<DB, 'contacts'>[];
const paymentColumns = [
  'key',
  'provider',
  'connection',
  'payment_id as paymentId',
  'order_id as orderId',
  'status',
  'amount',
  'currency',
  'refunded_amount as refundedAmount',
  'disputed',
  'customer',
  'last_occurred_at as lastOccurredAt',
  'updated_at as updatedAt',
] as const satisfies readonly SelectExpression<DB, 'payments'>[];
const leadColumns = ['id', 'dedup_key as dedupKey', 'form_id as formId', 'email', 'phone', 'name', 'owner', 'created_at as createdAt'] as const satisfies readonly SelectExpression<DB, 'leads'>[];
const messageColumns = [
  'id',
  'channel',
  'recipient',
  'status',
  'error_code as errorCode',
  'effect_id as effectId',
  'last_occurred_at as lastOccurredAt',
  'updated_at as updatedAt',
] as const satisfies readonly SelectExpression<DB, 'messages'>[];

export type ContactHit = Selection<DB, 'contacts', (typeof contactColumns)[number]> & { matchedBy: MatchedBy };
export type PaymentHit = Selection<DB, 'payments', (typeof paymentColumns)[number]> & { matchedBy: MatchedBy };
export type LeadHit = Selection<DB, 'leads', (typeof leadColumns)[number]> & { matchedBy: MatchedBy };
export type MessageHit = Selection<DB, 'messages', (typeof messageColumns)[number]> & { matchedBy: MatchedBy };
export interface DealHit {
  key: string;
  /** The newest event about the deal, if any was stored. */
  lastEvent: { provider: string; type: string; at: Date } | null;
  matchedBy: MatchedBy;
}
/** An inbound event that matched but is about no entity (yet): not processed, ignored, unmapped. */
export interface EventHit {
  id: string;
  provider: string;
  connection: string;
  providerEventId: string;
  type: string;
  status: string;
  receivedAt: Date;
  matchedBy: MatchedBy;
}

export interface ConsoleSearchResult {
  customers: ContactHit[];
  payments: PaymentHit[];
  leads: LeadHit[];
  messages: MessageHit[];
  deals: DealHit[];
  events: EventHit[];
}

/** entity type → entity key → how it was found, in the order found. */
class Refs {
  private readonly byType = new Map<string, Map<string, Set<string>>>();
  add(type: string | null, key: string | null, how: string): void {
    if (!type || !key) return;
    let keys = this.byType.get(type);
    if (!keys) this.byType.set(type, (keys = new Map()));
    let hows = keys.get(key);
    if (!hows) keys.set(key, (hows = new Set()));
    hows.add(how);
  }
  keys(type: SearchEntityType, limit: number): string[] {
    return [...(this.byType.get(type)?.keys() ?? [])].slice(0, limit);
  }
  how(type: SearchEntityType, key: string): MatchedBy {
    return [...(this.byType.get(type)?.get(key) ?? [])];
  }
}

/**
 * `expr` starts with `prefix`, as a range on text_pattern_ops (`~>=~`, `~<~`) so a btree index on
 * `expr` serves it even in a generic plan, where a parameterised LIKE could not. `prefix` is digits
 * only, and ':' sorts right after '9'.
 */
function startsWithDigits(expr: Expression<string>, prefix: string): Expression<SqlBool> {
  return sql<SqlBool>`(${expr} ~>=~ ${prefix} AND ${expr} ~<~ ${`${prefix}:`})`;
}

const reversed = (digits: string) => [...digits].reverse().join('');
const customerPhoneDigits = sql<string>`reverse(regexp_replace(customer ->> 'phone', '[^0-9]', '', 'g'))`;

async function findRefs(db: Db, term: ConsoleSearchTerm): Promise<{ refs: Refs; events: EventHit[] }> {
  const refs = new Refs();
  const n = term.limit;
  const phoneFrom = term.phoneSuffix ? reversed(term.phoneSuffix) : null;

  const contacts = async () => {
    if (phoneFrom) {
      const rows = await db.selectFrom('contacts').select('phone').where(startsWithDigits(sql<string>`reverse(phone)`, phoneFrom)).limit(n).execute();
      for (const r of rows) refs.add('contact', r.phone, 'phone');
    }
    if (term.email) {
      const rows = await db.selectFrom('contacts').select('phone').where(sql<string>`lower(email)`, '=', term.email).limit(n).execute();
      for (const r of rows) refs.add('contact', r.phone, 'email');
    }
  };

  const payments = async () => {
    const rows = await db
      .selectFrom('payments')
      .select(['key', 'payment_id', 'order_id', sql<string | null>`customer ->> 'id'`.as('customer_id')])
      .where((eb) =>
        eb.or([
          eb('key', '=', term.text),
          eb('payment_id', '=', term.text),
          eb('order_id', '=', term.text),
          eb(sql<string>`customer ->> 'id'`, '=', term.text),
          ...(term.email ? [eb(sql<string>`lower(customer ->> 'email')`, '=', term.email)] : []),
          ...(phoneFrom ? [startsWithDigits(customerPhoneDigits, phoneFrom)] : []),
        ]),
      )
      .limit(n)
      .execute();
    for (const r of rows) {
      const how =
        r.key === term.text ? 'payment key' : r.payment_id === term.text ? 'payment id' : r.order_id === term.text ? 'order id' : r.customer_id === term.text ? 'customer id' : term.email ? 'email' : 'phone';
      refs.add('payment', r.key, how);
    }
  };

  const leads = async () => {
    const rows = await db
      .selectFrom('leads')
      .select(['dedup_key', 'id'])
      .where((eb) =>
        eb.or([
          ...(term.uuid ? [eb('id', '=', term.uuid)] : []),
          eb('dedup_key', '=', term.text),
          ...(term.email ? [eb(sql<string>`lower(email)`, '=', term.email)] : []),
          ...(phoneFrom ? [startsWithDigits(sql<string>`reverse(phone)`, phoneFrom)] : []),
        ]),
      )
      .limit(n)
      .execute();
    for (const r of rows) refs.add('lead', r.dedup_key, r.id === term.uuid ? 'lead id' : r.dedup_key === term.text ? 'lead key' : term.email ? 'email' : 'phone');
  };

  const messages = async () => {
    const rows = await db
      .selectFrom('messages')
      .select(['id', 'effect_id'])
      .where((eb) => eb.or([eb('id', '=', term.text), ...(term.uuid ? [eb('effect_id', '=', term.uuid)] : [])]))
      .limit(n)
      .execute();
    for (const r of rows) refs.add('message', r.id, r.id === term.text ? 'message id' : 'sent by effect');
  };

  // An effect leads to what it is about: its id is ours, its provider_ref the provider's (a CRM
  // record id, a message id, a refund id).
  const effects = async () => {
    const rows = await db
      .selectFrom('effects')
      .select(['id', 'kind', 'entity_type', 'entity_key', 'provider_ref'])
      .where((eb) => eb.or([eb('provider_ref', '=', term.text), ...(term.uuid ? [eb('id', '=', term.uuid)] : [])]))
      .limit(n)
      .execute();
    for (const r of rows) refs.add(r.entity_type, r.entity_key, r.id === term.uuid ? 'effect id' : r.kind.startsWith('crm.') ? 'CRM record id' : 'provider reference');
  };

  const events: EventHit[] = [];
  const inbound = async () => {
    const rows = await db
      .selectFrom('inbound_events')
      .select(['id', 'provider', 'connection', 'provider_event_id as providerEventId', 'type', 'status', 'received_at as receivedAt', 'entity_type', 'entity_key'])
      .where((eb) => eb.or([eb('provider_event_id', '=', term.text), ...(term.uuid ? [eb('id', '=', term.uuid)] : [])]))
      .orderBy('received_at', 'desc')
      .limit(n)
      .execute();
    for (const { entity_type, entity_key, ...e } of rows) {
      const how = e.id === term.uuid ? 'event id' : 'provider event id';
      if (entity_type && entity_key && (searchEntityTypes as readonly string[]).includes(entity_type)) refs.add(entity_type, entity_key, how);
      else events.push({ ...e, matchedBy: [how] });
    }
  };

  await Promise.all([contacts(), payments(), leads(), messages(), effects(), inbound()]);
  return { refs, events };
}

/** Finds what the term names; each group holds at most `term.limit` rows. */
export async function searchConsole(db: Db, term: ConsoleSearchTerm): Promise<ConsoleSearchResult> {
  const { refs, events } = await findRefs(db, term);
  const n = term.limit;
  const contactKeys = refs.keys('contact', n);
  const paymentKeys = refs.keys('payment', n);
  const leadKeys = refs.keys('lead', n);
  const messageKeys = refs.keys('message', n);
  const dealKeys = refs.keys('deal', n);

  // Newest first within each group; an empty key list asks nothing.
  const [contacts, payments, leads, messages, dealEvents] = await Promise.all([
    contactKeys.length ? db.selectFrom('contacts').select(contactColumns).where('phone', 'in', contactKeys).orderBy('updated_at', 'desc').execute() : [],
    paymentKeys.length ? db.selectFrom('payments').select(paymentColumns).where('key', 'in', paymentKeys).orderBy('updated_at', 'desc').execute() : [],
    leadKeys.length ? db.selectFrom('leads').select(leadColumns).where('dedup_key', 'in', leadKeys).orderBy('created_at', 'desc').execute() : [],
    messageKeys.length ? db.selectFrom('messages').select(messageColumns).where('id', 'in', messageKeys).orderBy('updated_at', 'desc').execute() : [],
    dealKeys.length
      ? db
          .selectFrom('inbound_events')
          .distinctOn('entity_key')
          .select(['entity_key as key', 'provider', 'type', 'received_at as at'])
          .where('entity_type', '=', 'deal')
          .where('entity_key', 'in', dealKeys)
          .orderBy('entity_key')
          .orderBy('received_at', 'desc')
          .execute()
      : [],
  ]);

  return {
    customers: contacts.map((c) => ({ ...c, matchedBy: refs.how('contact', c.phone) })),
    payments: payments.map((p) => ({ ...p, matchedBy: refs.how('payment', p.key) })),
    leads: leads.map((l) => ({ ...l, matchedBy: refs.how('lead', l.dedupKey) })),
    messages: messages.map((m) => ({ ...m, matchedBy: refs.how('message', m.id) })),
    deals: dealKeys.map((key) => {
      const e = dealEvents.find((d) => d.key === key);
      return { key, lastEvent: e && e.key ? { provider: e.provider, type: e.type, at: e.at } : null, matchedBy: refs.how('deal', key) };
    }),
    events,
  };
}
