// Prisma CLI configuration. The app does not use the CLI at run time: migrations
// are applied by core/db/migrator.ts (the native schema engine is optional).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/omnihub' },
});
