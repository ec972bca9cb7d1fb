import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/client';
import { App } from './app';
import { SESSION_QUERY } from './session';
import './styles.css';

const client: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    // A 401 anywhere means the session ended (expired, idle, signed out elsewhere): ask the session
    // again, which shows the sign-in form. The session query itself is left out, or it would loop.
    onError: (err, query) => {
      if (err instanceof ApiError && err.status === 401 && query.queryKey[0] !== SESSION_QUERY[0]) void client.invalidateQueries({ queryKey: SESSION_QUERY });
    },
  }),
  defaultOptions: {
    // 4xx answers will not change by asking again; a 5xx or a dropped connection may.
    queries: { retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500), refetchOnWindowFocus: false },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
