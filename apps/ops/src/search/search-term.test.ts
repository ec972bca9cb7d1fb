import { phoneSuffix, searchTerm } from './search-term';

describe('phoneSuffix', () => {
  it.each([
    ['+44 7700 900123', '447700900123'],
    ['0044-7700-900123', '447700900123'],
    ['+44 (7700) 900-123', '447700900123'],
    ['447700900123', '447700900123'],
    ['07700 900123', '7700900123'],
    ['(770) 090-0123', '7700900123'],
    ['+1 415.555.0100', '14155550100'],
  ])('%s → %s', (typed, digits) => {
    expect(phoneSuffix(typed)).toBe(digits);
  });

  it.each([['123456'], ['pi_3Nabc'], ['ORDER-1234567'], ['+44 7700 900123 ext'], ['1234567890123456']])('%s is not a phone number', (typed) => {
    expect(phoneSuffix(typed)).toBeNull();
  });
});

describe('searchTerm', () => {
  it('reads an email case-insensitively, and keeps the text for exact id matches', () => {
    expect(searchTerm('  Jane.Doe@Example.COM ', 20)).toEqual({ text: 'Jane.Doe@Example.COM', email: 'jane.doe@example.com', phoneSuffix: null, uuid: null, limit: 20 });
  });

  it('recognises our uuids', () => {
    expect(searchTerm('0F8FAD5B-D9CB-469F-A165-70867728950E', 5)).toMatchObject({ uuid: '0f8fad5b-d9cb-469f-a165-70867728950e', email: null, phoneSuffix: null });
  });

  it('reads a long number both as an id and as a phone number', () => {
    expect(searchTerm('4477009001', 20)).toMatchObject({ text: '4477009001', phoneSuffix: '4477009001' });
  });
});
