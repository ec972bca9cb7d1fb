import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, parseEnv } from './index';

const schema = z.object({ OPS_TOKEN: z.string().min(8), DATABASE_URL: z.string(), PORT: z.coerce.number().default(3000) });

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv with secrets from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-env-'));
  const secret = (name: string, content: string) => {
    const f = join(dir, name);
    writeFileSync(f, content);
    return f;
  };

  it('reads NAME_FILE into NAME, without the trailing newline', () => {
    const env = parseEnv(schema, { OPS_TOKEN_FILE: secret('ops', 'from-a-file-0001\n'), DATABASE_URL_FILE: secret('db', 'postgresql://u:p@h/db\r\n') });
    expect(env).toEqual({ OPS_TOKEN: 'from-a-file-0001', DATABASE_URL: 'postgresql://u:p@h/db', PORT: 3000 });
  });

  it('stops start-up on an unreadable file, naming the variable and never its content', () => {
    const issues = issuesOf(() => parseEnv(schema, { OPS_TOKEN_FILE: join(dir, 'absent'), DATABASE_URL: 'postgresql://h/db' }));
    expect(issues).toEqual([`OPS_TOKEN_FILE: cannot read ${join(dir, 'absent')}: ENOENT`]);
  });

  it('validates the file content like the variable itself', () => {
    const issues = issuesOf(() => parseEnv(schema, { OPS_TOKEN_FILE: secret('short', 'short'), DATABASE_URL: 'postgresql://h/db' }));
    expect(issues).toEqual([expect.stringMatching(/^OPS_TOKEN: /)]);
  });

  it('refuses NAME and NAME_FILE both set', () => {
    const issues = issuesOf(() => parseEnv(schema, { OPS_TOKEN: 'direct-value-0001', OPS_TOKEN_FILE: secret('both', 'file-value-0001'), DATABASE_URL: 'x' }));
    expect(issues).toEqual(['OPS_TOKEN and OPS_TOKEN_FILE are both set: set one of them']);
  });

  it('an empty NAME (a blank line in .env) does not conflict with NAME_FILE', () => {
    expect(parseEnv(schema, { OPS_TOKEN: '', OPS_TOKEN_FILE: secret('blank', 'file-value-0002'), DATABASE_URL: 'x' }).OPS_TOKEN).toBe('file-value-0002');
  });

  it('ignores NAME_FILE for variables the app does not read', () => {
    expect(parseEnv(schema, { OPS_TOKEN: 'direct-value-0001', DATABASE_URL: 'x', OTHER_FILE: join(dir, 'absent') }).OPS_TOKEN).toBe('direct-value-0001');
  });
});
