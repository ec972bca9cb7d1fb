import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, setCsrfToken } from '../api/client';
import type { SessionInfo } from '../api/types';
import { SESSION_QUERY } from '../session';

function problem(err: Error): string {
  if (!(err instanceof ApiError)) return err.message;
  if (err.status === 401) return 'Wrong user name or password.';
  // The server says for how long: "too many failed sign-in attempts …; retry in 42 s".
  if (err.status === 429) return `Too many failed attempts: ${err.message}.`;
  if (err.code === 'not_configured') return 'No console users are configured yet: ask an administrator to add you to the configuration file.';
  return err.message;
}

/** Shown whenever GET /api/session answers 401 (not signed in, or the session ended). */
export function SignInPage({ ended }: { ended: boolean }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => api<SessionInfo>('POST', '/api/session', { name, password }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      client.setQueryData(SESSION_QUERY, { ...session, via: 'session' });
    },
    onError: () => setPassword(''),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!signIn.isPending) signIn.mutate();
  };

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Switchyard</h1>
        {ended && !signIn.error ? <p>Your session has ended; please sign in again.</p> : null}
        <label htmlFor="sign-in-name">User name</label>
        <input id="sign-in-name" name="name" autoComplete="username" required value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        <label htmlFor="sign-in-password">Password</label>
        <input id="sign-in-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {signIn.error ? (
          <p role="alert" className="error">
            {problem(signIn.error)}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
