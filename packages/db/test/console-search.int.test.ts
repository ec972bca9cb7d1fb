import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import { createPool, searchConsole, type DB, type Pool } from '../src';

// The console's search must stay fast with a million events: every statement it runs for a phone
// or an email reaches its rows through an index. Checked on the plans the server would use: the
// statements it actually sent, prepared (as the app's named statements are) and planned generically,
// with sequential scans priced out so an index that could serve is always chosen.
let pool: Pool;
let db: Kysely<DB>;
const sent: CompiledQuery[] = [];

beforeAll(() => {
  pool = createPool({ url: process.env.DATABASE_URL ?? '', poolSize: 2 });
  db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: (event) => void sent.push(event.query) });
});
afterAll(async () => {
  await db.destroy();
});

async function plans(statements: CompiledQuery[]): Promise<string[]> {
  const client = await pool.connect();
  client.on('error', () => undefined);
  try {
    await client.query('SET enable_seqscan = off');
    await client.query('SET plan_cache_mode = force_generic_plan');
    const out: string[] = [];
    for (const [i, q] of statements.entries()) {
      await client.query(`PREPARE search_${i} AS ${q.sql}`);
      const args = q.parameters.map((p) => (typeof p === 'number' ? String(p) : client.escapeLiteral(String(p))));
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE search_${i}${args.length ? `(${args.join(', ')})` : ''}`);
      out.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    await client.query('DEALLOCATE ALL');
    return out;
  } finally {
    client.release();
  }
}

const lookups = (tables: string[]) => sent.filter((q) => tables.some((t) => new RegExp(`from "${t}"`).test(q.sql)));

describe('searchConsole plans', () => {
  it.each([
    ['a phone number', { email: null, phoneSuffix: `4477${randomBytes(3).readUIntBE(0, 3)}` }],
    ['an email', { email: `nobody-${randomBytes(3).toString('hex')}@example.com`, phoneSuffix: null }],
  ])('finds %s through indexes on contacts, leads and payments', async (_what, reading) => {
    sent.length = 0;
    await searchConsole(db, { text: 'x', uuid: null, limit: 20, ...reading });
    const statements = lookups(['contacts', 'leads', 'payments']);
    expect(statements.length).toBeGreaterThanOrEqual(3);
    const explained = await plans(statements);
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
    sent.length = 0;
    await searchConsole(db, { text: `pi_${randomBytes(4).toString('hex')}`, uuid: '0f8fad5b-d9cb-469f-a165-70867728950e', email: null, phoneSuffix: null, limit: 20 });
    const statements = lookups(['contacts', 'leads', 'payments', 'messages', 'effects', 'inbound_events']);
    expect(statements.length).toBe(5);
    for (const plan of await plans(statements)) expect(plan).not.toMatch(/Seq Scan/);
  });
});
