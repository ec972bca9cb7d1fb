import { buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { eventually, must } from '@switchyard/testing';
import { startFleet, type Fleet } from './support/fleet';

/**
 * Redis loses its data (restart without persistence, FLUSHALL) after an event was processed but
 * before its effects ran: the effects are in the ledger, their jobs are gone. The stale-work redriver
 * re-dispatches them from the outbox and each effect still happens exactly once.
 */
describe('recovery from Redis data loss', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    // No CRM or messaging workers at first: effects stay owed while Redis loses its data.
    fleet = await startFleet({ replicas: { crm: 0, whatsapp: 0 } });
  });
  afterAll(async () => {
    await fleet.close();
  });

  it('re-drives owed effects after their jobs were lost, and performs each once', async () => {
    const subjects = [1, 2, 3].map((i) => createSubject(mulberry32(900 + i)));
    for (const subject of subjects) await fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }));
    await eventually(async () => {
      const rows = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM inbound_events WHERE status = 'processed'`);
      return must(rows[0]).n === 3;
    }, 20_000, 100, 'the payment events to be processed');
    await eventually(async () => {
      const rows = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM outbox_entries WHERE dispatched_at IS NULL`);
      return must(rows[0]).n === 0;
    }, 10_000, 100, 'the effect jobs to be dispatched');
    const owed = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM effects WHERE status = 'pending'`);
    expect(must(owed[0]).n).toBeGreaterThanOrEqual(9); // per payment: deal sync, note, receipt, team

    expect(await fleet.loseRedisData()).toBeGreaterThan(0);
    await fleet.startWorker('crm');
    await fleet.startWorker('whatsapp');
    // Without the redriver nothing would happen: the jobs are gone, and the relay (which ran a
    // pass after the loss) has nothing to send again, since its entries were dispatched before.
    expect(await fleet.relayPass()).toBe(0);
    await fleet.drained('crm');
    await fleet.drained('whatsapp');
    const stillOwed = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM effects WHERE status = 'pending'`);
    expect(must(stillOwed[0]).n).toBe(must(owed[0]).n);

    expect(await fleet.redriveStale()).toBeGreaterThanOrEqual(must(owed[0]).n);
    await fleet.settled();

    const effects = await fleet.db.$queryRawUnsafe<{ status: string; n: number }[]>(`SELECT status::text, count(*)::int AS n FROM effects GROUP BY status`);
    expect(effects).toEqual([{ status: 'done', n: must(owed[0]).n }]);
    const sends = await fleet.sandboxRequests({ provider: 'whatsapp' });
    expect(sends.map((r) => (r.body as { to: string }).to).sort()).toEqual(subjects.map((s) => s.phone).sort());
  });
});
