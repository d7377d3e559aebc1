// omnihub channels add | list | test
import { ZodError } from 'zod';
import { CHANNEL_TYPES, createAccount } from '../../../core/accounts/accounts.ts';
import { isUniqueViolation } from '../../rest/errors.ts';
import { type CommandSpec, keyValues, type ParsedArgs, UsageError } from '../args.ts';
import { type CliContext, EXIT, withDatabase } from '../io.ts';
import { openCliAccount } from './open-account.ts';

export const channelsAdd: CommandSpec = {
  name: 'channels add',
  summary: 'Add a channel account. Credentials are encrypted at rest with OMNIHUB_SECRET_KEY.',
  options: {
    type: { type: 'string', required: true, valueName: 'type', choices: CHANNEL_TYPES, description: 'the channel' },
    name: { type: 'string', required: true, valueName: 'name', description: 'a name people recognise' },
    id: { type: 'string', valueName: 'id', description: 'the id in the webhook URL (default: generated)' },
    credential: {
      type: 'string',
      multiple: true,
      valueName: 'key=value',
      description: 'a secret (Shopify: shop, accessToken, apiSecretKey)',
    },
    setting: {
      type: 'string',
      multiple: true,
      valueName: 'key=value',
      description: 'a connector setting; JSON values allowed (pollPageSize=50)',
    },
    endpoint: { type: 'string', valueName: 'url', description: "base URL replacing the vendor's (sandbox, simulator)" },
    location: {
      type: 'string',
      multiple: true,
      valueName: 'id[=externalId]',
      description: "a location serving the channel, with the channel's id for it",
    },
  },
  examples: [
    'omnihub channels add --type shopify --name "Main shop" --id main --credential shop=acme.myshopify.com \\\n' +
      '    --credential accessToken=shpat_… --credential apiSecretKey=… --location wh=gid://shopify/Location/1',
  ],
};

export const channelsList: CommandSpec = {
  name: 'channels list',
  summary: 'List channel accounts (never their credentials).',
};

export const channelsTest: CommandSpec = {
  name: 'channels test',
  summary: 'Check that the stored credentials work (one cheap authenticated call). Exit 1 when they do not.',
  positionals: [{ name: 'account', description: 'account id (see omnihub channels list)' }],
};

function settingValue(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export async function runChannelsAdd(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const o = args.options;
  const credentials = keyValues(o.credential as string[] | undefined, 'credential', channelsAdd.name);
  const settings = Object.fromEntries(
    Object.entries(keyValues(o.setting as string[] | undefined, 'setting', channelsAdd.name)).map(([k, v]) => [
      k,
      settingValue(v),
    ]),
  );
  const locations = ((o.location as string[] | undefined) ?? []).map((l) => {
    const eq = l.indexOf('=');
    return eq < 0
      ? { locationId: l, externalLocationId: null }
      : { locationId: l.slice(0, eq), externalLocationId: l.slice(eq + 1) };
  });
  const key = await ctx.secretKey();
  return withDatabase(ctx, async (db) => {
    for (const l of locations) {
      if (!(await db.prisma.location.findUnique({ where: { id: l.locationId } }))) {
        throw new UsageError(
          `unknown location ${l.locationId}; create it first (POST /api/v1/locations)`,
          channelsAdd.name,
        );
      }
    }
    let account: { id: string; name: string; type: string };
    try {
      account = await createAccount(db.prisma, key, {
        ...(o.id ? { id: o.id as string } : {}),
        type: o.type as (typeof CHANNEL_TYPES)[number],
        name: o.name as string,
        credentials,
        settings,
        endpointOverride: (o.endpoint as string | undefined) ?? null,
      });
    } catch (e) {
      if (e instanceof ZodError) {
        const issue = e.issues[0];
        const field = issue?.path.join('.') === 'endpointOverride' ? 'endpoint' : issue?.path.join('.');
        throw new UsageError(`--${field}: ${issue?.message}`, channelsAdd.name);
      }
      if (isUniqueViolation(e))
        throw new UsageError(
          'an account with this id or name already exists (omnihub channels list)',
          channelsAdd.name,
        );
      throw e;
    }
    for (const [i, l] of locations.entries()) {
      await db.prisma.channelLocation.create({
        data: {
          accountId: account.id,
          locationId: l.locationId,
          priority: i,
          externalLocationId: l.externalLocationId,
        },
      });
    }
    ctx.stdout.write(`${account.id}\n`);
    ctx.stderr.write(
      `Added ${account.type} account "${account.name}". Point the channel's webhooks at /webhooks/${account.id}; ` +
        `check the credentials with: omnihub channels test ${account.id}\n`,
    );
    return EXIT.ok;
  });
}

export async function runChannelsList(ctx: CliContext): Promise<number> {
  return withDatabase(ctx, async (db) => {
    const rows = await db.prisma.channelAccount.findMany({ orderBy: { name: 'asc' }, include: { locations: true } });
    if (!rows.length) {
      ctx.stdout.write(
        'no channel accounts yet; add one with: omnihub channels add --type shopify --name <name> ...\n',
      );
      return EXIT.ok;
    }
    for (const a of rows) {
      ctx.stdout.write(
        `${a.id}  ${a.type.padEnd(7)}  ${a.active ? 'active  ' : 'inactive'}  /webhooks/${a.id}  ${a.name}` +
          `${a.endpointOverride ? `  endpoint=${a.endpointOverride}` : ''}` +
          `${a.locations.length ? `  locations=${a.locations.map((l) => l.locationId).join(',')}` : ''}\n`,
      );
    }
    return EXIT.ok;
  });
}

export async function runChannelsTest(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const id = args.positionals[0] as string;
  const key = await ctx.secretKey();
  return withDatabase(ctx, async (db) => {
    const opened = await openCliAccount(ctx, db.prisma, key, id, channelsTest.name);
    if (!opened) return EXIT.unavailable;
    const { account, connector } = opened;
    const result = await connector.testConnection(account);
    (result.ok ? ctx.stdout : ctx.stderr).write(`${result.ok ? 'ok' : 'failed'}: ${result.detail}\n`);
    return result.ok ? EXIT.ok : EXIT.failed;
  });
}
