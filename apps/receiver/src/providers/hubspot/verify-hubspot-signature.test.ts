import { Signature } from '@hubspot/api-client';
import { hubspotSignedUris, verifyHubspotSignature } from './verify-hubspot-signature';
import { rejectionOf } from '../../../test/support/adapter-kit';

// Signatures come from HubSpot's own SDK, never from the verifier under test.
const secret = 'c2b3c6a1-0b9f-4b8e-9a59-6a1d2c3e4f50';
const previous = '7d1e0f2a-3b4c-4d5e-8f90-a1b2c3d4e5f6';
const url = 'https://hooks.example.com/webhooks/hubspot';
const body = '[{"eventId":1,"subscriptionType":"contact.creation","objectId":123,"occurredAt":1714557600000}]';
const now = new Date('2024-05-01T10:00:00.000Z');

function v3(opts: { secret?: string; url?: string; body?: string; timestamp?: number } = {}) {
  const timestamp = opts.timestamp ?? now.getTime();
  const signature = Signature.getSignature('POST', 'v3', { signature: '', clientSecret: opts.secret ?? secret, requestBody: opts.body ?? body, url: opts.url ?? url, timestamp });
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) };
}

function verify(headers: Record<string, string | undefined>, opts: { uri?: string; body?: string; secrets?: string[]; at?: Date } = {}) {
  return () => verifyHubspotSignature({ method: 'POST', uri: opts.uri ?? url, headers, rawBody: Buffer.from(opts.body ?? body) }, opts.secrets ?? [secret], opts.at ?? now);
}


describe('verifyHubspotSignature v3', () => {
  it('accepts what the SDK signs, and the SDK accepts the same request', () => {
    const headers = v3();
    expect(verify(headers)).not.toThrow();
    jest.useFakeTimers({ now });
    try {
      expect(Signature.isValid({ signatureVersion: 'v3', signature: headers['x-hubspot-signature-v3'], clientSecret: secret, requestBody: body, url, timestamp: now.getTime() })).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('accepts any of the configured secrets (rotation)', () => {
    expect(verify(v3({ secret: previous }), { secrets: [secret, previous] })).not.toThrow();
  });

  it('accepts a URL signed as called and signed with HubSpot’s decoded characters', () => {
    const called = 'https://hooks.example.com/webhooks/hubspot?portal=a%3Ab%40c&x=%2A%20y';
    expect(verify(v3({ url: called }), { uri: called })).not.toThrow();
    expect(verify(v3({ url: 'https://hooks.example.com/webhooks/hubspot?portal=a:b@c&x=*%20y' }), { uri: called })).not.toThrow();
    expect(hubspotSignedUris(called)).toEqual([called, 'https://hooks.example.com/webhooks/hubspot?portal=a:b@c&x=*%20y']);
  });

  it('refuses another URL, a tampered body and a wrong secret', () => {
    expect(rejectionOf(verify(v3({ url: 'https://evil.example.com/webhooks/hubspot' }))).reason).toBe('invalid_signature');
    expect(rejectionOf(verify(v3(), { body: body.replace('123', '124') })).message).toMatch(/X-HubSpot-Signature-v3 does not match/);
    const wrong = rejectionOf(verify(v3({ secret: 'someone-else' })));
    expect(wrong.status).toBe(401);
    expect(wrong.message).not.toContain(secret);
  });

  it('refuses timestamps more than 5 minutes old (after checking the signature)', () => {
    const stale = rejectionOf(verify(v3({ timestamp: now.getTime() - 301_000 })));
    expect(stale.reason).toBe('stale_timestamp');
    expect(stale.message).toBe('X-HubSpot-Request-Timestamp is 301 s away from now (tolerance 300 s)');
    expect(verify(v3({ timestamp: now.getTime() - 299_000 }))).not.toThrow();
  });

  it('refuses missing headers and a timestamp that is not a number', () => {
    expect(rejectionOf(verify({})).reason).toBe('missing_signature');
    expect(rejectionOf(verify({ 'x-hubspot-signature-v3': 'abc' })).message).toMatch(/without X-HubSpot-Request-Timestamp/);
    expect(rejectionOf(verify({ ...v3(), 'x-hubspot-request-timestamp': '2024-05-01' })).reason).toBe('invalid_signature');
  });
});

describe('verifyHubspotSignature legacy', () => {
  const legacy = (version: 'v1' | 'v2', s = secret) => Signature.getSignature('POST', version, { signature: '', clientSecret: s, requestBody: body, url });

  it('checks v1 (also when the version header is absent) and v2 as the SDK computes them', () => {
    expect(verify({ 'x-hubspot-signature': legacy('v1'), 'x-hubspot-signature-version': 'v1' })).not.toThrow();
    expect(verify({ 'x-hubspot-signature': legacy('v1') })).not.toThrow();
    expect(verify({ 'x-hubspot-signature': legacy('v2'), 'x-hubspot-signature-version': 'v2' })).not.toThrow();
    expect(verify({ 'x-hubspot-signature': legacy('v2', previous), 'x-hubspot-signature-version': 'v2' }, { secrets: [secret, previous] })).not.toThrow();
  });

  it('refuses a v2 signature for another URL, a v1 signature under v2, and unknown versions', () => {
    expect(rejectionOf(verify({ 'x-hubspot-signature': legacy('v2'), 'x-hubspot-signature-version': 'v2' }, { uri: `${url}/other` })).reason).toBe('invalid_signature');
    expect(rejectionOf(verify({ 'x-hubspot-signature': legacy('v1'), 'x-hubspot-signature-version': 'v2' })).message).toMatch(/\(v2\) does not match/);
    expect(rejectionOf(verify({ 'x-hubspot-signature': legacy('v1'), 'x-hubspot-signature-version': 'v9' })).message).toMatch(/unsupported X-HubSpot-Signature-Version "v9"/);
  });

  it('prefers v3 when both are present', () => {
    expect(rejectionOf(verify({ ...v3({ secret: 'wrong' }), 'x-hubspot-signature': legacy('v1') })).message).toMatch(/v3/);
  });
});
