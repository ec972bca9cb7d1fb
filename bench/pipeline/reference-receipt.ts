// What both reference workers (naive and durable) do per job: one axios call to the provider (the
// sandbox's WhatsApp Cloud API send, the same template Switchyard sends) and one database UPDATE
// (Prisma, `$executeRawUnsafe`). No ledger, no intent record, no consent check, no outbox.
import axios, { type AxiosInstance } from 'axios';
import type { PrismaClient } from '@switchyard/db';

/** A variable bench/pipeline.ts always sets when it starts a reference worker. */
export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`reference worker: ${name} is not set (bench/pipeline.ts starts this child with it)`);
  return value;
}

interface RazorpayPayment {
  id: string;
  amount: number;
  currency: string;
  order_id: string;
  contact: string;
}

export interface ReceiptJob {
  event: { payload: { payment: { entity: RazorpayPayment } } };
  receivedAt: number;
}

let http: AxiosInstance | undefined;

export async function sendReceipt(db: PrismaClient, table: string, job: ReceiptJob): Promise<void> {
  http ??= axios.create({ baseURL: required('SANDBOX_URL'), headers: { authorization: `Bearer ${required('WHATSAPP_TOKEN')}` }, timeout: 10_000 });
  const p = job.event.payload.payment.entity;
  const { data } = await http.post<{ messages: { id: string }[] }>(`/v21.0/${required('WHATSAPP_PHONE_NUMBER_ID')}/messages`, {
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
    job.receivedAt,
  );
}
