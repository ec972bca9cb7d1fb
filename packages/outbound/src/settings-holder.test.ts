import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSettingsHolder } from './settings-holder';

const config = (templateName: string) => `
version: 1
messaging:
  channel: whatsapp_cloud
  templates:
    receipt: { name: ${templateName}, language: en_US, parameters: [customer.name] }
  notifications: { paymentReceipt: receipt }
outbound:
  whatsapp:
    default: { baseUrl: "http://127.0.0.1:4010", token: "\${WA_TOKEN}", phoneNumberId: "1" }
`;

describe('configuration reload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-settings-'));
  const file = join(dir, 'switchyard.yaml');
  const env = { WA_TOKEN: 'secret-token' };

  it('takes a changed template on reload', () => {
    writeFileSync(file, config('receipt_v1'));
    const holder = createSettingsHolder(file, env);
    const before = holder.current();
    writeFileSync(file, config('receipt_v2'));
    expect(holder.reload()).toEqual({ ok: true });
    expect(holder.current().messaging?.templates.receipt?.name).toBe('receipt_v2');
    // What was read before the reload is not changed under the feet of work planned with it.
    expect(before.messaging?.templates.receipt?.name).toBe('receipt_v1');
  });

  it('keeps the settings in use when the new file is broken, and says why', () => {
    writeFileSync(file, config('receipt_v1'));
    const holder = createSettingsHolder(file, env);
    writeFileSync(file, config('receipt_v1').replace('language: en_US, ', ''));
    const result = holder.reload();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain('messaging.templates.receipt.language');
    expect(holder.current().messaging?.templates.receipt?.name).toBe('receipt_v1');
  });

  it('refuses to start on a broken file, naming the key', () => {
    writeFileSync(file, config('receipt_v1').replace('"${WA_TOKEN}"', '"${MISSING_TOKEN}"'));
    expect(() => createSettingsHolder(file, env)).toThrow(/outbound\.whatsapp\.default\.token: environment variable MISSING_TOKEN is not set/);
  });
});

describe('secrets from files (NAME_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-secret-file-'));
  const file = join(dir, 'switchyard.yaml');
  const secretFile = join(dir, 'wa-token');

  it('reads the secret file at start-up and again on reload (a rotated secret is taken)', () => {
    writeFileSync(file, config('receipt_v1'));
    writeFileSync(secretFile, 'token-one\n');
    const holder = createSettingsHolder(file, { WA_TOKEN_FILE: secretFile });
    expect(holder.current().outbound.whatsapp?.default?.token).toBe('token-one');
    writeFileSync(secretFile, 'token-two\n');
    expect(holder.reload()).toEqual({ ok: true });
    expect(holder.current().outbound.whatsapp?.default?.token).toBe('token-two');
  });

  it('refuses to start when the secret file cannot be read, naming the variable', () => {
    writeFileSync(file, config('receipt_v1'));
    expect(() => createSettingsHolder(file, { WA_TOKEN_FILE: join(dir, 'missing') })).toThrow(/outbound\.whatsapp\.default\.token: WA_TOKEN_FILE: cannot read .*missing: ENOENT/);
  });

  it('keeps the settings in use when the secret file disappears before a reload', () => {
    writeFileSync(file, config('receipt_v1'));
    const gone = join(dir, 'gone');
    writeFileSync(gone, 'token-kept');
    const holder = createSettingsHolder(file, { WA_TOKEN_FILE: gone });
    rmSync(gone);
    const result = holder.reload();
    expect(!result.ok && result.error).toMatch(/WA_TOKEN_FILE/);
    expect(holder.current().outbound.whatsapp?.default?.token).toBe('token-kept');
  });
});
