// Reference 2, working half: a pg-boss worker making the same axios call as the naive worker (the
// sandbox's WhatsApp Cloud API send) and one UPDATE. pg-boss retries a failed job; nothing records
// that a send was attempted, so a crash between the call and the UPDATE sends twice.
import { PgBoss } from 'pg-boss';
import { createDb } from '@switchyard/db';
import { required, sendReceipt, type ReceiptJob } from './reference-receipt';

const url = required('DATABASE_URL');
const table = required('BENCH_TABLE');
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 8);
const db = createDb({ url, poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const boss = new PgBoss({ connectionString: url, max: concurrency + 2, useListenNotify: true });
boss.on('error', (err: Error) => console.error('durable worker (pg-boss):', err.message));

async function main(): Promise<void> {
  await boss.start();
  // notify: a new job wakes a waiting worker at once instead of at its next poll.
  await boss.createQueue('durable', { notify: true, retryLimit: 5, retryDelay: 1 });
  // A pg-boss worker waits its polling interval after every fetch unless the fetch came back full
  // (burstWhenBatchFull), so W jobs in flight are W/4 pollers fetching 4 at a time, each job settled
  // on its own (perJobResults) and run concurrently like BullMQ's concurrency.
  const batchSize = 4;
  await boss.work<ReceiptJob>(
    'durable',
    { batchSize, burstWhenBatchFull: true, perJobResults: true, localConcurrency: Math.max(1, Math.ceil(concurrency / batchSize)), pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5 },
    async (jobs) =>
      Promise.all(
        jobs.map((job) =>
          sendReceipt(db, table, job.data).then(
            () => ({ id: job.id, status: 'completed' as const }),
            (err: Error) => ({ id: job.id, status: 'failed' as const, output: { message: err.message } }),
          ),
        ),
      ),
  );
  process.send?.({ type: 'ready' });
}

void main();
process.on('SIGTERM', () => {
  void boss.stop({ graceful: true, timeout: 5000 }).finally(async () => {
    await db.$disconnect();
    process.exit(0);
  });
});
