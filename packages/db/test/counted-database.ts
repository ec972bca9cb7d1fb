import { createDatabase, createDb, poolOf, type Database, type PrismaClient } from '../src';

/**
 * The shared test database through a pool whose statements are counted, for the tests of
 * group-committed statements (a batch is one statement, so one connection taken from the pool):
 * `db` (Prisma) for fixtures and reads, `database` for the code under test, `statements` taken
 * since `reset()`. Registers its own beforeAll and afterAll.
 */
export function countedDatabase(): { readonly db: PrismaClient; readonly database: Database; readonly statements: number; reset(): void } {
  let db: PrismaClient | undefined;
  let database: Database | undefined;
  let statements = 0;
  beforeAll(() => {
    db = createDb({ url: process.env.DATABASE_URL ?? '', poolSize: 4 });
    const pool = poolOf(db);
    if (!pool) throw new Error('createDb made a client without a pool');
    database = createDatabase({ url: '', pool });
    pool.on('acquire', () => statements++);
  });
  afterAll(async () => {
    await db?.$disconnect();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('countedDatabase: used outside a test (it opens in beforeAll)');
    return value;
  };
  return {
    get db() {
      return opened(db);
    },
    get database() {
      return opened(database);
    },
    get statements() {
      return statements;
    },
    reset: () => {
      statements = 0;
    },
  };
}
