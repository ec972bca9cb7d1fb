import { randomUUID } from 'node:crypto';
import { parseSettings, type Settings } from '@switchyard/settings';
import { startReceiver, type TestReceiver } from './harness';

// The lead-form rate limit is keyed by client address; these floods check that a client cannot
// pick that address itself. Each test uses its own form id, so Redis keys never meet another run's.
const LIMIT = 3;

function limitedForm(): { formId: string; forms: Settings['forms'] } {
  const formId = `flood-${randomUUID().slice(0, 8)}`;
  const settings = parseSettings(
    {
      version: 1,
      forms: { [formId]: { fields: { name: { type: 'string' } }, mapping: { name: 'name' }, routing: 'leads', rateLimitPerMinute: LIMIT } },
      leadRouting: { leads: { default: { owners: ['sales@example.com'] } } },
    },
    {},
  );
  return { formId, forms: settings.forms };
}

const randomIp = () => `${1 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

/** The receiver's Redis fails fast while connecting (and the limit then lets submissions through): wait for it. */
async function started(opts: Parameters<typeof startReceiver>[0]): Promise<TestReceiver> {
  const r = await startReceiver(opts);
  if (r.redis.status !== 'ready') await new Promise((resolve) => r.redis.once('ready', resolve));
  return r;
}

async function flood(r: TestReceiver, formId: string, forwardedFor: (i: number) => string, n = LIMIT + 3): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await r.request.post(`/forms/${formId}`).set('X-Forwarded-For', forwardedFor(i)).send({ name: `n${i}-${randomUUID()}` })).status);
  return statuses;
}

const limited = (n = LIMIT + 3) => [...Array<number>(LIMIT).fill(202), ...Array<number>(n - LIMIT).fill(429)];

describe('client address with no trusted proxy (TRUST_PROXY unset)', () => {
  let r: TestReceiver;
  const { formId, forms } = limitedForm();
  beforeAll(async () => {
    r = await started({ forms, env: { TRUST_PROXY: undefined } });
  });
  afterAll(() => r.close());

  it('limits a direct flood that rotates X-Forwarded-For: the header is ignored', async () => {
    expect(await flood(r, formId, () => randomIp())).toEqual(limited());
  });
});

describe('client address behind one trusted proxy (TRUST_PROXY=1)', () => {
  let r: TestReceiver;
  const { formId, forms } = limitedForm();
  beforeAll(async () => {
    r = await started({ forms, env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => r.close());

  it('takes the address the proxy appended, so rotating the left-most entry does not help', async () => {
    // A proxy appends the peer it saw; whatever the client sent stays on the left.
    expect(await flood(r, formId, () => `${randomIp()}, 203.0.113.7`)).toEqual(limited());
  });

  it('gives another client behind the same proxy its own limit', async () => {
    const { formId: other, forms: otherForms } = limitedForm();
    const r2 = await started({ forms: otherForms, env: { TRUST_PROXY: '1' } });
    try {
      expect(await flood(r2, other, () => '203.0.113.7', LIMIT + 1)).toEqual(limited(LIMIT + 1));
      expect((await r2.request.post(`/forms/${other}`).set('X-Forwarded-For', '198.51.100.20').send({ name: 'someone else' })).status).toBe(202);
    } finally {
      await r2.close();
    }
  });
});

describe('client address behind a chain of trusted proxies (TRUST_PROXY as CIDR ranges)', () => {
  let r: TestReceiver;
  const { formId, forms } = limitedForm();
  beforeAll(async () => {
    // The test client (loopback) is the edge proxy; 10.0.0.0/8 are the inner proxies.
    r = await started({ forms, env: { TRUST_PROXY: 'loopback, 10.0.0.0/8' } });
  });
  afterAll(() => r.close());

  it('walks from the right past the trusted proxies to the first untrusted address', async () => {
    expect(await flood(r, formId, (i) => `${randomIp()}, 198.51.100.4, 10.1.2.${i + 1}`)).toEqual(limited());
  });
});
