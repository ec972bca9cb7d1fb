import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PaypalKeyMaterial {
  privateKeyPem: string;
  certPem: string;
}

export const CERT_PATH = '/__sandbox/paypal/cert.pem';

export function defaultPaypalKeyDir(): string {
  return join(tmpdir(), 'switchyard-sandbox-paypal');
}

const cache = new Map<string, PaypalKeyMaterial>();

/**
 * The RSA key PayPal webhooks are signed with and its self-signed certificate. Node cannot issue
 * X.509 certificates, so `openssl req -x509` makes them once; they are kept in `dir` so the CLI
 * (which signs) and the server (which serves the certificate) share one key across processes.
 */
export function loadPaypalKeyMaterial(dir: string = defaultPaypalKeyDir()): PaypalKeyMaterial {
  const cached = cache.get(dir);
  if (cached) return cached;
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  if (!existsSync(keyFile) || !existsSync(certFile)) generate(dir, keyFile, certFile);
  const material = { privateKeyPem: readFileSync(keyFile, 'utf8'), certPem: readFileSync(certFile, 'utf8') };
  cache.set(dir, material);
  return material;
}

function generate(dir: string, keyFile: string, certFile: string): void {
  mkdirSync(dir, { recursive: true });
  // Generate into a private temp dir, then rename: two processes racing both end with a valid pair.
  const work = join(dir, `.gen-${process.pid}-${Date.now()}`);
  mkdirSync(work);
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', '/CN=messageverificationcerts.sandbox.switchyard.local',
        '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem')],
      { stdio: 'ignore' },
    );
    renameSync(join(work, 'key.pem'), keyFile);
    renameSync(join(work, 'cert.pem'), certFile);
  } catch (error) {
    throw new Error(`cannot create the PayPal signing certificate with openssl (is it installed?): ${String(error)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
