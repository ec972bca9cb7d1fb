import { QueueHandles, isQueueName, registry, type Queue, type QueueName } from '@switchyard/queues';

/** Lazily created BullMQ handles for the registry queues and their dead-letter queues. */
export class OpsQueues extends QueueHandles {
  deadLetters(queue: QueueName): Queue {
    return this.get(registry[queue].deadLetterQueue);
  }

  static isQueueName(name: string): name is QueueName {
    return isQueueName(name);
  }
}
