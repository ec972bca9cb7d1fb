import { scrubAttribute, scrubAttributes } from './scrub-attributes';

describe('scrubAttribute', () => {
  const cases: [string, string, unknown, unknown][] = [
    ['an authorization header', 'http.request.header.authorization', ['Bearer sk_live_123'], undefined],
    ['a Stripe signature header', 'http.request.header.stripe-signature', ['t=1,v1=abc'], undefined],
    ['a Twilio signature header', 'http.request.header.x-twilio-signature', ['abc='], undefined],
    ['a cookie', 'http.request.header.cookie', ['sid=1'], undefined],
    ['an api key attribute', 'provider.api_key', 'key_123', undefined],
    ['pg statement parameters', 'db.postgresql.values', ['a@b.co', '15551234567'], undefined],
    ['a query attribute', 'url.query', 'token=abc', undefined],
    ['an email attribute', 'customer.email', 'x@example.com', undefined],
    ['a phone attribute', 'contact.phone', '15551234567', undefined],
    ['an end-user id', 'enduser.id', 'u_1', undefined],
    ['a request body', 'http.request.body', '{"email":"x@y.z"}', undefined],
    ['a URL query string', 'http.url', 'http://127.0.0.1:3000/webhooks/whatsapp?hub.verify_token=s3cret&hub.challenge=1', 'http://127.0.0.1:3000/webhooks/whatsapp?[redacted]'],
    ['URL credentials', 'url.full', 'https://user:pass@api.example.com/v1/x', 'https://[redacted]@api.example.com/v1/x'],
    ['a target with a query', 'http.target', '/oauth?code=abc', '/oauth?[redacted]'],
    ['SQL literals', 'db.statement', "SELECT * FROM contacts WHERE email = 'a@b.co' AND id = $1", "SELECT * FROM contacts WHERE email = '?' AND id = $1"],
    ['an email inside a message', 'exception.message', 'contact jane.doe@example.com not found', 'contact [email] not found'],
    ['a phone inside a message', 'exception.message', 'cannot send to 15551234567: blocked', 'cannot send to [phone]: blocked'],
    ['an E.164 phone', 'messaging.destination', '+447700900123', '[phone]'],
    ['phones in an array', 'switchyard.recipients', ['+15551234567', 'team'], ['[phone]', 'team']],
    ['a span id is kept', 'switchyard.event_id', '0b5c8f0e-2f5a-4c39-9d1e-3a9f1c1b2d3e', '0b5c8f0e-2f5a-4c39-9d1e-3a9f1c1b2d3e'],
    ['a short number is kept', 'http.status_code', 200, 200],
    ['a path is kept', 'http.route', '/webhooks/:provider/:connection', '/webhooks/:provider/:connection'],
    ['a provider name is kept', 'switchyard.provider', 'stripe', 'stripe'],
    ['a boolean is kept', 'switchyard.duplicate', true, true],
  ];

  it.each(cases)('%s', (_what, key, value, expected) => {
    expect(scrubAttribute(key, value as never)).toEqual(expected);
  });
});

describe('scrubAttributes', () => {
  it('drops and rewrites in place, keeping the rest', () => {
    const attrs = { 'http.request.header.authorization': ['Bearer x'], 'http.url': 'http://h/p?token=1', 'switchyard.event_id': 'e1' };
    const out = scrubAttributes(attrs);
    expect(out).toBe(attrs);
    expect(attrs).toEqual({ 'http.url': 'http://h/p?[redacted]', 'switchyard.event_id': 'e1' });
  });
});
