// `notification.send`: one customer e-mail through the merchant's SMTP server, from the outbox
// row written with the notification (the orders trigger, or the delayed-order check).
//
// Exactly once, and the rule for the one window no database can close: the notification row is
// marked sent only after the SMTP server accepted the message, so a crash before the mark sends
// it again. The message then carries the same Message-ID (`<notification id@domain>`,
// core/notifications/compose.ts): receivers that deduplicate by Message-ID (the development sink
// here; Gmail among mailbox providers) keep one copy. A retried job after the mark does nothing.
import type { Clock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { documentLanguage } from '../../core/documents/language.ts';
import type { Logger } from '../../core/log.ts';
import { composeNotification } from '../../core/notifications/compose.ts';
import { mailParcel } from '../../core/notifications/parcel.ts';
import { loadSmtpSettings, type SmtpSettings } from '../../core/notifications/settings.ts';
import type { NoticeKind } from '../../core/status/labels.ts';
import { ensureStatusToken, statusPath } from '../../core/status/token.ts';
import { SETTLED_STATUSES } from '../../core/status/view.ts';
import { smtpSend } from './smtp.ts';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

export type MailSender = (settings: SmtpSettings, mail: OutgoingMail) => Promise<void>;

export interface NotificationHooks {
  /** After the SMTP server accepted the message, before it is marked sent (tests crash here). */
  afterAccepted?(notificationId: string): void | Promise<void>;
}

export interface NotificationDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  clock: Clock;
  logger: Logger;
  /** The hub's public address: the status link in the mail is `${statusBaseUrl}/o/{token}` (read when a mail is made). */
  statusBaseUrl: string | (() => string);
  send?: MailSender;
  hooks?: NotificationHooks;
}

const baseUrl = (d: NotificationDeps) => (typeof d.statusBaseUrl === 'function' ? d.statusBaseUrl() : d.statusBaseUrl);

export type SendOutcome = 'sent' | 'already_sent' | 'skipped';

/** Does the notice still say something true when it leaves? (stock may have come meanwhile) */
function stillTrue(kind: string, o: { status: string; holdReason: string | null }): boolean {
  if (kind === 'short_of_stock') return o.status === 'on_hold' && o.holdReason === 'insufficient_stock';
  if (kind === 'delayed') return !(SETTLED_STATUSES as readonly string[]).includes(o.status);
  if (kind === 'ready_for_pickup') return o.status === 'ready_for_pickup';
  return true;
}

/** SMTP answers can quote the recipient: what is kept of an error names no address. */
const blankAddresses = (s: string) => s.replace(/[^\s<>"']+@[^\s<>"']+/g, '[address]').slice(0, 500);

export async function sendNotification(deps: NotificationDeps, notificationId: string): Promise<SendOutcome> {
  const { prisma } = deps;
  const n = await prisma.customerNotification.findUnique({ where: { id: notificationId } });
  if (!n) return 'skipped';
  if (n.status !== 'pending') return n.status === 'sent' ? 'already_sent' : 'skipped';
  const skip = async (detail: string): Promise<SendOutcome> => {
    await prisma.customerNotification.updateMany({
      where: { id: n.id, status: 'pending' },
      data: { status: 'skipped', detail },
    });
    return 'skipped';
  };
  const order = await prisma.order.findUnique({
    where: { id: n.orderId },
    select: {
      id: true,
      externalId: true,
      displayNumber: true,
      status: true,
      holdReason: true,
      language: true,
      customer: true,
      personalDataErasedAt: true,
    },
  });
  if (!order) return skip('order gone');
  if (order.personalDataErasedAt) return skip('personal data erased');
  const email = (order.customer as { email?: unknown } | null)?.email;
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) return skip('no e-mail address');
  if (!stillTrue(n.kind, order)) return skip(`no longer ${n.kind}`);
  const settings = await loadSmtpSettings(prisma, deps.secretKey);
  if (!settings?.enabled) return skip('notifications are not set up (PUT /api/v1/notifications/smtp)');

  const token = await ensureStatusToken(prisma, deps.secretKey, order.id);
  if (!token) return skip('order gone');
  // A per-parcel `shipped` notice names that parcel's lines and tracking.
  const parcel = n.kind === 'shipped' && n.subject ? await mailParcel(prisma, order.id, n.subject) : null;
  const mail = composeNotification({
    parcel,
    notificationId: n.id,
    kind: n.kind as NoticeKind,
    language: documentLanguage(order.language),
    orderNumber: order.displayNumber ?? order.externalId,
    statusUrl: `${baseUrl(deps).replace(/\/+$/, '')}${statusPath(token)}`,
    from: settings.from,
  });
  await prisma.customerNotification.update({ where: { id: n.id }, data: { attempts: { increment: 1 } } });
  try {
    await (deps.send ?? smtpSend)(settings, { from: settings.from, to: email, ...mail });
  } catch (e) {
    const detail = blankAddresses(e instanceof Error ? e.message : String(e));
    await prisma.customerNotification.update({ where: { id: n.id }, data: { detail } });
    deps.logger.warn({ notificationId: n.id, kind: n.kind, error: detail }, 'notification not sent; retrying');
    throw new Error(`notification ${n.id} not sent: ${detail}`);
  }
  await deps.hooks?.afterAccepted?.(n.id);
  await prisma.customerNotification.updateMany({
    where: { id: n.id, status: 'pending' },
    data: { status: 'sent', sentAt: deps.clock.now(), detail: null },
  });
  deps.logger.info({ notificationId: n.id, kind: n.kind, orderId: order.id }, 'customer notified');
  return 'sent';
}
