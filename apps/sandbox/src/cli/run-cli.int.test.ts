import { createServer as createNetServer, type AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { loadEnv } from '../env';
import { createServer } from '../server';
import { systemClock } from '../support/clock';
import { mulberry32 } from '../support/rng';
import { startReceiver } from '../test-support';
import { httpWebhookSender } from '../webhooks/http-sender';
import { runCli } from './run-cli';

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env: loadEnv(env), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('switchyard trigger', () => {
  it('delivers signed events with duplicates and prints one line per delivery', async () => {
    const receiver = await startReceiver();
    try {
      const { code, out } = await cli(['trigger', 'stripe', 'payment_intent.succeeded', '--to', receiver.url, '--count', '2', '--duplicate', '1', '--seed', '5']);
      expect(code).toBe(0);
      expect(receiver.received).toHaveLength(4);
      const ids = receiver.received.map((r) => {
        expect(r.url).toBe('/webhooks/stripe');
        return Stripe.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), loadEnv({}).STRIPE_WEBHOOK_SECRET).id;
      });
      expect(ids[0]).toBe(ids[1]);
      expect(ids[2]).toBe(ids[3]);
      expect(ids[0]).not.toBe(ids[2]);
      expect(out.filter((l) => l.startsWith('stripe'))).toHaveLength(4);
      expect(out[0]).toMatch(/^stripe\s+evt_\S+\s+200\s/);
    } finally {
      await receiver.close();
    }
  });

  it('retries on the compressed schedule and signs with the env secret', async () => {
    const receiver = await startReceiver((_req, i) => (i < 2 ? 503 : 200));
    try {
      const { code, out } = await cli(['trigger', 'razorpay', 'payment.captured', '--to', receiver.url, '--time-scale', '100000'], { RAZORPAY_WEBHOOK_SECRET: 'rotated,old' });
      expect(code).toBe(0);
      expect(out.slice(0, 3).map((l) => l.split(/\s+/)[2])).toEqual(['503', '503', '200']);
      expect(out[0]).toContain('retry in');
      expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('--shuffle delivers the related sequence out of order, reproducibly', async () => {
    const receiver = await startReceiver();
    try {
      await cli(['trigger', 'stripe', 'sequence', '--shuffle', '--seed', '2', '--to', receiver.url]);
      const first = receiver.received.map((r) => JSON.parse(r.body).type);
      receiver.received.length = 0;
      await cli(['trigger', 'stripe', 'sequence', '--shuffle', '--seed', '2', '--to', receiver.url]);
      expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(first);
      expect([...first].sort()).toEqual(['charge.refunded', 'payment_intent.payment_failed', 'payment_intent.succeeded', 'refund.created']);
    } finally {
      await receiver.close();
    }
  });

  it('reports usage errors with exit code 2 and lists events', async () => {
    expect((await cli(['trigger', 'nope', 'x'])).code).toBe(2);
    expect((await cli(['trigger', 'stripe'])).code).toBe(2);
    expect((await cli(['trigger', 'stripe', 'x', '--count', 'zero'])).err[0]).toContain('--count');
    const events = await cli(['events', 'hubspot']);
    expect(events.out[0]).toContain('deal.propertyChange');
  });
});

async function closedPortUrl(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('switchyard with no receiver listening', () => {
  it.each([
    ['trigger', ['trigger', 'stripe', 'payment_intent.succeeded']],
    ['scenario', ['scenario', 'happy-checkout']],
  ])('%s says at once that the receiver is unreachable, with the URL tried', async (_name, argv) => {
    const url = await closedPortUrl();
    const started = Date.now();
    const { code, err, out } = await cli(argv, { SANDBOX_RECEIVER_URL: url });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(`receiver unreachable at ${url} (connection refused)`);
    expect(err.join('\n')).toContain('bash scripts/start.sh');
    expect(out.filter((l) => l.includes('ERR('))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('switchyard scenario', () => {
  it('runs crm-outage against a live sandbox: HubSpot 503 during the outage, healthy after', async () => {
    const receiver = await startReceiver();
    const sandbox = createServer({ config: loadEnv({}), clock: systemClock, rng: mulberry32(1), webhookSender: httpWebhookSender() });
    const server = sandbox.app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    const sandboxUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { code, out } = await cli(['scenario', 'crm-outage', '--to', receiver.url, '--sandbox', sandboxUrl, '--time-scale', '60000']);
      expect(code).toBe(0);
      expect(out.some((l) => l.includes('HubSpot goes down'))).toBe(true);
      expect(receiver.received.filter((r) => r.url === '/webhooks/stripe')).toHaveLength(7);
      const faults = (await (await fetch(`${sandboxUrl}/__sandbox/faults`)).json()) as { rules: unknown[] };
      expect(faults.rules).toHaveLength(0);
    } finally {
      sandbox.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await receiver.close();
    }
  });

  it.each(['happy-checkout', 'duplicate-storm'])('runs %s end to end', async (name) => {
    const receiver = await startReceiver();
    const sandbox = createServer({ config: loadEnv({}), clock: systemClock, rng: mulberry32(1), webhookSender: httpWebhookSender() });
    const server = sandbox.app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { code } = await cli(['scenario', name, '--to', receiver.url, '--sandbox', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, '--time-scale', '100000']);
      expect(code).toBe(0);
      expect(receiver.received.length).toBeGreaterThan(3);
    } finally {
      sandbox.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await receiver.close();
    }
  });

  it('reports a missing scenario file with a usage error', async () => {
    const { code, err } = await cli(['scenario', '/nonexistent/file.yaml']);
    expect(code).toBe(2);
    expect(err[0]).toContain('not found');
  });
});
