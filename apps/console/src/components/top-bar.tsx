import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, setCsrfToken } from '../api/client';
import { Link, navigate, useLocation } from '../router';
import { SESSION_QUERY, useSession } from '../session';

const PAGES = [
  { to: '/', label: 'Dashboard' },
  { to: '/failures', label: 'Failures' },
  { to: '/attention', label: 'Attention' },
  { to: '/alerts', label: 'Alerts' },
];

/** Navigation, the one search box, and who is signed in. */
export function TopBar() {
  const { user, via } = useSession();
  const location = useLocation();
  const client = useQueryClient();
  const [q, setQ] = useState(location.pathname === '/search' ? (location.searchParams.get('q') ?? '') : '');
  const signOut = useMutation({
    mutationFn: () => api('DELETE', '/api/session'),
    onSuccess: async () => {
      setCsrfToken(null);
      navigate('/');
      // Nothing read under this session stays in memory; asking the session again shows the sign-in form.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_QUERY[0] });
      await client.resetQueries({ queryKey: SESSION_QUERY });
    },
  });

  const search = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };

  return (
    <header className="top-bar">
      <nav aria-label="Console pages">
        <span className="brand">Switchyard</span>
        {PAGES.map((p) => (
          <Link key={p.to} to={p.to} aria-current={location.pathname === p.to ? 'page' : undefined}>
            {p.label}
          </Link>
        ))}
        <a href="/ops/queues">Queues</a>
      </nav>
      <form role="search" onSubmit={search}>
        <label htmlFor="search-box" className="visually-hidden">
          Search payments, customers, orders, messages
        </label>
        <input id="search-box" type="search" placeholder="Payment or order id, email, phone, message id…" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <div className="who">
        <span>
          {user.name} <span className="role">({user.role})</span>
        </span>
        {via === 'session' ? (
          <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        ) : null}
      </div>
    </header>
  );
}
