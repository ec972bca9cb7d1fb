import path from 'node:path';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: path.join(__dirname, '../../prisma/schema.prisma'),
  migrations: { path: path.join(__dirname, '../../prisma/migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://root@127.0.0.1:5432/switchyard' },
});
