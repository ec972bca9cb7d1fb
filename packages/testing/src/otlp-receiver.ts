import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as the OTLP/HTTP JSON exporter sent it, flattened: attributes as plain values. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  /** Every string anywhere in the span (attributes, event and link attributes, name), for leak checks. */
  strings: string[];
}

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };
type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[]; events?: { attributes?: KeyValue[] }[]; links?: { traceId: string; spanId: string; attributes?: KeyValue[] }[] };
type OtlpRequest = { resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[] };

function plain(v: AnyValue): unknown {
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(plain);
  return v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
}

function attributes(kvs: KeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, plain(kv.value)]));
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  return value !== undefined && value !== null ? [String(value)] : [];
}

/**
 * A collector stand-in: accepts OTLP/HTTP JSON on POST /v1/traces and keeps every span, so a test
 * can wait for the spans it expects (a positive signal) and then inspect all of them.
 */
export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  readonly requests: number;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(415).end();
        return;
      }
      state.requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attributes(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? []) {
            const attrs = attributes(s.attributes);
            const eventAttrs = (s.events ?? []).map((e) => attributes(e.attributes));
            const linkAttrs = (s.links ?? []).map((l) => attributes(l.attributes));
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              kind: s.kind,
              attributes: attrs,
              links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
              strings: [s.name, ...[attrs, ...eventAttrs, ...linkAttrs].flatMap((a) => Object.values(a).flatMap(strings))],
            });
          }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Exporters keep their connection alive; the receiver goes with the test.
        server.closeAllConnections();
      }),
  };
}
