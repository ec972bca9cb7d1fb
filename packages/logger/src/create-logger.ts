import { trace } from '@opentelemetry/api';
import winston from 'winston';
import { currentLogContext } from './correlation';
import { REDACTED, isSensitiveKey, redact } from './redact';

export type Logger = winston.Logger;

const addContext = winston.format((info) => {
  const ctx = currentLogContext();
  if (ctx) for (const [k, v] of Object.entries(ctx)) if (info[k] === undefined) info[k] = v;
  // Next to the correlation id: the trace this line belongs to, to jump from a log line to its
  // trace. Only while tracing is on and a span is active (the API is a no-op otherwise).
  const span = trace.getActiveSpan()?.spanContext();
  if (span && trace.isSpanContextValid(span) && info.trace_id === undefined) {
    info.trace_id = span.traceId;
    info.span_id = span.spanId;
  }
  return info;
});

const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = isSensitiveKey(key) ? REDACTED : redact(info[key]);
  }
  return info;
});

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
}

/** JSON-lines logger; every line carries the service, the correlation id in scope, and no secrets. */
export function createLogger({ service, level = 'info', stream }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(addContext(), redactSecrets(), winston.format.timestamp(), winston.format.errors({ stack: false }), winston.format.json()),
    transports: [stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console()],
  });
}
