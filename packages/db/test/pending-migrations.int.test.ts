import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { applyMigrations } from '../src/migrations/apply-migrations';
import { dropDatabase, ensureDatabase } from '../src/migrations/ensure-database';
import { readMigrationList } from '../src/migrations/migration-files';
import { pendingMigrations } from '../src/migrations/pending-migrations';

const base = (process.env.TEST_POSTGRES_URL || 'postgresql://root@127.0.0.1:5432').replace(/\/$/, '');
const freshUrl = () => `${base}/switchyard_pending_${randomBytes(4).toString('hex')}`;
const packageDir = path.resolve(__dirname, '..');
const tsx = path.resolve(packageDir, '../../node_modules/.bin/tsx');

/** The script as the initContainer runs it; `output` holds what it printed so far. */
function waitForMigrations(env: Record<string, string>) {
  const child = spawn(tsx, ['scripts/wait-for-migrations.ts'], { cwd: packageDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { child, output: '', exited: new Promise<number | null>((resolve, reject) => {
    child.on('exit', resolve);
    child.on('error', reject);
  }) };
  child.stdout.on('data', (d: Buffer) => (run.output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (run.output += d.toString()));
  return run;
}

describe('pending migrations (what the apps’ initContainer waits on)', () => {
  const urls: string[] = [];
  afterAll(async () => {
    for (const url of urls) await dropDatabase(url);
  });

  it('are every committed migration on an empty database, and none once they are applied', async () => {
    const url = freshUrl();
    urls.push(url);
    await ensureDatabase(url);
    const committed = (await readMigrationList()).migrationDirectories.map((d) => d.path);
    expect(committed.length).toBeGreaterThan(0);
    expect(await pendingMigrations(url)).toEqual(committed);
    await applyMigrations(url);
    expect(await pendingMigrations(url)).toEqual([]);
  });

  it('scripts/wait-for-migrations.ts waits while some are pending and exits 0 once the migration has run', async () => {
    const url = freshUrl();
    urls.push(url);
    await ensureDatabase(url);
    const run = waitForMigrations({ DATABASE_URL: url, WAIT_FOR_MIGRATIONS_INTERVAL_MS: '100' });
    // The positive signal that it is waiting, before the migration runs.
    const deadline = Date.now() + 30_000;
    while (!run.output.includes('waiting for') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(run.output).toMatch(/waiting for \d+ migration\(s\)/);
    expect(run.child.exitCode).toBeNull();
    await applyMigrations(url);
    expect(await run.exited).toBe(0);
    expect(run.output).toContain('every committed migration is applied');
  });

  it('scripts/wait-for-migrations.ts gives up with exit 1 after its timeout when the database is unreachable', async () => {
    const run = waitForMigrations({ DATABASE_URL: 'postgresql://nobody:s3cret-pw@127.0.0.1:1/none', WAIT_FOR_MIGRATIONS_INTERVAL_MS: '100', WAIT_FOR_MIGRATIONS_TIMEOUT_MS: '500' });
    expect(await run.exited).toBe(1);
    expect(run.output).toContain('database not reachable');
    expect(run.output).not.toContain('s3cret-pw');
  });
});
