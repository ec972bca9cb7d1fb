import { z } from 'zod';
import { parseEnv } from '@switchyard/config';

export const dbEnvSchema = z.object({
  DATABASE_URL: z.string().url().default('postgresql://root@127.0.0.1:5432/switchyard'),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
});
export type DbEnv = z.infer<typeof dbEnvSchema>;

export function loadDbEnv(source: NodeJS.ProcessEnv = process.env): DbEnv {
  return parseEnv(dbEnvSchema, source);
}
