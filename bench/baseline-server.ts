// The naive ingest most teams write first: express → queue.add. No verification, no database.
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const port = Number(process.env.PORT ?? 0);
const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue('baseline', { connection, prefix: process.env.QUEUE_PREFIX ?? '{bench-baseline}' });
const app = express();
app.post('/webhooks/stripe', express.json({ limit: '1mb' }), async (req, res) => {
  await queue.add('event', req.body, { removeOnComplete: true });
  res.json({ received: 1 });
});
const server = app.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`LISTENING ${typeof addr === 'object' && addr ? addr.port : port}`);
});
async function stop(): Promise<void> {
  server.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => {
  stop().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
