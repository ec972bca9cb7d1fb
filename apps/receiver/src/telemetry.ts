import { registerTelemetry } from '@switchyard/telemetry';

// Imported first by main.ts: tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) must hook http,
// express, pg and ioredis before any other module loads them.
registerTelemetry('receiver');
