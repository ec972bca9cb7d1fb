import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useId, useState } from 'react';
import { api, withQuery } from '../api/client';
import type { AttentionItem } from '../api/types';
import { ActionButton } from '../components/action-button';
import { DataTable } from '../components/data-table';
import { QueryState } from '../components/query-state';
import { Link } from '../router';
import { useSession } from '../session';
import { humanize, providerName, when } from '../words';

// Entity pages the console has; contacts and leads are left unlinked here because their keys are
// a phone or an email, which a link would put in the address bar and the history.
const LINKED = new Set(['payment', 'message', 'deal']);

function AssignButton({ item }: { item: AttentionItem }) {
  const { user } = useSession();
  const [assignee, setAssignee] = useState(item.assignee ?? user.name);
  const id = useId();
  return (
    <ActionButton
      label="Assign"
      title={`Assign: ${item.summary}`}
      fields={
        <>
          <label htmlFor={id}>Assign to</label>
          <input id={id} value={assignee} onChange={(e) => setAssignee(e.target.value)} required />
        </>
      }
      run={(reason) => api('POST', `/api/attention/${item.id}/assign`, { assignee: assignee.trim(), reason })}
    />
  );
}

/** `GET /api/attention`: disputes, parked sends, unmapped events — assign them, resolve them. */
export function AttentionPage() {
  const { user } = useSession();
  const [mine, setMine] = useState(false);
  const items = useQuery({
    queryKey: ['attention', mine ? user.name : null],
    queryFn: () => api<{ items: AttentionItem[] }>('GET', withQuery('/api/attention', { assignee: mine ? user.name : undefined, limit: 200 })),
  });
  const columns: ColumnDef<AttentionItem>[] = [
    { id: 'when', header: 'Since', cell: ({ row }) => when(row.original.createdAt) },
    { id: 'kind', header: 'Kind', cell: ({ row }) => humanize(row.original.kind) },
    {
      id: 'summary',
      header: 'What',
      cell: ({ row }) => {
        const i = row.original;
        return (
          <>
            {i.summary}
            {LINKED.has(i.entityType) ? (
              <>
                {' '}
                <Link to={`/entities/${i.entityType}/${encodeURIComponent(i.entityKey)}`}>open the {i.entityType}</Link>
              </>
            ) : null}
            {i.event ? <span className="meta"> · from {providerName(i.event.provider)}</span> : null}
          </>
        );
      },
    },
    { id: 'assignee', header: 'Assigned to', cell: ({ row }) => row.original.assignee ?? 'nobody' },
    {
      id: 'actions',
      header: 'Actions',
      cell: ({ row }) => (
        <div className="actions">
          <AssignButton item={row.original} />
          <ActionButton label="Resolve" title={`Resolve: ${row.original.summary}`} run={(reason) => api('POST', `/api/attention/${row.original.id}/resolve`, { reason })} />
        </div>
      ),
    },
  ];
  return (
    <section>
      <h1>Attention</h1>
      <p>Open items that need a person: disputes, sends whose outcome is unknown, events nobody understood.</p>
      <label className="inline">
        <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Only those assigned to me
      </label>
      <QueryState query={items} what="the attention items">
        {(r) => (r.items.length === 0 ? <p>Nothing needs attention.</p> : <DataTable caption="Open attention items, newest first" data={r.items} columns={columns} rowKey={(i) => i.id} />)}
      </QueryState>
    </section>
  );
}
