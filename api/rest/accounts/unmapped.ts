// The unmapped-SKU report of one account: what the channel sells that the hub cannot map
// (no SKU, or a SKU the hub does not know, and not linked by a listing), and which hub SKUs
// have no listing on this account yet.
import type { z } from '@hono/zod-openapi';
import type { AccountContext, ListingCandidate } from '../../../connectors/connector.ts';
import { compareSkus } from '../../../connectors/sku-match.ts';
import type { RouteContext } from '../context.ts';
import type { UnmappedReportSchema } from './schemas.ts';

const MAX_ITEMS = 1000;

export async function unmappedReport(
  ctx: RouteContext,
  account: AccountContext,
  discover: boolean,
): Promise<z.infer<typeof UnmappedReportSchema>> {
  const { prisma } = ctx;
  const where = { listings: { none: { accountId: account.id } } };
  const [withoutListing, withoutListingTotal] = await Promise.all([
    prisma.sku.findMany({
      where,
      select: { id: true, code: true, title: true },
      orderBy: { code: 'asc' },
      take: MAX_ITEMS,
    }),
    prisma.sku.count({ where }),
  ]);
  const report: z.infer<typeof UnmappedReportSchema> = {
    accountId: account.id,
    channelItemsWithoutHubSku: [],
    duplicatesOnChannel: [],
    hubSkusWithoutListing: withoutListing,
    hubSkusWithoutListingTotal: withoutListingTotal,
    discovered: false,
    channelError: null,
  };
  const connector = ctx.connectors[account.type];
  if (!discover) return report;
  if (!connector) return { ...report, channelError: `no connector for channel type ${account.type}` };

  const candidates: ListingCandidate[] = [];
  try {
    for await (const c of connector.discoverListings(account)) candidates.push(c);
  } catch (e) {
    return { ...report, channelError: (e as Error).message };
  }
  const codes = [...new Set(candidates.map((c) => c.sku).filter((s): s is string => !!s))];
  const hub = codes.length ? await prisma.sku.findMany({ where: { code: { in: codes } }, select: { code: true } }) : [];
  const linked = await prisma.listing.findMany({
    where: { accountId: account.id },
    select: { externalVariantId: true, externalStockId: true },
  });
  const linkedIds = new Set(linked.flatMap((l) => [l.externalVariantId, l.externalStockId]).filter(Boolean));
  const known = new Set(hub.map((h) => h.code));
  const cmp = compareSkus(
    candidates.map((c) => c.sku),
    known,
  );
  report.discovered = true;
  report.duplicatesOnChannel = cmp.duplicatesOnChannel;
  report.channelItemsWithoutHubSku = candidates
    .filter((c) => !(c.sku && known.has(c.sku)))
    .filter(
      (c) =>
        !(c.externalVariantId && linkedIds.has(c.externalVariantId)) &&
        !(c.externalStockId && linkedIds.has(c.externalStockId)),
    )
    .slice(0, MAX_ITEMS)
    .map((c) => ({
      sku: c.sku,
      title: c.title,
      externalProductId: c.externalProductId,
      externalVariantId: c.externalVariantId,
      externalStockId: c.externalStockId,
      channelData: c.channelData ?? {},
      reason: c.sku ? ('unknown_sku' as const) : ('no_sku' as const),
    }));
  return report;
}
