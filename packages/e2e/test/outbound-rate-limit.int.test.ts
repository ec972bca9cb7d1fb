import { buildWebhook, createSubject, mulberry32 } from '@switchyard/sandbox';
import { startFleet, type Fleet } from './support/fleet';
import { testSettingsDoc } from './support/test-settings';
import { must } from '@switchyard/testing';

/**
 * The connection's own outbound limit (WhatsApp messages per second, kept in Redis for every
 * replica) delays sends; a send refused by it never left, so it is tried again later — never
 * parked as "may have been sent".
 */
describe('outbound rate limit on WhatsApp sends', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      parkAfterMs: 500,
      settings: (sandboxUrl) => {
        const base = testSettingsDoc(sandboxUrl) as { outbound: Record<string, Record<string, Record<string, unknown>>> };
        return { crm: undefined, team: { notifications: [] }, outbound: { ...base.outbound, whatsapp: { default: { ...must(base.outbound.whatsapp).default, messagesPerSecond: 1 } } } };
      },
    });
  });
  afterAll(async () => {
    await fleet.close();
  });

  it('spaces the sends to the limit and sends each receipt once, none parked', async () => {
    const subjects = [1, 2, 3, 4, 5, 6].map((i) => createSubject(mulberry32(4400 + i)));
    await Promise.all(subjects.map((subject) => fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }))));
    await fleet.settled(30_000);

    const effects = await fleet.db.$queryRawUnsafe<{ status: string; last_error: string | null }[]>(`SELECT status::text, last_error FROM effects WHERE kind = 'message.send'`);
    expect(effects.map((e) => [e.status, e.last_error])).toEqual(Array(6).fill(['done', null]));
    const sends = await fleet.sandboxRequests({ provider: 'whatsapp' });
    expect(sends.map((r) => (r.body as { to: string }).to).sort()).toEqual(subjects.map((s) => s.phone).sort());
    const times = sends.map((r) => Date.parse((r as unknown as { time: string }).time)).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(must(times[i]) - must(times[i - 1])).toBeGreaterThanOrEqual(900);
    // Six sends at one per second: the last ones waited longer than the limiter waits in place, so
    // they were refused locally and retried; none of them was taken for a send of unknown outcome.
    const openItems = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM attention_items`);
    expect(must(openItems[0]).n).toBe(0);
  });
});
