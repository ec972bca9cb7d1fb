import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadEnv } from '../env';
import { runCli } from './run-cli';

/** Stands in for the ops API's answer; what is asserted is what the CLI sends and prints. */
async function opsStub(answer: { status: number; body: unknown }) {
  const seen: { url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url, headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

async function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env: loadEnv(env), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('switchyard erasure', () => {
  it('posts the request to the ops API with the token and prints what changed', async () => {
    const ops = await opsStub({ status: 200, body: { erasureId: 'abc', changed: { contacts_deleted: 1, leads: 2, payments: 0 }, total: 3 } });
    try {
      const { code, out } = await cli(['erasure', '--email', 'ada@example.com', '--reason', 'GDPR ticket 42'], { OPS_URL: ops.url, OPS_TOKEN: 'ops-token-0123456789' });
      expect(code).toBe(0);
      expect(ops.seen).toEqual([expect.objectContaining({ url: '/api/erasure', body: JSON.stringify({ email: 'ada@example.com', reason: 'GDPR ticket 42' }) })]);
      expect(ops.seen[0]?.headers.authorization).toBe('Bearer ops-token-0123456789');
      expect(out).toEqual(['# erasure abc: 3 rows changed', 'contacts_deleted   1', 'leads              2']);
    } finally {
      await ops.close();
    }
  });

  it('reports a refusal with the API message, and usage errors name what is missing', async () => {
    const ops = await opsStub({ status: 400, body: { error: 'invalid_body', message: 'phone: is not a phone number' } });
    try {
      const refused = await cli(['erasure', '--phone', '12', '--reason', 'x'], { OPS_URL: ops.url, OPS_TOKEN: 'ops-token-0123456789' });
      expect(refused).toMatchObject({ code: 1, err: ['erasure refused: 400 phone: is not a phone number'] });
    } finally {
      await ops.close();
    }
    expect((await cli(['erasure', '--reason', 'x'], { OPS_TOKEN: 't' })).err[0]).toMatch(/^erasure needs --email or --phone/);
    expect((await cli(['erasure', '--email', 'a@b.co'], { OPS_TOKEN: 't' })).err[0]).toMatch(/^erasure needs --reason/);
    expect((await cli(['erasure', '--email', 'a@b.co', '--reason', 'x'], {})).err[0]).toMatch(/OPS_TOKEN/);
  });
});
