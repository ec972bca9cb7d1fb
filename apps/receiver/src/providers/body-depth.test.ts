import { inboundRequest, rejectionOf } from '../../test/support/adapter-kit';
import { MAX_BODY_DEPTH } from '../http/parse-bounded-json';
import { adapters } from './adapters';
import { must } from '@switchyard/testing';

// A signed delivery reaches `split` after `verify`; what `split` parses must refuse absurd nesting
// with a 400 naming the limit (a 500 would have the provider retry it forever).
const LEVELS = 10_000;
/** `levels` in all: the event object, then arrays. */
const deepJson = (levels: number) => `{"type":"x","data":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
const deepXml = (levels: number) => `<?xml version="1.0" encoding="UTF-8"?>${'<a>'.repeat(levels)}${'</a>'.repeat(levels)}`;

const bodyOf: Record<string, { headers: Record<string, string>; body: (levels: number) => string; what: string }> = {
  salesforce: { headers: { 'content-type': 'text/xml; charset=utf-8' }, body: deepXml, what: 'XML' },
  razorpay: { headers: { 'content-type': 'application/json', 'x-razorpay-event-id': 'evt_deep' }, body: deepJson, what: 'JSON' },
};
const json = { headers: { 'content-type': 'application/json' }, body: deepJson, what: 'JSON' };

describe.each(Object.keys(adapters))('%s body nesting', (provider) => {
  const { headers, body, what } = bodyOf[provider] ?? json;
  const split = (levels: number) => must(adapters[provider], `the ${provider} adapter`).split(inboundRequest(provider, body(levels), headers), { name: 'default' });

  it(`refuses ${LEVELS} levels with 400 naming the limit`, () => {
    const rejection = rejectionOf(() => split(LEVELS));
    expect(rejection).toMatchObject({ reason: 'nesting_too_deep', status: 400, message: `${what} nesting is deeper than the limit of ${MAX_BODY_DEPTH} levels` });
  });

  it('refuses one level past the limit, and not at the limit', () => {
    expect(rejectionOf(() => split(MAX_BODY_DEPTH + 1)).reason).toBe('nesting_too_deep');
    // At the limit the body is parsed; it is then refused (or not) for its content, never for its depth.
    let reason: string | undefined;
    try {
      split(MAX_BODY_DEPTH);
    } catch (err) {
      reason = (err as { reason?: string }).reason;
    }
    expect(reason).not.toBe('nesting_too_deep');
  });
});
