// One notification e-mail in the order's language: subject, plain text, and a Message-ID made
// from the notification's id, so that a mail sent again after a crash (SMTP accepted it, the
// hub died before recording that) is the same message to every receiver that deduplicates.
import type { DocumentLanguage } from '../documents/language.ts';
import { type NoticeKind, STATUS_LABELS } from '../status/labels.ts';

export interface ComposedMail {
  subject: string;
  text: string;
  messageId: string;
}

/** `<notification id@the From: domain>`: stable across retries, unique per notification. */
export function notificationMessageId(notificationId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'omnihub.invalid';
  return `<${notificationId}@${domain}>`;
}

/** The parcel a `shipped` mail is about: its lines and its tracking (any part may be missing). */
export interface MailParcel {
  lines: { title: string; quantity: number }[];
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
}

function parcelBlock(t: (typeof STATUS_LABELS)[DocumentLanguage]['mail'], p: MailParcel): string[] {
  const tracking = [p.carrier, p.trackingNumber].filter(Boolean).join(' ');
  return [
    t.parcel,
    ...p.lines.map((l) => `  ${l.quantity} × ${l.title}`),
    ...(tracking || p.trackingUrl ? [`${t.tracking} ${[tracking, p.trackingUrl].filter(Boolean).join(' ')}`] : []),
    '',
  ];
}

export function composeNotification(input: {
  notificationId: string;
  kind: NoticeKind;
  language: DocumentLanguage;
  orderNumber: string;
  statusUrl: string;
  from: string;
  parcel?: MailParcel | null;
}): ComposedMail {
  const t = STATUS_LABELS[input.language].mail;
  const body = t.bodies[input.kind];
  const text = [
    t.greeting,
    '',
    body.charAt(0).toUpperCase() + body.slice(1),
    '',
    ...(input.parcel ? parcelBlock(t, input.parcel) : []),
    t.see,
    input.statusUrl,
    '',
    t.signature,
    '',
  ].join('\n');
  return {
    subject: t.subjects[input.kind](input.orderNumber),
    text,
    messageId: notificationMessageId(input.notificationId, input.from),
  };
}
