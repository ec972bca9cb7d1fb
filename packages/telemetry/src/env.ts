import { z } from 'zod';
import { parseEnv } from '@switchyard/config';

export const telemetryEnvSchema = z.object({
  /** OTLP/HTTP base URL (the collector's :4318); tracing is off, and costs nothing, while unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** Overrides the service name the app passes to registerTelemetry. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** How long ended spans wait to be sent together (ms). */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().nonnegative().default(5000),
  /** 0..1: the share of new traces kept (a continued trace follows its parent's decision). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});
export type TelemetryEnv = z.infer<typeof telemetryEnvSchema>;

export function loadTelemetryEnv(source: Record<string, string | undefined> = process.env): TelemetryEnv {
  return parseEnv(telemetryEnvSchema, source);
}
