// Reference 1, receiving half: the webhook endpoint most teams write first. express takes the
// JSON, `queue.add`s it to BullMQ and answers 200. No signature check, no database, no outbox.
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue('naive', { connection, prefix: process.env.QUEUE_PREFIX ?? '{bench-naive}' });
const app = express();
app.post('/webhooks/razorpay', express.json({ limit: '1mb' }), async (req, res) => {
  // receivedAt only feeds the receipt → effect latency figure (Switchyard stores received_at too).
  await queue.add('payment', { event: req.body, receivedAt: Date.now() }, { removeOnComplete: true, removeOnFail: 1000 });
  res.json({ status: 'ok' });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.send?.({ type: 'ready' }));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void queue.close().finally(() => {
    connection.disconnect();
    process.exit(0);
  });
});
