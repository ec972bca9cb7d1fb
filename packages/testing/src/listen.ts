import type { Server } from 'node:http';

interface Listenable {
  listen(port: number, host: string, callback: () => void): Server;
}

/** Starts an HTTP app on a free loopback port. */
export async function listen(app: Listenable): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
