import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { api, ApiError, setCsrfToken } from './api/client';
import type { SessionInfo } from './api/types';
import { TopBar } from './components/top-bar';
import { AlertsPage } from './pages/alerts-page';
import { AttentionPage } from './pages/attention-page';
import { EntityPage } from './pages/entity-page';
import { FailureGroupsPage } from './pages/failure-groups-page';
import { SearchPage } from './pages/search-page';
import { SignInPage } from './pages/sign-in-page';
import { useLocation } from './router';
import { SESSION_QUERY, SessionContext } from './session';

// The charts library is most of the bundle: loaded only when the dashboard is opened.
const DashboardPage = lazy(() => import('./pages/dashboard-page').then((m) => ({ default: m.DashboardPage })));

async function loadSession(): Promise<SessionInfo> {
  const session = await api<SessionInfo>('GET', '/api/session');
  setCsrfToken(session.csrfToken);
  return session;
}

function Page() {
  const { pathname, searchParams } = useLocation();
  const entity = /^\/entities\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (entity) return <EntityPage type={decodeURIComponent(entity[1] ?? '')} entityKey={decodeURIComponent(entity[2] ?? '')} />;
  switch (pathname) {
    case '/':
      return (
        <Suspense fallback={<p aria-live="polite">Loading the dashboard…</p>}>
          <DashboardPage />
        </Suspense>
      );
    case '/search':
      return <SearchPage q={searchParams.get('q') ?? ''} />;
    case '/failures':
      return <FailureGroupsPage />;
    case '/attention':
      return <AttentionPage />;
    case '/alerts':
      return <AlertsPage />;
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>There is no console page at {pathname}.</p>
        </section>
      );
  }
}

/** The sign-in gate, then the top bar and the page the address names. */
export function App() {
  const session = useQuery({ queryKey: SESSION_QUERY, queryFn: loadSession, retry: false, staleTime: 60_000 });
  if (session.isPending) return <p aria-live="polite">Loading…</p>;
  if (session.isError) {
    const err = session.error;
    if (err instanceof ApiError && err.status === 401) return <SignInPage ended={err.code === 'session_expired'} />;
    return (
      <main>
        <p role="alert" className="error">
          The console cannot start: {err.message}
        </p>
        <button type="button" onClick={() => void session.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session.data}>
      <TopBar />
      <main>
        <Page />
      </main>
    </SessionContext.Provider>
  );
}
