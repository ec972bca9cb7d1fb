export { createLogger } from './create-logger';
export type { Logger, LoggerOptions } from './create-logger';
export { currentLogContext, withLogContext } from './correlation';
export type { LogContext } from './correlation';
export { REDACTED, isSensitiveKey, redact, safeHeaders } from './redact';
