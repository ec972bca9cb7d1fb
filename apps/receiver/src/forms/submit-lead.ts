import { createHash, randomUUID } from 'node:crypto';
import { recordInboundEvents, type Db, type NewInboundEvent, type RecordedEvent } from '@switchyard/db';
import { leadSubmitted, routeEvent } from '@switchyard/domain';
import { eventJobId, processEventJob } from '@switchyard/queues';
import type { Settings } from '@switchyard/settings';
import { currentTraceparent } from '@switchyard/telemetry';
import type { FieldValue } from './validate-submission';

export const FORM_PROVIDER = 'form';

export interface LeadSubmission {
  formId: string;
  form: Settings['forms'][string];
  /** Validated, normalised field values. */
  values: Record<string, FieldValue>;
  /** The fields as they were sent, stored as the event's payload. */
  submitted: Record<string, unknown>;
  rawBody: Buffer;
  idempotencyKey?: string;
  headers: Record<string, string>;
  receivedAt: Date;
}

/** Without an Idempotency-Key, an identical double-submit of the same form is the same event. */
export function submissionId(formId: string, rawBody: Buffer, idempotencyKey?: string): string {
  return idempotencyKey ?? createHash('sha256').update(formId).update('\n').update(rawBody).digest('hex');
}

function toInboundEvent(s: LeadSubmission): NewInboundEvent {
  const id = randomUUID();
  const providerEventId = submissionId(s.formId, s.rawBody, s.idempotencyKey);
  const text = (field: string | undefined) => (field !== undefined && s.values[field] !== undefined ? String(s.values[field]) : undefined);
  const consentField = s.form.mapping.consent;
  const canonical = leadSubmitted.parse({
    provider: FORM_PROVIDER,
    connection: s.formId,
    providerEventId,
    occurredAt: s.receivedAt.toISOString(),
    type: 'lead.submitted',
    formId: s.formId,
    email: text(s.form.mapping.email),
    phone: text(s.form.mapping.phone),
    name: text(s.form.mapping.name),
    region: text(s.form.mapping.region),
    source: text(s.form.mapping.source),
    consent: consentField !== undefined && s.values[consentField] === true,
    fields: s.values,
  });
  const queue = routeEvent(canonical);
  // The form post's trace is stored with the event: the worker that applies it continues it.
  const traceContext = currentTraceparent();
  return {
    id,
    traceContext,
    provider: FORM_PROVIDER,
    connection: s.formId,
    providerEventId,
    type: 'lead.submitted',
    canonicalType: canonical.type,
    queue,
    status: 'received',
    payload: s.submitted,
    canonical,
    headers: s.headers,
    occurredAt: s.receivedAt,
    outbox: { queue, jobName: processEventJob[queue], jobId: eventJobId(queue, id), data: traceContext ? { eventId: id, traceparent: traceContext } : { eventId: id } },
  };
}

/** The webhooks' durable path: the event and its outbox entry in ONE statement, enqueued later by the relay. */
export async function submitLead(db: Db, submission: LeadSubmission): Promise<RecordedEvent> {
  const [recorded] = await recordInboundEvents(db, [toInboundEvent(submission)]);
  if (!recorded) throw new Error('the ingest statement returned no row');
  return recorded;
}
