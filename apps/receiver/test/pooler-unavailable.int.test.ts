import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { createPool, isDatabaseUnavailable, type Pool } from '@switchyard/db';
import { OwnPgBouncer, eventually } from '@switchyard/testing';
import { startReceiver } from './harness';

// Behind PgBouncer, Postgres being away (or the pooler being full) does not surface as a refused
// socket: the pooler answers with its own errors, SQLSTATE 08P01 and a message of its own. They
// must mean "unavailable" as a refused connection does: the receiver answers 503, workers retry.
const stripe = new Stripe('sk_test_unused');

function signedEvent() {
  const id = `evt_${randomUUID().replace(/-/g, '')}`;
  const body = JSON.stringify({ id, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: { id: `pi_${id.slice(4)}`, object: 'payment_intent', amount: 1500, amount_received: 1500, currency: 'eur' } } });
  return { body, header: stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_test_current' }) };
}

/** What connecting and querying through `url` rejects with. */
async function errorOf(url: string): Promise<Error & { code?: string }> {
  const pool = createPool({ url, poolSize: 1, connectTimeoutMs: 10_000 });
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    return err as Error & { code?: string };
  } finally {
    await pool.end().catch(() => undefined);
  }
  throw new Error(`expected ${url} to refuse, it answered`);
}

let full: OwnPgBouncer;
let holder: Pool;
let cutOff: OwnPgBouncer;
const database = () => new URL(process.env.DATABASE_URL ?? '').pathname;

beforeAll(async () => {
  // A pooler that takes one client, held here, and one whose Postgres does not listen.
  full = new OwnPgBouncer({ maxClientConn: 1 });
  cutOff = new OwnPgBouncer({ serverPort: 1, queryWaitTimeoutS: 1 });
  await Promise.all([full.start(), cutOff.start()]);
  holder = createPool({ url: `${full.serverUrl}${database()}`, poolSize: 1 });
  // start() saw the port open with a probe connection of its own, which takes the one client slot
  // until the pooler notices it closed: the holder gets in once it has.
  await eventually(() => holder.query('SELECT 1').then(() => true, () => false), 10_000, 50, 'the holder to connect to the one-client pooler');
});
afterAll(async () => {
  await holder?.end();
  await Promise.all([full?.destroy(), cutOff?.destroy()]);
});

it('classifies the pooler refusing a client over max_client_conn as unavailable', async () => {
  const err = await errorOf(`${full.serverUrl}${database()}`);
  expect(err).toMatchObject({ code: '08P01', message: expect.stringMatching(/no more connections allowed/) });
  expect(isDatabaseUnavailable(err)).toBe(true);
});

it('classifies the pooler giving up on a Postgres that does not answer as unavailable', async () => {
  const err = await errorOf(`${cutOff.serverUrl}${database()}`);
  expect(err.code).toBe('08P01');
  expect(isDatabaseUnavailable(err)).toBe(true);
});

it('answers 503 with Retry-After when the pooler refuses the receiver, so the provider retries', async () => {
  const r = await startReceiver({ databaseUrl: `${full.serverUrl}${database()}` });
  try {
    const e = signedEvent();
    const res = await r.request.post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', e.header).send(e.body);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.message).toMatch(/event store is unavailable/);
  } finally {
    await r.close();
  }
});

it('still treats a query the database rejects as a query error, not as unavailable', async () => {
  const pool = createPool({ url: process.env.DATABASE_URL ?? '', poolSize: 1 });
  try {
    const err = await pool.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '42P01' });
    expect(isDatabaseUnavailable(err)).toBe(false);
  } finally {
    await pool.end();
  }
});
