import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { createSubject, mulberry32, WHATSAPP_MAGIC_SUFFIXES } from '../apps/sandbox/src/index';

jest.setTimeout(420_000);

const root = path.join(__dirname, '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const portTaken = (port: number) => spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status === 0;

/** A customer whose number triggers none of the WhatsApp sandbox's magic failures. */
function plainSeed(): number {
  for (let seed = 1; ; seed++) {
    const phone = createSubject(mulberry32(seed)).phone;
    if (!Object.values(WHATSAPP_MAGIC_SUFFIXES).some((suffix) => phone.endsWith(suffix))) return seed;
  }
}

function run(command: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `bash scripts/start.sh` with its ports moved by the shell's environment: the ready line, the
 * CLI and the sandbox's status webhooks follow them; `bash scripts/stop.sh` stops it all.
 */
describe('scripts/start.sh and scripts/stop.sh', () => {
  const database = `switchyard_start_${randomBytes(4).toString('hex')}`;
  let fleet: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    // stop.sh reaches every app's process group through start.sh's trap.
    if (fleet && fleet.exitCode === null) spawnSync('bash', ['scripts/stop.sh'], { cwd: root, stdio: 'ignore', timeout: 60_000 });
    execFileSync('psql', ['-X', '-q', '-h', '127.0.0.1', '-U', 'root', '-d', 'postgres', '-c', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`]);
  });

  it('starts on the ports the shell sets, says when it is ready, and the CLI and the sandbox follow', async () => {
    // The workers' metrics ports are fixed (9101-9103): another fleet on this machine would take them.
    for (const port of [9101, 9102, 9103]) expect({ port, taken: portTaken(port) }).toEqual({ port, taken: false });
    const [receiverPort, opsPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      RECEIVER_PORT: String(receiverPort),
      OPS_PORT: String(opsPort),
      SANDBOX_PORT: String(sandboxPort),
      DATABASE_URL: `postgresql://root@127.0.0.1:5432/${database}`,
      QUEUE_PREFIX: `{sy-start-${randomBytes(3).toString('hex')}}`,
      LOG_LEVEL: 'warn',
    };
    fleet = spawn('bash', ['scripts/start.sh'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    fleet.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    fleet.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => fleet?.once('exit', resolve));
    const ready = await Promise.race([
      new Promise<string>((resolve) => {
        const check = () => {
          const line = output.split('\n').find((l) => l.includes('Switchyard is ready'));
          if (line) resolve(line);
          else setTimeout(check, 250);
        };
        check();
      }),
      exited.then((code) => `start.sh exited with ${code}: ${output.slice(-3000)}`),
    ]);
    expect(ready).toContain(`receiver http://127.0.0.1:${receiverPort}`);
    expect(ready).toContain(`ops http://127.0.0.1:${opsPort}/ops/queues`);
    expect(ready).toContain(`sandbox http://127.0.0.1:${sandboxPort}`);
    expect(ready).toContain('bash scripts/stop.sh');

    // The CLI, run with the same environment, posts to the moved receiver and reads the moved ops API.
    const trigger = run('pnpm', ['switchyard', 'trigger', 'razorpay', 'payment.captured', '--seed', String(plainSeed())], env);
    expect(trigger.stderr).toBe('');
    expect(trigger.code).toBe(0);
    expect(trigger.stdout).toContain(`# downstream (ops API http://127.0.0.1:${opsPort}): 1 delivery stored as 1 event (1 processed)`);
    expect(trigger.stdout).toMatch(/message\.send done/);

    // The message the worker sent comes back as the sandbox's status webhooks, to the moved receiver.
    let statuses = '';
    for (let i = 0; i < 30 && !/whatsapp\s+statuses\./.test(statuses); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
      statuses = run('pnpm', ['switchyard', 'ops', 'events', '--provider', 'whatsapp'], env).stdout;
    }
    expect(statuses).toMatch(/whatsapp\s+statuses\./);

    const stop = run('bash', ['scripts/stop.sh'], env);
    expect(stop.stdout).toContain('==> stopped');
    expect(stop.code).toBe(0);
    expect(await exited).not.toBeNull();
    for (const port of [receiverPort, opsPort, sandboxPort, 9101, 9102, 9103]) expect({ port, taken: portTaken(port) }).toEqual({ port, taken: false });
    expect(run('bash', ['scripts/stop.sh'], env).stdout).toContain('no fleet started by scripts/start.sh is running');
  });
});
