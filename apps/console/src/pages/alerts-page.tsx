import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { api } from '../api/client';
import type { AlertListing } from '../api/types';
import { DataTable } from '../components/data-table';
import { QueryState } from '../components/query-state';
import { when } from '../words';

const STATE_WORDS: Record<AlertListing['state'], string> = { firing: 'Firing', ok: 'OK', pending: 'Not evaluated yet' };
const STATE_CLASS: Record<AlertListing['state'], string> = { firing: 'status-bad', ok: 'status-ok', pending: 'status-neutral' };

/** `GET /api/alerts`: each configured rule, firing or not, since when, and what it last read. */
export function AlertsPage() {
  // Refreshed on its own: someone keeps this page open to watch a rule resolve.
  const alerts = useQuery({ queryKey: ['alerts'], queryFn: () => api<{ alerts: AlertListing[] }>('GET', '/api/alerts'), refetchInterval: 5000 });
  const columns: ColumnDef<AlertListing>[] = [
    { id: 'rule', header: 'Rule', cell: ({ row }) => row.original.name },
    { id: 'watches', header: 'Watches', cell: ({ row }) => row.original.watches },
    { id: 'state', header: 'State', cell: ({ row }) => <span className={`status ${STATE_CLASS[row.original.state]}`}>{STATE_WORDS[row.original.state]}</span> },
    { id: 'since', header: 'Firing since', cell: ({ row }) => (row.original.state === 'firing' ? when(row.original.since) : '—') },
    {
      id: 'value',
      header: 'Last value',
      cell: ({ row }) => {
        const a = row.original;
        if (a.lastValueText === null) return '—';
        return (
          <>
            {a.lastValueText} <span className="meta">(limit {a.thresholdText})</span>
          </>
        );
      },
    },
    { id: 'checked', header: 'Last checked', cell: ({ row }) => when(row.original.lastEvaluatedAt) },
    { id: 'notify', header: 'Notifies', cell: ({ row }) => row.original.notify.join(', ') },
  ];
  return (
    <section>
      <h1>Alerts</h1>
      <p>The rules in the configuration file. A rule notifies its channels once when it starts firing and once when it resolves.</p>
      <QueryState query={alerts} what="the alert rules">
        {(r) => {
          if (r.alerts.length === 0) return <p>No alert rules are configured (the configuration file's alerts.rules).</p>;
          const firing = r.alerts.filter((a) => a.state === 'firing').length;
          return (
            <>
              <p role="status">{firing === 0 ? 'Nothing is firing.' : `${firing} of ${r.alerts.length} rules firing.`}</p>
              <DataTable caption="Alert rules, in configuration order" data={r.alerts} columns={columns} rowKey={(a) => a.name} />
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
