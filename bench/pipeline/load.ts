// The webhook sender: C concurrent keep-alive connections POSTing pre-signed requests. A request
// answered with anything but 2xx (or a network error) is sent again, as providers do, so every
// event gets in; retries are counted and printed.
import http from 'node:http';

export interface SignedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface SendResult {
  startedAt: number;
  endedAt: number;
  retries: number;
  failed: number;
}

function post(agent: http.Agent, base: URL, r: SignedRequest): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: 'POST', path: r.path, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(r.body);
  });
}

export async function sendAll(baseUrl: string, requests: SignedRequest[], concurrency: number, maxTries = 5): Promise<SendResult> {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let retries = 0;
  let failed = 0;
  const startedAt = Date.now();
  const lane = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      for (let attempt = 1; ; attempt++) {
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the loop condition keeps i below requests.length
        const status = await post(agent, base, requests[i]!);
        if (status >= 200 && status < 300) break;
        if (attempt >= maxTries) {
          failed++;
          break;
        }
        retries++;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, lane));
  const endedAt = Date.now();
  agent.destroy();
  return { startedAt, endedAt, retries, failed };
}
