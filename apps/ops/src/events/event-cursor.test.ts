import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from './event-cursor';

describe('event cursor', () => {
  it('round-trips receivedAt (to the millisecond) and id', () => {
    const cursor = { receivedAt: new Date('2026-01-02T03:04:05.678Z'), id: randomUUID() };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
  });

  it('rejects anything it did not issue', () => {
    expect(decodeCursor('not-a-cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('2026-01-02T03:04:05.678Z|nope').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(`yesterday|${randomUUID()}`).toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(`2026-01-02T03:04:05.678Z|${randomUUID()}|x`).toString('base64url'))).toBeNull();
  });
});
