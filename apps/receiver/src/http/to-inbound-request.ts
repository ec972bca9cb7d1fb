import type { Request } from 'express';
import type { InboundRequest } from '../providers/provider-adapter';

export function toInboundRequest(req: Request, publicBaseUrl: string | undefined): InboundRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.query)) query[k] = typeof v === 'string' ? v : undefined;
  const base = publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return {
    method: req.method,
    originalUrl: req.originalUrl,
    publicUrl: `${base.replace(/\/$/, '')}${req.originalUrl}`,
    headers,
    query,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  };
}
