// Which accounts an app-level webhook belongs to: the active accounts of the channel type whose
// connector-given identity (accountIdentity(): Square's merchant id, eBay's seller) equals the
// one the connector read from the verified payload. Identities come from the decrypted
// accounts (credentials or settings), so they are compared through the account cache rather
// than a column; a hub holds few accounts per channel type. Two accounts on one merchant both
// get the events, as two accounts on one shop get its webhooks twice (prepare.ts warns of both).
import type { ChannelType, WebhookDoor } from '../../connectors/connector.ts';
import type { AccountCache } from './account-cache.ts';

export async function accountsWithIdentity(
  accounts: AccountCache,
  connector: WebhookDoor,
  type: ChannelType,
  identity: string,
): Promise<string[]> {
  if (!connector.accountIdentity) return [];
  const ids = await accounts.rows.activeAccountIds(type);
  const matches: string[] = [];
  for (const id of ids) {
    // An account this hub cannot decrypt (another key) cannot be the target: skip it.
    const account = await accounts.get(id).catch(() => null);
    if (account?.active && connector.accountIdentity(account.context) === identity) matches.push(id);
  }
  return matches;
}
