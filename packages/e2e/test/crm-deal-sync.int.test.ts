import { buildSequence, buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { eventually, must } from '@switchyard/testing';
import { startFleet, type Fleet, type SandboxRequest } from './support/fleet';

type HubspotState = { hubspot: { deals: { properties: Record<string, string> }[] } };
type UpsertBody = { inputs: { idProperty: string; id: string; properties: Record<string, string> }[] };

const DEALS = '/crm/v3/objects/deals';

/**
 * The CRM deal sync calls HubSpot with nothing held in Postgres (no transaction, no row lock), and
 * syncs of one payment that overlap still leave the deal at the stage of the payment's final state.
 */
describe('CRM deal sync', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.close();
  });
  afterEach(async () => {
    await fleet.clearFaults();
  });

  const dealCalls = () => fleet.sandboxRequests({ provider: 'hubspot', pathIncludes: DEALS });
  const inFlight = (r: SandboxRequest | undefined) => !!r && r.status === null;

  it('holds no transaction or lock on the payment row while HubSpot holds the request', async () => {
    // HubSpot keeps the first deal request open for 3 s before answering it.
    await fleet.addFault({ provider: 'hubspot', path: DEALS, type: 'hang', afterMs: 3000, count: 1 });
    const subject = createSubject(mulberry32(4401));
    await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }));
    // The positive signal: the deal request has reached HubSpot and has no answer yet.
    await eventually(async () => inFlight((await dealCalls())[0]), 15_000, 25, 'the deal request to be held by HubSpot');
    const { key } = must((await fleet.db.$queryRawUnsafe<{ key: string }[]>(`SELECT key FROM payments`))[0], 'the payment row');

    // Nobody holds the row: taking its lock without waiting succeeds.
    const locked = await fleet.db.$transaction(async (tx) => tx.$queryRawUnsafe<{ key: string }[]>(`SELECT key FROM payments WHERE key = $1 FOR UPDATE NOWAIT`, key));
    expect(locked).toEqual([{ key }]);
    // And no session of this database sits in an open transaction holding a lock on payments.
    const holders = await fleet.db.$queryRawUnsafe<{ pid: number; state: string; query: string }[]>(
      `SELECT a.pid, a.state, a.query FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid JOIN pg_class c ON c.oid = l.relation
        WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND c.relname = 'payments' AND a.state LIKE 'idle in transaction%'`,
    );
    expect(holders).toEqual([]);
    // Both checks ran while the request was still held.
    expect(inFlight((await dealCalls())[0])).toBe(true);

    await fleet.settled();
    const state = (await fleet.sandboxState()) as HubspotState;
    expect(state.hubspot.deals.map((d) => d.properties.dealstage)).toEqual(['closedwon']);
  });

  it('a stale stage that lands after a newer one is written over again: the deal ends at the final state', async () => {
    const subject = createSubject(mulberry32(4402));
    const sequence = buildSequence('razorpay', { subject, to: fleet.receiverUrl });
    const captured = must(sequence[1], 'the captured delivery');
    const refunded = must(sequence[2], 'the refund delivery');
    const before = (await dealCalls()).length;
    // The sync of the captured payment (paid) is held by HubSpot until the refund's sync has landed.
    await fleet.addFault({ provider: 'hubspot', path: DEALS, type: 'hang', afterMs: 4000, count: 1 });
    await fleet.deliver(captured);
    await eventually(async () => inFlight((await dealCalls())[before]), 15_000, 25, 'the paid stage to be held by HubSpot');
    await fleet.deliver(refunded);
    // The precondition of this test: the refund's sync landed while the paid one was still held.
    await eventually(
      async () => {
        const calls = await dealCalls();
        return inFlight(calls[before]) && calls[before + 1]?.status === 200;
      },
      15_000,
      25,
      "the refund's deal sync to land first",
    );

    await fleet.settled(30_000);
    const [row] = await fleet.db.$queryRawUnsafe<{ status: string; version: number; crm_synced_version: number }[]>(
      `SELECT status, version, crm_synced_version FROM payments WHERE regexp_replace(customer->>'phone', '[^0-9]', '', 'g') = $1`,
      subject.phone,
    );
    const payment = must(row, "the subject's payment");
    expect(['refunded', 'partially_refunded']).toContain(payment.status);
    expect(payment.crm_synced_version).toBe(payment.version);
    const calls = (await dealCalls()).slice(before);
    // Paid (held, landed last), refunded, then the paid sync's own repair once it saw the newer version.
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    const inputs = calls.map((c) => must((c.body as UpsertBody).inputs[0], 'a deal input'));
    expect(inputs.map((i) => i.properties.dealstage)).toEqual(['closedwon', payment.status, payment.status]);
    const state = (await fleet.sandboxState()) as HubspotState;
    const first = must(inputs[0], 'the first deal input');
    const deal = state.hubspot.deals.find((d) => d.properties[first.idProperty] === first.id);
    expect(deal?.properties.dealstage).toBe(payment.status);
  });
});
