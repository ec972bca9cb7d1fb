import { Router, type Response } from 'express';
import { bearerToken, send } from '../auth';
import { hubspotDaily, hubspotError, hubspotTenSecondly } from '../error-bodies';
import type { ApiDeps, EmulatedApi } from '../types';
import { HubspotRateLimiter } from './rate-limiter';

const OBJECT_TYPES = ['contacts', 'deals', 'notes'] as const;
type ObjectType = (typeof OBJECT_TYPES)[number];

interface CrmObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

type Properties = Record<string, unknown>;

function stringify(properties: Properties): Record<string, string | null> {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]));
}

/** HubSpot CRM v3 contacts and deals: create, read, update by id or idProperty, batch upsert; with rate limits. */
export function createHubspotApi(deps: ApiDeps): EmulatedApi {
  const { rng, clock, config } = deps;
  const limiter = new HubspotRateLimiter(config.SANDBOX_HUBSPOT_TEN_SECOND_LIMIT, config.SANDBOX_HUBSPOT_DAILY_LIMIT);
  const store: Record<ObjectType, Map<string, CrmObject>> = { contacts: new Map(), deals: new Map(), notes: new Map() };
  let nextId = 1001;
  const router = Router();

  router.use('/crm/v3', (req, res, next) => {
    const token = bearerToken(req);
    if (token !== config.SANDBOX_HUBSPOT_TOKEN) {
      return send(
        res,
        token
          ? hubspotError(rng, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview')
          : hubspotError(rng, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports both API Key and OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview'),
      );
    }
    const decision = limiter.take(token, clock.now());
    res.set(decision.headers);
    if (!decision.allowed) return send(res, decision.policy === 'DAILY' ? hubspotDaily(rng) : hubspotTenSecondly(rng));
    next();
  });

  const objectType = (value: string | undefined, res: Response): ObjectType | undefined => {
    if ((OBJECT_TYPES as readonly string[]).includes(value ?? '')) return value as ObjectType;
    send(res, hubspotError(rng, 400, 'VALIDATION_ERROR', `Unable to infer object type from: ${value}`));
    return undefined;
  };

  const now = () => new Date(clock.now()).toISOString();

  function find(type: ObjectType, id: string, idProperty?: string): CrmObject | undefined {
    if (!idProperty || idProperty === 'hs_object_id') return store[type].get(id);
    return [...store[type].values()].find((o) => o.properties[idProperty]?.toLowerCase() === id.toLowerCase());
  }

  function create(type: ObjectType, properties: Properties): CrmObject {
    const id = String(nextId++);
    const at = now();
    const object: CrmObject = {
      id,
      properties: { ...stringify(properties), createdate: at, hs_object_id: id, lastmodifieddate: at },
      createdAt: at,
      updatedAt: at,
      archived: false,
    };
    store[type].set(id, object);
    return object;
  }

  function update(object: CrmObject, properties: Properties): CrmObject {
    const at = now();
    object.properties = { ...object.properties, ...stringify(properties), lastmodifieddate: at };
    object.updatedAt = at;
    return object;
  }

  router.post('/crm/v3/objects/:type', (req, res) => {
    const type = objectType(req.params.type, res);
    if (!type) return;
    const properties = (req.body?.properties ?? {}) as Properties;
    const email = typeof properties.email === 'string' ? properties.email : undefined;
    const existing = type === 'contacts' && email ? find('contacts', email, 'email') : undefined;
    if (existing) return send(res, hubspotError(rng, 409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`));
    send(res, { status: 201, body: create(type, properties) });
  });

  router.get('/crm/v3/objects/:type/:id', (req, res) => {
    const type = objectType(req.params.type, res);
    if (!type) return;
    const found = find(type, req.params.id ?? '', req.query.idProperty as string | undefined);
    if (!found) return send(res, hubspotError(rng, 404, 'OBJECT_NOT_FOUND', 'resource not found'));
    send(res, { status: 200, body: found });
  });

  router.patch('/crm/v3/objects/:type/:id', (req, res) => {
    const type = objectType(req.params.type, res);
    if (!type) return;
    const found = find(type, req.params.id ?? '', req.query.idProperty as string | undefined);
    if (!found) return send(res, hubspotError(rng, 404, 'OBJECT_NOT_FOUND', 'resource not found'));
    send(res, { status: 200, body: update(found, (req.body?.properties ?? {}) as Properties) });
  });

  router.post('/crm/v3/objects/:type/batch/upsert', (req, res) => {
    const type = objectType(req.params.type, res);
    if (!type) return;
    const inputs = req.body?.inputs as Array<{ idProperty?: string; id?: string; properties?: Properties }> | undefined;
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 100) {
      return send(res, hubspotError(rng, 400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must contain between 1 and 100 items'));
    }
    const startedAt = now();
    const results = inputs.map((input) => {
      const idProperty = input.idProperty ?? 'hs_object_id';
      const existing = input.id ? find(type, input.id, idProperty) : undefined;
      const properties = { ...(input.properties ?? {}), ...(idProperty !== 'hs_object_id' && input.id ? { [idProperty]: input.id } : {}) };
      const object = existing ? update(existing, properties) : create(type, properties);
      return { ...object, new: !existing };
    });
    send(res, { status: 200, body: { status: 'COMPLETE', results, startedAt, completedAt: now() } });
  });

  return {
    provider: 'hubspot',
    owns: (path) => path.startsWith('/crm/'),
    router,
    snapshot: () => ({ contacts: [...store.contacts.values()], deals: [...store.deals.values()], notes: [...store.notes.values()], usage: limiter.usage() }),
    reset: () => {
      store.contacts.clear();
      store.deals.clear();
      store.notes.clear();
      limiter.clear();
      nextId = 1001;
    },
  };
}
