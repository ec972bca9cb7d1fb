import { setTimeout as sleep } from 'node:timers/promises';
import { createRedis } from '@switchyard/queues';
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
    // The limiter's grants as it records them: each is a member `<Redis time in ms>:<uuid>` of the
    // number's window, kept until it leaves the window (1050 ms here), so reading the window every
    // 25 ms sees every grant. The grants are what the limit spaces. The sandbox's arrival times are
    // not: between its grant and its request a send commits its intent (the permit is taken first on
    // purpose, so that no wait sits between intent and send), and that commit's latency, which a
    // loaded CI machine stretches to hundreds of milliseconds, moves arrivals closer or further apart.
    const window = `${fleet.prefix}:rl:whatsapp:100000000000001`;
    const watcher = createRedis(fleet.redisUrl, 'worker');
    const grants = new Set<string>();
    let watching = true;
    const watching$ = (async () => {
      while (watching) {
        for (const member of await watcher.zrange(window, '0', '-1')) grants.add(member);
        await sleep(25);
      }
    })();

    const subjects = [1, 2, 3, 4, 5, 6].map((i) => createSubject(mulberry32(4400 + i)));
    await Promise.all(subjects.map((subject) => fleet.deliver(buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }))));
    await fleet.settled(30_000);
    watching = false;
    await watching$;
    watcher.disconnect();

    const effects = await fleet.db.$queryRawUnsafe<{ status: string; last_error: string | null }[]>(`SELECT status::text, last_error FROM effects WHERE kind = 'message.send'`);
    expect(effects.map((e) => [e.status, e.last_error])).toEqual(Array(6).fill(['done', null]));
    const sends = await fleet.sandboxRequests({ provider: 'whatsapp' });
    expect(sends.map((r) => (r.body as { to: string }).to).sort()).toEqual(subjects.map((s) => s.phone).sort());
    // One grant per send, each at least the limit's second after the one before.
    const granted = [...grants].map((member) => Number(member.split(':')[0])).sort((a, b) => a - b);
    expect(granted).toHaveLength(6);
    for (let i = 1; i < granted.length; i++) expect(must(granted[i]) - must(granted[i - 1])).toBeGreaterThanOrEqual(1000);
    // Six sends at one per second: the last ones waited longer than the limiter waits in place, so
    // they were refused locally and retried; none of them was taken for a send of unknown outcome.
    const openItems = await fleet.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM attention_items`);
    expect(must(openItems[0]).n).toBe(0);
  });
});
