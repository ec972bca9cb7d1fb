// Reference 2, the ceiling: a bare BullMQ worker whose processor does nothing, concurrency 50.
// Reports the wall-clock time at which it completed the N-th job.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const target = Number(process.env.BENCH_EVENTS);
const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
let completed = 0;
const worker = new Worker('ceiling', async () => undefined, { connection, prefix: process.env.QUEUE_PREFIX ?? '{bench-ceiling}', concurrency: 50 });
worker.on('completed', () => {
  if (++completed === target) process.send?.({ type: 'done', at: Date.now() });
});
worker.on('error', (err) => console.error('noop worker:', err.message));
void worker.waitUntilReady().then(() => process.send?.({ type: 'ready' }));
process.on('SIGTERM', () => {
  void worker.close().finally(() => {
    connection.disconnect();
    process.exit(0);
  });
});
