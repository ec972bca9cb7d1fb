import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestKeyPair {
  privateKeyPem: string;
  certPem: string;
}

/** Node can make keys but not X.509 certificates, so openssl issues a self-signed one. */
export function makeSelfSignedCertificate(days = 2): TestKeyPair {
  const dir = mkdtempSync(path.join(tmpdir(), 'paypal-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', String(days), '-subj', '/CN=messageverificationcerts.test.local', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { privateKeyPem: readFileSync(path.join(dir, 'key.pem'), 'utf8'), certPem: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CertServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Requests received, by path. */
  hits: string[];
  close(): Promise<void>;
}

/**
 * Serves certificates on 127.0.0.1: `/cert/<anything>.pem` the given PEM, `/redirect` a 302 to a
 * certificate, `/hang` never answers, anything else 404. Counts every request.
 */
export async function serveCertificate(certPem: string): Promise<CertServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url?.startsWith('/cert/')) res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(certPem);
    else if (req.url === '/redirect') res.writeHead(302, { location: '/cert/redirected.pem' }).end();
    else if (req.url === '/hang') return;
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
