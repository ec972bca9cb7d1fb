import { randomBytes } from 'node:crypto';
import { Queue, type Redis } from '@switchyard/queues';

/** A key prefix no other test file uses, so tests share the machine's Redis without meeting. */
export function testPrefix(): string {
  return `{sy-test-${randomBytes(4).toString('hex')}}`;
}

/** Queue handles for assertions, removed with all their keys when the test is done. */
export class TestQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.obliterate({ force: true }).catch(() => undefined).then(() => q.close())));
    this.queues.clear();
  }
}
