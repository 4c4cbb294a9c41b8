import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs through the CLI here (the native schema engine cannot be
// downloaded); migrations are applied by libs/db's runner. See scripts/prisma-generate.mjs.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
