import { randomBytes, scryptSync } from 'node:crypto';
import { formatPasswordHash, parseSettings, SettingsError } from './index';

const salt = randomBytes(16);
const hash = formatPasswordHash({ N: 2 ** 14, r: 8, p: 1, salt, hash: scryptSync('correct horse', salt, 32, { N: 2 ** 14, r: 8, p: 1 }) });

function issuesOf(doc: unknown, env: Record<string, string> = {}): string[] {
  try {
    parseSettings(doc, env);
  } catch (err) {
    if (err instanceof SettingsError) return err.issues;
    throw err;
  }
  throw new Error('expected a SettingsError');
}

describe('console users', () => {
  it('takes named users with a role and a scrypt hash, from the file or an environment variable', () => {
    const s = parseSettings({ version: 1, console: { users: [{ name: 'alice', role: 'admin', passwordHash: hash }, { name: 'bob', role: 'viewer', passwordHash: '${BOB_HASH}' }] } }, { BOB_HASH: hash });
    expect(s.console).toEqual({
      users: [
        { name: 'alice', role: 'admin', passwordHash: hash, revealPersonalData: false },
        { name: 'bob', role: 'viewer', passwordHash: hash, revealPersonalData: false },
      ],
      sessionHours: 12,
      idleMinutes: 60,
    });
  });

  it('lets an operator reveal personal data only when the file says so, and refuses it on a viewer', () => {
    const s = parseSettings({ version: 1, console: { users: [{ name: 'olga', role: 'operator', passwordHash: hash, revealPersonalData: true }] } }, {});
    expect(s.console?.users[0]?.revealPersonalData).toBe(true);
    expect(issuesOf({ version: 1, console: { users: [{ name: 'vic', role: 'viewer', passwordHash: hash, revealPersonalData: true }] } })).toEqual([
      'console.users.0.revealPersonalData: a viewer never sees personal data: make the user an operator, or remove it',
    ]);
    expect(issuesOf({ version: 1, console: { users: [{ name: 'olga', role: 'operator', passwordHash: hash, revealPersonalData: 'yes' }] } })).toEqual([
      'console.users.0.revealPersonalData: must be true or false',
    ]);
  });

  it('is absent when the file has no console section (only OPS_TOKEN signs in)', () => {
    expect(parseSettings({ version: 1 }, {}).console).toBeUndefined();
  });

  it('refuses a plain-text password at load, naming the key and never echoing the value', () => {
    const issues = issuesOf({ version: 1, console: { users: [{ name: 'alice', role: 'admin', passwordHash: 'hunter2-but-longer' }] } });
    expect(issues).toEqual(['console.users.0.passwordHash: must be a password hash, not a password: plain-text passwords are refused; make one with `pnpm ops:hash-password`']);
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it.each<[string, string, RegExp]>([
    ['a malformed hash', 'scrypt$N=16384$abc', /is not a valid scrypt hash/],
    ['a cost below 2^14', hash.replace('N=16384', 'N=1024'), /cost N=1024 must be a power of 2 of at least 16384/],
    ['a cost that is not a power of 2', hash.replace('N=16384', 'N=20000'), /must be a power of 2/],
    ['a short salt', `scrypt$N=16384,r=8,p=1$${Buffer.alloc(4).toString('base64')}$${Buffer.alloc(32).toString('base64')}`, /salt or hash is too short/],
  ])('refuses %s', (_, passwordHash, problem) => {
    const issues = issuesOf({ version: 1, console: { users: [{ name: 'alice', role: 'admin', passwordHash }] } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^console\.users\.0\.passwordHash: /);
    expect(issues[0]).toMatch(problem);
  });

  it('names an unknown role, a duplicate name, the reserved name "token" and a bad session length, all at once', () => {
    const issues = issuesOf({
      version: 1,
      console: {
        users: [
          { name: 'alice', role: 'root', passwordHash: hash },
          { name: 'Alice', role: 'viewer', passwordHash: hash },
          { name: 'token', role: 'admin', passwordHash: hash },
        ],
        idleMinutes: 0,
      },
    });
    expect(issues.sort()).toEqual([
      'console.idleMinutes: must be more than 0',
      'console.users.0.role: must be one of: viewer, operator, admin (got "root")',
      'console.users.1.name: duplicate user name "Alice"',
      'console.users.2.name: "token" is reserved: the audit trail names OPS_TOKEN so',
    ]);
  });
});
