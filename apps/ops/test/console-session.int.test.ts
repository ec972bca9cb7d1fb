import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ConsoleSettings } from '@switchyard/settings';
import { must } from '@switchyard/testing';
import { hashPassword } from '../src/auth/password-hash';
import { basic, bearer, eventually, startOps, TEST_TOKEN, type TestOps } from './harness';

const LIMIT = 5;
const tag = randomBytes(4).toString('hex');
// The cheapest cost the settings accept: the tests sign in dozens of times.
const TEST_COST = { N: 2 ** 14, r: 8, p: 1 };
const PASSWORDS = { admin: 'admin-password-0123', operator: 'operator-password-0123', viewer: 'viewer-password-0123' };
const users = {
  admin: `alice-${tag}`,
  operator: `olga-${tag}`,
  viewer: `victor-${tag}`,
  /** Locked out by the per-user throttle test; nobody else signs in as her. */
  locked: `tina-${tag}`,
};

let consoleSettings: ConsoleSettings;
let ops: TestOps;
let clientSeq = 0;
/** A fresh client address per call (the test is the trusted proxy), so per-address counters stay apart. */
const freshClient = () => ({ 'X-Forwarded-For': `192.0.2.${(clientSeq += 1)}` });

beforeAll(async () => {
  consoleSettings = {
    users: [
      { name: users.admin, role: 'admin', passwordHash: await hashPassword(PASSWORDS.admin, TEST_COST), revealPersonalData: false },
      { name: users.operator, role: 'operator', passwordHash: await hashPassword(PASSWORDS.operator, TEST_COST), revealPersonalData: false },
      { name: users.viewer, role: 'viewer', passwordHash: await hashPassword(PASSWORDS.viewer, TEST_COST), revealPersonalData: false },
      { name: users.locked, role: 'viewer', passwordHash: await hashPassword(PASSWORDS.viewer, TEST_COST), revealPersonalData: false },
    ],
    sessionHours: 12,
    idleMinutes: 30,
  };
  ops = await startOps({ TRUST_PROXY: 'loopback', OPS_AUTH_FAILURES_PER_MINUTE: String(LIMIT) }, { console: consoleSettings });
});
afterAll(() => ops.close());

interface Session {
  cookie: string;
  csrfToken: string;
  setCookies: string[];
}

function setCookiesOf(res: { headers: Record<string, unknown> }): string[] {
  const raw = res.headers['set-cookie'];
  return Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
}

async function signIn(role: keyof typeof PASSWORDS, headers: Record<string, string> = freshClient()): Promise<Session> {
  const res = await ops.request.post('/api/session').set(headers).send({ name: users[role], password: PASSWORDS[role] });
  expect(res.status).toBe(200);
  const setCookies = setCookiesOf(res);
  const session = must(setCookies.find((c) => c.startsWith('switchyard_session=')), 'session cookie');
  return { cookie: session.split(';')[0] ?? '', csrfToken: res.body.csrfToken as string, setCookies };
}

async function attentionItem(): Promise<string> {
  const id = randomUUID();
  await ops.db.attentionItem.create({ data: { id, kind: 'payment.disputed', entityType: 'payment', entityKey: `auth-${tag}-${id}`, summary: `dispute ${id}` } });
  return id;
}

describe('POST /api/session', () => {
  it('signs a user in: who they are, a CSRF token, and an HttpOnly SameSite cookie whose id is stored only as a hash', async () => {
    const res = await ops.request.post('/api/session').set(freshClient()).send({ name: users.operator, password: PASSWORDS.operator });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { name: users.operator, role: 'operator' }, permissions: { revealPersonalData: false }, csrfToken: expect.stringMatching(/^[\w-]{43}$/), expiresAt: expect.any(String) });
    expect(new Date(res.body.expiresAt as string).getTime() - Date.now()).toBeGreaterThan(11.9 * 3_600_000);

    const cookies = setCookiesOf(res);
    const session = must(cookies.find((c) => c.startsWith('switchyard_session=')), 'session cookie');
    expect(session).toMatch(/; Path=\/(;|$)/);
    expect(session).toMatch(/; HttpOnly(;|$)/);
    expect(session).toMatch(/; SameSite=Lax(;|$)/);
    expect(session).toMatch(/; Max-Age=43200(;|$)/);
    // Plain http, no proxy saying otherwise: a Secure cookie would never come back.
    expect(session).not.toMatch(/Secure/);
    // Bull Board's client reads this one to send X-XSRF-TOKEN: readable by scripts, and the same token.
    const xsrf = must(cookies.find((c) => c.startsWith('XSRF-TOKEN=')), 'XSRF cookie');
    expect(xsrf).not.toMatch(/HttpOnly/);
    expect(xsrf.split(';')[0]).toBe(`XSRF-TOKEN=${String(res.body.csrfToken)}`);

    const id = (session.split(';')[0] ?? '').slice('switchyard_session='.length);
    const rows = await ops.db.consoleSession.findMany({ where: { userName: users.operator } });
    expect(rows.some((r) => r.idHash === id)).toBe(false);
    expect(rows.some((r) => r.idHash === createHash('sha256').update(id).digest('hex'))).toBe(true);
    const audit = await ops.db.auditEntry.findFirst({ where: { action: 'session.sign_in', actor: users.operator } });
    expect(audit).toMatchObject({ target: `user:${users.operator}` });
  });

  it('ends the session the browser already held, so an id planted before sign-in is worth nothing', async () => {
    const before = await signIn('viewer');
    const res = await ops.request.post('/api/session').set(freshClient()).set('Cookie', before.cookie).send({ name: users.viewer, password: PASSWORDS.viewer });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await ops.request.get('/api/session').set('Cookie', before.cookie)).body.error).toBe('session_expired');
  });

  it('marks the cookie Secure when the client came over https through a trusted proxy', async () => {
    const { setCookies } = await signIn('viewer', { ...freshClient(), 'X-Forwarded-Proto': 'https' });
    expect(setCookies.filter((c) => /; Secure(;|$)/.test(c))).toHaveLength(2);
  });

  it('answers a wrong password and an unknown user alike: 401, without saying which', async () => {
    const wrong = await ops.request.post('/api/session').set(freshClient()).send({ name: users.operator, password: 'not-the-password' });
    const unknown = await ops.request.post('/api/session').set(freshClient()).send({ name: `nobody-${tag}`, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_credentials', message: 'wrong user name or password' });
    expect(unknown.body).toEqual(wrong.body);
    expect(setCookiesOf(wrong)).toEqual([]);
    // Neither the password nor the name typed (people type passwords into it) reaches the log.
    const logged = ops.logs.filter((l) => l.includes('console sign-in failed')).join('\n');
    expect(logged).not.toContain('not-the-password');
    expect(logged).not.toContain(`nobody-${tag}`);
  });

  it.each<[string, unknown, string]>([
    ['a missing password', { name: 'alice' }, 'password: is required'],
    ['a missing name', { password: 'x' }, 'name: is required'],
    ['a name that is not a string', { name: 42, password: 'x' }, 'name: is required'],
    ['an unknown field', { name: 'alice', password: 'x', remember: true }, 'unknown field(s): remember'],
  ])('answers 400 naming the field for %s', async (_, body, message) => {
    const res = await ops.request.post('/api/session').set(freshClient()).send(body as object);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_body', message });
  });
});

describe('sign-in throttle', () => {
  // Counters are per one-minute window: a scenario that straddled two windows would start over
  // half-way. Each test starts with at least 20 s of its window left.
  beforeEach(async () => {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
  });

  it('locks a user name guessed at from many addresses, saying so and for how long, and refuses even the right password', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i += 1) statuses.push((await ops.request.post('/api/session').set(freshClient()).send({ name: users.locked, password: `guess-${i}` })).status);
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429, 429]);

    const right = await ops.request.post('/api/session').set(freshClient()).send({ name: users.locked, password: PASSWORDS.viewer });
    expect({ status: right.status, body: right.body as unknown }).toMatchObject({ status: 429 });
    expect(right.body).toEqual({ error: 'too_many_attempts', message: expect.stringMatching(/^too many failed sign-in attempts for this user name; retry in \d+ s$/) });
    const retryAfter = Number(right.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(right.body.message).toContain(`retry in ${retryAfter} s`);
    // Another user is not locked.
    await signIn('viewer');
  });

  it('locks an address that guesses at many user names, and not another address', async () => {
    const from = freshClient();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i += 1) statuses.push((await ops.request.post('/api/session').set(from).send({ name: `guess-${tag}-${i}`, password: 'wrong-password' })).status);
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429]);
    const right = await ops.request.post('/api/session').set(from).send({ name: users.admin, password: PASSWORDS.admin });
    expect({ status: right.status, body: right.body as unknown }).toMatchObject({ status: 429 });
    expect(right.body.message).toMatch(/^too many failed sign-in attempts from this address; retry in \d+ s$/);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await signIn('admin');
  });
});

describe('GET /api/session', () => {
  it('says who is signed in, with the CSRF token; 401 without a session', async () => {
    const s = await signIn('viewer');
    const res = await ops.request.get('/api/session').set('Cookie', s.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { name: users.viewer, role: 'viewer' }, permissions: { revealPersonalData: false }, csrfToken: s.csrfToken, expiresAt: expect.any(String), via: 'session' });

    const none = await ops.request.get('/api/session').set('Sec-Fetch-Mode', 'cors');
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('unauthorized');
    // The console's own fetch gets a challenge browsers do not answer with a password dialog.
    expect(none.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  });

  it('answers OPS_TOKEN as the admin identity "token", with no session', async () => {
    const res = await ops.request.get('/api/session').set(bearer);
    expect(res.body).toEqual({ user: { name: 'token', role: 'admin' }, permissions: { revealPersonalData: true }, csrfToken: null, expiresAt: null, via: 'token' });
  });
});

describe('roles', () => {
  it('lets a viewer read the API and the board, and answers 403 naming the role to a hand-made write', async () => {
    const s = await signIn('viewer');
    expect((await ops.request.get('/api/events?limit=1').set('Cookie', s.cookie)).status).toBe(200);
    expect((await ops.request.get('/api/audit?limit=1').set('Cookie', s.cookie)).status).toBe(200);
    expect((await ops.request.get('/ops/queues/api/queues').set('Cookie', s.cookie)).status).toBe(200);

    const id = await attentionItem();
    const res = await ops.request.post(`/api/attention/${id}/resolve`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken).send({ reason: 'looks fine' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'forbidden', message: `this needs the operator role; you are signed in as viewer` });
    expect((await ops.db.attentionItem.findUniqueOrThrow({ where: { id } })).resolvedAt).toBeNull();

    for (const [path, body] of [
      ['/api/dead-letters/retry', { reason: 'x', filter: {} }],
      [`/api/effects/${randomUUID()}/resolve`, { outcome: 'sent', reason: 'x' }],
      ['/api/erasure', { email: 'a@example.com', reason: 'x' }],
    ] as const) {
      const denied = await ops.request.post(path).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken).send(body);
      expect({ path, status: denied.status, error: denied.body.error }).toEqual({ path, status: 403, error: 'forbidden' });
    }
    const board = await ops.request.put('/ops/queues/api/queues/whatsapp/pause').set('Cookie', s.cookie).set('X-XSRF-TOKEN', s.csrfToken);
    expect(board.status).toBe(403);
    expect(await ops.queue('whatsapp').isPaused()).toBe(false);
  });

  it('lets an operator write; the change and its audit entry name the user', async () => {
    const s = await signIn('operator');
    const id = await attentionItem();
    const res = await ops.request.post(`/api/attention/${id}/resolve`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken).send({ reason: 'refund issued' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, resolvedBy: users.operator });
    const audit = await ops.db.auditEntry.findMany({ where: { target: id } });
    expect(audit).toEqual([expect.objectContaining({ actor: users.operator, action: 'attention.resolve', reason: 'refund issued' })]);
  });

  it("lets an operator use Bull Board's buttons (X-XSRF-TOKEN from the cookie), audited as the user", async () => {
    const s = await signIn('operator');
    const res = await ops.request.put('/ops/queues/api/queues/crm.dead/pause').set('Cookie', s.cookie).set('X-XSRF-TOKEN', s.csrfToken);
    expect(res.status).toBeLessThan(300);
    expect(await ops.queue('crm.dead').isPaused()).toBe(true);
    const row = await eventually(() => ops.db.auditEntry.findFirst({ where: { actor: users.operator, action: 'bull_board.pause' } }));
    expect(row).toMatchObject({ target: 'crm.dead' });
  });

  it('keeps admin-only routes (erasure) from an operator, and lets an admin through', async () => {
    const operator = await signIn('operator');
    const body = { email: `nobody.${tag}@example.com`, reason: 'customer asked' };
    const denied = await ops.request.post('/api/erasure').set('Cookie', operator.cookie).set('X-CSRF-Token', operator.csrfToken).send(body);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('this needs the admin role; you are signed in as operator');

    const admin = await signIn('admin');
    const allowed = await ops.request.post('/api/erasure').set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrfToken).send(body);
    expect(allowed.status).toBe(200);
    expect(await ops.db.auditEntry.findFirst({ where: { action: 'erasure', target: `erasure:${String(allowed.body.erasureId)}` } })).toMatchObject({ actor: users.admin });
  });
});

describe('CSRF', () => {
  it('refuses a session write without the X-CSRF-Token header, or with a wrong one, naming the header', async () => {
    const s = await signIn('operator');
    const id = await attentionItem();
    const missing = await ops.request.post(`/api/attention/${id}/resolve`).set('Cookie', s.cookie).send({ reason: 'x' });
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({ error: 'csrf_failed', message: expect.stringContaining('the X-CSRF-Token header is missing') });
    const wrong = await ops.request.post(`/api/attention/${id}/resolve`).set('Cookie', s.cookie).set('X-CSRF-Token', 'x'.repeat(43)).send({ reason: 'x' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({ error: 'csrf_failed', message: expect.stringContaining('the X-CSRF-Token header does not match this session') });
    // Another session's token is no better.
    const other = await signIn('operator');
    expect((await ops.request.post(`/api/attention/${id}/resolve`).set('Cookie', s.cookie).set('X-CSRF-Token', other.csrfToken).send({ reason: 'x' })).status).toBe(403);
    const board = await ops.request.put('/ops/queues/api/queues/payments.dead/pause').set('Cookie', s.cookie);
    expect(board.body.error).toBe('csrf_failed');
    expect(await ops.queue('payments.dead').isPaused()).toBe(false);
    expect((await ops.db.attentionItem.findUniqueOrThrow({ where: { id } })).resolvedAt).toBeNull();
  });

  it('needs no CSRF token with the bearer token, and refuses a Basic write from another site', async () => {
    const id = await attentionItem();
    expect((await ops.request.post(`/api/attention/${id}/resolve`).set(bearer).send({ reason: 'by script' })).status).toBe(200);
    const crossSite = await ops.request.put('/ops/queues/api/queues/payments.dead/pause').set(basic('me', TEST_TOKEN)).set('Sec-Fetch-Site', 'cross-site');
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error).toBe('csrf_failed');
    expect(await ops.queue('payments.dead').isPaused()).toBe(false);
  });
});

describe('sessions end', () => {
  it('signs out with DELETE /api/session (which needs the CSRF token too): the cookie no longer works', async () => {
    const s = await signIn('viewer');
    expect((await ops.request.delete('/api/session').set('Cookie', s.cookie)).status).toBe(403);
    const res = await ops.request.delete('/api/session').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken);
    expect(res.status).toBe(204);
    expect(setCookiesOf(res).every((c) => /; Max-Age=0(;|$)/.test(c))).toBe(true);
    const after = await ops.request.get('/api/session').set('Cookie', s.cookie);
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('session_expired');
    expect(await ops.db.auditEntry.findFirst({ where: { action: 'session.sign_out', actor: users.viewer } })).not.toBeNull();
  });

  it('answers 401 once a session has expired, or was idle too long', async () => {
    const expired = await signIn('viewer');
    const idle = await signIn('viewer');
    const hash = (s: Session) => createHash('sha256').update(s.cookie.slice('switchyard_session='.length)).digest('hex');
    await ops.db.consoleSession.update({ where: { idHash: hash(expired) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await ops.db.consoleSession.update({ where: { idHash: hash(idle) }, data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    for (const s of [expired, idle]) {
      const res = await ops.request.get('/api/events?limit=1').set('Cookie', s.cookie);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'session_expired', message: expect.stringContaining('sign in again') });
    }
  });

  it('survives a restart and is honoured by another replica; a user removed from the configuration is signed out', async () => {
    const viewer = await signIn('viewer');
    const operator = await signIn('operator');
    const replica = await startOps({}, { console: { ...consoleSettings, users: consoleSettings.users.filter((u) => u.name !== users.operator) } });
    try {
      const res = await replica.request.get('/api/session').set('Cookie', viewer.cookie);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: { name: users.viewer, role: 'viewer' }, csrfToken: viewer.csrfToken });
      expect((await replica.request.get('/api/session').set('Cookie', operator.cookie)).status).toBe(401);
    } finally {
      await replica.close();
    }
  });
});

describe('GET /api/audit/export', () => {
  it('downloads the trail as CSV for an admin (formula-looking text defused), NDJSON on request, and is audited', async () => {
    const action = `export.${tag}`;
    await ops.db.auditEntry.create({ data: { actor: 'alice', action, target: 'payment/pi_1', reason: '=HYPERLINK("x"), said "hi"', at: new Date('2026-01-01T10:00:00Z') } });
    await ops.db.auditEntry.create({ data: { actor: 'bob', action, target: 'payment/pi_2', reason: null, details: { n: 1 }, at: new Date('2026-01-02T10:00:00Z') } });
    const admin = await signIn('admin');

    const csv = await ops.request.get(`/api/audit/export?action=${action}`).set('Cookie', admin.cookie);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="switchyard-audit-.*\.csv"$/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target,reason,details');
    expect(lines.slice(1, 3).map((l) => l.split(',').slice(1, 5).join(','))).toEqual([`2026-01-02T10:00:00.000Z,bob,${action},payment/pi_2`, `2026-01-01T10:00:00.000Z,alice,${action},payment/pi_1`]);
    expect(lines[2]).toContain(`"'=HYPERLINK(""x""), said ""hi"""`);
    expect(lines[3]).toBe('');

    const ndjson = await ops.request.get(`/api/audit/export?action=${action}&format=ndjson&since=2026-01-02`).set('Cookie', admin.cookie);
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const rows = ndjson.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([expect.objectContaining({ actor: 'bob', target: 'payment/pi_2', details: { n: 1 } })]);

    expect(await ops.db.auditEntry.findFirst({ where: { action: 'audit.export', actor: users.admin } })).not.toBeNull();
  });

  it('is for admins only, and names a bad parameter', async () => {
    const operator = await signIn('operator');
    const denied = await ops.request.get('/api/audit/export').set('Cookie', operator.cookie);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('this needs the admin role; you are signed in as operator');
    const bad = await ops.request.get('/api/audit/export?format=xlsx&since=yesterday').set(bearer);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/format: "xlsx" is not a format \(csv or ndjson\); since: "yesterday" is not an ISO 8601 date/);
  });
});

describe('configuration', () => {
  it('stops the ops process at start when a console password is in plain text, naming the key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sy-ops-console-'));
    const file = path.join(dir, 'switchyard.yaml');
    writeFileSync(file, 'version: 1\nconsole:\n  users:\n    - { name: alice, role: admin, passwordHash: "${ALICE_PASSWORD}" }\n');
    const run = promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '../src/main.ts')], {
      env: { ...process.env, OPS_TOKEN: TEST_TOKEN, SWITCHYARD_CONFIG: file, ALICE_PASSWORD: 'correct-horse-battery', OPS_PORT: '0' },
    });
    const failure = await run.then(
      () => null,
      (err: Error & { code?: number; stderr?: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('console.users.0.passwordHash: must be a password hash, not a password: plain-text passwords are refused; make one with `pnpm ops:hash-password`');
    expect(failure?.stderr).not.toContain('correct-horse-battery');
  });
});
