import { randomBytes } from 'node:crypto';
import type { ConsoleRole, ConsoleSettings, ConsoleUser } from '@switchyard/settings';
import { must } from '@switchyard/testing';
import { hashPassword } from '../src/auth/password-hash';
import { startOps, type TestOps } from './harness';

export const TEST_PASSWORD = 'viewer-password-0123';
// The cheapest cost the settings accept.
const TEST_COST = { N: 2 ** 14, r: 8, p: 1 };

/** A console user with the tests' password (the cheapest hash cost the settings accept). */
export async function testConsoleUser(name: string, role: ConsoleRole, revealPersonalData = false): Promise<ConsoleUser> {
  return { name, role, passwordHash: await hashPassword(TEST_PASSWORD, TEST_COST), revealPersonalData };
}

/** A console section with one viewer, for tests that check a viewer's hand-made write gets 403. */
export async function viewerConsole(): Promise<{ settings: ConsoleSettings; name: string }> {
  const name = `victor-${randomBytes(4).toString('hex')}`;
  return { name, settings: { users: [await testConsoleUser(name, 'viewer')], sessionHours: 12, idleMinutes: 30 } };
}

/** Signs a user made by testConsoleUser in; the headers a browser would send with a write (cookie and CSRF token). */
export async function sessionHeaders(ops: TestOps, name: string): Promise<Record<string, string>> {
  const res = await ops.request.post('/api/session').send({ name, password: TEST_PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in of ${name} answered ${res.status}`);
  const raw = res.headers['set-cookie'] as unknown;
  const cookies = Array.isArray(raw) ? raw.map(String) : [];
  const session = must(cookies.find((c) => c.startsWith('switchyard_session=')), 'session cookie');
  return { Cookie: session.split(';')[0] ?? '', 'X-CSRF-Token': String(res.body.csrfToken) };
}

/** The ops server with one viewer configured and signed in: `viewer` are the headers of their writes. */
export async function startOpsWithViewer(): Promise<{ ops: TestOps; viewer: Record<string, string> }> {
  const { settings, name } = await viewerConsole();
  const ops = await startOps({}, { console: settings });
  return { ops, viewer: await sessionHeaders(ops, name) };
}
