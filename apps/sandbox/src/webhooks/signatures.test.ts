import { createHmac, createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Signature } from '@hubspot/api-client';
import Razorpay from 'razorpay';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import twilio from 'twilio';
import { fixture, missingShape } from '../../test/fixtures/shape';
import { buildWebhook, DEFAULT_SECRETS } from './build-webhook';
import { paypalSignedString } from './paypal';
import { loadPaypalKeyMaterial } from './paypal-key';

const TO = 'http://127.0.0.1:3000';
const keyDir = mkdtempSync(join(tmpdir(), 'sandbox-paypal-test-'));
const opts = { seed: 7, to: TO, paypalKeyDir: keyDir, sandboxUrl: 'http://127.0.0.1:4010' };

describe('webhook signatures, verified with the providers’ official packages', () => {
  it.each(['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded', 'charge.refunded.partial', 'refund.created', 'refund.created.partial', 'charge.dispute.created'])(
    'stripe %s passes stripe.webhooks.constructEvent',
    (event) => {
      const request = buildWebhook('stripe', event, opts);
      const verified = Stripe.webhooks.constructEvent(request.body, request.headers['stripe-signature'] ?? '', DEFAULT_SECRETS.stripeWebhookSecret);
      expect(verified.id).toBe(request.eventId);
      expect(verified.type).toBe(event.replace('.partial', ''));
    },
  );

  it('stripe payload has the documented event shape and a partial refund is partial', () => {
    expect(missingShape(JSON.parse(buildWebhook('stripe', 'payment_intent.succeeded', opts).body), fixture('stripe-event-payment-intent-succeeded'))).toEqual([]);
    const partial = JSON.parse(buildWebhook('stripe', 'charge.refunded.partial', opts).body);
    expect(partial.data.object.refunded).toBe(false);
    expect(partial.data.object.amount_refunded).toBeLessThan(partial.data.object.amount);
    // Current API versions: the charge lists no refunds; refund.created carries the refund's own amount.
    expect(partial.data.object.refunds).toBeUndefined();
    const refund = JSON.parse(buildWebhook('stripe', 'refund.created.partial', opts).body).data.object;
    expect(refund).toMatchObject({ object: 'refund', amount: partial.data.object.amount_refunded, payment_intent: partial.data.object.payment_intent, status: 'succeeded' });
  });

  it.each(['payment.captured', 'payment.failed', 'refund.processed', 'payment.dispute.created'])('razorpay %s passes validateWebhookSignature', (event) => {
    const request = buildWebhook('razorpay', event, opts);
    expect(Razorpay.validateWebhookSignature(request.body, request.headers['x-razorpay-signature'] ?? '', DEFAULT_SECRETS.razorpayWebhookSecret)).toBe(true);
    expect(request.headers['x-razorpay-event-id']).toBe(request.eventId);
  });

  it('razorpay payment.captured has the documented shape', () => {
    expect(missingShape(JSON.parse(buildWebhook('razorpay', 'payment.captured', opts).body), fixture('razorpay-payment-captured'))).toEqual([]);
  });

  it.each(['contact.creation', 'contact.propertyChange', 'deal.propertyChange'])('hubspot %s batch passes Signature.isValid (v3)', (event) => {
    const request = buildWebhook('hubspot', event, { ...opts, count: 3 });
    const valid = Signature.isValid({
      signatureVersion: 'v3',
      method: 'POST',
      url: `${TO}${request.path}`,
      requestBody: request.body,
      clientSecret: DEFAULT_SECRETS.hubspotClientSecret,
      signature: request.headers['x-hubspot-signature-v3'] ?? '',
      timestamp: Number(request.headers['x-hubspot-request-timestamp']),
    });
    expect(valid).toBe(true);
    expect(Signature.isValid({ signatureVersion: 'v1', requestBody: request.body, clientSecret: DEFAULT_SECRETS.hubspotClientSecret, signature: request.headers['x-hubspot-signature'] ?? '' })).toBe(true);
    const events = JSON.parse(request.body) as Array<{ occurredAt: number; eventId: number }>;
    expect(events).toHaveLength(3);
    expect(missingShape(events, fixture('hubspot-webhook-batch')).filter((p) => !p.includes('propertyName') && !p.includes('propertyValue'))).toEqual([]);
    expect(events.map((e) => e.occurredAt)).toEqual([...events.map((e) => e.occurredAt)].sort());
    expect(request.eventIds).toEqual(events.map((e) => String(e.eventId)));
  });

  it('hubspot deal.propertyChange walks the deal through stages', () => {
    const events = JSON.parse(buildWebhook('hubspot', 'deal.propertyChange', { ...opts, count: 5 }).body) as Array<Record<string, unknown>>;
    expect(new Set(events.map((e) => e.objectId)).size).toBe(1);
    expect(events.every((e) => e.propertyName === 'dealstage')).toBe(true);
    expect(events.at(-1)?.propertyValue).toBe('closedwon');
  });

  it.each(['message', 'status.queued', 'status.delivered', 'status.read', 'status.failed'])('twilio %s passes validateRequest', (event) => {
    const request = buildWebhook('twilio', event, opts);
    const params = Object.fromEntries(new URLSearchParams(request.body));
    expect(twilio.validateRequest(DEFAULT_SECRETS.twilioAuthToken, request.headers['x-twilio-signature'] ?? '', `${TO}${request.path}`, params)).toBe(true);
    expect(params.MessageSid).toBe(request.eventId);
    if (event === 'status.failed') expect(params.ErrorCode).toBe('63016');
  });

  it('twilio signs over PUBLIC_BASE_URL when the receiver is behind a proxy', () => {
    const request = buildWebhook('twilio', 'message', { ...opts, publicBaseUrl: 'https://hooks.example.com' });
    const params = Object.fromEntries(new URLSearchParams(request.body));
    expect(twilio.validateRequest(DEFAULT_SECRETS.twilioAuthToken, request.headers['x-twilio-signature'] ?? '', `https://hooks.example.com${request.path}`, params)).toBe(true);
  });

  it('standard webhooks pass standardwebhooks verify', () => {
    const request = buildWebhook('standard', 'invoice.paid', { ...opts, source: 'billing' });
    expect(request.path).toBe('/webhooks/standard/billing');
    const payload = new Webhook(DEFAULT_SECRETS.standardWebhookSecret).verify(request.body, request.headers) as { type: string };
    expect(payload.type).toBe('invoice.paid');
  });

  it.each(['message', 'status.sent', 'status.delivered', 'status.read', 'status.failed', 'message_template_status_update', 'batch'])(
    'whatsapp %s carries X-Hub-Signature-256 = sha256=HMAC(app secret, body)',
    (event) => {
      const request = buildWebhook('whatsapp', event, { ...opts, count: 6 });
      const expected = `sha256=${createHmac('sha256', DEFAULT_SECRETS.whatsappAppSecret).update(request.body).digest('hex')}`;
      expect(request.headers['x-hub-signature-256']).toBe(expected);
    },
  );

  it('whatsapp payloads have the documented shapes; failed statuses carry Meta errors', () => {
    expect(missingShape(JSON.parse(buildWebhook('whatsapp', 'message', opts).body), fixture('whatsapp-text-message'))).toEqual([]);
    const failed = JSON.parse(buildWebhook('whatsapp', 'status.failed', opts).body);
    expect(missingShape(failed, fixture('whatsapp-status-failed'))).toEqual([]);
    expect(failed.entry[0].changes[0].value.statuses[0].errors[0].code).toBe(131047);
    const batch = JSON.parse(buildWebhook('whatsapp', 'batch', { ...opts, count: 6 }).body);
    expect(batch.entry[0].changes).toHaveLength(6);
  });

  it.each(['PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.DECLINED', 'PAYMENT.CAPTURE.DENIED', 'PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.REVERSED', 'CUSTOMER.DISPUTE.CREATED'])(
    'paypal %s verifies with the served certificate (SHA256withRSA over id|time|webhookId|crc32)',
    (event) => {
      const request = buildWebhook('paypal', event, opts);
      const h = request.headers;
      expect(h['paypal-auth-algo']).toBe('SHA256withRSA');
      expect(h['paypal-cert-url']).toBe('http://127.0.0.1:4010/__sandbox/paypal/cert.pem');
      const cert = new X509Certificate(loadPaypalKeyMaterial(keyDir).certPem);
      const signed = paypalSignedString(h['paypal-transmission-id'] ?? '', h['paypal-transmission-time'] ?? '', DEFAULT_SECRETS.paypalWebhookId, request.body);
      expect(createVerify('RSA-SHA256').update(signed).verify(cert.publicKey, h['paypal-transmission-sig'] ?? '', 'base64')).toBe(true);
      expect(JSON.parse(request.body).event_type).toBe(event);
    },
  );

  it('paypal crc32 is the unsigned decimal and the payload has the documented shape', () => {
    expect(paypalSignedString('a', 'b', 'c', 'hello')).toBe('a|b|c|907060870');
    expect(missingShape(JSON.parse(buildWebhook('paypal', 'PAYMENT.CAPTURE.COMPLETED', opts).body), fixture('paypal-capture-completed'))).toEqual([]);
  });

  it('salesforce outbound message carries the org id and N notifications', () => {
    const request = buildWebhook('salesforce', 'Opportunity', { ...opts, count: 4 });
    expect(request.headers['content-type']).toContain('text/xml');
    expect(request.body).toContain(`<OrganizationId>${DEFAULT_SECRETS.salesforceOrgId}</OrganizationId>`);
    expect(request.body.match(/<Notification>/g)).toHaveLength(4);
    expect(request.eventIds).toHaveLength(4);
    expect(request.body).toContain('<sf:StageName>Closed Won</sf:StageName>');
    expect(buildWebhook('salesforce', 'lead', opts).body).toContain('<sf:Status>');
  });

  it('pipedrive v2 uses Basic auth and the documented v2 shape', () => {
    const request = buildWebhook('pipedrive', 'updated.deal', opts);
    const expected = Buffer.from(`${DEFAULT_SECRETS.pipedriveUser}:${DEFAULT_SECRETS.pipedrivePassword}`).toString('base64');
    expect(request.headers.authorization).toBe(`Basic ${expected}`);
    const body = JSON.parse(request.body);
    expect(missingShape(body, fixture('pipedrive-v2-deal-change'))).toEqual([]);
    expect(body.previous.stage_id).toBe(body.data.stage_id - 1);
    expect(JSON.parse(buildWebhook('pipedrive', 'added.person', opts).body).meta).toMatchObject({ action: 'create', entity: 'person', version: '2.0' });
  });
});
