// The development mail sink: a small SMTP server (smtp-server) that accepts every message on a
// local port, keeps it in memory and lists it — what `npm run demo` and the tests send
// notifications to instead of a real mail server. Like many mailbox providers it keeps one copy
// per Message-ID: a message delivered again (a retried job) is counted, not stored twice.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SinkMail {
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  /** The decoded plain-text body (quoted-printable undone), trimmed. */
  text: string;
  raw: string;
}

export interface MailSink {
  host: string;
  port: number;
  /** Messages kept, one per Message-ID, in order of first arrival. */
  messages(): SinkMail[];
  /** Every accepted delivery, duplicates included. */
  deliveries(): number;
  /** Serves the list as JSON on a local HTTP port (the demo prints its address). */
  serveList(port?: number): Promise<string>;
  stop(): Promise<void>;
}

function headerOf(head: string, name: string): string | null {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return m?.[1]?.trim() ?? null;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=) → text. */
function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_all, _cs, enc: string, data: string) => {
    if (enc.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
    const bytes = data
      .replace(/_/g, ' ')
      .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}

function decodeBody(body: string, encoding: string | null): string {
  const enc = (encoding ?? '').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

export function parseMail(raw: string, envelopeTo: string[]): SinkMail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split).replace(/^\r?\n\r?\n/, '') : '';
  return {
    messageId: headerOf(head, 'Message-ID'),
    from: decodeWords(headerOf(head, 'From') ?? ''),
    to: envelopeTo,
    subject: decodeWords(headerOf(head, 'Subject') ?? ''),
    text: decodeBody(body, headerOf(head, 'Content-Transfer-Encoding')).replace(/\r\n/g, '\n').trim(),
    raw,
  };
}

export async function startMailSink(opts: { port?: number; host?: string } = {}): Promise<MailSink> {
  const host = opts.host ?? '127.0.0.1';
  const kept: SinkMail[] = [];
  const ids = new Set<string>();
  let delivered = 0;
  let http: Server | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Any user name and password: it is a sink.
    onAuth: (_auth, _session, cb) => cb(null, { user: 'sink' }),
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseMail(
          Buffer.concat(chunks).toString('utf8'),
          session.envelope.rcptTo.map((r) => r.address),
        );
        delivered++;
        if (!mail.messageId || !ids.has(mail.messageId)) {
          if (mail.messageId) ids.add(mail.messageId);
          kept.push(mail);
        }
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host,
    port,
    messages: () => [...kept],
    deliveries: () => delivered,
    async serveList(httpPort = 0) {
      http = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify(
            kept.map(({ raw: _raw, ...m }) => m),
            null,
            2,
          ),
        );
      });
      await new Promise<void>((resolve) => http?.listen(httpPort, host, () => resolve()));
      return `http://${host}:${(http.address() as AddressInfo).port}/`;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (http) await new Promise<void>((resolve) => http?.close(() => resolve()));
    },
  };
}
