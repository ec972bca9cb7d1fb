import { defaultEnv, loadEnv, SANDBOX_DEFAULTS } from './env';

describe('loadEnv', () => {
  it('has working defaults for everything', () => {
    expect(defaultEnv.SANDBOX_PORT).toBe(4010);
    expect(defaultEnv.SANDBOX_RECEIVER_URL).toBe('http://127.0.0.1:3000');
    expect(defaultEnv.STANDARD_WEBHOOK_SECRET.startsWith('whsec_')).toBe(true);
    expect(defaultEnv.SANDBOX_STATUS_DELAYS_MS).toEqual([200, 400, 600]);
    expect(defaultEnv.STRIPE_WEBHOOK_SECRET).toBe(SANDBOX_DEFAULTS.STRIPE_WEBHOOK_SECRET);
  });

  it('signs with the first secret of a rotation list', () => {
    expect(loadEnv({ STRIPE_WEBHOOK_SECRET: 'whsec_new, whsec_old' }).STRIPE_WEBHOOK_SECRET).toBe('whsec_new');
  });

  it('names every invalid variable', () => {
    expect(() => loadEnv({ SANDBOX_PORT: 'x', STANDARD_WEBHOOK_SECRET: 'nope', SANDBOX_STATUS_DELAYS_MS: '1,2' })).toThrow(
      /SANDBOX_PORT.*SANDBOX_STATUS_DELAYS_MS.*STANDARD_WEBHOOK_SECRET|SANDBOX_PORT/,
    );
    try {
      loadEnv({ SANDBOX_PORT: 'x', STANDARD_WEBHOOK_SECRET: 'nope' });
    } catch (error) {
      expect(String(error)).toContain('SANDBOX_PORT');
      expect(String(error)).toContain('STANDARD_WEBHOOK_SECRET');
    }
  });
});
