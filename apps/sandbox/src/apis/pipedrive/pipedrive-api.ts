import { Router, type Request, type Response } from 'express';
import { bearerToken, send } from '../auth';
import type { ApiDeps, EmulatedApi } from '../types';

type Entity = 'persons' | 'deals';
type Record_ = Record<string, unknown> & { id: number };

/** Pipedrive API v2 persons and deals (`x-api-token`, `api_token` query or OAuth bearer). */
export function createPipedriveApi(deps: ApiDeps): EmulatedApi {
  const { clock, config } = deps;
  const store: Record<Entity, Map<number, Record_>> = { persons: new Map(), deals: new Map() };
  const nextId: Record<Entity, number> = { persons: 1, deals: 1 };
  const router = Router();

  const failure = (res: Response, status: number, error: string, code?: string) =>
    send(res, {
      status,
      body: { success: false, error, ...(code ? { code } : {}), error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.', data: null, additional_data: null },
    });

  router.use('/api/v2', (req, res, next) => {
    const token = req.get('x-api-token') ?? (typeof req.query.api_token === 'string' ? req.query.api_token : undefined) ?? bearerToken(req);
    if (token !== config.SANDBOX_PIPEDRIVE_TOKEN) return failure(res, 401, 'unauthorized access', 'ERR_UNAUTHORIZED');
    res.set({ 'x-ratelimit-limit': '80', 'x-ratelimit-remaining': '79', 'x-ratelimit-reset': '2' });
    next();
  });

  const now = () => new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  function validate(entity: Entity, body: Record<string, unknown>, creating: boolean): string | undefined {
    if (creating && entity === 'persons' && typeof body.name !== 'string') return 'Validation failed: name: Required';
    if (creating && entity === 'deals' && typeof body.title !== 'string') return 'Validation failed: title: Required';
    if (body.value !== undefined && typeof body.value !== 'number') return 'Validation failed: value: Expected number';
    return undefined;
  }

  const entityOf = (req: Request): Entity | undefined => (req.params.entity === 'persons' || req.params.entity === 'deals' ? req.params.entity : undefined);

  router.post('/api/v2/:entity', (req, res) => {
    const entity = entityOf(req);
    if (!entity) return failure(res, 404, 'Unknown method .', 'ERR_NOT_FOUND');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problem = validate(entity, body, true);
    if (problem) return failure(res, 400, problem, 'ERR_SCHEMA_VALIDATION_FAILED');
    const id = nextId[entity]++;
    const at = now();
    const record: Record_ =
      entity === 'deals'
        ? { currency: 'USD', value: 0, status: 'open', pipeline_id: 1, stage_id: 1, person_id: null, org_id: null, owner_id: 1, is_deleted: false, visible_to: 3, ...body, id, add_time: at, update_time: at, stage_change_time: null }
        : { emails: [], phones: [], owner_id: 1, org_id: null, is_deleted: false, visible_to: 3, label_ids: [], ...body, id, add_time: at, update_time: at };
    store[entity].set(id, record);
    send(res, { status: 200, body: { success: true, data: record, additional_data: null } });
  });

  router.get('/api/v2/:entity/:id', (req, res) => {
    const entity = entityOf(req);
    const record = entity ? store[entity].get(Number(req.params.id)) : undefined;
    if (!entity || !record) return failure(res, 404, `${entity === 'deals' ? 'Deal' : 'Person'} not found`, 'ERR_NOT_FOUND');
    send(res, { status: 200, body: { success: true, data: record, additional_data: null } });
  });

  router.patch('/api/v2/:entity/:id', (req, res) => {
    const entity = entityOf(req);
    const record = entity ? store[entity].get(Number(req.params.id)) : undefined;
    if (!entity || !record) return failure(res, 404, `${entity === 'deals' ? 'Deal' : 'Person'} not found`, 'ERR_NOT_FOUND');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problem = validate(entity, body, false);
    if (problem) return failure(res, 400, problem, 'ERR_SCHEMA_VALIDATION_FAILED');
    const at = now();
    const stageChanged = entity === 'deals' && body.stage_id !== undefined && body.stage_id !== record.stage_id;
    Object.assign(record, body, { id: record.id, update_time: at }, stageChanged ? { stage_change_time: at } : {});
    send(res, { status: 200, body: { success: true, data: record, additional_data: null } });
  });

  return {
    provider: 'pipedrive',
    owns: (path) => path.startsWith('/api/v2/'),
    router,
    snapshot: () => ({ persons: [...store.persons.values()], deals: [...store.deals.values()] }),
    reset: () => {
      store.persons.clear();
      store.deals.clear();
      nextId.persons = 1;
      nextId.deals = 1;
    },
  };
}
