// Compares the SKUs a channel sells with the SKUs the hub knows, for listing discovery.
// Channel-neutral and pure: every connector's discoverListings() feeds it.
// SKUs are compared exactly after trimming: "abc" and "ABC" are different SKUs in most
// catalogues, and silently folding case would link the wrong items.

export interface SkuComparison {
  /** SKUs present on both sides (candidate listings), sorted. */
  matched: string[];
  /** SKUs the channel sells that the hub does not know (create the SKU or fix the channel), sorted. */
  onlyOnChannel: string[];
  /** Hub SKUs the channel does not sell (not listed there yet), sorted. */
  onlyInHub: string[];
  /** SKUs that appear on more than one channel item: a stock push could not tell them apart. */
  duplicatesOnChannel: string[];
  /** Channel items without a SKU: they cannot be matched automatically. */
  channelItemsWithoutSku: number;
}

function clean(sku: string | null | undefined): string | null {
  if (typeof sku !== 'string') return null;
  const t = sku.trim();
  return t === '' ? null : t;
}

export function compareSkus(
  channelSkus: Iterable<string | null | undefined>,
  hubSkus: Iterable<string>,
): SkuComparison {
  const seen = new Map<string, number>();
  let withoutSku = 0;
  for (const raw of channelSkus) {
    const sku = clean(raw);
    if (sku === null) {
      withoutSku += 1;
      continue;
    }
    seen.set(sku, (seen.get(sku) ?? 0) + 1);
  }
  const hub = new Set<string>();
  for (const raw of hubSkus) {
    const sku = clean(raw);
    if (sku !== null) hub.add(sku);
  }
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    matched: [...seen.keys()].filter((s) => hub.has(s)).sort(byCode),
    onlyOnChannel: [...seen.keys()].filter((s) => !hub.has(s)).sort(byCode),
    onlyInHub: [...hub].filter((s) => !seen.has(s)).sort(byCode),
    duplicatesOnChannel: [...seen.entries()]
      .filter(([, n]) => n > 1)
      .map(([s]) => s)
      .sort(byCode),
    channelItemsWithoutSku: withoutSku,
  };
}
