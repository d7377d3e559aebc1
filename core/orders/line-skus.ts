// Which hub SKU each line of a channel order is. The SKU text comes first (the catalogue's
// shared key). A line without one, or whose text the hub does not know, is matched by the
// channel's own item id through the account's listings: Square lines carry a catalog variation
// id and eBay Trading lines may have no SKU. The variant id is tried first; the product id only
// against listings that have no variant id (the channel keys that item by product). A line none
// of these match stays unmapped (or, without SKU text, a custom item).
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { OrderLineDraft } from '../order/schema.ts';

export interface LineSku {
  id: string;
  code: string;
  allowBackorder: boolean;
}

type LineKeys = Pick<OrderLineDraft, 'channelLineId' | 'sku' | 'externalVariantId' | 'externalProductId'>;

/** channelLineId -> the hub SKU of the line, for the lines that resolve to one. */
export async function resolveLineSkus(
  prisma: PrismaClient,
  accountId: string,
  lines: readonly LineKeys[],
): Promise<Map<string, LineSku>> {
  const out = new Map<string, LineSku>();
  const codes = [...new Set(lines.map((l) => l.sku).filter((s): s is string => !!s))];
  const byCode = new Map(
    (codes.length
      ? await prisma.sku.findMany({
          where: { code: { in: codes } },
          select: { id: true, code: true, allowBackorder: true },
        })
      : []
    ).map((s) => [s.code, s]),
  );
  const rest: LineKeys[] = [];
  for (const l of lines) {
    const sku = l.sku ? byCode.get(l.sku) : undefined;
    if (sku) out.set(l.channelLineId, sku);
    else rest.push(l);
  }
  const variantIds = [...new Set(rest.map((l) => l.externalVariantId).filter((v): v is string => !!v))];
  const productIds = [...new Set(rest.map((l) => l.externalProductId).filter((v): v is string => !!v))];
  if (!variantIds.length && !productIds.length) return out;
  const listings = await prisma.listing.findMany({
    where: {
      accountId,
      OR: [
        ...(variantIds.length ? [{ externalVariantId: { in: variantIds } }] : []),
        ...(productIds.length ? [{ externalProductId: { in: productIds }, externalVariantId: null }] : []),
      ],
    },
    select: {
      externalVariantId: true,
      externalProductId: true,
      sku: { select: { id: true, code: true, allowBackorder: true } },
    },
  });
  const byVariant = new Map<string, LineSku>();
  const byProduct = new Map<string, LineSku | null>();
  for (const l of listings) {
    if (l.externalVariantId) byVariant.set(l.externalVariantId, l.sku);
    else if (l.externalProductId) {
      // Two hub SKUs listed under one product id: the id does not say which one the line is.
      byProduct.set(l.externalProductId, byProduct.has(l.externalProductId) ? null : l.sku);
    }
  }
  for (const l of rest) {
    const sku =
      (l.externalVariantId ? byVariant.get(l.externalVariantId) : undefined) ??
      (l.externalProductId ? byProduct.get(l.externalProductId) : undefined);
    if (sku) out.set(l.channelLineId, sku);
  }
  return out;
}
