import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

/** Loading and error states of one query, said the same way on every page. */
export function QueryState<T>({ query, what, children }: { query: UseQueryResult<T>; what: string; children(data: T): ReactNode }) {
  if (query.isPending) return <p aria-live="polite">Loading {what}…</p>;
  if (query.isError)
    return (
      <p role="alert" className="error">
        Could not load {what}: {query.error.message}
      </p>
    );
  return <>{children(query.data)}</>;
}
