// Creates a fresh database for this test run, applies the committed migrations to it, and points
// every test at it through DATABASE_URL. Redis isolation is per test file (a unique key prefix).
// With TEST_POOLER_URL (a PgBouncer in front of the same server, passing every database through),
// the migrations still run direct, as in production, and the tests reach the database through the
// pooler; SWITCHYARD_TEST_DATABASE stays direct so the teardown can drop it.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');

// The migrations and their runner live in packages/db (this preset is a workspace package beside it).
const dbPackage = path.join(__dirname, '../../packages/db');

module.exports = async () => {
  const base = process.env.TEST_POSTGRES_URL || 'postgresql://root@127.0.0.1:5432';
  const name = `switchyard_test_${randomBytes(4).toString('hex')}`;
  const url = `${base.replace(/\/$/, '')}/${name}`;
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/migrate.ts'], {
    cwd: dbPackage,
    env: { ...process.env, DATABASE_URL: url, DATABASE_DIRECT_URL: url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pooler = process.env.TEST_POOLER_URL;
  process.env.DATABASE_URL = pooler ? `${pooler.replace(/\/$/, '')}/${name}` : url;
  process.env.SWITCHYARD_TEST_DATABASE = url;
};
