import { createSubject, loadEnv, mulberry32, WHATSAPP_MAGIC_SUFFIXES } from '@switchyard/sandbox';
// The CLI's programmatic entry (what `pnpm switchyard` runs); not part of the package's index.
import { runCli } from '@switchyard/sandbox';
import { startFleet, type Fleet } from './support/fleet';

jest.setTimeout(90_000);

/** Customers (CLI seeds) whose numbers trigger none of the WhatsApp sandbox's magic failures. */
function plainSeeds(count: number, from: number): number[] {
  const seeds: number[] = [];
  for (let seed = from; seeds.length < count; seed++) {
    const phone = createSubject(mulberry32(seed)).phone;
    if (!Object.values(WHATSAPP_MAGIC_SUFFIXES).some((suffix) => phone.endsWith(suffix))) seeds.push(seed);
  }
  return seeds;
}

const SEEDS = plainSeeds(6, 31);
const IN_ORDER = ['payment.failed', 'payment.captured', 'refund.processed'];

async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env: loadEnv({}), out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

/** Delivery lines of the CLI (`provider  eventId  status  event  attempt N`), as [event id, event, status]. */
function deliveries(out: string[]): { eventId: string; event: string; status: string }[] {
  return out.filter((line) => line.startsWith('razorpay')).map((line) => {
    const [, eventId = '', status = '', event = ''] = line.split(/\s+/);
    return { eventId, event, status };
  });
}

interface Snapshot {
  payments: { payment_id: string; status: string; amount: number; refunded_amount: number; currency: string | null; disputed: boolean }[];
  /** kind, business key and status of every effect, except the order-dependent failure notices. */
  effects: string[];
  /** Failure notices (message.send payment-failed:<key>) with their status, per payment id. */
  failureNotices: Record<string, string[]>;
  /** WhatsApp templates accepted per recipient, sorted (a multiset), failure notices aside. */
  sends: Record<string, string[]>;
  failureSends: Record<string, number>;
  deals: string[];
  notes: string[];
  events: { status: string; n: number }[];
}

async function snapshot(fleet: Fleet): Promise<Snapshot> {
  const payments = await fleet.db.$queryRawUnsafe<Snapshot['payments']>(`SELECT payment_id, status, amount, refunded_amount, currency, disputed FROM payments ORDER BY payment_id`);
  const effects = await fleet.db.$queryRawUnsafe<{ kind: string; business_key: string; status: string; payment_id: string | null }[]>(
    `SELECT e.kind, e.business_key, e.status::text, p.payment_id FROM effects e LEFT JOIN payments p ON p.key = e.entity_key ORDER BY e.kind, e.business_key`,
  );
  const isFailureNotice = (e: { kind: string; business_key: string }) => e.kind === 'message.send' && e.business_key.startsWith('payment-failed:');
  const failureNotices: Record<string, string[]> = {};
  for (const e of effects.filter(isFailureNotice)) (failureNotices[e.payment_id ?? '?'] ??= []).push(e.status);

  const sends: Record<string, string[]> = {};
  const failureSends: Record<string, number> = {};
  for (const r of await fleet.sandboxRequests({ provider: 'whatsapp' })) {
    if (r.status !== 200) continue;
    const body = r.body as { to: string; template?: { name: string } };
    const name = body.template?.name ?? 'text';
    if (name === 'payment_failed') failureSends[body.to] = (failureSends[body.to] ?? 0) + 1;
    else (sends[body.to] ??= []).push(name);
  }
  for (const list of Object.values(sends)) list.sort();

  const state = (await fleet.sandboxState()) as { hubspot: { deals: { properties: Record<string, string | null> }[]; notes: { properties: Record<string, string | null> }[] } };
  const deals = state.hubspot.deals.map((d) => `${d.properties.switchyard_order_id} ${d.properties.dealstage} ${d.properties.amount}`).sort();
  const notes = state.hubspot.notes.map((n) => `${n.properties.switchyard_note_id} → ${n.properties.switchyard_deal_id}`).sort();
  const events = await fleet.db.$queryRawUnsafe<{ status: string; n: number }[]>(`SELECT status::text, count(*)::int AS n FROM inbound_events WHERE provider = 'razorpay' GROUP BY 1 ORDER BY 1`);
  return {
    payments,
    effects: effects.filter((e) => !isFailureNotice(e)).map((e) => `${e.kind} ${e.business_key} ${e.status}`),
    failureNotices,
    sends,
    failureSends,
    deals,
    notes,
    events,
  };
}

/**
 * The sandbox CLI delivering Razorpay's lifecycle (failed → captured → refunded) for several
 * customers, once in order to one fleet, then shuffled with two extra copies of every delivery
 * (customers interleaved) to a second fleet. Folding facts makes the end states equal.
 */
describe('CLI delivery: duplicates and shuffled order end in the in-order state', () => {
  let inOrder: Snapshot;
  let shuffled: Snapshot;
  const shuffledOrders: string[][] = [];

  beforeAll(async () => {
    const a = await startFleet();
    try {
      for (const seed of SEEDS) {
        const run = await cli(['trigger', 'razorpay', 'sequence', '--seed', String(seed), '--to', a.receiverUrl, '--time-scale', '100000']);
        expect(run).toMatchObject({ code: 0, err: [] });
        expect(deliveries(run.out).map((d) => [d.event, d.status])).toEqual(IN_ORDER.map((event) => [event, '200']));
      }
      await a.settled(45_000);
      inOrder = await snapshot(a);
    } finally {
      await a.close();
    }

    const b = await startFleet();
    try {
      // Every customer's CLI run at once: the customers interleave as well as their events.
      const runs = await Promise.all(SEEDS.map((seed) => cli(['trigger', 'razorpay', 'sequence', '--seed', String(seed), '--shuffle', '--duplicate', '2', '--to', b.receiverUrl, '--time-scale', '100000'])));
      for (const run of runs) {
        expect(run).toMatchObject({ code: 0, err: [] });
        const sent = deliveries(run.out);
        expect(sent).toHaveLength(9);
        expect(sent.every((d) => d.status === '200')).toBe(true);
        // Three copies of each event, same event id each time.
        expect(new Set(sent.map((d) => d.eventId)).size).toBe(3);
        shuffledOrders.push(sent.map((d) => d.event));
      }
      await b.settled(45_000);
      shuffled = await snapshot(b);
    } finally {
      await b.close();
    }
  });

  it('really delivered out of order, with duplicates', () => {
    const firstSeen = shuffledOrders.map((order) => [...new Set(order)]);
    expect(firstSeen.some((order) => JSON.stringify(order) !== JSON.stringify(IN_ORDER))).toBe(true);
    // At least one customer's refund arrived before its capture.
    expect(firstSeen.some((order) => order.indexOf('refund.processed') < order.indexOf('payment.captured'))).toBe(true);
    const letter: Record<string, string> = { 'payment.failed': 'f', 'payment.captured': 'c', 'refund.processed': 'r' };
    console.log(`shuffled first arrivals per customer: ${firstSeen.map((o) => o.map((e) => letter[e]).join('')).join(' ')} (f failed, c captured, r refunded)`);
  });

  it('every event was stored once and processed', () => {
    expect(inOrder.events).toEqual([{ status: 'processed', n: SEEDS.length * 3 }]);
    expect(shuffled.events).toEqual(inOrder.events);
  });

  it('the payments end in the same state', () => {
    expect(inOrder.payments).toHaveLength(SEEDS.length);
    expect(inOrder.payments.every((p) => p.status === 'refunded' || p.status === 'partially_refunded')).toBe(true);
    expect(shuffled.payments).toEqual(inOrder.payments);
  });

  it('the same effects were planned and performed', () => {
    expect(inOrder.effects.length).toBeGreaterThanOrEqual(SEEDS.length * 8);
    expect(inOrder.effects.every((e) => e.endsWith(' done'))).toBe(true);
    expect(shuffled.effects).toEqual(inOrder.effects);
  });

  it('each customer got the same WhatsApp templates, each once', () => {
    expect(Object.keys(inOrder.sends)).toHaveLength(SEEDS.length);
    for (const templates of Object.values(inOrder.sends)) expect(templates).toEqual(['payment_receipt', 'refund_notice']);
    expect(shuffled.sends).toEqual(inOrder.sends);
  });

  it('the CRM ends with the same deals and notes', () => {
    expect(inOrder.deals).toHaveLength(SEEDS.length);
    expect(inOrder.notes).toHaveLength(SEEDS.length * 2);
    expect(shuffled.deals).toEqual(inOrder.deals);
    expect(shuffled.notes).toEqual(inOrder.notes);
  });

  it('a failure notice depends on what was known when the failure was learned, never sent after the capture was known', () => {
    // The one order-dependent effect by design (workflow 2): planned only if the failure arrived
    // while the payment was unpaid, and skipped if the capture landed before it went out.
    for (const snap of [inOrder, shuffled]) {
      for (const statuses of Object.values(snap.failureNotices)) {
        expect(statuses).toHaveLength(1);
        expect(['done', 'skipped']).toContain(statuses[0]);
      }
      const done = Object.values(snap.failureNotices).filter((s) => s[0] === 'done').length;
      expect(Object.values(snap.failureSends).reduce((n, c) => n + c, 0)).toBe(done);
      expect(Object.values(snap.failureSends).every((c) => c === 1)).toBe(true);
    }
    console.log(`failure notices: in order ${JSON.stringify(inOrder.failureNotices)}; shuffled ${JSON.stringify(shuffled.failureNotices)}`);
  });
});
