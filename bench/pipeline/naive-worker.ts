// Reference 1, working half: a BullMQ worker that makes one axios call to the provider (the
// sandbox's WhatsApp Cloud API send, the same template Switchyard sends) and one database UPDATE
// (Prisma, `$executeRawUnsafe`). No ledger, no intent record, no consent check, no outbox.
import axios from 'axios';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createDb } from '@switchyard/db';

/** A variable bench/pipeline.ts always sets when it starts this child. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`naive-worker: ${name} is not set (bench/pipeline.ts starts this child with it)`);
  return value;
}

const sandboxUrl = required('SANDBOX_URL');
const phoneNumberId = required('WHATSAPP_PHONE_NUMBER_ID');
const token = required('WHATSAPP_TOKEN');
const table = required('BENCH_TABLE');
const db = createDb({ url: required('DATABASE_URL'), poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const http = axios.create({ baseURL: sandboxUrl, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 });

interface RazorpayPayment {
  id: string;
  amount: number;
  currency: string;
  order_id: string;
  contact: string;
}

const worker = new Worker<{ event: { payload: { payment: { entity: RazorpayPayment } } }; receivedAt: number }>(
  'naive',
  async (job) => {
    const p = job.data.event.payload.payment.entity;
    const { data } = await http.post<{ messages: { id: string }[] }>(`/v21.0/${phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: p.contact.replace(/\D/g, ''),
      type: 'template',
      template: {
        name: 'payment_receipt',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: `${(p.amount / 100).toFixed(2)} ${p.currency.toUpperCase()}` }, { type: 'text', text: p.order_id }] }],
      },
    });
    await db.$executeRawUnsafe(
      `UPDATE ${table} SET status = 'paid', message_id = $2, received_at = to_timestamp($3::float8 / 1000), done_at = clock_timestamp() WHERE payment_id = $1`,
      p.id,
      data.messages[0]?.id ?? null,
      job.data.receivedAt,
    );
  },
  { connection, prefix: process.env.QUEUE_PREFIX ?? '{bench-naive}', concurrency: Number(process.env.WORKER_CONCURRENCY ?? 8) },
);
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
