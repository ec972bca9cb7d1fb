import { buildWebhook } from '@switchyard/sandbox';
import { queuePrefix, registry } from '@switchyard/queues';
import { eventually, must, OwnRedisCluster } from '@switchyard/testing';
import { startFleet, type Fleet } from './support/fleet';
import { countBy, receiptSubjects, type Send } from './support/receipts';

const EVENTS = 80;
const KILL_AFTER = 25;
const IN_FLIGHT = 4;
const SETTINGS = { crm: undefined, team: { notifications: [] } };

/**
 * A Redis Cluster of three masters, each with a replica; payments flow through the fleet and the
 * master holding the payments queue is killed (SIGKILL) mid-run. Its replica is promoted, the
 * fleet carries on without a restart, and every payment is processed with its receipt sent once:
 * nothing lost (what the dead master had not replicated is re-driven from Postgres), nothing twice
 * (the effect ledger).
 */
describe('Redis Cluster failover under load', () => {
  let cluster: OwnRedisCluster;
  let fleet: Fleet;

  beforeAll(async () => {
    cluster = new OwnRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 2000 });
    await cluster.start();
    fleet = await startFleet({ redisUrl: cluster.url, settings: SETTINGS });
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await cluster?.stop();
  });

  it(`${EVENTS} payments, the payments queue's master killed after ${KILL_AFTER}: its replica takes over, every payment processed, each receipt sent once`, async () => {
    const paymentsKey = `${queuePrefix(fleet.prefix, registry.payments.name)}:${registry.payments.name}:wait`;
    const victim = await cluster.masterOf(paymentsKey);
    const replica = must((await cluster.nodes()).find((n) => n.role === 'replica' && n.masterId === victim.id));

    const requests = receiptSubjects(EVENTS).map((subject) => buildWebhook('razorpay', 'payment.captured', { subject, to: fleet.receiverUrl }));
    const acknowledged: boolean[] = [];
    let next = 0;
    const sender = async () => {
      for (let i = next++; i < requests.length; i = next++) acknowledged[i] = (await fleet.deliver(must(requests[i]))).delivered;
    };
    const sending = Promise.all(Array.from({ length: IN_FLIGHT }, sender));

    await eventually(async () => acknowledged.filter(Boolean).length >= KILL_AFTER || null, 60_000, 20, `${KILL_AFTER} payments acknowledged`);
    await cluster.kill(victim.port);
    const killedAt = Date.now();
    // The others mark it failed and promote its replica; the fleet sees the new slot map.
    await eventually(async () => (await cluster.nodes()).some((n) => n.id === replica.id && n.role === 'master') || null, 30_000, 100, 'the replica promoted');
    await cluster.waitHealthy();
    const promotedAfterMs = Date.now() - killedAt;
    await sending;
    expect(acknowledged.filter((a) => a !== true)).toEqual([]);
    expect(acknowledged).toHaveLength(EVENTS);

    // Jobs the dead master took with it (written after its last replication) are re-driven from
    // Postgres, as the receiver's stale-work redriver does on its timer; job ids keep a re-drive of
    // a job that survived from making a second one.
    await eventually(
      async () => {
        await fleet.redriveStale();
        await fleet.settled(5_000);
        return true;
      },
      90_000,
      500,
      'every payment processed after the failover',
    );

    const events = await fleet.db.$queryRawUnsafe<{ status: string; n: number }[]>(`SELECT status::text, count(*)::int AS n FROM inbound_events WHERE provider = 'razorpay' GROUP BY 1`);
    expect(events).toEqual([{ status: 'processed', n: EVENTS }]);
    const effects = await fleet.db.$queryRawUnsafe<{ id: string; status: string }[]>(`SELECT id::text, status::text FROM effects`);
    expect(effects.filter((e) => e.status !== 'done')).toEqual([]);
    expect(effects).toHaveLength(EVENTS);
    const sends = countBy(
      (await fleet.sandboxRequests({ provider: 'whatsapp', pathIncludes: '/messages' })).map((r) => r.body as Send),
      (s) => s.biz_opaque_callback_data ?? '',
    );
    for (const e of effects) expect([e.id, sends.get(e.id) ?? 0]).toEqual([e.id, 1]);
    console.log(`cluster failover: killed master :${victim.port} (payments queue), replica :${replica.port} promoted and cluster ok after ${promotedAfterMs} ms; ${EVENTS} payments processed, ${effects.length} receipts each sent once`);
  }, 240_000);
});
