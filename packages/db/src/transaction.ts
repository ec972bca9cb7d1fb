import { setTimeout as delay } from 'node:timers/promises';
import type { Db, Tx } from './database';
import { isTransientConflict } from './errors';

export interface TransactionOptions {
  /** How many more times to run `fn` after a serialization failure or deadlock (40001, 40P01). */
  retries?: number;
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
}

/**
 * Runs `fn` in a transaction and commits when it returns (rolls back when it throws).
 *
 * Nests: given an open transaction, `fn` simply joins it, so a repository or domain step that
 * needs atomicity can call this whatever its caller already holds; the outermost call commits.
 *
 * Retries: a transaction that loses a race (serialization failure or deadlock) is run again from
 * the start, a bounded number of times with a short jittered pause; any other error, or the last
 * conflict, is thrown. Only the outermost call retries, so `fn` must keep its work inside the
 * transaction: it may run more than once. Never call a provider (HTTP) inside `fn`.
 */
export async function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
  if (db.isTransaction) return fn(db as Tx);
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      const builder = opts.isolation ? db.transaction().setIsolationLevel(opts.isolation) : db.transaction();
      return await builder.execute(fn);
    } catch (err) {
      if (attempt >= retries || !isTransientConflict(err)) throw err;
      await delay(5 * 2 ** attempt + Math.random() * 10);
    }
  }
}
