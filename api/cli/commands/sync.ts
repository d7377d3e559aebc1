// omnihub sync <account>: pull the account's orders now. Polls page after page through the
// connector until the channel has no more, storing every page's events in the inbox and the
// cursor on the account in one transaction (a crash between pages repeats a page; the
// inbox drops the repeats). The running hub processes the inbox.
import { Prisma } from '../../../core/db/generated/prisma/client.ts';
import { storeEvents } from '../../../core/inbox/inbox.ts';
import { heldOrderVersions } from '../../../sync/orders-poll.ts';
import { type CommandSpec, type ParsedArgs, UsageError } from '../args.ts';
import { type CliContext, EXIT, withDatabase } from '../io.ts';
import { openCliAccount } from './open-account.ts';
import { progress } from '../progress.ts';

export const syncSpec: CommandSpec = {
  name: 'sync',
  summary: "Pull the account's orders now: page through the channel until it has no more, into the inbox.",
  positionals: [{ name: 'account', description: 'account id (see omnihub channels list)' }],
  options: {
    'max-pages': { type: 'string', valueName: 'n', description: 'stop after n pages (default 10000)' },
  },
  notes: [
    'With the embedded database, stop the hub first (one process at a time), or use POST /api/v1/channel-accounts/<id>/sync.',
  ],
};

export async function runSync(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const id = args.positionals[0] as string;
  const maxPagesText = (args.options['max-pages'] as string | undefined) ?? '10000';
  if (!/^\d+$/.test(maxPagesText) || Number(maxPagesText) < 1) {
    throw new UsageError(`--max-pages must be a whole number ≥ 1 (got "${maxPagesText}")`, syncSpec.name);
  }
  const maxPages = Number(maxPagesText);
  const key = await ctx.secretKey();
  return withDatabase(ctx, async (db) => {
    const opened = await openCliAccount(ctx, db.prisma, key, id, syncSpec.name);
    if (!opened) return EXIT.unavailable;
    const { account, connector } = opened;
    const row = await db.prisma.channelAccount.findUniqueOrThrow({ where: { id }, select: { cursor: true } });
    let cursor: unknown = row.cursor ?? null;
    let pages = 0;
    let received = 0;
    let stored = 0;
    const bar = progress(ctx.stderr, `sync ${id}`);
    for (;;) {
      const page = await connector.pollOrders(account, cursor, ctx.clock.now(), heldOrderVersions(db.prisma, id));
      const fresh = await db.prisma.$transaction(async (tx) => {
        const ids = await storeEvents(tx, id, page.events);
        await tx.channelAccount.update({
          where: { id },
          data: {
            cursor: page.cursor === null || page.cursor === undefined ? Prisma.JsonNull : (page.cursor as object),
          },
        });
        return ids.length;
      });
      cursor = page.cursor;
      pages += 1;
      received += page.events.length;
      stored += fresh;
      bar.update(pages, null, `page(s), ${received} event(s), ${stored} new`);
      if (!page.hasMore) break;
      if (pages >= maxPages) {
        bar.finish(`stopped after ${pages} page(s) (--max-pages); run again to continue`);
        return EXIT.ok;
      }
    }
    bar.finish(`${pages} page(s), ${received} event(s), ${stored} new`);
    ctx.stdout.write(`${stored} new event(s) stored in the inbox (${received} received in ${pages} page(s))\n`);
    return EXIT.ok;
  });
}
