import { Router } from 'express';
import { z } from 'zod';
import { searchConsole, type Database } from '@switchyard/db';
import type { EntityKeySeal } from '../search/entity-key-seal';
import { entityLink } from '../search/entity-link';
import { maskCustomer, maskEmail, maskName, maskPhone } from '../search/person-masking';
import { MAX_QUERY_LENGTH, searchTerm } from '../search/search-term';
import { limit, parseRequest, unknownKeys } from '../validation/parse-request';

const query = z.strictObject(
  {
    q: z
      .string({ error: 'is required: a payment or order id, email, phone, event, effect, message or CRM record id' })
      .trim()
      .min(1, 'must not be empty')
      .max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`),
    limit: limit(20, 50),
  },
  unknownKeys('parameter'),
);

/**
 * `GET /api/search?q=…`: one box for any identifier → grouped customers, payments, leads,
 * messages, deals (and events about no entity yet), each with the entity page it links to and a
 * business summary. Personal data is masked (search/person-masking.ts); contact and lead keys,
 * which are a phone and an email, are sealed (search/entity-link.ts).
 */
export function searchRoutes(db: Database, keys: EntityKeySeal): Router {
  const router = Router();
  router.get('/api/search', async (req, res) => {
    const p = parseRequest(query, req.query, res, 'query');
    if (!p) return;
    const found = await searchConsole(db, searchTerm(p.q, p.limit));
    const entity = (type: string, key: string) => entityLink(keys, type, key);
    res.json({
      customers: found.customers.map((c) => ({
        entity: entity('contact', c.phone),
        phone: maskPhone(c.phone),
        email: maskEmail(c.email),
        name: maskName(c.name),
        consent: c.consent,
        optedOut: c.optedOutAt !== null,
        lastInboundAt: c.lastInboundAt,
        updatedAt: c.updatedAt,
        matchedBy: c.matchedBy,
      })),
      payments: found.payments.map((pay) => ({
        entity: entity('payment', pay.key),
        provider: pay.provider,
        connection: pay.connection,
        paymentId: pay.paymentId,
        orderId: pay.orderId,
        status: pay.status,
        amount: pay.amount,
        currency: pay.currency,
        refundedAmount: pay.refundedAmount,
        disputed: pay.disputed,
        customer: maskCustomer(pay.customer),
        at: pay.lastOccurredAt ?? pay.updatedAt,
        matchedBy: pay.matchedBy,
      })),
      leads: found.leads.map((l) => ({
        entity: entity('lead', l.dedupKey),
        id: l.id,
        formId: l.formId,
        email: maskEmail(l.email),
        phone: maskPhone(l.phone),
        name: maskName(l.name),
        owner: l.owner,
        at: l.createdAt,
        matchedBy: l.matchedBy,
      })),
      messages: found.messages.map((m) => ({
        entity: entity('message', m.id),
        channel: m.channel,
        recipient: maskPhone(m.recipient),
        status: m.status,
        errorCode: m.errorCode,
        effectId: m.effectId,
        at: m.lastOccurredAt ?? m.updatedAt,
        matchedBy: m.matchedBy,
      })),
      deals: found.deals.map((d) => ({ entity: entity('deal', d.key), lastEvent: d.lastEvent, matchedBy: d.matchedBy })),
      events: found.events.map((e) => ({ ...e, href: `/api/events/${e.id}` })),
    });
  });
  return router;
}
