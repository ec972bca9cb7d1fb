import type { RequestHandler } from 'express';
import type { ConsoleRole } from '@switchyard/settings';

/** Each role can do everything the ones before it can. */
const ORDER: readonly ConsoleRole[] = ['viewer', 'operator', 'admin'];

export function hasRole(held: ConsoleRole | undefined, needed: ConsoleRole): boolean {
  return held !== undefined && ORDER.indexOf(held) >= ORDER.indexOf(needed);
}

/** The role `authenticate` verified for this request (OPS_TOKEN acts as admin). */
export function opsRoleOf(locals: Record<string, unknown>): ConsoleRole | undefined {
  const role = locals.opsRole;
  return typeof role === 'string' && (ORDER as readonly string[]).includes(role) ? (role as ConsoleRole) : undefined;
}

/**
 * Lets the request through only when the caller's role is at least `needed`; otherwise 403 naming
 * the role needed. The same rule the console's buttons follow, so a hand-made request gains nothing.
 */
export function requireRole(needed: ConsoleRole): RequestHandler {
  return (_req, res, next) => {
    const held = opsRoleOf(res.locals);
    if (hasRole(held, needed)) {
      next();
      return;
    }
    res.status(403).json({ error: 'forbidden', message: `this needs the ${needed} role; you are signed in as ${held ?? 'nobody'}` });
  };
}

/** Reads need `read`, writes (POST, PUT, PATCH, DELETE) need `write`: for Bull Board, whose routes are not ours. */
export function requireRoleByMethod(read: ConsoleRole, write: ConsoleRole): RequestHandler {
  const reads = requireRole(read);
  const writes = requireRole(write);
  return (req, res, next) => (['GET', 'HEAD', 'OPTIONS'].includes(req.method) ? reads : writes)(req, res, next);
}
