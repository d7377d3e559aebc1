// The merchant's SMTP server for customer notifications: one row, the password encrypted under
// the hub's secret key (AES-256-GCM, bound to "smtp:password") like channel credentials, never
// returned by the API and never logged (the log redacts `password` at any depth, core/log.ts).
import { decryptSecret, encryptSecret } from '../crypto/secrets.ts';
import type { PrismaClient } from '../db/generated/prisma/client.ts';

export const SMTP_PASSWORD_BINDING = 'smtp:password';

export interface SmtpSettingsInput {
  host: string;
  port: number;
  secure: boolean;
  user?: string | null | undefined;
  /** undefined keeps the stored password; null removes it. */
  password?: string | null | undefined;
  from: string;
  enabled: boolean;
}

/** What the API shows: everything but the password, which is only said to be set. */
export interface SmtpSettingsView {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  passwordSet: boolean;
  from: string;
  enabled: boolean;
}

/** What the sender needs, password in the clear (in memory only). */
export interface SmtpSettings extends Omit<SmtpSettingsView, 'passwordSet'> {
  password: string | null;
}

export async function saveSmtpSettings(
  prisma: PrismaClient,
  secretKey: Uint8Array,
  s: SmtpSettingsInput,
): Promise<SmtpSettingsView> {
  const passwordEnc =
    s.password === undefined
      ? undefined
      : s.password === null
        ? null
        : await encryptSecret(s.password, secretKey, SMTP_PASSWORD_BINDING);
  const data = {
    smtpHost: s.host,
    smtpPort: s.port,
    smtpSecure: s.secure,
    smtpUser: s.user ?? null,
    fromAddress: s.from,
    enabled: s.enabled,
    ...(passwordEnc !== undefined ? { smtpPasswordEnc: passwordEnc } : {}),
  };
  const row = await prisma.notificationSettings.upsert({
    where: { id: 'default' },
    create: { id: 'default', ...data },
    update: data,
  });
  return viewOf(row);
}

type Row = NonNullable<Awaited<ReturnType<PrismaClient['notificationSettings']['findUnique']>>>;

function viewOf(row: Row): SmtpSettingsView {
  return {
    host: row.smtpHost,
    port: row.smtpPort,
    secure: row.smtpSecure,
    user: row.smtpUser,
    passwordSet: row.smtpPasswordEnc !== null,
    from: row.fromAddress,
    enabled: row.enabled,
  };
}

export async function smtpSettingsView(prisma: PrismaClient): Promise<SmtpSettingsView | null> {
  const row = await prisma.notificationSettings.findUnique({ where: { id: 'default' } });
  return row ? viewOf(row) : null;
}

export async function loadSmtpSettings(prisma: PrismaClient, secretKey: Uint8Array): Promise<SmtpSettings | null> {
  const row = await prisma.notificationSettings.findUnique({ where: { id: 'default' } });
  if (!row) return null;
  const { passwordSet: _set, ...view } = viewOf(row);
  const password = row.smtpPasswordEnc
    ? await decryptSecret(row.smtpPasswordEnc, secretKey, SMTP_PASSWORD_BINDING)
    : null;
  return { ...view, password };
}
