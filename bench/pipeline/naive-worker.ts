// Reference 1, working half: a BullMQ worker doing what reference-receipt.ts does per job (one
// axios call, one UPDATE). No ledger, no intent record, no consent check, no outbox.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createDb } from '@switchyard/db';
import { required, sendReceipt, type ReceiptJob } from './reference-receipt';

const table = required('BENCH_TABLE');
const db = createDb({ url: required('DATABASE_URL'), poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });

const worker = new Worker<ReceiptJob>('naive', async (job) => sendReceipt(db, table, job.data), {
  connection,
  prefix: process.env.QUEUE_PREFIX ?? '{bench-naive}',
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 8),
});
worker.on('error', (err) => console.error('naive worker:', err.message));
worker.on('failed', (_job, err) => console.error('naive job failed:', err.message));
void worker.waitUntilReady().then(() => process.send?.({ type: 'ready' }));
process.on('SIGTERM', () => {
  void worker.close().finally(async () => {
    await db.$disconnect();
    connection.disconnect();
    process.exit(0);
  });
});
