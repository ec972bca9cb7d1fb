import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { createRateLimiter, createWhatsappClient } from '@switchyard/connectors';
import { addPaymentFact, foldPayment, paymentFactOf, type CanonicalOf } from '@switchyard/domain';
import { createRedis } from '@switchyard/queues';
import { createServer as createSandbox, httpWebhookSender, loadEnv as loadSandboxEnv, mulberry32, SANDBOX_DEFAULTS, systemClock } from '@switchyard/sandbox';
import { eventually, listen, must, testPrefix } from '@switchyard/testing';
import type { EffectContext, EffectOf } from '@switchyard/worker-runtime';
import { whatsappWorker } from '@switchyard/worker-whatsapp';
import { planPaymentEffects } from '@switchyard/planning';
import { createSettingsHolder, OutboundClients } from '@switchyard/outbound';
import { testSettingsDoc } from './support/test-settings';

/**
 * Reload: the payments worker plans a receipt with the settings it has; the whatsapp worker is
 * reloaded with a new template before it sends; what goes out is the new template. And WhatsApp
 * (the sandbox) refuses an empty parameter, as the real API does.
 */
describe('templates are rendered when the message is sent', () => {
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer');
  redis.on('error', () => undefined);
  let sandbox: Awaited<ReturnType<typeof listen>>;
  let file: string;
  const write = (receipt: Record<string, unknown>) => {
    const doc = testSettingsDoc(sandbox.url) as { messaging: { templates: Record<string, unknown> } };
    doc.messaging.templates.payment_receipt = receipt;
    writeFileSync(file, stringify(doc));
  };

  beforeAll(async () => {
    const app = createSandbox({ config: loadSandboxEnv({ SANDBOX_STATUS_CALLBACKS: 'false' }), clock: systemClock, rng: mulberry32(11), webhookSender: httpWebhookSender() });
    sandbox = await listen(app.app);
    file = path.join(mkdtempSync(path.join(tmpdir(), 'sy-reload-')), 'switchyard.yaml');
    await eventually(async () => redis.status === 'ready', 5000, 20, 'redis');
  });
  afterAll(async () => {
    redis.disconnect();
    await sandbox.close();
  });

  const event: CanonicalOf<'payment.succeeded'> = { type: 'payment.succeeded', provider: 'stripe', connection: 'default', providerEventId: 'evt_reload', occurredAt: '2026-12-01T10:00:00.000Z', paymentId: 'pi_reload', orderId: 'WEB-1042', amount: 49799, currency: 'usd', customer: { phone: '+15550004242' } };

  async function sendsAfterReload(next: Record<string, unknown>) {
    write({ name: 'payment_receipt', language: 'en_US', parameters: [{ path: 'customer.name', fallback: 'there' }, 'payment.amount'] });
    const settings = createSettingsHolder(file, {});
    // Planned by the payments worker with the settings of the time…
    const state = foldPayment(must(addPaymentFact([], paymentFactOf(event))));
    const plan = must(planPaymentEffects({ event, paymentKey: 'stripe:default:pi_reload', state, version: 1, settings: settings.current() }).find((p) => p.kind === 'message.send'));
    expect(plan.request).toMatchObject({ template: { name: 'payment_receipt', parameters: ['there', '497.99 USD'] } });
    // …then the operator changes the template and sends SIGHUP to the whatsapp worker.
    write(next);
    expect(settings.reload()).toEqual({ ok: true });
    const clients = new OutboundClients(settings.current, createRateLimiter(redis, { prefix: `${testPrefix()}:rl` }));
    const performer = whatsappWorker(settings, clients).performers['message.send'];
    const effect = { id: randomUUID(), request: plan.request } as unknown as EffectOf<'message.send'>;
    const ctx = {} as EffectContext;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the WhatsApp send performer has a prepare step (it commits the send intent); the effect runner calls it the same way
    const prepared = await performer.prepare!(effect, ctx);
    return performer.perform(effect, ctx, prepared);
  }

  it('a reload between planning and sending changes what is sent', async () => {
    await sendsAfterReload({ name: 'payment_receipt_v2', language: 'en_GB', parameters: [{ path: 'customer.name', fallback: 'friend' }, 'order.id', 'payment.amount'] });
    const res = await fetch(`${sandbox.url}/__sandbox/requests`);
    const sent = ((await res.json()) as { requests: { provider?: string; body: { to?: string; template?: unknown } }[] }).requests.filter((r) => r.provider === 'whatsapp' && r.body.to === '15550004242');
    expect(sent.map((r) => r.body.template)).toEqual([
      { name: 'payment_receipt_v2', language: { code: 'en_GB' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'friend' }, { type: 'text', text: 'WEB-1042' }, { type: 'text', text: '497.99 USD' }] }] },
    ]);
  });

  it('a reloaded template needing a value the payment lacks refuses the send, naming the value', async () => {
    const err = await sendsAfterReload({ name: 'payment_receipt', language: 'en_US', parameters: ['customer.name', 'payment.amount'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ kind: 'permanent', code: 'MESSAGE_VALUE_MISSING', message: expect.stringContaining('no value for customer.name') });
  });

  it('the sandbox refuses an empty template parameter with 131008, as WhatsApp does', async () => {
    const client = createWhatsappClient({ baseUrl: sandbox.url, token: SANDBOX_DEFAULTS.SANDBOX_WHATSAPP_TOKEN, phoneNumberId: '100000000000001' });
    const err = await client.sendTemplate({ to: '15550004243', name: 'payment_receipt', language: 'en_US', parameters: ['', '497.99 USD'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'permanent', code: 'WHATSAPP_131008', message: expect.stringMatching(/Required parameter is missing.*Parameter 1 of the body component is empty/) });
  });
});
