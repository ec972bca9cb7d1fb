import { TestFleet } from './fleet';
import { bearer, eventually, startOps, type TestOps } from './harness';

let ops: TestOps;
let fleet: TestFleet;
/** Another provider failing with the same code: its dead letters belong to another group. */
let other: TestFleet;

beforeAll(async () => {
  ops = await startOps();
  fleet = new TestFleet(ops);
  other = new TestFleet(ops);
});
afterAll(async () => {
  await fleet.stop();
  await other.stop();
  await ops.close();
});

interface Group {
  source: 'dead_letters' | 'failed_effects' | 'parked_effects';
  provider: string | null;
  errorCode: string | null;
  count: number;
  firstSeen: string;
  lastSeen: string;
  example: { deadLetterId?: string; eventId?: string | null; effectId: string | null; entity: { type: string; key: string; href: string } | null };
  filter: Record<string, unknown> | null;
}

async function groupsOf(provider: string, query: Record<string, string> = {}): Promise<Group[]> {
  const res = await ops.request.get('/api/failure-groups').query(query).set(bearer);
  expect(res.status).toBe(200);
  return (res.body.groups as Group[]).filter((g) => g.provider === provider);
}

function bulk(body: unknown) {
  return ops.request.post('/api/dead-letters/retry').set(bearer).send(body as object);
}

describe('GET /api/failure-groups', () => {
  it('groups dead letters, failed and parked effects by provider and error code, and the group\'s filter re-drives exactly it', async () => {
    const started = Date.now();
    const declined = [await fleet.deadEvent('payments', 'FG_DECLINED'), await fleet.deadEvent('payments', 'FG_DECLINED')];
    // One worker per queue at a time: the other fleet's worker would run this fleet's jobs.
    await fleet.stop();
    const elsewhere = await other.deadEvent('payments', 'FG_DECLINED');
    await other.stop();
    const template = await fleet.deadEffect('whatsapp', 'FG_TEMPLATE');
    await fleet.stop();
    const parked = await fleet.storeEffect('whatsapp', { status: 'parked', entity: { type: 'payment', key: `stripe:default:pi_${fleet.provider}` } });
    // A failed effect whose dead letter is gone (removed in Bull Board): still an issue, with no re-drive.
    const orphan = await fleet.storeEffect('crm');
    await ops.db.effect.update({ where: { id: orphan }, data: { status: 'failed', lastError: 'permanent: FG_GONE: the CRM refused the write' } });

    const groups = await groupsOf(fleet.provider);
    // The largest first, then the most recent: the orphan was failed last, the dead effect first.
    expect(groups.map((g) => [g.source, g.errorCode, g.count])).toEqual([
      ['dead_letters', 'FG_DECLINED', 2],
      ['failed_effects', 'FG_GONE', 1],
      ['parked_effects', 'OUTCOME_UNKNOWN', 1],
      ['dead_letters', 'FG_TEMPLATE', 1],
    ]);
    const bySource = (source: Group['source'], code: string) => groups.find((g) => g.source === source && g.errorCode === code);
    expect(bySource('dead_letters', 'FG_TEMPLATE')).toMatchObject({ count: 1, example: { deadLetterId: template.dlqId, effectId: template.effectId, entity: { type: 'message', key: template.effectId } } });
    expect(bySource('parked_effects', 'OUTCOME_UNKNOWN')).toMatchObject({ count: 1, filter: null, example: { effectId: parked, entity: { type: 'payment' } } });
    expect(bySource('failed_effects', 'FG_GONE')).toMatchObject({ count: 1, filter: null, example: { effectId: orphan } });

    const group = groups[0] as Group;
    expect(new Date(group.firstSeen).getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(new Date(group.firstSeen).getTime()).toBeLessThanOrEqual(new Date(group.lastSeen).getTime());
    expect(declined.map((d) => d.dlqId)).toContain(group.example.deadLetterId);
    expect(group.example.entity).toMatchObject({ type: 'event', href: `/api/events/${group.example.eventId}` });
    expect(group.filter).toMatchObject({ provider: fleet.provider, errorCode: 'FG_DECLINED' });

    // The same code from another provider is another group, untouched by this one's re-drive.
    expect(await groupsOf(other.provider)).toMatchObject([{ source: 'dead_letters', errorCode: 'FG_DECLINED', count: 1 }]);

    const preview = await bulk({ filter: group.filter, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, matching: 2, wouldRetry: 2 });
    expect(preview.body.sample.map((s: { id: string }) => s.id).sort()).toEqual(declined.map((d) => d.dlqId).sort());
    expect(await ops.db.auditEntry.count({ where: { target: { in: declined.map((d) => d.dlqId) } } })).toBe(0);

    const res = await bulk({ filter: group.filter, reason: 'the card processor is back' });
    expect(res.status).toBe(200);
    expect([...res.body.retried].sort()).toEqual(declined.map((d) => d.dlqId).sort());

    expect((await bulk({ filter: group.filter, dryRun: true })).body).toMatchObject({ matching: 0, wouldRetry: 0 });
    await eventually(async () => !(await groupsOf(fleet.provider)).some((g) => g.errorCode === 'FG_DECLINED'), 5000, 50, 'FG_DECLINED group gone');
    expect(await ops.queue('payments.dead').getJob(elsewhere.dlqId)).toBeTruthy();
  });

  it('counts only what failed in the window', async () => {
    await fleet.deadEvent('crm', 'FG_WINDOW');
    await fleet.stop();
    const earlier = await fleet.storeEffect('crm');
    await ops.db.effect.update({ where: { id: earlier }, data: { status: 'failed', lastError: 'permanent: FG_WINDOW_EFFECT: refused' } });
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const inWindow = await groupsOf(fleet.provider, { since: hourAgo, until: new Date(Date.now() + 60_000).toISOString() });
    expect(inWindow.map((g) => g.errorCode)).toEqual(expect.arrayContaining(['FG_WINDOW', 'FG_WINDOW_EFFECT']));
    const before = await groupsOf(fleet.provider, { since: new Date(Date.now() - 7200_000).toISOString(), until: hourAgo });
    expect(before.filter((g) => g.errorCode?.startsWith('FG_WINDOW'))).toEqual([]);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await groupsOf(fleet.provider, { since: future })).some((g) => g.errorCode === 'FG_WINDOW')).toBe(false);
    expect((await groupsOf(fleet.provider, { since: new Date(Date.now() - 3600_000).toISOString() })).some((g) => g.errorCode === 'FG_WINDOW')).toBe(true);
  });

  it.each([
    [{ since: 'soon' }, /^since: "soon" is not an ISO 8601 date/],
    [{ since: '2026-02-01', until: '2026-01-01' }, /^since: "since" must be before "until"/],
    [{ provider: 'stripe' }, /unknown parameter\(s\): provider/],
  ])('refuses %j naming the field', async (query, message) => {
    const res = await ops.request.get('/api/failure-groups').query(query).set(bearer);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('needs the token', async () => {
    expect((await ops.request.get('/api/failure-groups')).status).toBe(401);
  });
});

describe('POST /api/dead-letters/retry with a provider filter and dryRun', () => {
  it.each([
    [{ filter: { provider: '' }, dryRun: true }, /filter\.provider: must not be empty/],
    [{ filter: { errorCode: 7 }, dryRun: true }, /filter\.errorCode: /],
    [{ filter: {}, dryRun: 'yes' }, /dryRun: must be true or false/],
  ])('refuses %j naming the field', async (body, message) => {
    const res = await bulk(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('still needs a reason when it is not a dry run', async () => {
    const res = await bulk({ filter: { provider: 'nobody' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('reason_required');
  });
});
