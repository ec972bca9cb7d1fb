import type { z } from 'zod';
import type { CanonicalEvent } from '@switchyard/domain';

/** A delivery exactly as it reached us: the raw bytes are what providers sign. */
export interface InboundRequest {
  method: string;
  /** Path and query as received (`/webhooks/stripe?x=1`). */
  originalUrl: string;
  /** The URL the provider called, rebuilt from PUBLIC_BASE_URL when behind a proxy (Twilio signs it). */
  publicUrl: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
}

/** One connection (account) of a provider. Adapters extend it with what they need. */
export interface ConnectionConfig {
  name: string;
}

export interface ParseContext {
  provider: string;
  connection: string;
  providerEventId: string;
  request: InboundRequest;
}

export interface ParsedEvent {
  /** The provider's own event type (`payment_intent.succeeded`). */
  type: string;
  /** The provider's occurrence time, to order events that arrive out of order. */
  occurredAt: Date | null;
  /** What the workers consume; null stores the event as `ignored`. */
  canonical: CanonicalEvent | null;
}

/**
 * One event of a delivery: `payload` exactly as the provider sent it (stored verbatim), `event`
 * the adapter's parsed view of it, validated once in `split` and handed to `identify` and `parse`.
 */
export interface SplitItem<E> {
  payload: unknown;
  event: E;
}

export interface AdapterResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * What every provider implements. The receiver runs: verify → split → identify + parse each
 * item → store all items and their outbox entries in one transaction → respond.
 */
export interface ProviderAdapter<C extends ConnectionConfig = ConnectionConfig, E = unknown> {
  provider: string;
  /** Validates one connection's configuration (secrets as comma-separated lists). */
  connectionSchema: z.ZodType<C>;
  /** Throws WebhookRejection when the delivery is not authentic. Must compare in constant time. */
  verify(request: InboundRequest, connection: C, now: Date): void | Promise<void>;
  /**
   * Decodes and validates the body and returns the events it carries (one for most providers, a
   * batch for some). Throws WebhookRejection('malformed_body') naming what is wrong.
   */
  split(request: InboundRequest, connection: C): SplitItem<E>[];
  /** The provider's id for one event, the deduplication key. */
  identify(event: E, request: InboundRequest): string;
  /** The provider's own event type as the envelope names it: what an event is stored as when `parse` fails. */
  typeOf(event: E): string;
  /**
   * Maps one event. Throwing (anything but a WebhookRejection) means the event could not be mapped:
   * it is stored as `unmapped` with the message as the reason, as is a canonical event that fails
   * its schema. Messages name fields, never their values (they are stored and shown to operators).
   */
  parse(event: E, ctx: ParseContext, connection: C): ParsedEvent;
  /** The provider API versions this adapter understands; absent for providers that do not version their payloads. */
  apiVersions?: ApiVersions<C, E>;
  /** The body the provider expects when we accept (Salesforce needs a SOAP Ack); default JSON. */
  acknowledge?(accepted: number): AdapterResponse;
  /** GET on the webhook URL (WhatsApp's subscription handshake). */
  handleGet?(request: InboundRequest, connection: C): AdapterResponse;
}

/**
 * How an adapter reads the provider API version an event was sent with, and the versions whose
 * shapes it was written and tested against. An event of another version is still parsed: stored and
 * processed when it maps cleanly, stored as `unmapped` otherwise; either way it is counted.
 */
export interface ApiVersions<C extends ConnectionConfig = ConnectionConfig, E = unknown> {
  known: readonly string[];
  /** Null when the event does not say (then it is not checked). */
  of(event: E, request: InboundRequest, connection: C): string | null;
}

/** The registry holds adapters of different connection types; each validates its own connections. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type AnyProviderAdapter = ProviderAdapter<any, any>;

/** For providers whose parsed item is also what gets stored. */
export function itemAsIs<E>(event: E): SplitItem<E> {
  return { payload: event, event };
}
