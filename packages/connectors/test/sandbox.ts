import { createServer, httpWebhookSender, loadEnv, mulberry32, systemClock, type FaultRuleInput, type SandboxEnv } from '@switchyard/sandbox';
import { listen } from '@switchyard/testing';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: unknown;
  status: number | null;
  fault?: string;
}

export interface RunningSandbox {
  url: string;
  env: SandboxEnv;
  faults(rules: FaultRuleInput[]): Promise<void>;
  requests(query?: { provider?: string; path?: string }): Promise<RecordedRequest[]>;
  state(): Promise<Record<string, Record<string, unknown[]>>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The real sandbox, in-process on a random port: every client test talks HTTP to it. */
export async function startSandbox(overrides: Record<string, string> = {}): Promise<RunningSandbox> {
  const env = loadEnv({ SANDBOX_STATUS_CALLBACKS: 'false', ...overrides });
  const sandbox = createServer({ config: env, clock: systemClock, rng: mulberry32(7), webhookSender: httpWebhookSender(2000) });
  const server = await listen(sandbox.app);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`sandbox control ${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  return {
    url: server.url,
    env,
    faults: async (rules) => {
      await call('POST', '/__sandbox/faults', { rules });
    },
    requests: async (query = {}) => {
      const qs = new URLSearchParams(query as Record<string, string>).toString();
      return (await call('GET', `/__sandbox/requests${qs ? `?${qs}` : ''}`)).requests as RecordedRequest[];
    },
    state: async () => (await call('GET', '/__sandbox/state')) as Record<string, Record<string, unknown[]>>,
    reset: async () => {
      await call('POST', '/__sandbox/reset');
    },
    close: async () => {
      sandbox.close();
      await server.close();
    },
  };
}
