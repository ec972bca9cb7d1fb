// A store the size of a busy deployment, filled set-based (INSERT … SELECT generate_series): N
// inbound events and what they imply — N/4 payments with their customers as contacts, N/40 leads,
// two effects per payment (a receipt and a CRM deal sync; one payment in 200 failed, one receipt in
// 500 parked), a message per receipt sent — then VACUUM (ANALYZE) and CHECKPOINT. Shared by bench:console (the console's
// queries on it) and bench:pipeline --prefill (the hot path's cost on it).
// Every key it makes is its own (Stripe `pi_bench…`, phones +447…, `evt_bench…`), so live traffic
// from the sandbox (phones +1555…) never meets a filled row.
import { createHash } from 'node:crypto';
import { Client } from 'pg';

const BATCH = 100_000;
/** Every 200th payment's effects failed, every 500th's receipt is parked. */
export const FAILED_EVERY = 200;
export const PARKED_EVERY = 500;

/** The counts a fill of `events` inbound events makes. Four events per payment (created, succeeded, message statuses…): the rest follows from it. */
export function storeShape(events: number): { events: number; payments: number; leads: number } {
  const payments = Math.max(10, Math.ceil(events / 4));
  return { events, payments, leads: Math.max(1, Math.floor(payments / 10)) };
}

/** The uuid Postgres makes of `md5(text)::uuid`, so a bench can name rows the fill created. */
export function md5uuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
export const phoneOf = (i: number) => `447${String(i).padStart(9, '0')}`;

function statements(N: number, P: number) {
  const payments = `
    INSERT INTO payments (key, provider, connection, payment_id, order_id, status, amount, currency, customer, facts, version, last_occurred_at, created_at, updated_at)
    SELECT 'stripe:default:pi_bench' || i, 'stripe', 'default', 'pi_bench' || i, 'order-' || i,
           (ARRAY['succeeded','succeeded','succeeded','failed','refunded'])[1 + i % 5], 1000 + (i * 37) % 90000, (ARRAY['gbp','usd','eur','inr'])[1 + i % 4],
           jsonb_build_object('id', 'cus_bench' || i, 'email', 'Customer' || i || '@Example.com', 'phone', '+447' || lpad(i::text, 9, '0'), 'name', 'Customer ' || i),
           '[]', 2, now() - (i % 43200) * interval '1 minute', now() - (i % 43200) * interval '1 minute', now() - (i % 43200) * interval '1 minute'
    FROM generate_series($1::int, $2::int) i`;
  const contacts = `
    INSERT INTO contacts (phone, email, name, consent, last_inbound_at, created_at, updated_at)
    SELECT '447' || lpad(i::text, 9, '0'), 'customer' || i || '@example.com', 'Customer ' || i, i % 3 > 0, now() - (i % 1440) * interval '1 minute', now(), now()
    FROM generate_series($1::int, $2::int) i`;
  const leads = `
    INSERT INTO leads (id, form_id, dedup_key, email, phone, name, owner, fields, created_at, updated_at)
    SELECT md5('lead-' || i)::uuid, 'contact-us', 'email:lead' || i || '@example.com', 'lead' || i || '@example.com', '449' || lpad(i::text, 9, '0'), 'Lead ' || i,
           'owner-' || (i % 5), '{"region":"uk"}', now(), now()
    FROM generate_series($1::int, $2::int) i`;
  const effects = `
    INSERT INTO effects (id, kind, business_key, status, queue, provider, connection, idempotency_key, event_id, entity_type, entity_key, request, provider_ref, attempts, last_error, created_at, updated_at, sent_at, done_at)
    SELECT md5('eff-' || k.name || '-' || i)::uuid, k.kind, k.name || ':pi_bench' || i, s.status::"EffectStatus", k.queue, k.provider, 'default', md5('eff-' || k.name || '-' || i),
           md5('evt-' || i)::uuid, 'payment', 'stripe:default:pi_bench' || i,
           jsonb_build_object('to', '447' || lpad(i::text, 9, '0'), 'template', 'receipt', 'dealName', 'order-' || i),
           CASE WHEN s.status = 'done' THEN (CASE k.name WHEN 'msg' THEN 'wamid.bench' || i ELSE 'deal_bench' || i END) END,
           CASE WHEN s.status = 'done' THEN 1 ELSE 8 END,
           CASE s.status WHEN 'failed' THEN 'permanent: ' || (ARRAY['PROPERTY_MISSING','CONTACT_NOT_FOUND','TEMPLATE_PAUSED'])[1 + (i / ${FAILED_EVERY}) % 3] || ': the provider refused it'
                         WHEN 'parked' THEN 'outcome unknown 120 s after the send; not resent' END,
           now() - (i % 10080) * interval '1 minute', now() - (i % 10080) * interval '1 minute', now() - (i % 10080) * interval '1 minute',
           CASE WHEN s.status = 'done' THEN now() - (i % 10080) * interval '1 minute' END
    FROM generate_series($1::int, $2::int) i
    CROSS JOIN (VALUES ('msg', 'message.send', 'whatsapp', 'whatsapp'), ('crm', 'crm.deal.sync', 'crm', 'hubspot')) AS k(name, kind, queue, provider)
    CROSS JOIN LATERAL (SELECT CASE WHEN i % ${FAILED_EVERY} = 0 THEN 'failed' WHEN k.name = 'msg' AND i % ${PARKED_EVERY} = 1 THEN 'parked' ELSE 'done' END AS status) s`;
  const messages = `
    INSERT INTO messages (id, channel, recipient, status, effect_id, last_occurred_at, version, created_at, updated_at)
    SELECT 'wamid.bench' || i, 'whatsapp_cloud', '447' || lpad(i::text, 9, '0'), (ARRAY['delivered','read','sent'])[1 + i % 3], md5('eff-msg-' || i)::uuid,
           now() - (i % 10080) * interval '1 minute', 3, now(), now()
    FROM generate_series($1::int, $2::int) i
    WHERE i % ${FAILED_EVERY} <> 0 AND i % ${PARKED_EVERY} <> 1`;
  // Eight in ten events are Stripe's about a payment, two in ten WhatsApp statuses of its receipt.
  const events = `
    INSERT INTO inbound_events (id, provider, connection, provider_event_id, type, canonical_type, queue, status, deliveries, attempts, payload, canonical, headers,
                                occurred_at, received_at, last_delivered_at, queued_at, processed_at, entity_type, entity_key)
    SELECT md5('evt-' || j)::uuid, e.provider, 'default', e.provider_event_id, e.type, e.canonical_type, e.queue, 'processed', 1, 1, e.payload, jsonb_build_object('type', e.canonical_type),
           '{"content-type":"application/json"}', e.at, e.at, e.at, e.at, e.at + interval '40 milliseconds', e.entity_type, e.entity_key
    FROM generate_series($1::int, $2::int) j
    CROSS JOIN LATERAL (SELECT 1 + (j - 1) % ${P} AS p, now() - (${N} - j) * (interval '30 days' / ${N}) AS at) x
    CROSS JOIN LATERAL (
      SELECT CASE WHEN j % 10 < 8 THEN 'stripe' ELSE 'whatsapp' END AS provider,
             CASE WHEN j % 10 < 8 THEN 'evt_bench' || j ELSE 'wamid.bench' || x.p || '.s' || j END AS provider_event_id,
             CASE WHEN j % 10 < 8 THEN 'payment_intent.succeeded' ELSE 'statuses.delivered' END AS type,
             CASE WHEN j % 10 < 8 THEN 'payment.succeeded' ELSE 'message.status_changed' END AS canonical_type,
             CASE WHEN j % 10 < 8 THEN 'payments' ELSE 'whatsapp' END AS queue,
             CASE WHEN j % 10 < 8 THEN 'payment' ELSE 'message' END AS entity_type,
             CASE WHEN j % 10 < 8 THEN 'stripe:default:pi_bench' || x.p ELSE 'wamid.bench' || x.p END AS entity_key,
             x.at,
             CASE WHEN j % 10 < 8
               THEN jsonb_build_object('id', 'evt_bench' || j, 'object', 'event', 'type', 'payment_intent.succeeded', 'created', extract(epoch FROM x.at)::bigint,
                      'data', jsonb_build_object('object', jsonb_build_object('id', 'pi_bench' || x.p, 'object', 'payment_intent', 'amount', 1000 + (x.p * 37) % 90000,
                        'currency', 'gbp', 'status', 'succeeded', 'receipt_email', 'customer' || x.p || '@example.com', 'customer', 'cus_bench' || x.p,
                        'metadata', jsonb_build_object('order_id', 'order-' || x.p, 'phone', '+447' || lpad(x.p::text, 9, '0')))))
               ELSE jsonb_build_object('id', 'wamid.bench' || x.p, 'status', 'delivered', 'timestamp', extract(epoch FROM x.at)::bigint::text, 'recipient_id', '447' || lpad(x.p::text, 9, '0'))
             END AS payload
    ) e`;
  return { payments, contacts, leads, effects, messages, events };
}

/** Runs `statement` over 1..count in batches; `count` counts the series, not the rows (effects make two per step). */
async function fillTable(c: Client, name: string, statement: string, count: number): Promise<void> {
  const t = Date.now();
  for (let start = 1; start <= count; start += BATCH) {
    await c.query(statement, [start, Math.min(count, start + BATCH - 1)]);
    if (count > BATCH) process.stdout.write(`\r  ${name}: ${Math.min(count, start + BATCH - 1)} / ${count}`);
  }
  console.log(`${count > BATCH ? '\r' : ''}  ${name}: ${count} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/** Fills the database at `url` (migrated, empty) with a store of `events` inbound events; logs each table's time. */
export async function fillStore(url: string, events: number): Promise<void> {
  const shape = storeShape(events);
  const { payments, contacts, leads, effects, messages, events: inbound } = statements(events, shape.payments);
  const P = shape.payments;
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await fillTable(c, 'payments', payments, P);
    await fillTable(c, 'contacts', contacts, P);
    await fillTable(c, 'leads', leads, shape.leads);
    await fillTable(c, 'payments\' effects (a receipt and a CRM deal sync each)', effects, P);
    await fillTable(c, 'messages', messages, P);
    await fillTable(c, 'inbound_events', inbound, events);
    // VACUUM and CHECKPOINT now, as a deployment's store has long been: otherwise autovacuum and the
    // checkpoint after millions of fresh rows run during the measured run and are counted in it.
    const t = Date.now();
    await c.query('VACUUM (ANALYZE)');
    await c.query('CHECKPOINT');
    const size = (await c.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size')).rows[0]?.size;
    console.log(`  VACUUM (ANALYZE) and CHECKPOINT in ${((Date.now() - t) / 1000).toFixed(1)} s; database size ${size}`);
  } finally {
    await c.end();
  }
}
