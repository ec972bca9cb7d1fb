import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { must } from '@switchyard/testing';
import { bearer, startOps, type TestOps } from './harness';
import { sessionHeaders, TEST_PASSWORD, testConsoleUser } from './viewer-session';

let ops: TestOps;
const tag = randomBytes(4).toString('hex');
const phone = `447700${String(randomInt(100000, 999999))}`;
const email = `jane.${tag}@example.com`;
const name = `Janet Q${tag}`;
const paymentKey = `stripe:default:pi_${tag}`;
const leadKey = `email:${email}`;
const messageId = `wamid.${tag}`;
const users = { admin: `ada-${tag}`, revealer: `olga-${tag}`, operator: `otto-${tag}`, viewer: `vic-${tag}` };
const as: Record<keyof typeof users, Record<string, string>> = { admin: {}, revealer: {}, operator: {}, viewer: {} };

beforeAll(async () => {
  ops = await startOps(
    {},
    {
      console: {
        users: [
          await testConsoleUser(users.admin, 'admin'),
          await testConsoleUser(users.revealer, 'operator', true),
          await testConsoleUser(users.operator, 'operator'),
          await testConsoleUser(users.viewer, 'viewer'),
        ],
        sessionHours: 12,
        idleMinutes: 30,
      },
    },
  );
  for (const who of Object.keys(users) as (keyof typeof users)[]) as[who] = await sessionHeaders(ops, users[who]);
  await ops.db.contact.create({ data: { phone, email, name, consent: true } });
  await ops.db.payment.create({
    data: { key: paymentKey, provider: 'stripe', connection: 'default', paymentId: `pi_${tag}`, status: 'succeeded', amount: 4200, currency: 'gbp', customer: { id: `cus_${tag}`, email, phone: `+${phone}`, name } },
  });
  await ops.db.lead.create({ data: { id: randomUUID(), formId: 'contact-us', dedupKey: leadKey, email, phone, name, owner: 'alice', fields: {} } });
  await ops.db.message.create({ data: { id: messageId, channel: 'whatsapp_cloud', recipient: phone, status: 'delivered' } });
});
afterAll(async () => {
  await ops.close();
});

const reveal = (type: string, key: string, headers: Record<string, string>, body: unknown = { reason: 'customer asked for their receipt by phone' }) =>
  ops.request.post(`/api/entities/${type}/${encodeURIComponent(key)}/reveal`).set(headers).send(body as object);

/** The sealed key a search result links a contact or lead with. */
async function searchedKey(group: 'customers' | 'leads'): Promise<string> {
  const res = await ops.request.get('/api/search').query({ q: email }).set(bearer);
  return must((res.body[group] as { entity: { key: string } }[])[0], `a ${group} search result`).entity.key;
}

describe('POST /api/entities/:type/:key/reveal', () => {
  it('gives an admin, OPS_TOKEN and an operator allowed to reveal the unmasked fields of a contact, payment, lead or message', async () => {
    const contact = await reveal('contact', await searchedKey('customers'), as.revealer);
    expect(contact.status).toBe(200);
    expect(contact.headers['cache-control']).toBe('no-store');
    expect(contact.body).toMatchObject({ type: 'contact', personalData: { email, phone, name } });
    expect((await reveal('payment', paymentKey, as.admin)).body).toEqual({ type: 'payment', key: paymentKey, personalData: { email, phone: `+${phone}`, name } });
    expect((await reveal('lead', await searchedKey('leads'), bearer)).body.personalData).toEqual({ email, phone, name });
    expect((await reveal('message', messageId, as.revealer)).body.personalData).toEqual({ email: null, phone, name: null });
  });

  it('audits who revealed which entity and why, never the values (a contact is named by a reference, not its phone)', async () => {
    await reveal('contact', phone, as.revealer, { reason: 'checking the number before a callback' });
    await reveal('contact', phone, as.admin, { reason: 'second look' });
    const entries = await ops.db.auditEntry.findMany({ where: { action: 'personal_data.reveal', reason: { in: ['checking the number before a callback', 'second look'] } }, orderBy: { id: 'asc' } });
    expect(entries).toMatchObject([
      { actor: users.revealer, target: expect.stringMatching(/^contact:ref\.[\w-]{22}$/), details: { type: 'contact', fields: ['email', 'phone', 'name'] } },
      { actor: users.admin, reason: 'second look' },
    ]);
    // The same person under one reference, so an auditor can follow who looked at them.
    expect(entries[1]?.target).toBe(must(entries[0]).target);
    const all = JSON.stringify(await ops.db.auditEntry.findMany({ where: { action: 'personal_data.reveal' }, select: { actor: true, target: true, reason: true, details: true } }));
    expect(all).toContain(`"payment:${paymentKey}"`);
    for (const value of [phone, email, name]) expect(all).not.toContain(value);
    expect(ops.logs.join('\n')).not.toContain(phone);
    expect(ops.logs.join('\n')).not.toContain(email);
  });

  it('refuses an operator without the permission and a viewer with 403 naming revealPersonalData, and audits nothing', async () => {
    for (const who of [as.operator, as.viewer]) {
      const res = await reveal('payment', paymentKey, who, { reason: 'curious' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'forbidden', message: expect.stringContaining('revealPersonalData') });
      expect(res.body.message).not.toContain(email);
    }
    expect(await ops.db.auditEntry.count({ where: { action: 'personal_data.reveal', reason: 'curious' } })).toBe(0);
  });

  it('answers 400 without a reason, for a deal or a bad type, 404 for an unknown entity', async () => {
    const audited = () => ops.db.auditEntry.count({ where: { action: 'personal_data.reveal' } });
    const before = await audited();
    const noReason = await reveal('payment', paymentKey, as.admin, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: 'reason_required', message: expect.stringMatching(/^reason: /) });
    expect((await reveal('payment', paymentKey, as.admin, { reason: '   ' })).body.error).toBe('reason_required');
    const deal = await reveal('deal', 'hubspot:default:deal:1', as.admin);
    expect(deal.status).toBe(400);
    expect(deal.body.message).toMatch(/^type: a deal holds no personal data/);
    const fax = await reveal('fax', '1', as.admin);
    expect(fax.status).toBe(400);
    expect(fax.body.message).toMatch(/^type: "fax" is not an entity type/);
    expect((await reveal('contact', 'sealed.forged-key-0000000000000000000000000000', as.admin)).status).toBe(400);
    const unknown = await reveal('payment', `stripe:default:pi_nobody_${tag}`, as.admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: 'no payment with this key' });
    expect((await reveal('contact', '440000000000', as.admin)).status).toBe(404);
    expect(await audited()).toBe(before);
  });
});

describe('GET /api/session', () => {
  it('reports whether the caller may reveal personal data', async () => {
    const permission = async (headers: Record<string, string>) => ((await ops.request.get('/api/session').set(headers)).body as { permissions: { revealPersonalData: boolean } }).permissions.revealPersonalData;
    expect(await permission(as.admin)).toBe(true);
    expect(await permission(bearer)).toBe(true);
    expect(await permission(as.revealer)).toBe(true);
    expect(await permission(as.operator)).toBe(false);
    expect(await permission(as.viewer)).toBe(false);
  });

  it('signing in answers with the same permissions', async () => {
    const signIn = async (name: string) => (await ops.request.post('/api/session').send({ name, password: TEST_PASSWORD })).body as { permissions: { revealPersonalData: boolean } };
    expect((await signIn(users.revealer)).permissions).toEqual({ revealPersonalData: true });
    expect((await signIn(users.operator)).permissions).toEqual({ revealPersonalData: false });
  });
});
