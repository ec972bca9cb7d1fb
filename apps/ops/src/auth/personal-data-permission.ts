import type { RequestHandler } from 'express';
import type { ConsoleRole } from '@switchyard/settings';
import { sessionOf } from './authenticate';
import { opsRoleOf } from './roles';

/**
 * Who may see a customer's unmasked email, phone and name: admins (and OPS_TOKEN, which acts as
 * admin), and operators whose console user has `revealPersonalData: true` in the configuration
 * file. Everyone else sees them masked (search/person-masking.ts).
 */
export function mayReveal(role: ConsoleRole | undefined, revealPersonalData: boolean): boolean {
  return role === 'admin' || (role === 'operator' && revealPersonalData);
}

/** Whether the caller `authenticate` verified may reveal personal data. */
export function mayRevealPersonalData(locals: Record<string, unknown>): boolean {
  return mayReveal(opsRoleOf(locals), sessionOf(locals)?.revealPersonalData === true);
}

/** 403 naming the permission and how it is granted, for anyone who may not reveal personal data. */
export function requirePersonalDataPermission(): RequestHandler {
  return (_req, res, next) => {
    if (mayRevealPersonalData(res.locals)) {
      next();
      return;
    }
    const role = opsRoleOf(res.locals);
    res.status(403).json({
      error: 'forbidden',
      message: `this needs the revealPersonalData permission (admins have it; an operator has it with revealPersonalData: true under console.users in the configuration file); you are signed in as ${role ?? 'nobody'}`,
    });
  };
}
