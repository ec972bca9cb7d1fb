import type { Request } from 'express';

export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

export function basicCredentials(req: Request): { user: string; password: string } | undefined {
  const header = req.get('authorization');
  const match = header ? /^Basic\s+(.+)$/i.exec(header.trim()) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Answers with a provider response; a string body goes out as text/plain (Slack answers `ok` / `invalid_payload`). */
export function send(res: import('express').Response, response: { status: number; body: unknown; headers?: Record<string, string> }): void {
  if (response.headers) res.set(response.headers);
  if (typeof response.body === 'string') res.status(response.status).type('text/plain').send(response.body);
  else res.status(response.status).json(response.body);
}
