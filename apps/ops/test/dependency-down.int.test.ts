import { bearer, startOps, type TestOps } from './harness';

// Postgres down is an operating condition, not a bug: the API answers 503 with Retry-After (the
// console shows "retry shortly") rather than 500, and the process stays up for when it returns.
describe('ops with its database unreachable', () => {
  let ops: TestOps;
  beforeAll(async () => {
    ops = await startOps({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/switchyard_unreachable' }, {
      alertRules: [{ name: 'dead-letters', kind: 'deadLetters', above: 0, notify: [] }],
    });
  });
  afterAll(() => ops.close());

  it.each(['/api/alerts', '/api/search?q=pi_123', '/api/failure-groups'])('GET %s answers 503 with Retry-After', async (path) => {
    const res = await ops.request.get(path).set(bearer);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toEqual({ error: 'unavailable', message: expect.stringContaining('unavailable') });
  });

  it('still answers once it has refused (the process did not exit)', async () => {
    const res = await ops.request.get('/healthz');
    expect(res.status).toBe(200);
  });
});
