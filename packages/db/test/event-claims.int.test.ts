import { randomUUID } from 'node:crypto';
import { createEventClaimer } from '../src';
import { countedDatabase } from './counted-database';

// The workers' event claims (createEventClaimer) against the real database: the process-event jobs
// in flight claim their events in shared statements, each answered with its own event; a finished
// event is not claimed; two jobs of one event in one batch do not both get it.
const counted = countedDatabase();

async function storeEvents(statuses: ('queued' | 'processing' | 'failed' | 'processed' | 'ignored')[]): Promise<string[]> {
  const ids = statuses.map(() => randomUUID());
  await counted.db.inboundEvent.createMany({
    data: ids.map((id, i) => ({ id, provider: 'razorpay', connection: 'default', providerEventId: `evt_${id}`, type: 'payment.captured', status: statuses[i] ?? 'queued', payload: {}, canonical: { n: i }, headers: {} })),
  });
  counted.reset();
  return ids;
}

describe('createEventClaimer', () => {
  it('claims concurrent jobs’ events in shared statements, each answered with its own event; a finished one is not claimed', async () => {
    const claim = createEventClaimer(counted.database, { maxInFlight: 1 });
    const ids = await storeEvents(['queued', 'queued', 'failed', 'processing', 'processed', 'ignored']);
    const claimed = await Promise.all([...ids, randomUUID()].map((id) => claim(id)));
    const used = counted.statements;
    expect(claimed.map((c) => c && [c.id, c.status, c.attempts, c.canonical])).toEqual([
      [ids[0], 'processing', 1, { n: 0 }],
      [ids[1], 'processing', 1, { n: 1 }],
      [ids[2], 'processing', 1, { n: 2 }],
      [ids[3], 'processing', 1, { n: 3 }],
      null,
      null,
      null,
    ]);
    const rows = await counted.db.inboundEvent.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
    expect(ids.map((id) => rows.find((r) => r.id === id)?.status)).toEqual(['processing', 'processing', 'processing', 'processing', 'processed', 'ignored']);
    // The first claim leaves alone; the six made during it share the next statement.
    expect(used).toBe(2);
  });

  it('gives an event to one job only when two jobs of it share a batch', async () => {
    const claim = createEventClaimer(counted.database, { maxInFlight: 1 });
    const [opener, twice] = await storeEvents(['queued', 'queued']);
    const claimed = await Promise.all([claim(opener as string), claim(twice as string), claim(twice as string)]);
    expect(counted.statements).toBe(2);
    expect(claimed.map((c) => c?.id ?? null)).toEqual([opener, twice, null]);
    expect(await counted.db.inboundEvent.findUniqueOrThrow({ where: { id: twice as string }, select: { attempts: true } })).toEqual({ attempts: 1 });
  });
});
