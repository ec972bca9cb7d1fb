import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { must } from '@switchyard/testing';
import { bearer, startOps, type TestOps } from './harness';

let ops: TestOps;
const tag = randomBytes(4).toString('hex');
// A UK mobile of this test's own: 44 7700 + six random digits, stored as E.164 digits.
const national = `7700${String(randomInt(100000, 999999))}`;
const phone = `44${national}`;
const email = `Jane.${tag}@Example.com`;
const name = `Janet Q${tag}`;
const paymentKey = `stripe:default:pi_${tag}`;
const orderId = `order-${tag}`;
const customerId = `cus_${tag}`;
const providerEventId = `evt_${tag}`;
const effectId = randomUUID();
const dealId = `deal-${tag}`;
const crmEffectId = randomUUID();
const messageId = `wamid.${tag}`;
const messageEffectId = randomUUID();
const leadId = randomUUID();
const dealKey = `hubspot:default:deal:${dealId}`;

beforeAll(async () => {
  ops = await startOps();
  const db = ops.db;
  await db.contact.create({ data: { phone, email, name, consent: true } });
  await db.payment.create({
    data: { key: paymentKey, provider: 'stripe', connection: 'default', paymentId: `pi_${tag}`, orderId, status: 'succeeded', amount: 4200, currency: 'gbp', customer: { id: customerId, email, phone: `+${phone}`, name } },
  });
  await db.lead.create({ data: { id: leadId, formId: 'contact-us', dedupKey: `email:${email.toLowerCase()}`, email: email.toLowerCase(), phone, name, owner: 'alice', fields: {} } });
  await db.inboundEvent.create({
    data: { id: randomUUID(), provider: 'stripe', connection: 'default', providerEventId, type: 'payment_intent.succeeded', status: 'processed', entityType: 'payment', entityKey: paymentKey },
  });
  const effect = (id: string, kind: string, entity: { type: string; key: string }, providerRef: string | null) => ({
    id,
    kind,
    businessKey: `${kind}:${id}`,
    status: 'done' as const,
    queue: 'crm',
    provider: 'hubspot',
    connection: 'default',
    idempotencyKey: id,
    entityType: entity.type,
    entityKey: entity.key,
    request: {},
    providerRef,
  });
  await db.effect.create({ data: effect(effectId, 'team.notify', { type: 'payment', key: paymentKey }, null) });
  await db.effect.create({ data: effect(crmEffectId, 'crm.deal.sync', { type: 'deal', key: dealKey }, dealId) });
  await db.effect.create({ data: effect(messageEffectId, 'message.send', { type: 'message', key: messageId }, messageId) });
  await db.message.create({ data: { id: messageId, channel: 'whatsapp_cloud', recipient: phone, status: 'delivered', effectId: messageEffectId } });
});
afterAll(async () => {
  await ops.close();
});

type Group = 'customers' | 'payments' | 'leads' | 'messages' | 'deals' | 'events';
type Hit = { entity: { type: string; key: string; href: string }; matchedBy: string[] } & Record<string, unknown>;

async function search(q: string): Promise<Record<Group, Hit[]>> {
  const res = await ops.request.get('/api/search').query({ q }).set(bearer);
  expect(res.status).toBe(200);
  return res.body as Record<Group, Hit[]>;
}

describe('GET /api/search', () => {
  it.each([
    ['our payment key', paymentKey, 'payments', 'payment key'],
    ['the provider\'s payment id', `pi_${tag}`, 'payments', 'payment id'],
    ['an order id', orderId, 'payments', 'order id'],
    ['the provider\'s customer id', customerId, 'payments', 'customer id'],
    ['a provider event id', providerEventId, 'payments', 'provider event id'],
    ['an effect id', effectId, 'payments', 'effect id'],
    ['a CRM record id', dealId, 'deals', 'CRM record id'],
    ['the provider\'s message id', messageId, 'messages', 'message id'],
    ['our id of the send', messageEffectId, 'messages', 'sent by effect'],
    ['a lead id', leadId, 'leads', 'lead id'],
  ] as const)('finds by %s', async (_what, q, group, how) => {
    const found = await search(q);
    expect(found[group]).toHaveLength(1);
    expect(must(found[group][0]).matchedBy).toContain(how);
  });

  it('answers the payment with its business summary and the entity page it links to', async () => {
    const { payments } = await search(`pi_${tag}`);
    expect(payments[0]).toMatchObject({
      entity: { type: 'payment', key: paymentKey, href: `/api/entities/payment/${encodeURIComponent(paymentKey)}` },
      provider: 'stripe',
      status: 'succeeded',
      amount: 4200,
      currency: 'gbp',
      customer: { id: customerId, email: 'J***@Example.com', phone: '+44 ••• ••• ' + phone.slice(-3) },
    });
    const page = await ops.request.get(must(payments[0]).entity.href).set(bearer);
    expect(page.status).toBe(200);
  });

  it('finds the customer, their payment and their lead by email in any case', async () => {
    const found = await search(email.toUpperCase());
    expect(found.customers).toHaveLength(1);
    expect(found.payments.map((p) => p.entity.key)).toEqual([paymentKey]);
    expect(found.leads.map((l) => l.id)).toEqual([leadId]);
  });

  it('finds the same customer by phone however it is written', async () => {
    const formats = [`+44 ${national.slice(0, 4)} ${national.slice(4)}`, `0044-${national.slice(0, 4)}-${national.slice(4)}`, `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`, `0${national}`];
    const results = await Promise.all(formats.map(search));
    for (const found of results) {
      expect(found.customers).toHaveLength(1);
      expect(must(found.customers[0]).matchedBy).toEqual(['phone']);
      expect(found.payments.map((p) => p.entity.key)).toEqual([paymentKey]);
      expect(found.leads.map((l) => l.id)).toEqual([leadId]);
    }
    // Sealed keys differ per answer, but each opens to the same contact's page.
    const pages = await Promise.all(results.map((found) => ops.request.get(must(found.customers[0]).entity.href).set(bearer)));
    for (const page of pages) expect(page.status).toBe(200);
  });

  it('masks personal data: no raw email, phone or name anywhere in the answer, links included', async () => {
    for (const q of [email, `+${phone}`, `pi_${tag}`, leadId, messageId]) {
      const text = JSON.stringify(await search(q)).toLowerCase();
      expect(text).not.toContain(email.toLowerCase());
      expect(text).not.toContain(`jane.${tag}`);
      expect(text).not.toContain(national);
      expect(text).not.toContain(name.toLowerCase());
    }
    const { customers } = await search(email);
    expect(customers[0]).toMatchObject({ email: 'J***@Example.com', phone: `+44 ••• ••• ${phone.slice(-3)}`, name: `J*** Q***`, consent: true });
  });

  it('opens a sealed contact link and refuses a forged one', async () => {
    const { customers } = await search(email);
    const href = must(customers[0]).entity.href;
    const page = await ops.request.get(href).set(bearer);
    expect(page.status).toBe(200);
    expect(page.body.type).toBe('contact');
    expect(JSON.stringify(page.body)).not.toContain(national);
    const forged = await ops.request.get(`/api/entities/contact/sealed.${Buffer.from(phone).toString('base64url')}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`).set(bearer);
    expect(forged.status).toBe(400);
    expect(forged.body.message).toMatch(/^key: /);
  });

  it('answers empty groups for what it does not know', async () => {
    expect(await search(`nothing-${tag}`)).toEqual({ customers: [], payments: [], leads: [], messages: [], deals: [], events: [] });
    expect(await search(`+1 555 ${String(randomInt(1000000, 9999999))}`)).toMatchObject({ customers: [], payments: [], leads: [] });
  });

  it('refuses a missing, empty or too long q naming it, and unknown parameters', async () => {
    for (const query of [{}, { q: '' }, { q: '   ' }, { q: 'x'.repeat(201) }]) {
      const res = await ops.request.get('/api/search').query(query).set(bearer);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^q: /);
    }
    const res = await ops.request.get('/api/search').query({ q: 'x', qq: 'y' }).set(bearer);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/qq/);
    expect((await ops.request.get('/api/search').query({ q: 'x' })).status).toBe(401);
  });
});
