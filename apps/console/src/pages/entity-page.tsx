import { useQueries, useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../api/client';
import type { AuditEntry, DeadLetter, EntityAnswer, TimelineAttention, TimelineEffect, TimelineEntry, TimelineEvent, TimelineMessage } from '../api/types';
import { ActionButton } from '../components/action-button';
import { PersonalDataReveal } from '../components/personal-data-reveal';
import { QueryState } from '../components/query-state';
import { DEAD_EVENT_NEXT_STEP, effectKind, effectNextStep, effectStatus, eventStatus, eventTitle, humanize, providerName, when } from '../words';

type AuditRow = AuditEntry & { source: 'audit' };
type Row = TimelineEntry | AuditRow;

/** Contacts and leads are keyed by a phone or an email, which the API seals: no key is shown for them. */
const PERSONAL = new Set(['contact', 'lead']);
/** The pages that offer "Show personal data" (to users allowed to see it). */
const REVEALABLE = new Set(['contact', 'payment']);
const ENTITY_NAMES: Record<string, string> = { payment: 'Payment', contact: 'Customer', message: 'Message', lead: 'Lead', deal: 'Deal' };

const post = (path: string, body: unknown) => api('POST', path, body);

/** A dead event's retry goes through its dead letter, found by the event it carries. */
async function retryDeadEvent(e: TimelineEvent, reason: string) {
  const list = await api<{ items: DeadLetter[] }>('GET', withQuery('/api/dead-letters', { queue: e.queue, limit: 500 }));
  const entry = list.items.find((d) => d.event?.id === e.id);
  if (!entry) throw new Error('its dead letter is gone (someone re-drove it already?); reload the page');
  return post(`/api/dead-letters/${encodeURIComponent(entry.id)}/retry`, { reason });
}

/** The ids an audit entry about this entity names: effects, attention items, and their dead letters. */
function auditTargets(timeline: TimelineEntry[]): string[] {
  const targets: string[] = [];
  for (const e of timeline) {
    if (e.source === 'effect') targets.push(e.id, `${e.queue}.eff.${e.id}.dead`);
    if (e.source === 'attention') targets.push(e.id);
    if (e.source === 'event' && e.queue) targets.push(`${e.queue}.evt.${e.id}.dead`);
  }
  return targets.slice(0, 60);
}

function Status({ value, tone }: { value: string; tone: 'ok' | 'bad' | 'warn' | 'neutral' }) {
  return <span className={`status status-${tone}`}>{value}</span>;
}

const effectTone = (s: TimelineEffect['status']) => (s === 'done' ? 'ok' : s === 'failed' ? 'bad' : s === 'parked' ? 'warn' : 'neutral');
const eventTone = (s: string) => (s === 'processed' ? 'ok' : s === 'dead' || s === 'unmapped' ? 'bad' : s === 'failed' ? 'warn' : 'neutral');

function EventEntry({ e }: { e: TimelineEvent }) {
  return (
    <>
      <h3>
        {eventTitle(e)} <Status value={eventStatus(e.status)} tone={eventTone(e.status)} />
      </h3>
      <p className="meta">
        received {when(e.receivedAt)}
        {e.processedAt ? ` · processed ${when(e.processedAt)}` : ''}
      </p>
      {e.lastError ? <p className="last-error">Last error: {e.lastError}</p> : null}
      {e.status === 'dead' ? (
        <div className="next-step">
          <p>{DEAD_EVENT_NEXT_STEP}</p>
          <ActionButton label="Retry event" title="Retry this event" description={`${eventTitle(e)} is processed again.`} run={(reason) => retryDeadEvent(e, reason)} className="primary" />
        </div>
      ) : null}
    </>
  );
}

function EffectEntry({ e }: { e: TimelineEffect }) {
  const next = effectNextStep(e);
  const what = `${effectKind(e.kind)} via ${providerName(e.provider)}`;
  return (
    <>
      <h3>
        {what} <Status value={effectStatus(e.status)} tone={effectTone(e.status)} />
      </h3>
      <dl className="facts">
        <dt>Attempts</dt>
        <dd>{e.attempts}</dd>
        <dt>Provider reference</dt>
        <dd>{e.providerRef ?? '—'}</dd>
        <dt>Last change</dt>
        <dd>{when(e.updatedAt)}</dd>
        {e.message ? (
          <>
            <dt>Message</dt>
            <dd>
              {e.message.status}
              {e.message.errorCode ? ` (error ${e.message.errorCode}${e.message.errorMessage ? `: ${e.message.errorMessage}` : ''})` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {e.lastError ? <p className="last-error">Last error: {e.lastError}</p> : null}
      {next ? <p className="next-step">{next}</p> : null}
      <div className="actions">
        {e.status === 'failed' ? (
          <ActionButton label="Retry" title={`Retry: ${what}`} description="It runs again, once." run={(reason) => post(`/api/effects/${e.id}/retry`, { reason })} className="primary" />
        ) : null}
        {e.status === 'parked' ? (
          <>
            <ActionButton label="Confirm it arrived" title={`Confirm it arrived: ${what}`} description="It is marked done and is not sent again." run={(reason) => post(`/api/effects/${e.id}/resolve`, { outcome: 'sent', reason })} />
            <ActionButton label="Resend" title={`Resend: ${what}`} description="It is sent once more." run={(reason) => post(`/api/effects/${e.id}/resolve`, { outcome: 'resend', reason })} className="primary" />
          </>
        ) : null}
        {e.status === 'failed' || e.status === 'parked' || e.status === 'pending' ? (
          <ActionButton label="Skip" title={`Skip: ${what}`} description="It is marked skipped and will never run." run={(reason) => post(`/api/effects/${e.id}/skip`, { reason })} />
        ) : null}
      </div>
    </>
  );
}

function MessageEntry({ e }: { e: TimelineMessage }) {
  return (
    <>
      <h3>
        {providerName(e.channel)} message {e.status} <Status value={e.status} tone={e.status === 'failed' ? 'bad' : e.status === 'read' || e.status === 'delivered' ? 'ok' : 'neutral'} />
      </h3>
      {e.errorCode ? (
        <p className="last-error">
          Error {e.errorCode}
          {e.errorMessage ? `: ${e.errorMessage}` : ''}
        </p>
      ) : null}
    </>
  );
}

function AttentionEntry({ e }: { e: TimelineAttention }) {
  return (
    <>
      <h3>
        Needs attention: {humanize(e.kind)} <Status value={e.resolvedAt ? 'resolved' : 'open'} tone={e.resolvedAt ? 'ok' : 'warn'} />
      </h3>
      <p>{e.summary}</p>
      {e.resolvedAt ? (
        <p className="meta">
          Resolved by {e.resolvedBy} {when(e.resolvedAt)}: {e.resolution}
        </p>
      ) : (
        <ActionButton label="Resolve" title={`Resolve: ${humanize(e.kind)}`} run={(reason) => post(`/api/attention/${e.id}/resolve`, { reason })} />
      )}
    </>
  );
}

function AuditEntryView({ e }: { e: AuditRow }) {
  return (
    <>
      <h3>
        {e.actor}: {humanize(e.action)}
      </h3>
      <p className="meta">Why: {e.reason ?? '(no reason recorded)'}</p>
    </>
  );
}

function Entry({ e }: { e: Row }) {
  switch (e.source) {
    case 'event':
      return <EventEntry e={e} />;
    case 'effect':
      return <EffectEntry e={e} />;
    case 'message':
      return <MessageEntry e={e} />;
    case 'attention':
      return <AttentionEntry e={e} />;
    case 'audit':
      return <AuditEntryView e={e} />;
  }
}

/** `GET /api/entities/:type/:key` as one timeline, with the audit trail of what people did about it. */
export function EntityPage({ type, entityKey }: { type: string; entityKey: string }) {
  const story = useQuery({ queryKey: ['entity', type, entityKey], queryFn: () => api<EntityAnswer>('GET', `/api/entities/${encodeURIComponent(type)}/${encodeURIComponent(entityKey)}`) });
  const targets = story.data ? auditTargets(story.data.timeline) : [];
  const audits = useQueries({
    queries: targets.map((target) => ({ queryKey: ['audit', target], queryFn: () => api<{ items: AuditEntry[] }>('GET', withQuery('/api/audit', { target, limit: 20 })) })),
  });
  const name = ENTITY_NAMES[type] ?? humanize(type);
  return (
    <section>
      <h1>{PERSONAL.has(type) ? name : `${name} ${entityKey}`}</h1>
      {REVEALABLE.has(type) ? <PersonalDataReveal type={type} entityKey={entityKey} /> : null}
      <QueryState query={story} what={`this ${name.toLowerCase()}`}>
        {(s) => {
          const audit: AuditRow[] = audits.flatMap((a) => a.data?.items ?? []).map((a) => ({ ...a, source: 'audit' as const }));
          const rows: Row[] = [...s.timeline, ...audit].sort((a, b) => a.at.localeCompare(b.at));
          const effects = s.timeline.filter((e): e is TimelineEffect => e.source === 'effect');
          const failed = effects.filter((e) => e.status === 'failed').length;
          const parked = effects.filter((e) => e.status === 'parked').length;
          if (rows.length === 0) return <p>Nothing is stored about this {name.toLowerCase()}.</p>;
          return (
            <>
              <p className="summary">
                {effects.length} effect{effects.length === 1 ? '' : 's'}
                {failed ? `, ${failed} failed` : ''}
                {parked ? `, ${parked} with an unknown outcome` : ''}
                {failed || parked ? ': what to do is said beside each.' : '.'}
              </p>
              <ol className="timeline" aria-label="What happened">
                {rows.map((e) => (
                  <li key={`${e.source}-${e.id}`} className={`entry entry-${e.source}`}>
                    <time dateTime={e.at}>{when(e.at)}</time>
                    <Entry e={e} />
                  </li>
                ))}
              </ol>
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
