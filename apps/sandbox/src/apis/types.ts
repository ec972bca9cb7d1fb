import type { Router } from 'express';
import type { SandboxEnv } from '../env';
import type { Clock } from '../support/clock';
import type { Log } from '../support/log';
import type { Rng } from '../support/rng';
import type { WebhookRequest } from '../webhooks/types';

export const API_PROVIDERS = ['stripe', 'razorpay', 'paypal', 'hubspot', 'salesforce', 'pipedrive', 'whatsapp', 'twilio', 'slack'] as const;
export type ApiProvider = (typeof API_PROVIDERS)[number];

/** Delivers a webhook the sandbox emits by itself (status callbacks) to a full URL. */
export type WebhookSender = (url: string, request: WebhookRequest) => Promise<{ status: number | null; error?: string }>;

export interface ApiDeps {
  config: SandboxEnv;
  clock: Clock;
  rng: Rng;
  webhookSender: WebhookSender;
  log: Log;
}

/** One emulated provider API: its routes, which paths it owns, and its in-memory objects. */
export interface EmulatedApi {
  provider: ApiProvider;
  owns(path: string): boolean;
  router: Router;
  snapshot(): unknown;
  reset(): void;
  /** Cancels timers (pending status callbacks). */
  close?(): void;
  /** Status callbacks scheduled or in flight, and delivered so far (APIs that send them). */
  callbacks?(): { pending: number; delivered: number };
}
