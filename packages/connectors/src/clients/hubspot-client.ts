import { outboundLimit, type ClientOptions } from '../client-options';
import { providerFailure } from '../provider-failure';
import { createProviderHttp } from '../provider-http';
import { unexpectedResponse } from '../unexpected-response';

export interface HubspotConfig {
  baseUrl: string;
  /** Private-app or OAuth access token. */
  token: string;
}

export type HubspotProperties = Record<string, string | number | boolean | null>;

export interface HubspotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: string;
  updatedAt?: string;
}

export interface HubspotUpsertItem {
  /** Value of the idProperty (e.g. the email when idProperty is `email`). */
  id: string;
  properties: HubspotProperties;
}

export interface HubspotUpsertResult {
  /** The item's idProperty value, as given. */
  key: string;
  /** HubSpot's object id. */
  id: string;
  created: boolean;
}

export interface HubspotClient {
  /** Batch upsert by a unique property, 100 per request; results in the order of `items`. Safe to repeat. */
  upsert(objectType: string, idProperty: string, items: readonly HubspotUpsertItem[]): Promise<HubspotUpsertResult[]>;
  create(objectType: string, properties: HubspotProperties): Promise<HubspotObject>;
  /** `idProperty` reads `id` as that property's value instead of the object id. */
  update(objectType: string, id: string, properties: HubspotProperties, idProperty?: string): Promise<HubspotObject>;
  /** undefined when HubSpot answers 404. */
  get(objectType: string, id: string, idProperty?: string): Promise<HubspotObject | undefined>;
}

/** HubSpot's documented floor: 100 requests per rolling 10 s per account (higher tiers allow up to 190). */
export const HUBSPOT_DEFAULT_LIMIT = { limit: 100, windowMs: 10_000 };
const BATCH_SIZE = 100;

/** HubSpot CRM v3 objects (Bearer token). */
export function createHubspotClient(config: HubspotConfig, options: ClientOptions = {}): HubspotClient {
  const http = createProviderHttp({
    provider: 'hubspot',
    baseURL: config.baseUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    auth: { type: 'bearer', token: config.token },
    rateLimit: outboundLimit(options, { key: 'hubspot:default', ...HUBSPOT_DEFAULT_LIMIT }),
  });
  const objects = (type: string) => `/crm/v3/objects/${encodeURIComponent(type)}`;
  const query = (idProperty?: string) => (idProperty ? { params: { idProperty } } : {});

  return {
    async upsert(objectType, idProperty, items) {
      const out: HubspotUpsertResult[] = [];
      for (let i = 0; i < items.length; i += BATCH_SIZE) {
        const chunk = items.slice(i, i + BATCH_SIZE);
        const { data } = await http.post<{ results?: Array<HubspotObject & { new?: boolean }> }>(`${objects(objectType)}/batch/upsert`, {
          inputs: chunk.map((item) => ({ idProperty, id: item.id, properties: item.properties })),
        });
        const results = data?.results ?? [];
        // HubSpot does not promise result order: match on the idProperty value (emails compare case-insensitively).
        const byKey = new Map(results.map((r) => [String(idProperty === 'hs_object_id' ? r.id : (r.properties?.[idProperty] ?? '')).toLowerCase(), r]));
        for (const [index, item] of chunk.entries()) {
          // HubSpot may normalise the value (phone formats); then fall back to position when the counts agree.
          const found = byKey.get(item.id.toLowerCase()) ?? (results.length === chunk.length ? results[index] : undefined);
          if (!found) throw unexpectedResponse('hubspot', `a batch upsert result for ${idProperty}=${item.id}`);
          out.push({ key: item.id, id: found.id, created: found.new === true });
        }
      }
      return out;
    },
    async create(objectType, properties) {
      return (await http.post<HubspotObject>(objects(objectType), { properties })).data;
    },
    async update(objectType, id, properties, idProperty) {
      return (await http.patch<HubspotObject>(`${objects(objectType)}/${encodeURIComponent(id)}`, { properties }, query(idProperty))).data;
    },
    async get(objectType, id, idProperty) {
      try {
        return (await http.get<HubspotObject>(`${objects(objectType)}/${encodeURIComponent(id)}`, query(idProperty))).data;
      } catch (err) {
        if (providerFailure(err)?.status === 404) return undefined;
        throw err;
      }
    },
  };
}
