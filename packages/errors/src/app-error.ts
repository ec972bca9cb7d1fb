/**
 * The one error base. `retryable` tells a queue whether backing off can help; `retryAfterMs` carries
 * a provider's requested wait (rate limits), which must not use up an attempt.
 */
export type ErrorKind = 'retryable' | 'permanent' | 'rate_limited';

export interface AppErrorOptions {
  code: string;
  kind: ErrorKind;
  cause?: unknown;
  retryAfterMs?: number;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retryAfterMs?: number;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: AppErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.kind = options.kind;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}

export class RetryableError extends AppError {
  constructor(message: string, code: string, cause?: unknown) {
    super(message, { code, kind: 'retryable', cause });
  }
}

export class PermanentError extends AppError {
  constructor(message: string, code: string, cause?: unknown) {
    super(message, { code, kind: 'permanent', cause });
  }
}

export class RateLimitedError extends AppError {
  constructor(message: string, code: string, retryAfterMs: number, cause?: unknown) {
    super(message, { code, kind: 'rate_limited', retryAfterMs, cause });
  }
}

/** Anything that is not an AppError is treated as retryable: an unknown failure deserves another try. */
export function classify(err: unknown): ErrorKind {
  return err instanceof AppError ? err.kind : 'retryable';
}
