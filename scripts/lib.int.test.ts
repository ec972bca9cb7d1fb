import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..');
const lib = path.join(__dirname, 'lib.sh');

/** Runs `source lib.sh; <script>` in bash with exactly `env` (plus PATH/HOME unless given). */
function bash(script: string, env: Record<string, string> = {}, cwd = root) {
  const result = spawnSync('bash', ['-c', `source "${lib}"\n${script}`], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-scripts-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PRINT = 'for k in RECEIVER_PORT PUBLIC_BASE_URL SANDBOX_RECEIVER_URL SANDBOX_URL OPS_URL OPS_TOKEN LOG_LEVEL QUEUE_PREFIX STANDARD_WEBHOOK_SECRET; do printf "%s=%s\\n" "$k" "${!k-<unset>}"; done';
const parse = (stdout: string) => Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('load_env: the shell wins over .env, which wins over .env.example', () => {
  const example = readFileSync(path.join(root, '.env.example'), 'utf8');

  it('leaves a variable exported in the shell untouched (RECEIVER_PORT=3100 bash scripts/start.sh)', () => {
    const dir = tempDir({ '.env.example': example });
    const out = parse(bash(`load_env "${dir}"; ${PRINT}`, { RECEIVER_PORT: '3100' }).stdout);
    expect(out.RECEIVER_PORT).toBe('3100');
    // Our own URLs follow the port, so the CLI and the sandbox's status webhooks go where the receiver listens.
    expect(out.PUBLIC_BASE_URL).toBe('http://127.0.0.1:3100');
    expect(out.SANDBOX_RECEIVER_URL).toBe('http://127.0.0.1:3100');
    expect(out.SANDBOX_URL).toBe('http://127.0.0.1:4010');
    expect(out.OPS_URL).toBe('http://127.0.0.1:3001');
  });

  it('takes .env over .env.example, literally (no expansion), with quotes and trailing comments removed', () => {
    const dir = tempDir({
      '.env.example': example,
      '.env': 'RECEIVER_PORT=3200\nSANDBOX_PORT=4210\nOPS_PORT=3201\nLOG_LEVEL="debug"  # loud\nOPS_TOKEN=a$HOME`id`-token-0000000\n',
    });
    const out = parse(bash(`load_env "${dir}"; ${PRINT}`).stdout);
    expect(out).toMatchObject({
      RECEIVER_PORT: '3200',
      PUBLIC_BASE_URL: 'http://127.0.0.1:3200',
      SANDBOX_RECEIVER_URL: 'http://127.0.0.1:3200',
      SANDBOX_URL: 'http://127.0.0.1:4210',
      OPS_URL: 'http://127.0.0.1:3201',
      LOG_LEVEL: 'debug',
      OPS_TOKEN: 'a$HOME`id`-token-0000000',
      QUEUE_PREFIX: 'switchyard',
      STANDARD_WEBHOOK_SECRET: 'whsec_c2FuZGJveC1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQ=',
    });
  });

  it('keeps a URL set explicitly in .env or the shell, and the shell beats .env', () => {
    const dir = tempDir({ '.env.example': example, '.env': 'RECEIVER_PORT=3200\nPUBLIC_BASE_URL=https://hooks.example.com\nLOG_LEVEL=debug\n' });
    const out = parse(bash(`load_env "${dir}"; ${PRINT}`, { LOG_LEVEL: 'warn', SANDBOX_RECEIVER_URL: 'http://10.0.0.5:3000' }).stdout);
    expect(out).toMatchObject({ PUBLIC_BASE_URL: 'https://hooks.example.com', SANDBOX_RECEIVER_URL: 'http://10.0.0.5:3000', LOG_LEVEL: 'warn' });
  });
});

describe('ensure_services: the servers DATABASE_URL and REDIS_URL name', () => {
  it('says which variable to set when the configured PostgreSQL host does not answer', () => {
    const r = bash('ensure_services', { DATABASE_URL: 'postgresql://app@db.invalid:5432/switchyard' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PostgreSQL at db.invalid:5432 (DATABASE_URL) is not answering');
    expect(r.stderr).toContain('set DATABASE_URL');
    expect(r.stderr).not.toContain('command not found');
  });

  it('names the local clusters when none listens on the configured port', async () => {
    const port = await closedPort();
    const r = bash('ensure_services', { DATABASE_URL: `postgresql://root@127.0.0.1:${port}/switchyard` });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`no local cluster is set up on that port`);
    expect(r.stderr).toMatch(/pg_lsclusters: \d+\/main on 5432/);
    expect(r.stderr).toContain(`pg_createcluster --port ${port}`);
  });

  it('says exactly what to install when PostgreSQL is missing and cannot be installed here', async () => {
    // A PATH with the basic tools and no PostgreSQL, Redis or apt-get.
    const bin = tempDir();
    for (const tool of ['bash', 'timeout', 'cat', 'sleep', 'seq', 'id', 'awk', 'sed', 'mkdir']) {
      const found = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      symlinkSync(found, path.join(bin, tool));
    }
    const port = await closedPort();
    const r = bash('ensure_services', { PATH: bin, DATABASE_URL: `postgresql://root@127.0.0.1:${port}/switchyard` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PostgreSQL (pg_lsclusters, pg_ctlcluster) is not installed');
    expect(r.stderr).toContain('apt-get install postgresql redis-server');
    expect(r.stderr).toContain('or set DATABASE_URL and REDIS_URL');
    expect(r.stderr).not.toContain('command not found');
  });

  it('creates the role DATABASE_URL names on a local server instead of requiring a superuser called root', () => {
    const role = `sy_role_${randomBytes(4).toString('hex')}`;
    const psql = (sql: string) => execFileSync('psql', ['-X', '-q', '-t', '-A', '-h', '127.0.0.1', '-U', 'root', '-d', 'postgres', '-c', sql], { encoding: 'utf8' }).trim();
    try {
      const r = bash('ensure_services', { DATABASE_URL: `postgresql://${role}@127.0.0.1:5432/${role}` });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`creating PostgreSQL role "${role}" (LOGIN CREATEDB)`);
      expect(psql(`SELECT rolcanlogin, rolcreatedb, rolsuper FROM pg_roles WHERE rolname = '${role}'`)).toBe('t|t|f');
      // Second start: nothing to do.
      expect(bash('ensure_services', { DATABASE_URL: `postgresql://${role}@127.0.0.1:5432/${role}` }).stdout).toBe('');
    } finally {
      psql(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('sets noeviction on the Redis REDIS_URL names (a local one on another port), not only on :6379', async () => {
    const port = await closedPort();
    const dir = tempDir();
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
    const policy = () => execFileSync('redis-cli', ['-p', String(port), 'config', 'get', 'maxmemory-policy'], { encoding: 'utf8' }).split('\n')[1];
    try {
      for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(policy()).toBe('allkeys-lru');
      const r = bash('ensure_services', { REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(r.code).toBe(0);
      expect(policy()).toBe('noeviction');
    } finally {
      proc.kill('SIGKILL');
    }
  });
});

describe('install_deps: a restart skips install and generate when nothing changed', () => {
  it('runs pnpm install and db:generate once, again only after pnpm-lock.yaml or the schema changes', () => {
    const dir = tempDir({ 'pnpm-lock.yaml': 'lockfileVersion: 9.0\n', 'prisma/schema.prisma': 'model A { id Int @id }\n', 'packages/db/src/generated/.keep': '' });
    mkdirSync(path.join(dir, 'node_modules'));
    const bin = tempDir({ pnpm: `#!/bin/sh\necho "pnpm $*" >> "${dir}/pnpm-calls"\n` });
    execFileSync('chmod', ['+x', path.join(bin, 'pnpm')]);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const calls = () => readFileSync(path.join(dir, 'pnpm-calls'), 'utf8').trim().split('\n');
    expect(bash('install_deps', env, dir).code).toBe(0);
    expect(calls()).toEqual(['pnpm install --frozen-lockfile', 'pnpm db:generate']);
    const again = bash('install_deps', env, dir);
    expect(again.stdout).toContain('dependencies up to date');
    expect(calls()).toHaveLength(2);
    writeFileSync(path.join(dir, 'prisma/schema.prisma'), 'model A { id Int @id\n name String }\n');
    bash('install_deps', env, dir);
    expect(calls()).toHaveLength(4);
  });
});

describe('fleet_running: what stop.sh and a second start.sh look for', () => {
  it('is false for a missing pid file, a pid that has exited, and a pid some other program has', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'node_modules'));
    const pidfile = path.join(dir, 'node_modules/.switchyard-fleet.pid');
    expect(bash('fleet_running', {}, dir).code).toBe(1);
    writeFileSync(pidfile, '999999999');
    expect(bash('fleet_running', {}, dir).code).toBe(1);
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(pidfile, String(other.pid));
      expect(bash('fleet_running', {}, dir).code).toBe(1);
      // The same check is true for a process that runs scripts/start.sh.
      const fleet = spawn('bash', ['-c', 'sleep 30; true', 'scripts/start.sh'], { stdio: 'ignore' });
      try {
        writeFileSync(pidfile, String(fleet.pid));
        expect(bash('fleet_running', {}, dir).code).toBe(0);
      } finally {
        fleet.kill('SIGKILL');
      }
    } finally {
      other.kill('SIGKILL');
    }
  });
});

describe('ensure_chromium: the browser the console tests drive', () => {
  it('leaves an installed /usr/bin/chromium alone: no apt-get', () => {
    // scripts/test.sh runs ensure_chromium before the tests, so chromium is there by now.
    const bin = tempDir({ 'apt-get': '#!/bin/sh\necho "apt-get $*" >>"$(dirname "$0")/calls"\n' });
    execFileSync('chmod', ['+x', path.join(bin, 'apt-get')]);
    const result = bash('ensure_chromium', { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(() => readFileSync(path.join(bin, 'calls'), 'utf8')).toThrow();
  });
});
