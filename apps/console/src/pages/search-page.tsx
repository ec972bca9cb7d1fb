import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, withQuery } from '../api/client';
import type { SearchResults } from '../api/types';
import { QueryState } from '../components/query-state';
import { entityPath, Link } from '../router';
import { eventStatus, humanize, money, providerName, when } from '../words';

function Group({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  if (count === 0) return null;
  return (
    <section aria-label={title} className="result-group">
      <h2>
        {title} <span className="count">({count})</span>
      </h2>
      <ul>{children}</ul>
    </section>
  );
}

const matched = (by: string[]) => <span className="matched">matched by {by.join(', ')}</span>;

/** `GET /api/search?q=`: everything an id, email or phone leads to, grouped by what it is. */
export function SearchPage({ q }: { q: string }) {
  const query = useQuery({ queryKey: ['search', q], queryFn: () => api<SearchResults>('GET', withQuery('/api/search', { q })), enabled: q.length > 0 });
  if (!q) return <p>Type a payment or order id, an email, a phone number (any format), or a message or CRM id in the search box.</p>;
  return (
    <section>
      <h1>Results for “{q}”</h1>
      <QueryState query={query} what="the results">
        {(r) => {
          const total = r.customers.length + r.payments.length + r.leads.length + r.messages.length + r.deals.length + r.events.length;
          if (total === 0) return <p>Nothing matches “{q}”.</p>;
          return (
            <>
              <Group title="Customers" count={r.customers.length}>
                {r.customers.map((c) => (
                  <li key={c.entity.key}>
                    <Link to={entityPath(c.entity.href)}>{c.name ?? c.phone ?? 'Customer'}</Link> · {c.phone} · {c.email ?? 'no email'}
                    {c.optedOut ? ' · opted out' : ''} {matched(c.matchedBy)}
                  </li>
                ))}
              </Group>
              <Group title="Payments" count={r.payments.length}>
                {r.payments.map((p) => (
                  <li key={p.entity.key}>
                    <Link to={entityPath(p.entity.href)}>
                      {providerName(p.provider)} payment {p.paymentId}
                    </Link>{' '}
                    · {money(p.amount, p.currency)} · {humanize(p.status)}
                    {p.orderId ? ` · order ${p.orderId}` : ''}
                    {p.disputed ? ' · disputed' : ''} · {when(p.at)} {matched(p.matchedBy)}
                  </li>
                ))}
              </Group>
              <Group title="Leads" count={r.leads.length}>
                {r.leads.map((l) => (
                  <li key={l.entity.key}>
                    <Link to={entityPath(l.entity.href)}>{l.name ?? l.email ?? 'Lead'}</Link> · form {l.formId} · owner {l.owner ?? 'nobody'} · {when(l.at)} {matched(l.matchedBy)}
                  </li>
                ))}
              </Group>
              <Group title="Messages" count={r.messages.length}>
                {r.messages.map((m) => (
                  <li key={m.entity.key}>
                    <Link to={entityPath(m.entity.href)}>
                      {providerName(m.channel)} message to {m.recipient}
                    </Link>{' '}
                    · {m.status}
                    {m.errorCode ? ` (error ${m.errorCode})` : ''} · {when(m.at)} {matched(m.matchedBy)}
                  </li>
                ))}
              </Group>
              <Group title="Deals" count={r.deals.length}>
                {r.deals.map((d) => (
                  <li key={d.entity.key}>
                    <Link to={entityPath(d.entity.href)}>Deal {d.entity.key}</Link> {matched(d.matchedBy)}
                  </li>
                ))}
              </Group>
              <Group title="Events about nothing known yet" count={r.events.length}>
                {r.events.map((e) => (
                  <li key={e.id}>
                    {providerName(e.provider)} “{humanize(e.type)}” · {eventStatus(e.status)} · {when(e.receivedAt)} {matched(e.matchedBy)}
                  </li>
                ))}
              </Group>
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
