export interface Readiness {
  ready: boolean;
  /** `ok`, or `down: <why>`. */
  postgres: string;
  redis: string;
}

function probe(p: Promise<unknown>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late])
    .then(
      () => 'ok',
      (e: Error) => `down: ${e.message}`,
    )
    .finally(() => clearTimeout(timer));
}

/**
 * Whether a process can do its work now: Postgres and Redis both answer. Every app's `/readyz`
 * asks it on each probe, so it turns false while either is away and true again as soon as both
 * answer (pg's pool and ioredis reconnect on their own). `redis` should be a fail-fast connection,
 * not a blocking one. Typed by what it calls, so the receiver, the workers and ops (Prisma) share it.
 */
export async function readiness(postgres: { query(sql: string): Promise<unknown> }, redis: { ping(): Promise<unknown> }, timeoutMs = 2000): Promise<Readiness> {
  const [postgresState, redisState] = await Promise.all([probe(postgres.query('SELECT 1'), timeoutMs), probe(redis.ping(), timeoutMs)]);
  return { ready: postgresState === 'ok' && redisState === 'ok', postgres: postgresState, redis: redisState };
}
