import type { Request, Response } from 'express';

/** The session id: HttpOnly, so a script (or an injected one) never reads it. */
export const SESSION_COOKIE = 'switchyard_session';
/**
 * The CSRF token, readable by scripts on purpose: Bull Board's client (axios) sends this cookie back
 * as `X-XSRF-TOKEN` on its own writes, which is how its buttons pass the CSRF check. The server
 * compares the header with the token stored with the session, never with this cookie.
 */
export const CSRF_COOKIE = 'XSRF-TOKEN';

export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Secure whenever the client reached us over https (req.secure honours TRUST_PROXY's X-Forwarded-Proto). */
function flags(req: Request, maxAgeSeconds: number, httpOnly: boolean): string {
  return ['Path=/', `Max-Age=${maxAgeSeconds}`, 'SameSite=Lax', ...(httpOnly ? ['HttpOnly'] : []), ...(req.secure ? ['Secure'] : [])].join('; ');
}

export function setSessionCookies(req: Request, res: Response, session: { id: string; csrfToken: string; expiresAt: Date }, now: Date): void {
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000));
  res.append('Set-Cookie', `${SESSION_COOKIE}=${session.id}; ${flags(req, maxAge, true)}`);
  res.append('Set-Cookie', `${CSRF_COOKIE}=${session.csrfToken}; ${flags(req, maxAge, false)}`);
}

export function clearSessionCookies(req: Request, res: Response): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=; ${flags(req, 0, true)}`);
  res.append('Set-Cookie', `${CSRF_COOKIE}=; ${flags(req, 0, false)}`);
}
