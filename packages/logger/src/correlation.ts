import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface LogContext {
  correlationId: string;
  [key: string]: unknown;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with a correlation id that every log line inside it (and its async calls) carries. */
export function withLogContext<T>(context: Partial<LogContext>, fn: () => T): T {
  const parent = storage.getStore();
  return storage.run({ ...parent, ...context, correlationId: context.correlationId ?? parent?.correlationId ?? randomUUID() }, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}
