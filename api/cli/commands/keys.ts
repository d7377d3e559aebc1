// omnihub keys create | list | revoke
import { API_KEY_ROLES, ApiKeyError, createApiKey, listApiKeys, revokeApiKey } from '../../../core/auth/api-keys.ts';
import { type CommandSpec, type ParsedArgs, UsageError } from '../args.ts';
import { type CliContext, EXIT, withDatabase } from '../io.ts';

export const keysCreate: CommandSpec = {
  name: 'keys create',
  summary: 'Create an API key. The key is printed once on stdout; only its hash is stored.',
  options: {
    role: {
      type: 'string',
      required: true,
      valueName: 'role',
      choices: API_KEY_ROLES,
      description: 'what the key may do',
    },
    name: { type: 'string', required: true, valueName: 'name', description: 'who or what uses the key' },
    location: { type: 'string', multiple: true, valueName: 'id', description: 'a store a staff key acts for' },
  },
  notes: ['admin: everything; readonly: every GET, no write; staff: pickups and stock of its --location stores.'],
  examples: [
    'omnihub keys create --role admin --name "ops laptop"',
    'omnihub keys create --role staff --location store-paris --name "Paris counter"',
    'KEY=$(omnihub keys create --role readonly --name grafana)',
  ],
};

export const keysList: CommandSpec = { name: 'keys list', summary: 'List API keys (never the keys themselves).' };

export const keysRevoke: CommandSpec = {
  name: 'keys revoke',
  summary: 'Revoke an API key; requests with it are refused from then on.',
  positionals: [{ name: 'id', description: 'the key id (see omnihub keys list)' }],
};

export async function runKeysCreate(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const o = args.options;
  const role = o.role as (typeof API_KEY_ROLES)[number];
  const locations = (o.location as string[] | undefined) ?? [];
  if (role === 'staff' && locations.length === 0) {
    throw new UsageError('a staff key needs at least one --location <store id>', keysCreate.name);
  }
  if (role !== 'staff' && locations.length > 0) {
    throw new UsageError(`--location is for staff keys only (this key is ${role})`, keysCreate.name);
  }
  return withDatabase(ctx, async (db) => {
    try {
      const { key, record } = await createApiKey(db.prisma, { name: o.name as string, role, locationIds: locations });
      ctx.stderr.write(
        `Created ${record.role} key "${record.name}" (id ${record.id}${record.locationIds.length ? `, stores ${record.locationIds.join(', ')}` : ''}).\n` +
          'It is shown this once; store it now:\n',
      );
      ctx.stdout.write(`${key}\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof ApiKeyError)
        throw new UsageError(`${e.message}; list locations with GET /api/v1/locations`, keysCreate.name);
      throw e;
    }
  });
}

export async function runKeysList(ctx: CliContext): Promise<number> {
  return withDatabase(ctx, async (db) => {
    const keys = await listApiKeys(db.prisma);
    if (!keys.length) {
      ctx.stdout.write('no API keys yet; create one with: omnihub keys create --role admin --name <name>\n');
      return EXIT.ok;
    }
    for (const k of keys) {
      ctx.stdout.write(
        [
          k.id,
          `ohk_${k.prefix}_…`,
          k.role.padEnd(8),
          k.revokedAt ? 'revoked' : 'active ',
          k.lastUsedAt ? `used ${k.lastUsedAt.toISOString()}` : 'never used',
          k.name,
          k.locationIds.join(','),
        ]
          .join('  ')
          .trimEnd()
          .concat('\n'),
      );
    }
    return EXIT.ok;
  });
}

export async function runKeysRevoke(ctx: CliContext, args: ParsedArgs): Promise<number> {
  return withDatabase(ctx, async (db) => {
    try {
      const k = await revokeApiKey(db.prisma, args.positionals[0] as string, ctx.clock.now());
      ctx.stdout.write(`revoked ${k.id} (${k.name})\n`);
      return EXIT.ok;
    } catch (e) {
      if (e instanceof ApiKeyError) throw new UsageError(`${e.message}; see omnihub keys list`, keysRevoke.name);
      throw e;
    }
  });
}
