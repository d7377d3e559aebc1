// Sending through the merchant's SMTP server with nodemailer (STARTTLS when offered, TLS from
// the first byte on `secure`). One connection per message: notifications are few, and a pooled
// connection would outlive a change of settings.
import nodemailer from 'nodemailer';
import type { SmtpSettings } from '../../core/notifications/settings.ts';
import type { OutgoingMail } from './send.ts';

export async function smtpSend(s: SmtpSettings, mail: OutgoingMail): Promise<void> {
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    // Never let nodemailer print the conversation (it would carry AUTH).
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  } finally {
    transport.close();
  }
}
