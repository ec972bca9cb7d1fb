import { mergeMessageStatus, type MessageStatus } from './message-state';

describe('message status', () => {
  const fold = (order: MessageStatus[]) => order.reduce<MessageStatus | null>((s, x) => mergeMessageStatus(s, x), null);

  it('only moves forward, whatever the arrival order', () => {
    expect(fold(['sent', 'delivered', 'read'])).toBe('read');
    expect(fold(['read', 'sent', 'delivered'])).toBe('read');
    expect(fold(['delivered', 'sent'])).toBe('delivered');
  });

  it('accepts a skipped delivered', () => {
    expect(fold(['sent', 'read'])).toBe('read');
  });

  it('keeps failed as terminal', () => {
    expect(fold(['sent', 'failed', 'delivered'])).toBe('failed');
    expect(fold(['failed', 'read'])).toBe('failed');
  });
});
