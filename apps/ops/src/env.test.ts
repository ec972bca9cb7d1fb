import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnv } from './env';

const token = 'a-long-enough-ops-token';

describe('loadEnv', () => {
  it('has defaults for everything but the token', () => {
    const env = loadEnv({ OPS_TOKEN: token });
    expect(env.OPS_PORT).toBe(3001);
    expect(env.QUEUE_PREFIX).toBe('switchyard');
    expect(env.OPS_TOKEN).toBe(token);
  });

  it('names the settings file and passes every variable on for its ${NAME} placeholders (console password hashes)', () => {
    const env = loadEnv({ OPS_TOKEN: token, SWITCHYARD_CONFIG: '/etc/switchyard.yaml', ALICE_PASSWORD_HASH: 'scrypt$…' });
    expect(env.SWITCHYARD_CONFIG).toBe('/etc/switchyard.yaml');
    expect(env.variables.ALICE_PASSWORD_HASH).toBe('scrypt$…');
    expect(loadEnv({ OPS_TOKEN: token }).SWITCHYARD_CONFIG).toBeUndefined();
  });

  it('refuses to start without OPS_TOKEN rather than open access', () => {
    expect(() => loadEnv({})).toThrow('OPS_TOKEN is required: the ops console never runs without authentication');
    // A blank line in .env means unset, not "no password".
    expect(() => loadEnv({ OPS_TOKEN: '' })).toThrow('OPS_TOKEN is required');
  });

  it('refuses a short OPS_TOKEN', () => {
    expect(() => loadEnv({ OPS_TOKEN: 'short' })).toThrow(/OPS_TOKEN must be at least 16 characters: the ops console never runs without authentication/);
  });

  it('names every invalid variable at once', () => {
    let message = '';
    try {
      loadEnv({ OPS_PORT: 'x', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = String(error);
    }
    for (const key of ['OPS_PORT', 'OPS_TOKEN', 'LOG_LEVEL']) expect(message).toContain(key);
  });
});

describe('loadEnv with OPS_TOKEN_FILE (Docker and Kubernetes secrets)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-ops-env-'));

  it('reads the token from the file', () => {
    const file = `${dir}/ops-token`;
    writeFileSync(file, `${token}\n`);
    expect(loadEnv({ OPS_TOKEN_FILE: file }).OPS_TOKEN).toBe(token);
  });

  it('stops start-up when the file cannot be read, naming the variable', () => {
    expect(() => loadEnv({ OPS_TOKEN_FILE: `${dir}/absent` })).toThrow(/OPS_TOKEN_FILE: cannot read .*absent: ENOENT/);
  });
});
