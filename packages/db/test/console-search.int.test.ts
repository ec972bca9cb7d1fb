import { randomBytes } from 'node:crypto';
import { searchConsole } from '../src';
import { PlanRecorder } from './query-plans';

// The console's search must stay fast with a million events: every statement it runs for a phone
// or an email reaches its rows through an index. Checked on the plans the server would use (PlanRecorder).
let recorder: PlanRecorder;

beforeAll(() => {
  recorder = new PlanRecorder();
});
afterAll(() => recorder.close());

describe('searchConsole plans', () => {
  it.each([
    ['a phone number', { email: null, phoneSuffix: `4477${randomBytes(3).readUIntBE(0, 3)}` }],
    ['an email', { email: `nobody-${randomBytes(3).toString('hex')}@example.com`, phoneSuffix: null }],
  ])('finds %s through indexes on contacts, leads and payments', async (_what, reading) => {
    recorder.sent.length = 0;
    await searchConsole(recorder.db, { text: 'x', uuid: null, limit: 20, ...reading });
    const statements = recorder.reading(['contacts', 'leads', 'payments']);
    expect(statements.length).toBeGreaterThanOrEqual(3);
    const explained = await recorder.plans(statements);
    for (const plan of explained) {
      expect(plan).not.toMatch(/Seq Scan/);
      expect(plan).toMatch(/Index/);
    }
    const all = explained.join('\n');
    for (const index of reading.phoneSuffix ? ['contacts_reverse_phone_idx', 'leads_reverse_phone_idx', 'payments_customer_phone_idx'] : ['contacts_lower_email_idx', 'leads_lower_email_idx', 'payments_customer_email_idx']) {
      expect(all).toContain(index);
    }
  });

  it('finds ids (payment, order, event, effect, message, CRM record, lead) through indexes on every table', async () => {
    recorder.sent.length = 0;
    await searchConsole(recorder.db, { text: `pi_${randomBytes(4).toString('hex')}`, uuid: '0f8fad5b-d9cb-469f-a165-70867728950e', email: null, phoneSuffix: null, limit: 20 });
    const statements = recorder.reading(['contacts', 'leads', 'payments', 'messages', 'effects', 'inbound_events']);
    expect(statements.length).toBe(5);
    for (const plan of await recorder.plans(statements)) expect(plan).not.toMatch(/Seq Scan/);
  });
});
