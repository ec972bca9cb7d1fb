import { BodyLimitError, parseBoundedJson } from './parse-bounded-json';

const limits = { maxDepth: 4, maxBytes: 1024 };
const nested = (levels: number, open = '[', close = ']') => open.repeat(levels) + close.repeat(levels);

function refusal(fn: () => unknown): BodyLimitError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BodyLimitError) return err;
    throw err;
  }
  throw new Error('expected a BodyLimitError');
}

describe('parseBoundedJson', () => {
  it('parses JSON up to the depth limit', () => {
    expect(parseBoundedJson('{"a":{"b":[[1]]}}', limits)).toEqual({ a: { b: [[1]] } });
    expect(parseBoundedJson(Buffer.from(nested(4)), limits)).toEqual([[[[]]]]);
  });

  it('refuses one level more, naming the limit', () => {
    expect(refusal(() => parseBoundedJson(nested(5), limits))).toMatchObject({ reason: 'nesting_too_deep', message: 'JSON nesting is deeper than the limit of 4 levels' });
  });

  it('refuses 10,000 levels without overflowing the stack', () => {
    expect(refusal(() => parseBoundedJson(nested(10_000), { maxDepth: 64, maxBytes: 1e6 })).reason).toBe('nesting_too_deep');
    expect(refusal(() => parseBoundedJson(`{"a":${nested(10_000, '{"a":', '}')}}`, { maxDepth: 64, maxBytes: 1e6 })).reason).toBe('nesting_too_deep');
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(parseBoundedJson(`{"s":"${'[{'.repeat(100)}\\"${'['.repeat(100)}"}`, { maxDepth: 1, maxBytes: 1e6 })).toMatchObject({ s: expect.any(String) });
  });

  it('refuses a body over the size limit, naming it', () => {
    expect(refusal(() => parseBoundedJson(`"${'x'.repeat(2000)}"`, limits))).toMatchObject({ reason: 'payload_too_large', message: 'body is 2002 bytes, over the limit of 1024' });
  });

  it('names a syntax error', () => {
    expect(refusal(() => parseBoundedJson('{"a":', limits)).message).toMatch(/^body is not valid JSON: /);
  });
});
