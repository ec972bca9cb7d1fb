import type { Express, RequestHandler } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Database } from '@switchyard/db';
import type { Logger } from '@switchyard/logger';
import { Queue, queuePrefix, registry, type Redis } from '@switchyard/queues';
import { requireRoleByMethod } from '../auth/roles';
import { auditWrites } from './audit-writes';

export const BULL_BOARD_PATH = '/ops/queues';

type ServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

export interface BullBoardDeps {
  db: Database;
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** `authenticate`: OPS_TOKEN or a console session (whose writes carry the CSRF token). */
  auth: RequestHandler;
}

/** Every queue of the registry and its dead-letter queue, as BullMQ handles for the board. */
function registryQueues(redis: Redis, prefix: string, logger: Logger): { queue: Queue; description: string }[] {
  return Object.values(registry).flatMap((def) =>
    [
      { name: def.name, description: `jobs: ${Object.keys(def.jobs).join(', ')}` },
      { name: def.deadLetterQueue, description: `jobs of ${def.name} that failed for good` },
    ].map(({ name, description }) => {
      const queue = new Queue(name, { connection: redis, prefix: queuePrefix(prefix, name) });
      queue.on('error', (err) => logger.warn('bull board queue error', { queue: name, error: err.message }));
      return { queue, description };
    }),
  );
}

/**
 * Bull Board on `/ops/queues`, behind the ops token (Bearer, or Basic with the token as password
 * so a person can open it in a browser) or a console session. Viewing needs the viewer role, its
 * writes (retry, remove, pause…) the operator role. Every write is audited. Returns the queues so
 * the caller can close them.
 */
export function mountBullBoard(app: Express, deps: BullBoardDeps): Queue[] {
  const queues = registryQueues(deps.redis, deps.prefix, deps.logger);
  const serverAdapter = new ExpressAdapter().setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map(({ queue, description }) => new BullMQAdapter(queue, { readOnlyMode: false, allowRetries: true, description })),
    // @bull-board/express 9.10.1 types itself against its own @bull-board/api 9.10.1; ours is 9.10.2,
    // whose BaseAdapter differs only by private members. Same shape at run time.
    serverAdapter: serverAdapter as unknown as ServerAdapter,
    options: { uiConfig: { boardTitle: 'Switchyard' } },
  });
  app.use(BULL_BOARD_PATH, deps.auth, requireRoleByMethod('viewer', 'operator'), auditWrites(deps.logger, deps.db), serverAdapter.getRouter());
  return queues.map(({ queue }) => queue);
}
