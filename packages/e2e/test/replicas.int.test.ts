import { queueNames, type QueueName } from '@switchyard/queues';
import { buildWebhook, createSubject, mulberry32, WHATSAPP_MAGIC_SUFFIXES, type Subject } from '@switchyard/sandbox';
import { eventually, must } from '@switchyard/testing';
import { ChildWorker, withChildLogs, writeSettingsFile } from './support/child-workers';
import { startFleet, type Fleet, type SandboxRequest } from './support/fleet';

const EVENTS = 200;

type Deal = { properties: Record<string, string> };
type SandboxState = {
  whatsapp: { messages: unknown[]; statusWebhooks: unknown[] };
  hubspot: { deals: Deal[]; notes: Deal[] };
};

function subjects(count: number): Subject[] {
  const byPhone = new Map<string, Subject>();
  const magic = Object.values(WHATSAPP_MAGIC_SUFFIXES);
  for (let seed = 20_000; byPhone.size < count; seed++) {
    const s = createSubject(mulberry32(seed));
    if (!byPhone.has(s.phone) && !magic.some((m) => s.phone.endsWith(m))) byPhone.set(s.phone, s);
  }
  return [...byPhone.values()];
}

/**
 * Two processes of every worker app on the same queues, as a scaled-out deployment runs them:
 * they share the work and never both do the same thing. Speed is measured in bench/, not here.
 */
describe('replicas: two processes per worker app', () => {
  let fleet: Fleet;
  let settingsFile: { file: string; remove(): void };
  const replicas: Record<QueueName, ChildWorker[]> = { payments: [], crm: [], whatsapp: [] };
  const all = () => queueNames.flatMap((q) => replicas[q]);

  beforeAll(async () => {
    fleet = await startFleet({ replicas: { payments: 0, crm: 0, whatsapp: 0 } });
    settingsFile = writeSettingsFile(fleet.sandboxUrl);
    for (const app of queueNames) {
      for (const name of ['a', 'b']) replicas[app].push(new ChildWorker({ app, label: `${app}-${name}`, databaseUrl: fleet.databaseUrl, prefix: fleet.prefix, settingsFile: settingsFile.file }));
    }
    await Promise.all(all().map((c) => c.start(60_000)));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(all().map((c) => c.stop()));
    settingsFile?.remove();
    await fleet?.close();
  });

  it(`${EVENTS} payments through two replicas of each worker: every effect once, both replicas busy`, async () => {
    const people = subjects(EVENTS);
    const started = Date.now();
    await withChildLogs(all(), async () => {
      const requests = people.map((subject) => buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }));
      for (let i = 0; i < requests.length; i += 20) {
        const results = await Promise.all(requests.slice(i, i + 20).map((r) => fleet.deliver(r)));
        expect(results.every((r) => r.delivered)).toBe(true);
      }
      await eventually(
        async () => {
          const { whatsapp } = (await fleet.sandboxState()) as SandboxState;
          return whatsapp.messages.length === EVENTS && whatsapp.statusWebhooks.length >= 3 * EVENTS;
        },
        60_000,
        100,
        'every receipt and its status webhooks',
      );
      await fleet.settled(60_000);
    });
    const duration = Date.now() - started;

    const statuses = await fleet.db.$queryRawUnsafe<{ status: string; n: number }[]>(`SELECT status::text, count(*)::int AS n FROM inbound_events GROUP BY 1`);
    expect(statuses.map((s) => s.status)).toEqual(['processed']);
    const effects = await fleet.db.$queryRawUnsafe<{ kind: string; status: string; n: number }[]>(`SELECT kind, status::text, count(*)::int AS n FROM effects GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(effects).toEqual([
      { kind: 'crm.deal.sync', status: 'done', n: EVENTS },
      { kind: 'crm.note', status: 'done', n: EVENTS },
      { kind: 'message.send', status: 'done', n: EVENTS },
      { kind: 'team.notify', status: 'done', n: EVENTS },
    ]);

    // One receipt per customer, one deal per order, one note per payment, one team alert per payment.
    const sends = await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' });
    const perPhone = new Map<string, number>();
    for (const s of sends) perPhone.set((s.body as { to: string }).to, (perPhone.get((s.body as { to: string }).to) ?? 0) + 1);
    expect(sends).toHaveLength(EVENTS);
    expect(new Set(perPhone.keys())).toEqual(new Set(people.map((p) => p.phone)));
    const state = (await fleet.sandboxState()) as SandboxState;
    const orders = people.map((p) => p.razorpay.order);
    expect(state.hubspot.deals).toHaveLength(EVENTS);
    expect(new Set(state.hubspot.deals.map((d) => d.properties.switchyard_order_id))).toEqual(new Set(orders));
    expect(state.hubspot.deals.every((d) => d.properties.dealstage === 'closedwon')).toBe(true);
    expect(state.hubspot.notes).toHaveLength(EVENTS);
    expect(await fleet.sandboxRequests({ pathIncludes: '/slack/' })).toHaveLength(EVENTS);
    // HubSpot allows 100 calls per 10 s; the two CRM replicas share one limiter in Redis (its
    // cross-process bound is tested in packages/connectors). A starved event loop can still send a
    // granted call late enough for HubSpot's own window to refuse it; such a 429 costs no attempt.
    // Exactly two distinct writes per payment (deal, note). A CRM job whose replica was starved past
    // its lock (2 s here) runs again on the other replica, which may repeat its write: CRM writes are
    // upserts by our external id, so a repeat must be the identical upsert and changes nothing
    // (the deal and note counts above).
    const hubspot = await fleet.sandboxRequests({ provider: 'hubspot' });
    const refused = hubspot.filter((r) => r.status === 429).length;
    const byRequest = new Map<string, SandboxRequest[]>();
    for (const r of hubspot.filter((h) => h.status !== 429)) {
      const key = `${r.method} ${r.path} ${JSON.stringify(r.body)}`;
      byRequest.set(key, [...(byRequest.get(key) ?? []), r]);
    }
    expect(byRequest.size).toBe(2 * EVENTS);
    const repeats = [...byRequest.values()].filter((rs) => rs.length > 1);
    expect(repeats.filter((rs) => !must(rs[0]).path.endsWith('/batch/upsert') || must(rs[0]).method !== 'POST').map((rs) => rs.map((r) => ({ method: r.method, path: r.path, status: r.status })))).toEqual([]);
    const repeated = repeats.reduce((n, rs) => n + rs.length - 1, 0);
    let crmStalled = 0;
    for (const c of replicas.crm) crmStalled += await c.metric('switchyard_jobs_stalled_total');
    expect(repeated).toBeLessThanOrEqual(crmStalled);

    // Both replicas of every app took part.
    const completed: Record<string, number> = {};
    for (const c of all()) completed[c.label] = await c.metric('switchyard_jobs_completed_total');
    for (const app of queueNames) for (const c of replicas[app]) expect([c.label, (completed[c.label] ?? 0) > 0]).toEqual([c.label, true]);

    console.log(
      `replicas: ${EVENTS} payments through 2 replicas per app settled in ${(duration / 1000).toFixed(1)} s; jobs completed per replica ${JSON.stringify(completed)}; ${sends.length} WhatsApp sends, ${state.hubspot.deals.length} deals, ${state.hubspot.notes.length} notes, ${refused} HubSpot 429s, ${repeated} repeated upserts (${crmStalled} CRM jobs found stalled)`,
    );
  }, 150_000);
});
