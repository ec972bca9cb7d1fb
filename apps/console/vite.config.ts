import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm --filter @switchyard/console dev` serves the app with hot reload and passes the API and
// Bull Board through to a running ops process (OPS_URL), so the session cookie stays same-origin.
const ops = process.env.OPS_URL ?? 'http://127.0.0.1:3001';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': ops, '/ops': ops } },
});
