import { randomBytes, randomUUID } from 'node:crypto';
import { bearer, type TestOps } from './harness';
import { startOpsWithViewer } from './viewer-session';

let ops: TestOps;
let viewer: Record<string, string>;
const tag = randomBytes(4).toString('hex');

beforeAll(async () => {
  ({ ops, viewer } = await startOpsWithViewer());
});
afterAll(() => ops.close());

async function attentionItem(kind = 'dispute'): Promise<string> {
  const id = randomUUID();
  await ops.db.attentionItem.create({ data: { id, kind, entityType: 'payment', entityKey: `assign-${tag}-${id}`, summary: `dispute ${id}` } });
  return id;
}

const listed = async (query: string) => ((await ops.request.get(`/api/attention?limit=200&${query}`).set(bearer)).body.items as { id: string; assignee: string | null }[]).map((i) => i.id);

describe('POST /api/attention/:id/assign', () => {
  it('hands an item to a person, audited; the inbox filters by assignee and kind; null unassigns', async () => {
    const id = await attentionItem();
    const other = await attentionItem('unmapped_event');
    const assignee = `olga-${tag}`;
    const res = await ops.request.post(`/api/attention/${id}/assign`).set(bearer).send({ assignee, reason: 'she handles disputes this week' });
    expect(res.status).toBe(200);
    expect(res.body.item).toMatchObject({ id, kind: 'dispute', assignee, assignedAt: expect.any(String), resolvedAt: null });
    expect(await ops.db.auditEntry.findFirst({ where: { target: id, action: 'attention.assign' } })).toMatchObject({ actor: 'token', reason: 'she handles disputes this week', details: { assignee, kind: 'dispute' } });

    expect(await listed(`assignee=${assignee}`)).toEqual([id]);
    const byKind = await listed('kind=dispute');
    expect(byKind).toContain(id);
    expect(byKind).not.toContain(other);
    expect(await listed('kind=unmapped_event')).toContain(other);
    const all = (await ops.request.get('/api/attention?limit=200').set(bearer)).body.items as { id: string; assignee: string | null }[];
    expect(all.find((i) => i.id === id)?.assignee).toBe(assignee);
    expect(all.find((i) => i.id === other)?.assignee).toBeNull();

    const unassigned = await ops.request.post(`/api/attention/${id}/assign`).set(bearer).send({ assignee: null, reason: 'back to the pool' });
    expect(unassigned.status).toBe(200);
    expect(unassigned.body.item).toMatchObject({ assignee: null, assignedAt: null });
    expect(await listed(`assignee=${assignee}`)).toEqual([]);
  });

  it('answers 409 for a resolved item, 404 for an unknown id, 400 naming the field, 403 to a viewer', async () => {
    const resolved = await attentionItem();
    await ops.db.attentionItem.update({ where: { id: resolved }, data: { resolvedAt: new Date(), resolvedBy: 'bob', resolution: 'done' } });
    const conflict = await ops.request.post(`/api/attention/${resolved}/assign`).set(bearer).send({ assignee: 'olga', reason: 'x' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: 'already_resolved', message: expect.stringContaining('resolved by bob') });

    expect((await ops.request.post(`/api/attention/${randomUUID()}/assign`).set(bearer).send({ assignee: 'olga', reason: 'x' })).status).toBe(404);
    const id = await attentionItem();
    const noReason = await ops.request.post(`/api/attention/${id}/assign`).set(bearer).send({ assignee: 'olga' });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: 'reason_required', message: expect.stringMatching(/^reason: /) });
    const noAssignee = await ops.request.post(`/api/attention/${id}/assign`).set(bearer).send({ reason: 'x' });
    expect(noAssignee.status).toBe(400);
    expect(noAssignee.body).toEqual({ error: 'invalid_body', message: 'assignee: is required: a name, or null to unassign' });
    const forbidden = await ops.request.post(`/api/attention/${id}/assign`).set(viewer).send({ assignee: 'olga', reason: 'x' });
    expect(forbidden.status).toBe(403);
    expect((await ops.db.attentionItem.findUniqueOrThrow({ where: { id } })).assignee).toBeNull();
  });

  it('rejects an unknown kind filter naming it', async () => {
    const res = await ops.request.get('/api/attention?kind=bogus').set(bearer);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_query', message: expect.stringMatching(/^kind: "bogus" is not an attention kind \(one of: dispute, effect_outcome_unknown, unmapped_event\)/) });
  });
});
