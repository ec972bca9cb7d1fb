import { execFile } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { recordInboundEvents } from '@switchyard/db';
import { inboundEventFixture, must } from '@switchyard/testing';
import { bearer, startOps, type TestOps } from './harness';

let ops: TestOps;
beforeAll(async () => {
  ops = await startOps();
});
afterAll(async () => {
  await ops.close();
});

const tag = randomBytes(4).toString('hex');
/** A person no other test uses, so the database dump says something about this test alone. */
function person(label: string) {
  const digits = `44770${randomInt(1_000_000, 9_999_999)}`;
  return {
    email: `${label}.${tag}@Example.com`,
    digits,
    formatted: `+${digits.slice(0, 2)} ${digits.slice(2, 6)} ${digits.slice(6)}`,
    name: `${label.charAt(0).toUpperCase()}${label.slice(1)} Zyx${tag}`,
  };
}

async function dump(): Promise<string> {
  const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', '--dbname', process.env.DATABASE_URL ?? ''], { maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

function event(p: ReturnType<typeof person>, providerEventId: string) {
  return inboundEventFixture(providerEventId, {
    payload: { id: providerEventId, data: { object: { receipt_email: p.email, shipping: { name: p.name, phone: p.formatted, address: '1 Main St' } } } },
    canonical: { type: 'payment.succeeded', paymentId: `pi_${providerEventId}`, amount: 1200, currency: 'eur', customer: { email: p.email.toLowerCase(), phone: p.digits, name: p.name } },
    headers: { 'user-agent': 'Stripe/1.0', 'x-forwarded-for': '203.0.113.9' },
    occurredAt: new Date(),
    // No job: the relays of other test files share this database and would run it.
    outbox: null,
  });
}

/** The person's data in every table that can hold it, as the workers would leave it. */
async function seed(p: ReturnType<typeof person>, label: string) {
  const { db, database } = ops;
  const [stored] = await recordInboundEvents(database, [event(p, `evt_${label}_${tag}`)]);
  const eventId = must(stored, 'the recorded event').id;
  await db.$executeRawUnsafe(`UPDATE inbound_events SET status = 'processed', entity_type = 'contact', entity_key = $2 WHERE id = $1::uuid`, eventId, p.digits);
  const paymentKey = `stripe:default:pi_${label}_${tag}`;
  await db.payment.create({
    data: { key: paymentKey, provider: 'stripe', connection: 'default', paymentId: `pi_${label}_${tag}`, status: 'succeeded', amount: 1200, currency: 'eur', refundedAmount: 200, customer: { email: p.email, phone: p.digits, name: p.name }, facts: [{ id: `evt_${label}_${tag}`, kind: 'succeeded', amount: 1200, customer: { email: p.email, name: p.name } }] },
  });
  const sent = randomUUID();
  const pendingEffect = randomUUID();
  const effect = (id: string, kind: string, businessKey: string, status: 'done' | 'pending', extra: object = {}) =>
    db.effect.create({ data: { id, kind, businessKey, status, queue: 'whatsapp', provider: 'whatsapp', connection: 'default', idempotencyKey: id, eventId, entityType: 'payment', entityKey: paymentKey, request: { to: p.digits, context: { customer: { name: p.name, email: p.email } } }, ...extra } });
  await effect(sent, 'whatsapp.template', `receipt:${paymentKey}`, 'done', { response: { contacts: [{ input: p.digits, wa_id: p.digits }] }, providerRef: `wamid.${label}${tag}` });
  await effect(pendingEffect, 'whatsapp.template', `welcome:email:${p.email.toLowerCase()}`, 'pending');
  await db.message.create({ data: { id: `wamid.${label}${tag}`, channel: 'whatsapp_cloud', recipient: p.digits, status: 'delivered', effectId: sent } });
  await db.contact.create({ data: { phone: p.digits, email: p.email.toLowerCase(), name: p.name, consent: true } });
  const leadId = randomUUID();
  await db.lead.create({ data: { id: leadId, formId: 'contact-us', dedupKey: `email:${p.email.toLowerCase()}`, email: p.email.toLowerCase(), phone: p.digits, name: p.name, owner: 'sales@example.com', fields: { name: p.name, email: p.email, phone: p.formatted, message: `call me on ${p.formatted}` }, eventId } });
  const attentionId = randomUUID();
  await db.attentionItem.create({ data: { id: attentionId, kind: 'dispute', entityType: 'contact', entityKey: p.digits, eventId, summary: `Dispute opened by ${p.name} <${p.email}>` } });
  await db.auditEntry.create({ data: { actor: 'alice', action: 'effect.resolve', target: sent, reason: `customer ${p.email} confirmed on the phone`, details: { to: p.digits } } });
  // Already handed over (dispatched), so no relay of another test file picks it up.
  await db.outboxEntry.create({ data: { eventId, queue: 'whatsapp', jobName: 'whatsapp.perform-effect.v1', jobId: `whatsapp.eff.${pendingEffect}`, data: { effectId: pendingEffect, preview: { to: p.formatted } }, dispatchedAt: new Date() } });
  return { eventId, paymentKey, sent, pendingEffect, leadId, attentionId, providerEventId: `evt_${label}_${tag}` };
}

/** Every row the seed wrote, as stored, to compare before and after a second erasure. */
async function rowsOf(ids: Awaited<ReturnType<typeof seed>>) {
  const { db } = ops;
  return JSON.stringify(
    await Promise.all([
      db.inboundEvent.findUnique({ where: { id: ids.eventId } }),
      db.payment.findUnique({ where: { key: ids.paymentKey } }),
      db.effect.findMany({ where: { id: { in: [ids.sent, ids.pendingEffect] } }, orderBy: { id: 'asc' } }),
      db.message.findMany({ where: { effectId: ids.sent } }),
      db.lead.findUnique({ where: { id: ids.leadId } }),
      db.attentionItem.findUnique({ where: { id: ids.attentionId } }),
      db.outboxEntry.findMany({ where: { eventId: ids.eventId }, orderBy: { id: 'asc' } }),
    ]),
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
  );
}

describe('POST /api/erasure', () => {
  it("removes or masks the person's email, phone and name everywhere, keeps the financial facts and dedup, and a second call changes nothing", async () => {
    const ada = person('ada');
    const bob = person('bob');
    const ids = await seed(ada, 'ada');
    await seed(bob, 'bob');
    const before = await dump();
    expect(before).toContain(ada.email.toLowerCase());
    expect(before).toContain(ada.digits);

    const res = await ops.request.post('/api/erasure').set(bearer).send({ email: ada.email.toUpperCase(), reason: `GDPR request from ${ada.email}, ticket 42` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      identifiers: { emails: 1, phones: 1, names: 1 },
      changed: { inbound_events: 1, outbox_entries: 1, effects: 2, effects_cancelled: 1, payments: 1, messages: 1, contacts_deleted: 1, leads: 1, attention_items: 1, audit_entries: 1 },
      total: 10,
    });

    const after = await dump();
    for (const needle of [ada.email, ada.email.toLowerCase(), ada.digits, ada.formatted, ada.name]) expect(after.toLowerCase()).not.toContain(needle.toLowerCase());
    // Somebody else's data is untouched.
    for (const needle of [bob.email, bob.digits, bob.name]) expect(after).toContain(needle);

    // Bookkeeping keeps the money; the event row stays, so a redelivery is still a duplicate.
    const payment = await ops.db.payment.findUniqueOrThrow({ where: { key: ids.paymentKey } });
    expect(payment).toMatchObject({ status: 'succeeded', amount: 1200, currency: 'eur', refundedAmount: 200 });
    const stored = await ops.db.inboundEvent.findUniqueOrThrow({ where: { id: ids.eventId } });
    expect(stored).toMatchObject({ payload: null, headers: null, status: 'processed', canonical: expect.objectContaining({ amount: 1200, currency: 'eur' }) });
    const [again] = await recordInboundEvents(ops.database, [event(ada, ids.providerEventId)]);
    expect(again).toMatchObject({ id: ids.eventId, inserted: false });
    // The unsent welcome message is not sent to a masked address.
    expect((await ops.db.effect.findUniqueOrThrow({ where: { id: ids.pendingEffect } })).status).toBe('skipped');

    // The erasure is audited: who, why (masked) and what changed, never the identifiers.
    const audit = await ops.db.auditEntry.findFirstOrThrow({ where: { action: 'erasure', target: `erasure:${res.body.erasureId}` } });
    expect(audit).toMatchObject({ actor: expect.any(String), details: expect.objectContaining({ by: 'email', total: 10 }) });
    expect(audit.reason).toMatch(/^GDPR request from erased-request-1, ticket 42$/);

    const rows = await rowsOf(ids);
    const second = await ops.request.post('/api/erasure').set(bearer).send({ phone: ada.formatted, reason: 'repeat' });
    expect(second.status).toBe(200);
    expect(second.body.total).toBe(0);
    expect(Object.values(second.body.changed as Record<string, number>).every((n) => n === 0)).toBe(true);
    expect(await rowsOf(ids)).toBe(rows);
  });

  it('refuses a request without a valid email or phone or without a reason, naming the field, and needs the token', async () => {
    const none = await ops.request.post('/api/erasure').set(bearer).send({ reason: 'x' });
    expect(none.status).toBe(400);
    expect(none.body.message).toMatch(/email or phone is required/);
    const bad = await ops.request.post('/api/erasure').set(bearer).send({ phone: '12', reason: 'x' });
    expect(bad.body.message).toMatch(/^phone: /);
    const noReason = await ops.request.post('/api/erasure').set(bearer).send({ email: 'a@example.com' });
    expect(noReason.body.error).toBe('reason_required');
    expect((await ops.request.post('/api/erasure').send({ email: 'a@example.com', reason: 'x' })).status).toBe(401);
  });
});
