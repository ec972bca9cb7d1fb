import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/** Where `pnpm --filter @switchyard/console build` writes the app, found from this package, not the working directory. */
export const CONSOLE_DIST = path.resolve(__dirname, '../../../console/dist');

/** Paths the single-page app never answers: the API, Bull Board and the probes keep their own 404s. */
const NOT_PAGES = /^\/(api|ops\/queues|healthz|readyz)(\/|$)/;

/**
 * The operations console (apps/console), served without authentication: the page itself holds no
 * data, and signs in through `/api/session`. Its built files are served as they are; any other
 * page path gets index.html, where the app's router picks the page. Without a build, page paths
 * answer 503 saying how to build it (the API and Bull Board work the same either way).
 */
export function serveConsole(dist: string = CONSOLE_DIST): Router {
  const router = Router();
  const index = path.join(dist, 'index.html');
  // Built file names carry a content hash: a browser may keep them for good. index.html is asked each time.
  router.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '365d' }), (_req, res) => {
    res.status(404).type('text/plain').send('no such console file: the console was rebuilt since this page loaded; reload it\n');
  });
  router.use(express.static(dist, { index: false }));
  router.get(/.*/, (req, res, next) => {
    if (NOT_PAGES.test(req.path)) {
      next();
      return;
    }
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send(`The operations console is not built: run \`pnpm --filter @switchyard/console build\` (it writes ${dist}), then reload.\n`);
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index, { cacheControl: false });
  });
  return router;
}
