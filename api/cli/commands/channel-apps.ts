// omnihub channels app-set | app-show — the channel application's credentials (one set per
// channel type, shared by its accounts), on the database or through the running hub's API.
// Values are never printed: app-show lists the names of those set.
import { ZodError, z } from 'zod';
import { CHANNEL_TYPES, type ChannelType } from '../../../core/accounts/accounts.ts';
import { describeApp, setAppCredentials } from '../../../core/accounts/channel-apps.ts';
import { type CommandSpec, keyValues, type ParsedArgs, UsageError } from '../args.ts';
import type { HubClient } from '../hub-client.ts';
import { type CliContext, EXIT, withDatabaseOrHub } from '../io.ts';

const type = {
  type: 'string',
  required: true,
  valueName: 'type',
  choices: CHANNEL_TYPES,
  description: 'the channel',
} as const;

export const channelsAppSet: CommandSpec = {
  name: 'channels app-set',
  summary:
    "Set the channel application's credentials (replacing any stored), used to verify webhooks sent to " +
    '/webhooks/channel/<type>. Encrypted at rest with OMNIHUB_SECRET_KEY.',
  options: {
    type,
    credential: {
      type: 'string',
      multiple: true,
      required: true,
      valueName: 'key=value',
      description: "a secret of the channel's application (e.g. signatureKey=…)",
    },
  },
  examples: ['omnihub channels app-set --type pos --credential signatureKey=…'],
};

export const channelsAppShow: CommandSpec = {
  name: 'channels app-show',
  summary: "Which of the channel application's credentials are set (never their values).",
  options: { type },
};

/** The same rule as PUT /api/v1/channel-apps/{type}, for the direct path. */
const Credentials = z.record(z.string().min(1).max(100), z.string().min(1).max(10_000));

function show(ctx: CliContext, t: string, a: { credentials: Record<string, string>; updatedAt: string }): number {
  ctx.stdout.write(`${t}  ${Object.keys(a.credentials).sort().join(',')}  set  (updated ${a.updatedAt})\n`);
  return EXIT.ok;
}

function hubFailed(ctx: CliContext, hub: HubClient, r: { status: number; body: { error?: { message?: string } } }) {
  ctx.stderr.write(`the hub at ${hub.url} answered ${r.status}: ${r.body?.error?.message ?? 'no detail'}\n`);
  return EXIT.failed;
}

export async function runChannelsAppSet(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const t = args.options.type as ChannelType;
  const raw = keyValues(args.options.credential as string[] | undefined, 'credential', channelsAppSet.name);
  let credentials: Record<string, string>;
  try {
    credentials = Credentials.parse(raw);
  } catch (e) {
    const issue = e instanceof ZodError ? e.issues[0] : undefined;
    throw new UsageError(
      `--credential ${String(issue?.path[0] ?? '')}=…: ${issue?.message ?? 'invalid'}`,
      channelsAppSet.name,
    );
  }
  return withDatabaseOrHub(
    ctx,
    async (db) => {
      await setAppCredentials(db.prisma, await ctx.secretKey(), t, credentials, 'cli');
      ctx.stderr.write(`Set the ${t} app credentials. Point the channel's app webhooks at /webhooks/channel/${t}\n`);
      return EXIT.ok;
    },
    async (hub) => {
      const r = await hub.call('PUT', `/channel-apps/${t}`, { credentials });
      if (r.status !== 200) return hubFailed(ctx, hub, r);
      ctx.stderr.write(
        `Set the ${t} app credentials. Point the channel's app webhooks at ${r.body.webhookUrl ?? r.body.webhookPath}\n`,
      );
      return EXIT.ok;
    },
  );
}

export async function runChannelsAppShow(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const t = args.options.type as ChannelType;
  const none = () => {
    ctx.stderr.write(
      `no app credentials for ${t}; set them with: omnihub channels app-set --type ${t} --credential …\n`,
    );
    return EXIT.failed;
  };
  return withDatabaseOrHub(
    ctx,
    async (db) => {
      const a = await describeApp(db.prisma, await ctx.secretKey(), t);
      return a ? show(ctx, t, { credentials: a.credentials, updatedAt: a.updatedAt.toISOString() }) : none();
    },
    async (hub) => {
      const r = await hub.call('GET', `/channel-apps/${t}`);
      if (r.status === 404) return none();
      return r.status === 200 ? show(ctx, t, r.body) : hubFailed(ctx, hub, r);
    },
  );
}
