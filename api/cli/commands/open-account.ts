// The account a CLI command acts on, with its connector: one lookup and one set of
// messages for `channels test` and `sync`.
import type { ChannelConnector } from '../../../connectors/connector.ts';
import { defaultConnectors } from '../../../connectors/registry.ts';
import { type AccountContext, loadAccountContext, UnknownAccountError } from '../../../core/accounts/accounts.ts';
import type { PrismaClient } from '../../../core/db/generated/prisma/client.ts';
import { UsageError } from '../args.ts';
import type { CliContext } from '../io.ts';

/** Null (after saying why on stderr) when this build has no connector for the account's channel. */
export async function openCliAccount(
  ctx: CliContext,
  prisma: PrismaClient,
  key: Uint8Array,
  id: string,
  command: string,
): Promise<{ account: AccountContext; connector: ChannelConnector } | null> {
  let account: AccountContext;
  try {
    account = await loadAccountContext(prisma, key, id);
  } catch (e) {
    if (e instanceof UnknownAccountError)
      throw new UsageError(`unknown account ${id}; see omnihub channels list`, command);
    throw e;
  }
  const connector = defaultConnectors()[account.type];
  if (!connector) {
    ctx.stderr.write(`no connector for channel type ${account.type} in this build\n`);
    return null;
  }
  return { account, connector };
}
