import { must } from './must';

describe('must', () => {
  it('returns a present value, falsy ones included', () => {
    expect(must(0)).toBe(0);
    expect(must('')).toBe('');
    expect(must(false)).toBe(false);
    expect(must([1][0])).toBe(1);
  });

  it('throws naming what was missing', () => {
    expect(() => must(undefined, 'the first row')).toThrow('expected the first row, got undefined');
    expect(() => must(null)).toThrow('expected a value, got null');
  });
});
