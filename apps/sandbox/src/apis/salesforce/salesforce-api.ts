import { Router, type Response } from 'express';
import { ids } from '../../support/ids';
import { basicCredentials, bearerToken, send } from '../auth';
import type { ApiDeps, EmulatedApi } from '../types';

interface SObjectRecord {
  id: string;
  sobject: string;
  fields: Record<string, unknown>;
}

const KEY_PREFIX: Record<string, string> = { Account: '001', Contact: '003', Lead: '00Q', Opportunity: '006' };
const INSTANCE_PATH = '/services/data';

/** Salesforce REST: OAuth token, create, get, and upsert by external id (201 / 200 / 300). */
export function createSalesforceApi(deps: ApiDeps): EmulatedApi {
  const { rng, clock, config } = deps;
  const records = new Map<string, SObjectRecord>();
  const router = Router();

  const errors = (res: Response, status: number, errorCode: string, message: string, fields: string[] = []) =>
    send(res, { status, body: [{ message, errorCode, fields }] });

  router.post('/services/oauth2/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const basic = basicCredentials(req);
    const clientId = body.client_id ?? basic?.user;
    const clientSecret = body.client_secret ?? basic?.password;
    if (clientId !== config.SANDBOX_SALESFORCE_CLIENT_ID || clientSecret !== config.SANDBOX_SALESFORCE_CLIENT_SECRET) {
      return send(res, { status: 400, body: { error: 'invalid_client_id', error_description: 'client identifier invalid' } });
    }
    const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
    send(res, {
      status: 200,
      body: {
        access_token: config.SANDBOX_SALESFORCE_TOKEN,
        instance_url: base,
        id: `https://login.salesforce.com/id/${config.SALESFORCE_ORG_ID}/005000000000001AAA`,
        token_type: 'Bearer',
        issued_at: String(clock.now()),
        signature: Buffer.from(ids.hex(rng, 32)).toString('base64'),
      },
    });
  });

  router.use(INSTANCE_PATH, (req, res, next) => {
    if (bearerToken(req) !== config.SANDBOX_SALESFORCE_TOKEN) return errors(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    next();
  });

  function create(sobject: string, fields: Record<string, unknown>): SObjectRecord {
    const record = { id: ids.salesforce(rng, KEY_PREFIX[sobject] ?? 'a0X'), sobject, fields: { ...fields } };
    records.set(record.id, record);
    return record;
  }

  const matching = (sobject: string, field: string, value: string) =>
    [...records.values()].filter((r) => r.sobject === sobject && String(r.fields[field] ?? '') === value);

  router.post('/services/data/:version/sobjects/:sobject', (req, res) => {
    const record = create(req.params.sobject ?? '', (req.body ?? {}) as Record<string, unknown>);
    send(res, { status: 201, body: { id: record.id, success: true, errors: [] } });
  });

  router.get('/services/data/:version/sobjects/:sobject/:id', (req, res) => {
    const record = records.get(req.params.id ?? '');
    if (!record || record.sobject !== req.params.sobject) return errors(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    send(res, { status: 200, body: { attributes: { type: record.sobject, url: `${req.baseUrl}${req.path}` }, Id: record.id, ...record.fields } });
  });

  router.patch('/services/data/:version/sobjects/:sobject/:field/:value', (req, res) => {
    const { version = '', sobject = '', field = '', value = '' } = req.params;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (field !== 'Id' && Object.hasOwn(body, field)) {
      return errors(res, 400, 'INVALID_FIELD', `The field ${field} is specified in the URL, so it should not also be specified in the request body.`, [field]);
    }
    const found = field === 'Id' ? [records.get(value)].filter((r): r is SObjectRecord => r !== undefined) : matching(sobject, field, value);
    if (found.length > 1) {
      return send(res, { status: 300, body: found.map((r) => `/services/data/${version}/sobjects/${sobject}/${r.id}`) });
    }
    const existing = found[0];
    if (existing) {
      Object.assign(existing.fields, body);
      return send(res, { status: 200, body: { id: existing.id, success: true, errors: [], created: false } });
    }
    const record = create(sobject, { ...body, [field]: value });
    send(res, { status: 201, body: { id: record.id, success: true, errors: [], created: true } });
  });

  return {
    provider: 'salesforce',
    owns: (path) => path.startsWith('/services/'),
    router,
    snapshot: () => ({ records: [...records.values()] }),
    reset: () => records.clear(),
  };
}
