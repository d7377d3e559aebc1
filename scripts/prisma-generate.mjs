// Runs `prisma generate`. Generate needs only Prisma's wasm, but the CLI still
// looks for the native schema engine, which cannot be downloaded everywhere
// (offline machines, closed CI): point it at a placeholder unless the user set one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(import.meta.url);
const bin = fileURLToPath(new URL('../node_modules/.bin/prisma', import.meta.url));
if (!existsSync(bin)) {
  console.error('prisma is not installed: run `npm ci` first');
  process.exit(1);
}
const r = spawnSync(bin, ['generate'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
