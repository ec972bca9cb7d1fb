import { buildSequence, buildWebhook, buildWebhooks } from './build-webhook';
import { deliverWebhooks, planDeliveries } from './deliver-webhooks';
import { RETRY_SCHEDULES } from './retry-schedules';
import { sendWebhook } from './send-webhook';
import { buildTrigger } from './trigger';

function fakeFetch(statuses: number[]): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const fetchFn = (async (url: string) => {
    calls.push(url);
    return new Response('ok', { status: statuses.shift() ?? 200 });
  }) as unknown as typeof fetch;
  return { fetch: fetchFn, calls };
}

describe('building', () => {
  it('is reproducible from a seed', () => {
    const a = buildWebhook('stripe', 'payment_intent.succeeded', { seed: 3, now: 1_700_000_000_000, signedAt: 1_700_000_000_000 });
    const b = buildWebhook('stripe', 'payment_intent.succeeded', { seed: 3, now: 1_700_000_000_000, signedAt: 1_700_000_000_000 });
    expect(a).toEqual(b);
  });

  it('a sequence shares one payment and has increasing occurrence times', () => {
    const sequence = buildSequence('stripe', { seed: 5 });
    expect(sequence.map((r) => r.event)).toEqual(['payment_intent.payment_failed', 'payment_intent.succeeded', 'charge.refunded', 'refund.created']);
    const pis = sequence.map((r) => {
      const object = JSON.parse(r.body).data.object;
      return object.payment_intent ?? object.id;
    });
    expect(new Set(pis).size).toBe(1);
    const created = sequence.map((r) => JSON.parse(r.body).created as number);
    expect(created).toEqual([...created].sort((x, y) => x - y));
    expect(new Set(created).size).toBe(4);
  });

  it('count makes separate deliveries, except for batching providers', () => {
    expect(buildWebhooks('razorpay', 'payment.captured', { seed: 1, count: 3 })).toHaveLength(3);
    expect(buildWebhooks('hubspot', 'contact.creation', { seed: 1, count: 3 })).toHaveLength(1);
    expect(buildWebhooks('hubspot', 'contact.creation', { seed: 1, count: 3 })[0]?.eventIds).toHaveLength(3);
  });

  it('rejects unknown events naming the known ones', () => {
    expect(() => buildWebhook('stripe', 'nope', {})).toThrow(/unknown stripe event "nope".*payment_intent.succeeded/);
  });

  it('adds the connection suffix to the receiver path', () => {
    expect(buildWebhook('stripe', 'payment_intent.succeeded', { connection: 'eu' }).path).toBe('/webhooks/stripe/eu');
  });

  it('--shuffle with one event delivers the related sequence', () => {
    expect(buildTrigger({ provider: 'razorpay', event: 'payment.captured', shuffle: true, seed: 1 })).toHaveLength(3);
  });
});

describe('delivery', () => {
  it('plans duplicates and a seeded shuffle', () => {
    const requests = buildSequence('stripe', { seed: 9 });
    const plain = planDeliveries(requests, { duplicate: 2 });
    expect(plain.map((r) => r.eventId)).toEqual(requests.flatMap((r) => [r.eventId, r.eventId, r.eventId]));
    const shuffled = planDeliveries(requests, { duplicate: 2, shuffle: true, seed: 4 });
    expect(shuffled).toEqual(planDeliveries(requests, { duplicate: 2, shuffle: true, seed: 4 }));
    expect(shuffled.map((r) => r.eventId)).not.toEqual(plain.map((r) => r.eventId));
    expect([...shuffled].sort((a, b) => a.eventId.localeCompare(b.eventId))).toEqual([...plain].sort((a, b) => a.eventId.localeCompare(b.eventId)));
  });

  it('retries non-2xx answers on the provider schedule divided by the time scale', async () => {
    const { fetch, calls } = fakeFetch([503, 500, 200]);
    const waits: number[] = [];
    const result = await sendWebhook(buildWebhook('stripe', 'payment_intent.succeeded', { seed: 1 }), {
      to: 'http://receiver.test',
      fetch,
      timeScale: 60,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(result.delivered).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual([503, 500, 200]);
    expect(calls[0]).toBe('http://receiver.test/webhooks/stripe');
    expect(waits).toEqual([(RETRY_SCHEDULES.stripe[0] ?? 0) * 1000 / 60, (RETRY_SCHEDULES.stripe[1] ?? 0) * 1000 / 60]);
  });

  it('gives up after maxAttempts, and Twilio never retries', async () => {
    const failing = fakeFetch([500, 500, 500, 500]);
    const capped = await sendWebhook(buildWebhook('stripe', 'payment_intent.succeeded', {}), { to: 'http://r', fetch: failing.fetch, maxAttempts: 2, sleep: async () => {} });
    expect(capped.attempts).toHaveLength(2);
    expect(capped.delivered).toBe(false);
    const twilio = await sendWebhook(buildWebhook('twilio', 'message', {}), { to: 'http://r', fetch: fakeFetch([500]).fetch, sleep: async () => {} });
    expect(twilio.attempts).toHaveLength(1);
  });

  it('reports network errors as status null and retries them', async () => {
    let n = 0;
    const fetchFn = (async () => {
      n += 1;
      if (n === 1) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch;
    const result = await sendWebhook(buildWebhook('razorpay', 'payment.captured', {}), { to: 'http://r', fetch: fetchFn, sleep: async () => {} });
    expect(result.attempts[0]).toMatchObject({ status: null, error: 'ECONNREFUSED' });
    expect(result.delivered).toBe(true);
  });

  it('delivers every planned copy in plan order', async () => {
    const seen: string[] = [];
    const fetchFn = (async (_url: string, init: RequestInit) => {
      seen.push(String(init.body));
      return new Response('', { status: 200 });
    }) as unknown as typeof fetch;
    const requests = buildSequence('whatsapp', { seed: 2 });
    const results = await deliverWebhooks(requests, { to: 'http://r', fetch: fetchFn, duplicate: 1, shuffle: true, seed: 8 });
    expect(results).toHaveLength(8);
    expect(seen).toEqual(planDeliveries(requests, { duplicate: 1, shuffle: true, seed: 8 }).map((r) => r.body));
  });

  it('builds one lifecycle per customer for a sequence with a count', () => {
    const requests = buildSequence('razorpay', { seed: 11, count: 3 });
    expect(requests).toHaveLength(9);
    const phones = requests.map((r) => String(r.body).match(/"contact":"([^"]+)"/)?.[1]);
    expect(new Set(phones).size).toBe(3);
  });
});
