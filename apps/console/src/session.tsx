import { createContext, useContext } from 'react';
import type { Role, SessionInfo } from './api/types';

/** The query GET /api/session answers; a 401 there shows the sign-in form. */
export const SESSION_QUERY = ['session'] as const;

export const SessionContext = createContext<SessionInfo | null>(null);

/** The signed-in user; only rendered below the sign-in gate, so always present there. */
export function useSession(): SessionInfo {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is used outside the signed-in part of the console');
  return session;
}

/** Whether this role may act (retry, resend, resolve…): the API refuses viewers the same (403). */
export const mayAct = (role: Role) => role === 'operator' || role === 'admin';
