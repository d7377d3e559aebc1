// The one place a new or changed channel account is checked before it is stored, for the
// REST API and the CLI alike: the account's connector normalises it and refuses what it could
// never use (AccountInputError naming the field), and another account on the same channel
// identity (Shopify: the same shop) is reported as a warning. Warnings never name a secret.
import type { AccountContext, AccountInput, ChannelConnector, ChannelType } from '../../connectors/connector.ts';
import { loadAccountContext } from '../../core/accounts/accounts.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { safeMessage } from '../../sync/connectors.ts';

export interface PrepareDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: Partial<Record<ChannelType, ChannelConnector>>;
}

export interface PreparedAccount extends AccountInput {
  warnings: string[];
}

export async function prepareAccount(
  deps: PrepareDeps,
  account: { id?: string | undefined; type: ChannelType; name: string } & AccountInput,
): Promise<PreparedAccount> {
  const connector = deps.connectors[account.type];
  const input: AccountInput = {
    credentials: account.credentials,
    settings: account.settings,
    endpointOverride: account.endpointOverride,
  };
  const normalised = connector?.normaliseAccount ? connector.normaliseAccount(input) : input;
  const warnings: string[] = [];
  const identify = connector?.accountIdentity?.bind(connector);
  const mine = identify?.({ id: account.id ?? '(new)', type: account.type, name: account.name, ...normalised });
  if (identify && mine) {
    const others = await deps.prisma.channelAccount.findMany({
      where: { type: account.type, ...(account.id ? { id: { not: account.id } } : {}) },
      select: { id: true, name: true },
      orderBy: { name: 'asc' },
    });
    for (const other of others) {
      let context: AccountContext;
      try {
        context = await loadAccountContext(deps.prisma, deps.secretKey, other.id);
      } catch {
        continue; // credentials under another key, or gone meanwhile: nothing to compare
      }
      if (identify(context) === mine) {
        warnings.push(
          `account "${other.name}" (${other.id}) already points at ${mine}: two accounts on one shop receive ` +
            'every webhook twice and push stock over each other; keep one, or deactivate the other',
        );
      }
    }
  }
  return { ...normalised, warnings };
}

/** The connector's connection test, with a failure of the test itself reported, not thrown. */
export async function testAccount(
  connectors: PrepareDeps['connectors'],
  account: AccountContext,
): Promise<{ ok: boolean; detail: string }> {
  const connector = connectors[account.type];
  if (!connector) return { ok: false, detail: `no connector for channel type ${account.type}` };
  try {
    const r = await connector.testConnection(account);
    return r.ok ? r : { ok: false, detail: safeMessage({ message: r.detail }, account) };
  } catch (e) {
    return { ok: false, detail: safeMessage(e, account) };
  }
}
