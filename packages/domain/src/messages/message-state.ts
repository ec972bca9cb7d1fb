export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * Message delivery only moves forward: queued → sent → delivered → read; `delivered` may be
 * skipped; `failed` is terminal. Ranking the statuses makes the merge commutative: whatever
 * order status webhooks arrive in, the highest rank wins.
 */
const RANK: Record<MessageStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export function mergeMessageStatus(current: MessageStatus | null, incoming: MessageStatus): MessageStatus {
  if (current === null) return incoming;
  return RANK[incoming] > RANK[current] ? incoming : current;
}

export function messageStatusRank(status: MessageStatus): number {
  return RANK[status];
}
