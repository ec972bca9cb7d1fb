import { outboundLimit, type ClientOptions } from '../client-options';
import { providerFailure } from '../provider-failure';
import { createProviderHttp } from '../provider-http';
import { unexpectedResponse } from '../unexpected-response';

export interface PipedriveConfig {
  baseUrl: string;
  /** API token, sent as `x-api-token` (never in the query string, where it would reach access logs). */
  token: string;
}

export type PipedriveEntity = 'persons' | 'deals';
export type PipedriveRecord = Record<string, unknown> & { id: number };

export interface PipedriveClient {
  create(entity: PipedriveEntity, data: Record<string, unknown>): Promise<PipedriveRecord>;
  update(entity: PipedriveEntity, id: number, data: Record<string, unknown>): Promise<PipedriveRecord>;
  /** undefined when Pipedrive answers 404. */
  get(entity: PipedriveEntity, id: number): Promise<PipedriveRecord | undefined>;
  /**
   * Pipedrive has no upsert. The caller keeps the Pipedrive id it got back (e.g. on the contact row):
   * with a known id this PATCHes it, and creates again only if the record is gone (404);
   * without one it creates. A create is not idempotent: run it through the effect ledger.
   */
  upsert(entity: PipedriveEntity, knownId: number | undefined, data: Record<string, unknown>): Promise<{ id: number; created: boolean }>;
}

/** Pipedrive answers `x-ratelimit-limit: 80` per 2-second window per token. */
export const PIPEDRIVE_DEFAULT_LIMIT = { limit: 80, windowMs: 2_000 };

/** Pipedrive API v2 persons and deals. */
export function createPipedriveClient(config: PipedriveConfig, options: ClientOptions = {}): PipedriveClient {
  const http = createProviderHttp({
    provider: 'pipedrive',
    baseURL: config.baseUrl,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    auth: { type: 'header', name: 'x-api-token', value: config.token },
    rateLimit: outboundLimit(options, { key: 'pipedrive:default', ...PIPEDRIVE_DEFAULT_LIMIT }),
  });
  const record = (data: { data?: PipedriveRecord | null } | undefined) => {
    if (!data?.data || typeof data.data.id !== 'number') throw unexpectedResponse('pipedrive', 'data.id');
    return data.data;
  };

  const client: PipedriveClient = {
    create: async (entity, data) => record((await http.post(`/api/v2/${entity}`, data)).data),
    update: async (entity, id, data) => record((await http.patch(`/api/v2/${entity}/${id}`, data)).data),
    async get(entity, id) {
      try {
        return record((await http.get(`/api/v2/${entity}/${id}`)).data);
      } catch (err) {
        if (providerFailure(err)?.status === 404) return undefined;
        throw err;
      }
    },
    async upsert(entity, knownId, data) {
      if (knownId !== undefined) {
        try {
          return { id: (await client.update(entity, knownId, data)).id, created: false };
        } catch (err) {
          if (providerFailure(err)?.status !== 404) throw err;
        }
      }
      return { id: (await client.create(entity, data)).id, created: true };
    },
  };
  return client;
}
