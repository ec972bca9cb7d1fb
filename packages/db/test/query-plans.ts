import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import { createPool, type DB, type Pool } from '../src';

/**
 * A query layer that keeps every statement it sends, and the plans the server would use for them:
 * prepared (as the app's named statements are) and planned generically, with sequential scans
 * priced out so an index that could serve is always chosen. For tests that a console statement
 * stays fast with a million rows.
 */
export class PlanRecorder {
  readonly pool: Pool = createPool({ url: process.env.DATABASE_URL ?? '', poolSize: 2 });
  readonly sent: CompiledQuery[] = [];
  readonly db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: this.pool }), log: (event) => void this.sent.push(event.query) });

  /** The statements sent that read any of `tables`. */
  reading(tables: string[]): CompiledQuery[] {
    return this.sent.filter((q) => tables.some((t) => new RegExp(`from "${t}"`).test(q.sql)));
  }

  async plans(statements: CompiledQuery[]): Promise<string[]> {
    const client = await this.pool.connect();
    client.on('error', () => undefined);
    try {
      await client.query('SET enable_seqscan = off');
      await client.query('SET plan_cache_mode = force_generic_plan');
      const out: string[] = [];
      for (const [i, q] of statements.entries()) {
        await client.query(`PREPARE plan_${i} AS ${q.sql}`);
        const args = q.parameters.map((p) => (typeof p === 'number' ? String(p) : client.escapeLiteral(p instanceof Date ? p.toISOString() : String(p))));
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE plan_${i}${args.length ? `(${args.join(', ')})` : ''}`);
        out.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
      await client.query('DEALLOCATE ALL');
      return out;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
