// Secret-key rotation: every stored secret envelope (channel accounts, channel apps, the SMTP
// password, the customers' status-page tokens)
// decrypted with the key in use and encrypted again with a new one, bound to the same
// associated data, in one transaction. Each new envelope is decrypted again before anything is
// written; an envelope the old key does not open refuses the whole rotation (nothing changes).
import { decryptSecret, encryptSecret, SecretError } from '../crypto/secrets.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { accountBinding, type ChannelType } from './accounts.ts';
import { appBinding } from './channel-apps.ts';
import { SMTP_PASSWORD_BINDING } from '../notifications/settings.ts';
import { statusTokenBinding } from '../status/token.ts';

export interface RotationResult {
  accounts: number;
  apps: number;
  /** 1 when an SMTP password is stored. */
  smtpPasswords: number;
  /** Orders whose status-page link is kept (the same link, under the new key). */
  statusTokens: number;
}

/** The old key does not open some envelopes; `alreadyNew` when the new key opens all of them. */
export class RotationRefused extends Error {
  constructor(
    readonly unreadable: string[],
    readonly alreadyNew: boolean,
  ) {
    super(`the key in use does not decrypt ${unreadable.join(', ')}`);
    this.name = 'RotationRefused';
  }
}

interface Envelope {
  /** How a person recognises it: "account <id>" or "channel app <type>". */
  label: string;
  binding: string;
  enc: string;
  write(enc: string): Promise<unknown>;
}

export async function rotateSecretKey(
  prisma: PrismaClient,
  oldKey: Uint8Array,
  newKey: Uint8Array,
): Promise<RotationResult> {
  return prisma.$transaction(
    async (tx) => {
      // Locked for the transaction: a token refresh of a process still running waits, then
      // fails its compare-and-set on the bumped version instead of writing an old-key envelope.
      const accounts = await tx.$queryRaw<{ id: string; credentials_enc: string }[]>`
        SELECT id, credentials_enc FROM channel_accounts ORDER BY id FOR UPDATE`;
      const apps = await tx.$queryRaw<{ type: ChannelType; credentials_enc: string }[]>`
        SELECT type, credentials_enc FROM channel_apps ORDER BY type FOR UPDATE`;
      const smtp = await tx.$queryRaw<{ id: string; smtp_password_enc: string }[]>`
        SELECT id, smtp_password_enc FROM notification_settings WHERE smtp_password_enc IS NOT NULL FOR UPDATE`;
      const tokens = await tx.$queryRaw<{ id: string; status_token_enc: string }[]>`
        SELECT id, status_token_enc FROM orders WHERE status_token_enc IS NOT NULL ORDER BY id FOR UPDATE`;
      const envelopes: Envelope[] = [
        ...smtp.map((n) => ({
          label: 'the SMTP password',
          binding: SMTP_PASSWORD_BINDING,
          enc: n.smtp_password_enc,
          write: (enc: string) =>
            tx.notificationSettings.update({ where: { id: n.id }, data: { smtpPasswordEnc: enc } }),
        })),
        ...tokens.map((o) => ({
          label: `the status link of order ${o.id}`,
          binding: statusTokenBinding(o.id),
          enc: o.status_token_enc,
          write: (enc: string) => tx.order.update({ where: { id: o.id }, data: { statusTokenEnc: enc } }),
        })),
        ...accounts.map((a) => ({
          label: `account ${a.id}`,
          binding: accountBinding(a.id),
          enc: a.credentials_enc,
          write: (credentialsEnc: string) =>
            tx.channelAccount.update({
              where: { id: a.id },
              data: { credentialsEnc, credentialsVersion: { increment: 1 } },
            }),
        })),
        ...apps.map((a) => ({
          label: `channel app ${a.type}`,
          binding: appBinding(a.type),
          enc: a.credentials_enc,
          write: (credentialsEnc: string) =>
            tx.channelApp.update({ where: { type: a.type }, data: { credentialsEnc } }),
        })),
      ];

      const plain = new Map<Envelope, string>();
      const unreadable: Envelope[] = [];
      for (const e of envelopes) {
        const text = await opened(e.enc, oldKey, e.binding);
        if (text === null) unreadable.push(e);
        else plain.set(e, text);
      }
      if (unreadable.length) {
        const withNew = await Promise.all(unreadable.map((e) => opened(e.enc, newKey, e.binding)));
        throw new RotationRefused(
          unreadable.map((e) => e.label),
          withNew.every((t) => t !== null),
        );
      }

      const rewritten: [Envelope, string][] = [];
      for (const [e, text] of plain) {
        const enc = await encryptSecret(text, newKey, e.binding);
        if ((await opened(enc, newKey, e.binding)) !== text) {
          throw new Error(`the new envelope of ${e.label} does not decrypt to the same credentials`);
        }
        rewritten.push([e, enc]);
      }
      for (const [e, enc] of rewritten) await e.write(enc);
      return { accounts: accounts.length, apps: apps.length, smtpPasswords: smtp.length, statusTokens: tokens.length };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

async function opened(enc: string, key: Uint8Array, binding: string): Promise<string | null> {
  try {
    return await decryptSecret(enc, key, binding);
  } catch (e) {
    if (e instanceof SecretError) return null;
    throw e;
  }
}
