import { parseArgs } from 'node:util';
import type { CliIo } from './run-cli';
import { UsageError } from './cli-args';

export const ERASURE_USAGE = `Usage:
  switchyard erasure (--email ADDRESS | --phone NUMBER) --reason TEXT [--ops URL]
Removes or masks that person's data everywhere Switchyard stores it, through the ops API
(OPS_URL, default http://127.0.0.1:3001, authenticated with OPS_TOKEN). Prints what changed.`;

/** `switchyard erasure`: the CLI face of `POST /api/erasure`, so the same audit trail records it. */
export async function erasureCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let values: { email?: string; phone?: string; reason?: string; ops?: string };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { email: { type: 'string' }, phone: { type: 'string' }, reason: { type: 'string' }, ops: { type: 'string' } }, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${ERASURE_USAGE}`);
  }
  if (!values.email && !values.phone) throw new UsageError(`erasure needs --email or --phone\n\n${ERASURE_USAGE}`);
  if (!values.reason) throw new UsageError(`erasure needs --reason (it goes to the audit trail)\n\n${ERASURE_USAGE}`);
  const token = io.env.OPS_TOKEN;
  if (!token) throw new UsageError('erasure needs OPS_TOKEN (or OPS_TOKEN_FILE) in the environment');
  const url = `${(values.ops ?? io.env.OPS_URL).replace(/\/$/, '')}/api/erasure`;
  const res = await (io.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...(values.email ? { email: values.email } : {}), ...(values.phone ? { phone: values.phone } : {}), reason: values.reason }),
  });
  const body = (await res.json().catch(() => ({}))) as { erasureId?: string; changed?: Record<string, number>; total?: number; message?: string };
  if (!res.ok) {
    io.err(`erasure refused: ${res.status} ${body.message ?? res.statusText}`);
    return 1;
  }
  io.out(`# erasure ${body.erasureId ?? '?'}: ${body.total ?? 0} rows changed${body.total ? '' : ' (nothing left to erase)'}`);
  for (const [table, n] of Object.entries(body.changed ?? {})) if (n > 0) io.out(`${table.padEnd(18)} ${n}`);
  return 0;
}
