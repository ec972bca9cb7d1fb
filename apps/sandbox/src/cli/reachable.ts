import { connect } from 'node:net';

/**
 * Why nothing listens at a URL's host and port (connection refused, unknown host, no answer), or
 * null when a TCP connection opens. A bare connect, so the server sees no request.
 */
export function unreachableReason(url: string, timeoutMs = 2000): Promise<string | null> {
  const target = new URL(url);
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | null) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const reasons: Record<string, string> = { ECONNREFUSED: 'connection refused', ENOTFOUND: 'unknown host', EHOSTUNREACH: 'host unreachable' };
      done((error.code && reasons[error.code]) ?? error.code ?? error.message);
    });
  });
}
