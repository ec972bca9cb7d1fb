import { DEAD_LETTER_SUFFIX } from './define';

/**
 * The BullMQ key prefix of one queue: the deployment's base prefix (QUEUE_PREFIX) and a hash tag
 * named after the queue, `switchyard:{payments}`. Redis Cluster puts every key with the same tag in
 * one slot, so each queue's keys (and every Lua script BullMQ runs on them) stay together while
 * different queues land on different nodes. A dead-letter queue takes its queue's tag
 * (`payments.dead` → `{payments}`), so a queue and its dead letters live on one node.
 *
 * A base that already holds a hash tag (`{switchyard}`, the layout before per-queue tags) is used
 * as it is: keys stay where older releases put them, all in that one slot.
 *
 * Every Queue, Worker, QueueEvents and FlowProducer of the fleet takes its prefix from here.
 */
export function queuePrefix(basePrefix: string, queueName: string): string {
  if (/[{}]/.test(queueName)) throw new Error(`queue name "${queueName}" may not contain { or } (the queue's hash tag is made from it)`);
  if (hasHashTag(basePrefix)) return basePrefix;
  // An empty `{}` or a lone brace would make Redis hash whole keys (or a tag spanning ours): keys scatter.
  if (/[{}]/.test(basePrefix)) throw new Error(`key prefix "${basePrefix}" holds a brace but no hash tag: use no braces (one tag per queue) or a tag like {switchyard} (every queue in one slot)`);
  const tag = queueName.endsWith(DEAD_LETTER_SUFFIX) ? queueName.slice(0, -DEAD_LETTER_SUFFIX.length) : queueName;
  return basePrefix ? `${basePrefix}:{${tag}}` : `{${tag}}`;
}

/** Redis Cluster hashes only what is between the first `{` and the next `}`, when that is not empty. */
function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  if (open < 0) return false;
  const close = key.indexOf('}', open + 1);
  return close > open + 1;
}
