const UNAVAILABLE = /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|Can't reach database|too many clients|P1001|P1002|P1017|DatabaseNotReachable|57P0[13]/i;

/** True when an error means "cannot reach Postgres" rather than "the query was wrong". */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    const anyE = e as { message?: string; code?: string; cause?: unknown };
    if (UNAVAILABLE.test(`${anyE.code ?? ''} ${anyE.message ?? ''}`)) return true;
    e = anyE.cause;
  }
  return false;
}

/** A deadlock or serialization failure: the statement lost a race and can simply be tried again. */
export function isTransientConflict(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    const anyE = e as { code?: string; cause?: unknown };
    if (anyE.code === '40P01' || anyE.code === '40001') return true;
    e = anyE.cause;
  }
  return false;
}
