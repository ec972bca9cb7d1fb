import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@switchyard/config';
import { loadEnv } from '../env';
import { connectionsFromEnv, readConnectionsFile, resolveConnections } from './connections';

function file(text: string): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'sy-conn-')), 'switchyard.config.yaml');
  writeFileSync(f, text);
  return f;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('connections', () => {
  it('reads several accounts per provider from the file, with secrets from the environment', () => {
    const f = file('connections:\n  stripe:\n    eu: { webhookSecret: "${EU_SECRET},whsec_old" }\n  standard:\n    billing: { secret: whsec_abc, queue: crm }\n');
    const conns = resolveConnections([connectionsFromEnv(loadEnv({ STRIPE_WEBHOOK_SECRET: 'whsec_main' })), readConnectionsFile(f, { EU_SECRET: 'whsec_eu' })]);
    expect(conns.stripe?.default).toEqual({ name: 'default', webhookSecret: ['whsec_main'] });
    expect(conns.stripe?.eu).toEqual({ name: 'eu', webhookSecret: ['whsec_eu', 'whsec_old'] });
    expect(conns.standard?.billing).toMatchObject({ name: 'billing', secret: ['whsec_abc'], queue: 'crm' });
  });

  it('refuses the re-drive timer variables by their old names, naming the new ones', () => {
    expect(errorOf(() => loadEnv({ RECONCILE_AFTER_MS: '1000', RECONCILE_INTERVAL_MS: '500' })).issues).toEqual([
      expect.stringMatching(/^RECONCILE_AFTER_MS: RECONCILE_AFTER_MS was renamed REDRIVE_STALE_AFTER_MS/),
      expect.stringMatching(/^RECONCILE_INTERVAL_MS: RECONCILE_INTERVAL_MS was renamed REDRIVE_INTERVAL_MS/),
    ]);
  });

  it('builds the default PayPal connection from the certificate URL variables, and refuses the old host list', () => {
    const sandbox = 'http://127.0.0.1:4010/__sandbox/paypal/cert.pem';
    const conns = resolveConnections([connectionsFromEnv(loadEnv({ PAYPAL_WEBHOOK_ID: 'WH1', PAYPAL_CERT_SANDBOX_URL: sandbox }))]);
    expect(conns.paypal?.default).toMatchObject({ webhookId: ['WH1'], sandboxCertUrl: sandbox, certUrlPrefixes: expect.arrayContaining(['https://api-m.paypal.com/v1/notifications/certs/']) });
    expect(errorOf(() => loadEnv({ PAYPAL_CERT_HOSTS: '127.0.0.1' })).issues).toEqual([expect.stringMatching(/^PAYPAL_CERT_HOSTS: PAYPAL_CERT_HOSTS was replaced by PAYPAL_CERT_URL_PREFIXES/)]);
    expect(errorOf(() => resolveConnections([connectionsFromEnv(loadEnv({ PAYPAL_WEBHOOK_ID: 'WH1', PAYPAL_CERT_URL_PREFIXES: 'http://127.0.0.1/' }))])).issues).toEqual([
      expect.stringMatching(/^connections\.paypal\.default\.certUrlPrefixes: "http:\/\/127.0.0.1\/" must be https/),
    ]);
  });

  it('names every bad key of a wrong file at once', () => {
    const f = file('connections:\n  stripe:\n    eu: { webhookSecret: "" }\n  standard:\n    billing: { secret: whsec_abc, queue: invoices }\n  nosuchpay:\n    x: {}\n');
    const err = errorOf(() => resolveConnections([readConnectionsFile(f, {})]));
    expect(err.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^connections\.stripe\.eu\.webhookSecret: needs at least one secret/),
        expect.stringMatching(/^connections\.standard\.billing\.queue: /),
        expect.stringMatching(/^connections\.nosuchpay: unknown provider/),
      ]),
    );
  });

  it('names a placeholder whose environment variable is not set', () => {
    const f = file('connections:\n  stripe:\n    eu: { webhookSecret: "${MISSING_SECRET}" }\n');
    expect(errorOf(() => readConnectionsFile(f, {})).message).toMatch(/connections\.stripe\.eu\.webhookSecret: environment variable MISSING_SECRET is not set/);
  });

  it('takes standard sources from STANDARD_WEBHOOK_SOURCES and per-source secrets', () => {
    const conns = resolveConnections([connectionsFromEnv(loadEnv({ STANDARD_WEBHOOK_SOURCES: 'acme', STANDARD_WEBHOOK_SECRET: 'whsec_shared', STANDARD_WEBHOOK_SECRET_BILLING: 'whsec_b1,whsec_b2' }))]);
    expect(Object.keys(conns.standard ?? {}).sort()).toEqual(['acme', 'billing']);
    expect(conns.standard?.billing).toMatchObject({ secret: ['whsec_b1', 'whsec_b2'] });
  });

  it('reads a per-source secret from STANDARD_WEBHOOK_SECRET_<SOURCE>_FILE, and names the variable when the file is missing', () => {
    const secret = file('whsec_fromfile\n');
    const conns = resolveConnections([connectionsFromEnv(loadEnv({ STANDARD_WEBHOOK_SECRET_BILLING_FILE: secret }))]);
    expect(Object.keys(conns.standard ?? {})).toEqual(['billing']);
    expect(conns.standard?.billing).toMatchObject({ secret: ['whsec_fromfile'] });
    expect(errorOf(() => loadEnv({ STANDARD_WEBHOOK_SECRET_BILLING_FILE: `${secret}.absent` })).message).toMatch(/STANDARD_WEBHOOK_SECRET_BILLING_FILE: cannot read .*absent: ENOENT/);
  });

  it('refuses an invalid environment naming every bad variable', () => {
    const err = errorOf(() => loadEnv({ RECEIVER_PORT: 'http', BODY_LIMIT_BYTES: '-1' }));
    expect(err.issues.map((i) => i.split(':')[0])).toEqual(expect.arrayContaining(['RECEIVER_PORT', 'BODY_LIMIT_BYTES']));
  });
});
