import { EntityKeySeal } from './entity-key-seal';

describe('EntityKeySeal', () => {
  const seal = new EntityKeySeal('a-token-of-at-least-16-chars');

  it('opens what it sealed, and the sealed text does not contain the key', () => {
    const sealed = seal.seal('email:jane@example.com');
    expect(sealed).toMatch(/^sealed\./);
    expect(sealed).not.toContain('jane');
    expect(seal.open(sealed)).toBe('email:jane@example.com');
  });

  it('refuses an edited seal, a seal from another token, and plain text', () => {
    const sealed = seal.seal('447700900123');
    // One character in the middle made different (every bit of a middle base64url character counts;
    // the last ones may carry padding bits). It used to look at the last character and replace the
    // one before it, which left the seal unchanged whenever that one already was 'A' (1 run in 64).
    const at = Math.floor(('sealed.'.length + sealed.length) / 2);
    const edited = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    expect(edited).not.toBe(sealed);
    expect(seal.open(edited)).toBeNull();
    expect(new EntityKeySeal('another-token-0123456789').open(sealed)).toBeNull();
    expect(seal.open('447700900123')).toBeNull();
    expect(seal.open('sealed.abc')).toBeNull();
  });

  it('names a key by a stable reference that does not contain it and differs per key and per token', () => {
    const ref = seal.reference('email:jane@example.com');
    expect(ref).toMatch(/^ref\.[\w-]{22}$/);
    expect(ref).not.toContain('jane');
    expect(seal.reference('email:jane@example.com')).toBe(ref);
    expect(seal.reference('email:john@example.com')).not.toBe(ref);
    expect(new EntityKeySeal('another-token-0123456789').reference('email:jane@example.com')).not.toBe(ref);
  });
});
