export { AppError, PermanentError, RateLimitedError, RetryableError, classify } from './app-error';
export type { AppErrorOptions, ErrorKind } from './app-error';
