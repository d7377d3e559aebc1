// The first admin key. With OMNIHUB_ADMIN_TOKEN set, that token is the way in (the API
// accepts it as a bearer token as it is) and nothing is created. Without it, the first
// start of a hub that has no key at all creates an admin key and prints it once; later
// starts, and other processes starting at the same moment, create nothing.
import type { Config } from '../config.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { type ApiKeyRecord, createApiKey } from './api-keys.ts';

export type FirstAdminKeyResult =
  | { kind: 'token' }
  | { kind: 'existing' }
  | { kind: 'created'; key: string; record: ApiKeyRecord };

export const FIRST_ADMIN_KEY_NAME = 'first admin key';

export async function ensureFirstAdminKey(
  prisma: PrismaClient,
  config: Pick<Config, 'adminToken'>,
  print: (text: string) => void,
): Promise<FirstAdminKeyResult> {
  if (config.adminToken) return { kind: 'token' };
  const result = await prisma.$transaction(
    async (tx): Promise<FirstAdminKeyResult> => {
      // Serialises concurrent first starts: only one of them sees an empty table.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('omnihub:first-admin-key'))`;
      if ((await tx.apiKey.count({ where: { revokedAt: null } })) > 0) return { kind: 'existing' };
      const { key, record } = await createApiKey(tx, { name: FIRST_ADMIN_KEY_NAME, role: 'admin' });
      return { kind: 'created', key, record };
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  if (result.kind === 'created') {
    print(
      [
        '',
        'No API key existed, so omnihub created the first admin key. It is shown this once only:',
        '',
        `    ${result.key}`,
        '',
        'Use it as "Authorization: Bearer <key>". Store it now; the hub keeps only its hash.',
        'Create more keys with "omnihub keys create" or POST /api/v1/api-keys.',
        '',
      ].join('\n'),
    );
  }
  return result;
}
