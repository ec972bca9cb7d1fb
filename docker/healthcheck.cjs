// The image's HEALTHCHECK: GET the app's health route on loopback; exit 0 on 2xx, 1 otherwise.
// Node instead of curl, which the slim base image does not carry. The port is the one the app
// reads for its HTTP server (workers serve /healthz next to /metrics on METRICS_PORT).
const http = require('node:http');

// eslint-disable-next-line no-restricted-properties -- runs beside the app in its image, with no env.ts to read through; it needs only APP and the port variable
const env = process.env;
const app = env.APP ?? '';
const routes = {
  receiver: { port: env.RECEIVER_PORT || 3000, path: '/healthz' },
  ops: { port: env.OPS_PORT || 3001, path: '/healthz' },
  'worker-payments': { port: env.METRICS_PORT || 9101, path: '/healthz' },
  'worker-crm': { port: env.METRICS_PORT || 9102, path: '/healthz' },
  'worker-whatsapp': { port: env.METRICS_PORT || 9103, path: '/healthz' },
  sandbox: { port: env.SANDBOX_PORT || 4010, path: '/__sandbox/health' },
};
const route = routes[app];
if (!route) {
  console.error(`healthcheck: unknown APP "${app}" (one of ${Object.keys(routes).join(', ')})`);
  process.exit(1);
}
const req = http.get({ host: '127.0.0.1', port: Number(route.port), path: route.path, timeout: 2500 }, (res) => {
  res.resume();
  process.exit(res.statusCode >= 200 && res.statusCode < 300 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  console.error(`healthcheck: ${route.path} on port ${route.port}: ${err.message}`);
  process.exit(1);
});
