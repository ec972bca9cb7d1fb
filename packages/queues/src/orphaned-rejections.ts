/**
 * When Redis goes away, ioredis fails every command still on a socket that can no longer be written
 * (producers run without an offline queue, to fail fast). The failure reaches the caller that asked
 * (the outbox relay logs "cannot dispatch; will retry" and its rows stay pending in Postgres), but in
 * BullMQ 6.7's pipelined addBulk a copy of the same rejection can also surface on a promise nobody
 * awaits. Node's default for an unhandled rejection is to end the process, which turned a Redis
 * restart into a dead worker (packages/e2e/test/redis-restart.int.test.ts). These two messages mean
 * "Redis was unreachable for a command", never a bug in our code, so they are logged and survived;
 * every other unhandled rejection still ends the process as before.
 */
const REDIS_CONNECTION_LOSS = /^(Stream isn't writeable and enableOfflineQueue options is false|Connection is closed\.)$/;

export function isRedisConnectionLoss(reason: unknown): boolean {
  return reason instanceof Error && REDIS_CONNECTION_LOSS.test(reason.message);
}

export function surviveRedisConnectionLoss(logger: { warn(message: string, meta?: Record<string, unknown>): void }): void {
  process.on('unhandledRejection', (reason) => {
    if (isRedisConnectionLoss(reason)) {
      logger.warn('a Redis command failed while Redis was unreachable and no caller was waiting for it; the work it carried stays pending in Postgres and is retried', { error: (reason as Error).message });
      return;
    }
    // Node's default: an unknown failure ends the process (and the supervisor restarts it).
    throw reason;
  });
}
