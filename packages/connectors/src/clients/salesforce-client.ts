import { outboundLimit, type ClientOptions } from '../client-options';
import { createProviderHttp } from '../provider-http';
import { createTokenCache } from '../token-cache';
import { unexpectedResponse } from '../unexpected-response';

export interface SalesforceConfig {
  /** Login host (`https://login.salesforce.com` or My Domain); data calls go to the token's instance_url. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** `v60.0` or `60.0`. */
  apiVersion?: string;
}

export interface SalesforceClient {
  /**
   * Upsert by external id: `PATCH /services/data/{v}/sobjects/{sobject}/{field}/{value}`.
   * 201 → created, 200 → updated; several matches (300) is a permanent SALESFORCE_300_MULTIPLE_MATCHES.
   */
  upsert(sobject: string, externalIdField: string, value: string, fields: Record<string, unknown>): Promise<{ id: string; created: boolean }>;
}

/** Salesforce REST with the OAuth client-credentials flow; the token is cached and fetched again after a 401. */
export function createSalesforceClient(config: SalesforceConfig, options: ClientOptions = {}): SalesforceClient {
  const version = (config.apiVersion ?? 'v60.0').replace(/^v?/, 'v');
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  const login = createProviderHttp({ provider: 'salesforce', baseURL: config.baseUrl, ...timeout, secrets: [config.clientSecret] });
  const tokens = createTokenCache(async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret });
    const { data } = await login.post<{ access_token?: string; instance_url?: string }>('/services/oauth2/token', form.toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (!data?.access_token) throw unexpectedResponse('salesforce', 'access_token');
    return { token: data.access_token, ...(data.instance_url ? { instanceUrl: data.instance_url } : {}) };
  });
  const http = createProviderHttp({
    provider: 'salesforce',
    ...timeout,
    auth: { type: 'oauth', tokens },
    secrets: [config.clientSecret],
    rateLimit: outboundLimit(options, { key: 'salesforce:default' }),
  });
  http.interceptors.request.use(async (request) => {
    request.baseURL = (await tokens.get()).instanceUrl ?? config.baseUrl;
    return request;
  });

  return {
    async upsert(sobject, externalIdField, value, fields) {
      const path = `/services/data/${version}/sobjects/${encodeURIComponent(sobject)}/${encodeURIComponent(externalIdField)}/${encodeURIComponent(value)}`;
      const response = await http.patch<{ id?: string; created?: boolean }>(path, fields);
      if (!response.data?.id) throw unexpectedResponse('salesforce', 'id');
      return { id: response.data.id, created: response.status === 201 };
    },
  };
}
