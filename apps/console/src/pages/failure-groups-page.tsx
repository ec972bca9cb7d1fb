import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useId, useState } from 'react';
import { api } from '../api/client';
import type { FailureGroup, Redrive, RedrivePreview } from '../api/types';
import { DataTable } from '../components/data-table';
import { QueryState } from '../components/query-state';
import { ReasonDialog } from '../components/reason-dialog';
import { entityPath, Link } from '../router';
import { mayAct, useSession } from '../session';
import { providerName, when } from '../words';

const SOURCES: Record<FailureGroup['source'], string> = {
  dead_letters: 'Failed for good (dead letters)',
  failed_effects: 'Failed effects',
  parked_effects: 'Sends with an unknown outcome',
};

interface Started {
  id: string;
  total: number;
  label: string;
}

const groupLabel = (g: FailureGroup) => `${providerName(g.provider)} · ${g.errorCode ?? 'no error code'}`;
const groupKey = (g: FailureGroup) => JSON.stringify([g.source, g.provider, g.errorCode]);

/** "Retry all in this group": preview how many match (dryRun), ask why, then start a background re-drive. */
function RetryGroup({ group, onStarted }: { group: FailureGroup; onStarted(r: Started): void }) {
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  const preview = useQuery({
    queryKey: ['redrive-preview', groupKey(group)],
    queryFn: () => api<RedrivePreview>('POST', '/api/dead-letters/retry', { filter: group.filter, dryRun: true }),
    enabled: open,
    gcTime: 0,
  });
  const start = useMutation({
    mutationFn: (reason: string) => api<{ id: string; total: number }>('POST', '/api/redrives', { filter: group.filter, reason }),
    onSuccess: (r) => {
      setOpen(false);
      onStarted({ ...r, label: groupLabel(group) });
    },
  });
  if (!mayAct(user.role) || !group.filter) return null;
  const description = preview.isPending
    ? 'Counting the dead letters this would retry…'
    : preview.isError
      ? `Could not count them: ${preview.error.message}`
      : `${preview.data.matching} dead letter${preview.data.matching === 1 ? '' : 's'} match; ${preview.data.wouldRetry} will be retried now.`;
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} disabled={start.isPending}>
        Retry all in this group
      </button>
      {open ? (
        <ReasonDialog
          title={`Retry all: ${groupLabel(group)}`}
          description={description}
          confirmLabel="Retry all"
          pending={start.isPending || preview.isPending}
          error={start.error ? start.error.message : null}
          onConfirm={(reason) => {
            if (!start.isPending) start.mutate(reason);
          }}
          onClose={() => {
            if (!start.isPending) setOpen(false);
          }}
        />
      ) : null}
    </>
  );
}

/** A running re-drive: the bar advances as the re-driven jobs finish, then the summary. */
function RedriveProgress({ started }: { started: Started }) {
  const client = useQueryClient();
  const id = useId();
  const q = useQuery({
    queryKey: ['redrive', started.id],
    queryFn: () => api<Redrive>('GET', `/api/redrives/${encodeURIComponent(started.id)}`),
    refetchInterval: (query) => (query.state.data?.finished ? false : 1000),
  });
  const r = q.data;
  const finished = r ? r.done + r.skipped + r.failed : 0;
  const total = r?.total ?? started.total;
  useEffect(() => {
    if (r?.finished) void client.invalidateQueries({ queryKey: ['failure-groups'] });
  }, [r?.finished, client]);
  return (
    <div className="redrive" role="status">
      <label htmlFor={id}>Re-drive of {started.label}</label>
      <progress id={id} max={Math.max(total, 1)} value={total === 0 ? 1 : finished} />
      {q.isError ? <p className="error">Could not read its progress: {q.error.message}</p> : null}
      {r?.finished ? (
        <p>
          Finished: {r.done} done, {r.skipped} skipped, {r.failed} failed.
        </p>
      ) : (
        <p>
          {finished} of {total} finished…
        </p>
      )}
    </div>
  );
}

/** `GET /api/failure-groups`: what failed, grouped by provider and error code. */
export function FailureGroupsPage() {
  const groups = useQuery({ queryKey: ['failure-groups'], queryFn: () => api<{ groups: FailureGroup[] }>('GET', '/api/failure-groups') });
  const [redrives, setRedrives] = useState<Started[]>([]);
  const columns: ColumnDef<FailureGroup>[] = [
    { id: 'what', header: 'What', cell: ({ row }) => SOURCES[row.original.source] },
    { id: 'provider', header: 'Provider', cell: ({ row }) => providerName(row.original.provider) },
    { id: 'code', header: 'Error code', cell: ({ row }) => row.original.errorCode ?? '—' },
    { id: 'count', header: 'Count', cell: ({ row }) => row.original.count },
    { id: 'first', header: 'First seen', cell: ({ row }) => when(row.original.firstSeen) },
    { id: 'last', header: 'Last seen', cell: ({ row }) => when(row.original.lastSeen) },
    {
      id: 'example',
      header: 'Example',
      cell: ({ row }) => {
        const ex = row.original.example;
        return (
          <>
            {ex.message ? <span className="last-error">{ex.message} </span> : null}
            {ex.entity && ex.entity.type !== 'event' ? <Link to={entityPath(ex.entity.href)}>open the {ex.entity.type}</Link> : null}
          </>
        );
      },
    },
    { id: 'action', header: 'Action', cell: ({ row }) => <RetryGroup group={row.original} onStarted={(r) => setRedrives((all) => [r, ...all])} /> },
  ];
  return (
    <section>
      <h1>Failures</h1>
      <p>Dead letters and failed or parked effects of the last seven days, grouped by provider and error code.</p>
      {redrives.map((r) => (
        <RedriveProgress key={r.id} started={r} />
      ))}
      <QueryState query={groups} what="the failure groups">
        {(g) => (g.groups.length === 0 ? <p>Nothing has failed. </p> : <DataTable caption="Failure groups, largest first" data={g.groups} columns={columns} rowKey={groupKey} />)}
      </QueryState>
    </section>
  );
}
