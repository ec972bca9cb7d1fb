import { Queue } from 'bullmq';
import type { Redis } from './connection';
import { queuePrefix } from './queue-prefix';

/**
 * BullMQ handles opened on first use, one per queue name, on one connection and base key prefix (each queue under its own hash tag, see queuePrefix): what
 * readers of queues use (the ops console, tests). QueueProducer keeps its own, because it opens
 * queues only on a ready connection and starts over after a failed add.
 */
export class QueueHandles {
  protected readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
  ) {}

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: queuePrefix(this.prefix, name) });
      // Failures surface on the calls that use the queue; an unheard 'error' would crash the process.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
