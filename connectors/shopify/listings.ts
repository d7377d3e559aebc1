// Listing discovery: the catalogue as listing candidates (variant, SKU, inventory item =
// the stock handle, "available" per location). Comparing the SKUs with the hub's is the
// channel-neutral compareSkus() in ../sku-match.ts.
import type { ListingCandidate } from '../connector.ts';
import type { ShopifyClient } from './client.ts';
import { OP, PRODUCT_VARIANTS_PAGE_QUERY } from './queries.ts';

/** Variants per page: each carries up to 10 inventory levels, ~33 points, so 25 stay under 1,000. */
export const LISTING_PAGE_SIZE = 25;

interface VariantNode {
  id: string;
  sku: string | null;
  title: string;
  displayName: string;
  product: { id: string; title: string } | null;
  inventoryItem: {
    id: string;
    tracked: boolean;
    inventoryLevels: { nodes: { location: { id: string }; quantities: { name: string; quantity: number }[] }[] };
  } | null;
}
interface Page {
  productVariants: { nodes: VariantNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export function toCandidate(v: VariantNode): ListingCandidate {
  const sku = v.sku?.trim() ? v.sku.trim() : null;
  return {
    externalProductId: v.product?.id ?? null,
    externalVariantId: v.id,
    externalStockId: v.inventoryItem?.id ?? null,
    sku,
    title: v.displayName || v.title,
    levels: (v.inventoryItem?.inventoryLevels.nodes ?? []).map((l) => ({
      externalLocationId: l.location.id,
      quantity: l.quantities.find((q) => q.name === 'available')?.quantity ?? null,
    })),
  };
}

export async function* discoverListings(
  client: ShopifyClient,
  pageSize = LISTING_PAGE_SIZE,
): AsyncGenerator<ListingCandidate> {
  let after: string | null = null;
  for (;;) {
    const page: Page = await client.request<Page>(
      OP.productVariantsPage,
      PRODUCT_VARIANTS_PAGE_QUERY,
      { first: pageSize, after },
      { retrySafe: true },
    );
    for (const v of page.productVariants.nodes) yield toCandidate(v);
    if (!page.productVariants.pageInfo.hasNextPage) return;
    after = page.productVariants.pageInfo.endCursor;
  }
}
