// Reference 2, receiving half: what a careful team writes instead of Switchyard. express takes the
// JSON, stores the webhook and enqueues its job with pg-boss in ONE Postgres transaction
// (transactional enqueue), then answers 200: durable before the answer, but no signature check,
// no ledger, no dedup.
import express from 'express';
import { Pool, type PoolClient } from 'pg';
import { PgBoss } from 'pg-boss';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('durable-server: DATABASE_URL is not set (bench/pipeline.ts starts this child with it)');
const queueName = 'durable';
const pool = new Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
// pg-boss's own pool only serves its maintenance: every send goes through the request's transaction.
const boss = new PgBoss({ connectionString: url, max: 2 });
boss.on('error', (err: Error) => console.error('durable server (pg-boss):', err.message));

async function inTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const app = express();
app.post('/webhooks/razorpay', express.json({ limit: '1mb' }), async (req, res) => {
  try {
    await inTransaction(async (client) => {
      const { rows } = await client.query<{ id: string }>('INSERT INTO bench_durable_webhooks (payload) VALUES ($1) RETURNING id', [req.body]);
      // receivedAt only feeds the receipt → effect latency figure, as in the other runs.
      await boss.send(queueName, { webhookId: rows[0]?.id, event: req.body, receivedAt: Date.now() }, { db: { executeSql: (text, values) => client.query(text, values) } });
    });
    res.json({ status: 'ok' });
  } catch (err) {
    console.error('durable server:', (err as Error).message);
    res.status(503).json({ status: 'retry' });
  }
});

void boss.start().then(() => {
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.send?.({ type: 'ready' }));
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void boss.stop({ graceful: false }).finally(() => void pool.end().finally(() => process.exit(0)));
  });
});
