import type { CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './database';

/**
 * Stands for one named parameter while a statement is built. Kysely passes any value it does not
 * know as a bind parameter, so each slot comes out of the compiler as one entry of `parameters`,
 * where a call puts the caller's value.
 */
class Slot {
  constructor(readonly name: string) {}
}

/** What a statement's builder gets: `param('x')` wherever the caller's `x` goes (typed as it). */
export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

/**
 * What a builder returns: a query builder (its compile() takes nothing) or a `sql` template (its
 * compile needs the database it runs on, for the dialect's compiler).
 */
interface Buildable {
  compile(db: Db): CompiledQuery<unknown>;
}

/** The row type a builder produces (a select's columns, a RETURNING's, or Kysely's Update/InsertResult). */
type RowOf<B> = B extends { compile(db: Db): CompiledQuery<infer O> } ? O : never;

/**
 * A hot statement, built and compiled once instead of on every call:
 * `const selectX = compiledStatement<{ id: string }>()((db, param) => db.selectFrom('x').selectAll().where('id', '=', param('id')))`,
 * then `(await selectX(db, { id })).rows`.
 *
 * Building a query with Kysely's builders (or a `sql` template) and compiling it costs tens of
 * microseconds a call: CPU profiles of the pipeline bench put it at about 0.3 ms per event in the
 * payments worker and 0.5 ms in the whatsapp worker. A statement is the same text every time, so it
 * is built once (on first use, with a slot for each parameter) and each call only fills the slots.
 * The text, and so the pool's prepared-statement name, is the builder's.
 *
 * `build` must only pass parameters through (into `where`, `set`, `values`, `sql` templates): it
 * runs once, with slots in place of values, so a builder that looked at a value (`$if(lock)`,
 * `error.slice(…)`) would decide once for every call; shape values before the call, and make a
 * statement whose text depends on a value two statements. A slot the builder asked for that does
 * not reach the compiled parameters is an error at first use, never a silently dropped value.
 */
export function compiledStatement<P extends object>() {
  return <B extends Buildable>(build: (db: Db, param: Param<P>) => B) => {
    let compiled: { query: CompiledQuery<RowOf<B>>; fill: (params: P) => unknown[] } | undefined;
    function compile(db: Db) {
      const slots = new Map<string, Slot>();
      const param = ((name: string) => {
        let slot = slots.get(name);
        if (!slot) slots.set(name, (slot = new Slot(name)));
        return slot;
      }) as unknown as Param<P>;
      const query = build(db, param).compile(db) as CompiledQuery<RowOf<B>>;
      const lost = [...slots.values()].filter((slot) => !query.parameters.includes(slot));
      if (lost.length) throw new Error(`compiledStatement: parameter(s) ${lost.map((s) => s.name).join(', ')} never reach the statement: ${query.sql}`);
      // Per position: the caller's value for a slot, the constant the builder put there otherwise.
      const sources = query.parameters.map((v): ((params: P) => unknown) => {
        if (!(v instanceof Slot)) return () => v;
        const name = v.name as keyof P;
        return (params) => params[name];
      });
      return { query, fill: (params: P) => sources.map((source) => source(params)) };
    }
    return async function run(db: Db, params: P): Promise<QueryResult<RowOf<B>>> {
      compiled ??= compile(db);
      return db.executeQuery<RowOf<B>>({ ...compiled.query, parameters: compiled.fill(params) });
    };
  };
}
