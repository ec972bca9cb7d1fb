import { registerTelemetry, telemetryEnabled, bullmqTelemetry } from './register-telemetry';

describe('registerTelemetry', () => {
  it('stays off, and loads no SDK, without an endpoint', () => {
    expect(registerTelemetry('test', {})).toBe(false);
    expect(telemetryEnabled()).toBe(false);
    expect(bullmqTelemetry()).toBeUndefined();
    expect(Object.keys(require.cache).filter((k) => /@opentelemetry[\\/](sdk-trace|exporter|instrumentation)/.test(k))).toEqual([]);
  });

  it('names a malformed endpoint', () => {
    expect(() => registerTelemetry('test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
