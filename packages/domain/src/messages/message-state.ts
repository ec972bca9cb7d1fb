/**
 * An outbound message's delivery statuses, in the order delivery moves: queued → sent → delivered
 * → read; `delivered` may be skipped; `failed` is terminal. The one list of them: canonical events,
 * settings' status mappings and provider adapters all take theirs from here.
 */
export const messageStatuses = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/**
 * Ranking the statuses by that order makes the merge commutative: whatever order status webhooks
 * arrive in, the highest rank wins.
 */
export function mergeMessageStatus(current: MessageStatus | null, incoming: MessageStatus): MessageStatus {
  if (current === null) return incoming;
  return messageStatusRank(incoming) > messageStatusRank(current) ? incoming : current;
}

export function messageStatusRank(status: MessageStatus): number {
  return messageStatuses.indexOf(status);
}
