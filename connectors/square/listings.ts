// Listing discovery from the Square catalog: every ITEM's variations (ListCatalog, types=ITEM,
// paged by cursor), the variation id being the item id of orders' lines and of inventory. The
// level reported per location is what a Square listing carries: the units Square holds in
// RESERVED_FOR_SALE (stock.ts), so reconciliation compares like with like.
import type { AccountContext, ListingCandidate } from '../connector.ts';
import type { SquareClient } from './client.ts';
import { wholeQuantity } from './mapping.ts';
import { readCounts } from './orders.ts';
import type { SqCatalogObject } from './payloads.ts';

export function candidatesOf(item: SqCatalogObject): ListingCandidate[] {
  if (item.type !== 'ITEM' || item.is_deleted) return [];
  const name = item.item_data?.name ?? item.id;
  return (item.item_data?.variations ?? [])
    .filter((v) => !v.is_deleted)
    .map((v) => {
      const d: NonNullable<SqCatalogObject['item_variation_data']> = v.item_variation_data ?? {};
      const sku = d.sku?.trim() ? d.sku.trim() : null;
      return {
        externalProductId: item.id,
        externalVariantId: v.id,
        externalStockId: v.id,
        sku,
        title: d.name && d.name !== 'Regular' ? `${name} – ${d.name}` : name,
        levels: [],
        channelData: { variationId: v.id },
      };
    });
}

export async function* discoverListings(
  client: SquareClient,
  account: AccountContext,
): AsyncGenerator<ListingCandidate> {
  let cursor: string | undefined;
  do {
    const qs = new URLSearchParams({ types: 'ITEM' });
    if (cursor) qs.set('cursor', cursor);
    const page = await client.request<{ objects?: SqCatalogObject[]; cursor?: string }>(account, {
      op: 'ListCatalog',
      method: 'GET',
      path: `/v2/catalog/list?${qs}`,
      retrySafe: true,
    });
    const candidates = (page.objects ?? []).flatMap(candidatesOf);
    const ids = candidates.map((c) => c.externalVariantId as string);
    const held = ids.length ? await readCounts(client, account, ids, [], ['RESERVED_FOR_SALE']) : [];
    for (const c of candidates) {
      c.levels = held
        .filter((h) => h.catalog_object_id === c.externalVariantId)
        .map((h) => ({
          externalLocationId: h.location_id,
          quantity: wholeQuantity(h.quantity, `counts[${h.catalog_object_id}]`),
        }));
      yield c;
    }
    cursor = page.cursor;
  } while (cursor);
}
