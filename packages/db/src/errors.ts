// PgBouncer answers for a Postgres it cannot reach (or for its own limits) with SQLSTATE 08P01 and
// messages of its own: "server conn crashed?", "server login has been failing", "query_wait_timeout",
// "no more connections allowed (max_client_conn)", "pgbouncer cannot connect to server". 08000/08001/
// 08003/08004/08006 are Postgres's own connection-exception class.
const POOLER = /08P01|\b0800[0-46]\b|server conn crashed|server login has been failing|query_wait_timeout|no more connections allowed|pgbouncer cannot connect|client_login_timeout/;
const UNAVAILABLE = new RegExp(
  `${/ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|Can't reach database|too many clients|P1001|P1002|P1017|DatabaseNotReachable|57P0[13]/.source}|${POOLER.source}`,
  'i',
);

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
