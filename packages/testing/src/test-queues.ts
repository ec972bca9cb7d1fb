import { randomBytes } from 'node:crypto';
import { QueueHandles } from '@switchyard/queues';

/**
 * A key prefix no other test file uses, so tests share the machine's Redis without meeting. No
 * braces: each queue adds its own hash tag (queuePrefix), as in production, so on a Redis Cluster
 * the test's queues spread over the nodes.
 */
export function testPrefix(): string {
  return `sy-test-${randomBytes(4).toString('hex')}`;
}

/** Queue handles for assertions, removed with all their keys when the test is done. */
export class TestQueues extends QueueHandles {
  async cleanup(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.obliterate({ force: true }).catch(() => undefined).then(() => q.close())));
    this.queues.clear();
  }
}
