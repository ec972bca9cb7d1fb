import { openSchemaEngine } from './schema-engine';
import { readMigrationList, readSchema, schemaPath } from './migration-files';

const noFilters = { externalTables: [], externalEnums: [] };

/** Applies committed migrations and records them in `_prisma_migrations` as `prisma migrate deploy` does. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const { engine, close } = await openSchemaEngine(databaseUrl, schemaPath, await readSchema());
  try {
    const result = await engine.applyMigrations({ migrationsList: await readMigrationList(), filters: noFilters });
    return result.appliedMigrationNames;
  } finally {
    close();
  }
}

/** SQL that takes the schema `from` (or an empty database) to the schema `to`. */
export async function diffSchemas(databaseUrl: string, from: string | null, to: string): Promise<string> {
  const { engine, close } = await openSchemaEngine(databaseUrl, schemaPath, to);
  try {
    const result = await engine.diff({
      from: from === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: from }] },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: to }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? '';
  } finally {
    close();
  }
}
