import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import supertest from 'supertest';
import { CONSOLE_DIST, serveConsole } from './serve-console';

function appOver(dist: string) {
  const app = express();
  app.use(serveConsole(dist));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return supertest(app);
}

describe('serveConsole', () => {
  let dist: string;
  beforeAll(() => {
    dist = mkdtempSync(path.join(tmpdir(), 'console-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Switchyard console</title>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('finds the build beside its own package, whatever the working directory', () => {
    expect(CONSOLE_DIST).toBe(path.resolve(__dirname, '../../../console/dist'));
  });

  it.each(['/', '/search?q=%2B44%207700', '/entities/payment/stripe%3Adefault%3Api_1', '/attention'])('answers the page path %s with index.html', async (url) => {
    const res = await appOver(dist).get(url);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('Switchyard console');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves built assets as long-lived files, and a missing one as 404 (not the page)', async () => {
    const asset = await appOver(dist).get('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await appOver(dist).get('/assets/index-gone.js');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('Switchyard console');
  });

  it.each(['/api/nothing-here', '/ops/queues/x', '/healthz'])('leaves %s to the routes behind it', async (url) => {
    const res = await appOver(dist).get(url);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found' });
  });

  it('answers 503 saying how to build when there is no build', async () => {
    const res = await appOver(path.join(dist, 'missing')).get('/dashboard');
    expect(res.status).toBe(503);
    expect(res.text).toContain('pnpm --filter @switchyard/console build');
  });
});
