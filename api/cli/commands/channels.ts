// omnihub channels add | list | test — on the database, or through the running hub's API when
// it holds the embedded database (the hub then knows the new account at once).
import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { AccountInputError } from '../../../connectors/connector.ts';
import { defaultConnectors } from '../../../connectors/registry.ts';
import { CHANNEL_TYPES, createAccount } from '../../../core/accounts/accounts.ts';
import { prepareAccount, testAccount } from '../../accounts/prepare.ts';
import type { AutoSubscription } from '../../rest/accounts/webhooks.ts';
import { isUniqueViolation } from '../../rest/errors.ts';
import { type CommandSpec, keyValues, type ParsedArgs, UsageError } from '../args.ts';
import type { HubClient } from '../hub-client.ts';
import { type CliContext, EXIT, withDatabaseOrHub } from '../io.ts';
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
      description: 'a secret (Shopify, all required: shop, accessToken, apiSecretKey)',
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
    test: {
      type: 'boolean',
      description: 'call the channel with these credentials first; store nothing if it refuses',
    },
  },
  notes: [
    'The shop is stored as "<name>.myshopify.com" whatever form it is given in (https://…/, admin.shopify.com/store/<name>). ' +
      'When a hub is running on the embedded database, the account is created through its API.',
  ],
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

/** The command-line option that carries an account field (credentials.shop → --credential shop=…). */
function optionFor(field: string): string {
  const [head, key] = field.split('.', 2);
  if (head === 'credentials') return `--credential ${key ?? ''}=…`;
  if (head === 'settings') return key ? `--setting ${key}=…` : '--setting';
  if (head === 'endpointOverride') return '--endpoint';
  if (head === 'locations') return '--location';
  return `--${head}`;
}

function refused(field: string, message: string): UsageError {
  return new UsageError(`${optionFor(field)}: ${message}`, channelsAdd.name);
}

/** Where the account's notifications go: channels whose notifications are the application's take them at one address per type. */
function webhookPath(account: { id: string; type: string }): string {
  const connector = defaultConnectors()[account.type as (typeof CHANNEL_TYPES)[number]];
  return connector?.verifyAppWebhook ? `/webhooks/channel/${account.type}` : `/webhooks/${account.id}`;
}

function added(ctx: CliContext, account: { id: string; name: string; type: string }, warnings: string[]): number {
  for (const w of warnings) ctx.stderr.write(`warning: ${w}\n`);
  ctx.stdout.write(`${account.id}\n`);
  const where = webhookPath(account);
  const app = where.startsWith('/webhooks/channel/')
    ? ` (the application's; set its secrets with PUT /api/v1/channel-apps/${account.type})`
    : '';
  ctx.stderr.write(
    `Added ${account.type} account "${account.name}". Point the channel's webhooks at ${where}${app}; ` +
      `check the credentials with: omnihub channels test ${account.id}\n`,
  );
  return EXIT.ok;
}

function connectionFailed(ctx: CliContext, detail: string): number {
  ctx.stderr.write(`failed: ${detail}; nothing was stored\n`);
  return EXIT.failed;
}

const DUPLICATE = 'an account with this id or name already exists (omnihub channels list)';

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
  const input = {
    id: (o.id as string | undefined) ?? randomUUID(),
    type: o.type as (typeof CHANNEL_TYPES)[number],
    name: o.name as string,
    credentials,
    settings,
    endpointOverride: (o.endpoint as string | undefined) ?? null,
  };
  return withDatabaseOrHub(
    ctx,
    async (db) => {
      const key = await ctx.secretKey();
      for (const l of locations) {
        if (!(await db.prisma.location.findUnique({ where: { id: l.locationId } }))) {
          throw new UsageError(
            `unknown location ${l.locationId}; create it first (POST /api/v1/locations)`,
            channelsAdd.name,
          );
        }
      }
      const connectors = defaultConnectors();
      let prepared: Awaited<ReturnType<typeof prepareAccount>>;
      try {
        prepared = await prepareAccount({ prisma: db.prisma, secretKey: key, connectors }, input);
      } catch (e) {
        if (e instanceof AccountInputError) throw refused(e.field, e.message.slice(e.field.length + 2));
        throw e;
      }
      if (o.test) {
        const r = await testAccount(connectors, { ...input, ...prepared });
        if (!r.ok) return connectionFailed(ctx, r.detail);
        ctx.stderr.write(`ok: ${r.detail}\n`);
      }
      let account: { id: string; name: string; type: string };
      try {
        account = await createAccount(db.prisma, key, { ...input, ...prepared });
      } catch (e) {
        if (e instanceof ZodError) {
          const issue = e.issues[0];
          throw refused(issue?.path.join('.') ?? '', issue?.message ?? 'invalid');
        }
        if (isUniqueViolation(e)) throw new UsageError(DUPLICATE, channelsAdd.name);
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
      return added(ctx, account, prepared.warnings);
    },
    async (hub) => {
      const r = await hub.call('POST', `/channel-accounts${o.test ? '?test=true' : ''}`, {
        ...input,
        locations: locations.map((l, i) => ({ ...l, priority: i })),
      });
      if (r.status === 201) {
        if (r.body.connectionTest) ctx.stderr.write(`ok: ${r.body.connectionTest.detail}\n`);
        printWebhooks(ctx, r.body.webhooks);
        return added(ctx, r.body, r.body.warnings ?? []);
      }
      const error = r.body?.error;
      if (r.status === 400) {
        const f = error?.fields?.[0] as { path: string; message: string } | undefined;
        if (f?.path.startsWith('locations.'))
          throw new UsageError(`${f.message}; create it first (POST /api/v1/locations)`, channelsAdd.name);
        throw f ? refused(f.path, f.message) : new UsageError(error?.message ?? 'refused', channelsAdd.name);
      }
      if (r.status === 409) throw new UsageError(DUPLICATE, channelsAdd.name);
      if (r.status === 422) return connectionFailed(ctx, error?.message ?? 'refused');
      return hubFailed(ctx, hub, r);
    },
  );
}

function hubFailed(ctx: CliContext, hub: HubClient, r: { status: number; body: { error?: { message?: string } } }) {
  ctx.stderr.write(`the hub at ${hub.url} answered ${r.status}: ${r.body?.error?.message ?? 'no detail'}\n`);
  return EXIT.failed;
}

interface ListedAccount {
  id: string;
  type: string;
  active: boolean;
  name: string;
  endpointOverride: string | null;
  locations: { locationId: string }[];
}

function printAccounts(ctx: CliContext, rows: ListedAccount[]): number {
  if (!rows.length) {
    ctx.stdout.write('no channel accounts yet; add one with: omnihub channels add --type shopify --name <name> ...\n');
    return EXIT.ok;
  }
  for (const a of rows) {
    ctx.stdout.write(
      `${a.id}  ${a.type.padEnd(7)}  ${a.active ? 'active  ' : 'inactive'}  ${webhookPath(a)}  ${a.name}` +
        `${a.endpointOverride ? `  endpoint=${a.endpointOverride}` : ''}` +
        `${a.locations.length ? `  locations=${a.locations.map((l) => l.locationId).join(',')}` : ''}\n`,
    );
  }
  return EXIT.ok;
}

export async function runChannelsList(ctx: CliContext): Promise<number> {
  return withDatabaseOrHub(
    ctx,
    async (db) =>
      printAccounts(
        ctx,
        await db.prisma.channelAccount.findMany({ orderBy: { name: 'asc' }, include: { locations: true } }),
      ),
    async (hub) => {
      const r = await hub.call('GET', '/channel-accounts');
      return r.status === 200 ? printAccounts(ctx, r.body.data) : hubFailed(ctx, hub, r);
    },
  );
}

function printWebhooks(ctx: CliContext, w: AutoSubscription | undefined): void {
  if (!w) return;
  if (w.skipped) ctx.stderr.write(`webhooks: not subscribed: ${w.skipped}\n`);
  else if (w.error) ctx.stderr.write(`webhooks: subscribing at ${w.callbackUrl} failed: ${w.error}\n`);
  else {
    const list = (t: string[] | undefined) => (t?.length ? t.join(', ') : 'none');
    // stderr, like the other notes: stdout of `channels add` is the new account's id, for scripts.
    ctx.stderr.write(
      `webhooks at ${w.callbackUrl}: subscribed ${list(w.created)}; already there ${list(w.existing)}\n`,
    );
    for (const f of w.failed ?? []) ctx.stderr.write(`webhooks: ${f.topic} refused: ${f.message}\n`);
  }
}

function printTest(ctx: CliContext, result: { ok: boolean; detail: string; webhooks?: AutoSubscription }): number {
  (result.ok ? ctx.stdout : ctx.stderr).write(`${result.ok ? 'ok' : 'failed'}: ${result.detail}\n`);
  printWebhooks(ctx, result.webhooks);
  return result.ok ? EXIT.ok : EXIT.failed;
}

export async function runChannelsTest(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const id = args.positionals[0] as string;
  return withDatabaseOrHub(
    ctx,
    async (db) => {
      const key = await ctx.secretKey();
      const opened = await openCliAccount(ctx, db.prisma, key, id, channelsTest.name);
      if (!opened) return EXIT.unavailable;
      return printTest(ctx, await testAccount({ [opened.account.type]: opened.connector }, opened.account));
    },
    async (hub) => {
      const r = await hub.call('POST', `/channel-accounts/${encodeURIComponent(id)}/test`);
      if (r.status === 404) throw new UsageError(`unknown account ${id}; see omnihub channels list`, channelsTest.name);
      return r.status === 200 ? printTest(ctx, r.body) : hubFailed(ctx, hub, r);
    },
  );
}
