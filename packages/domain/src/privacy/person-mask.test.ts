import { identifierPattern, normalizeEmail, normalizePhone, personMasker } from './person-mask';

const ids = { emails: ['ada@example.com'], phones: ['447700900123'], names: ['Ada Lovelace'] };

describe('person masking for erasures', () => {
  it('normalizes what an operator types', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeEmail('not-an-email')).toBeNull();
    expect(normalizePhone('+44 (7700) 900-123')).toBe('447700900123');
    expect(normalizePhone('12345')).toBeNull();
  });

  it('finds the email in any case and the phone however it was written, not inside a longer number', () => {
    const m = personMasker(ids, 'e1');
    for (const t of ['ADA@example.com', '{"phone":"+447700900123"}', 'call +44 7700 900 123', '44-7700-900-123']) expect(m.matches(t)).toBe(true);
    for (const t of ['bob@example.com', '5447700900123', '4477009001234', 'ada@example.co']) expect(m.matches(t)).toBe(false);
  });

  it('gives every identifier its own token, so keys built from them stay distinct', () => {
    const m = personMasker({ ...ids, emails: ['ada@example.com', 'ada@work.example'] }, 'e1');
    expect(m.text('email:ada@example.com')).toBe('email:erased-e1-1');
    expect(m.text('email:ada@work.example')).toBe('email:erased-e1-2');
    expect(m.text('phone:447700900123')).toBe('phone:erased-e1-3');
  });

  it('masks names only when asked, inside strings and keys of JSON, keeping the rest (amounts)', () => {
    const m = personMasker(ids, 'e1');
    const masked = m.json({ amount: 1200, currency: 'eur', customer: { name: 'Ada Lovelace', email: 'Ada@Example.com', phone: '+44 7700 900123' }, note: 'Receipt for ada lovelace', tags: ['x'] });
    expect(masked).toEqual({ amount: 1200, currency: 'eur', customer: { name: '[erased]', email: 'erased-e1-1', phone: '+erased-e1-2' }, note: 'Receipt for [erased]', tags: ['x'] });
    expect(m.text('key:Ada Lovelace', { names: false })).toBe('key:Ada Lovelace');
  });

  it('the pattern is the same for the database search', () => {
    expect(identifierPattern({ emails: ['a.b@x.io'], phones: [] })).toBe('a\\.b@x\\.io');
    expect(identifierPattern({ emails: [], phones: [] })).toBeNull();
  });
});
