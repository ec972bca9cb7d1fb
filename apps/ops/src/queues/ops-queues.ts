import { Queue, isQueueName, registry, type QueueName, type Redis } from '@switchyard/queues';

/** Lazily created BullMQ handles for the registry queues and their dead-letter queues. */
export class OpsQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
  ) {}

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      // Failures surface on the calls that use the queue; an unheard 'error' would crash the process.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  deadLetters(queue: QueueName): Queue {
    return this.get(registry[queue].deadLetterQueue);
  }

  static isQueueName(name: string): name is QueueName {
    return isQueueName(name);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
