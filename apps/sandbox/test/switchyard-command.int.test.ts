import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';

const root = path.join(__dirname, '../../..');

/** `pnpm switchyard …` from the repository root, as the README has a user type it. */
function switchyard(argv: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn('pnpm', ['switchyard', ...argv], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server.address() as AddressInfo);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PNPM_NOISE = /ELIFECYCLE|ERR_PNPM|^undefined$/m;

describe('pnpm switchyard', () => {
  it('posts where the settings put the receiver (RECEIVER_PORT from the shell) and says at once it is not there, with no pnpm noise', async () => {
    const port = await closedPort();
    const r = await switchyard(['trigger', 'stripe', 'payment_intent.succeeded'], { RECEIVER_PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`receiver unreachable at http://127.0.0.1:${port} (connection refused)`);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(PNPM_NOISE);
  });

  it('exits 2 on a usage error with the usage text and no pnpm noise, and 0 for --help', async () => {
    const usage = await switchyard(['trigger', 'nope', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown provider "nope"');
    expect(`${usage.stdout}${usage.stderr}`).not.toMatch(PNPM_NOISE);
    const help = await switchyard(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pnpm switchyard <command>');
    expect(help.stderr).toBe('');
  });
});
