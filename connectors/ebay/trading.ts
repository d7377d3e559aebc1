// The Trading API's ReviseInventoryStatus (XML) for listings made outside the Inventory API
// ("legacy" listings, which bulkUpdatePriceQuantity cannot touch): up to four InventoryStatus
// containers a call, an ItemID each, plus the variation's SKU for a multi-variation listing.
// Writing and reading the few elements involved needs no XML library.

/** Trading site ids of the marketplaces (X-EBAY-API-SITEID). */
export const SITE_IDS: Readonly<Record<string, string>> = {
  EBAY_US: '0',
  EBAY_CA: '2',
  EBAY_GB: '3',
  EBAY_AU: '15',
  EBAY_AT: '16',
  EBAY_FR: '71',
  EBAY_DE: '77',
  EBAY_MOTORS_US: '100',
  EBAY_IT: '101',
  EBAY_NL: '146',
  EBAY_ES: '186',
  EBAY_CH: '193',
  EBAY_IE: '205',
  EBAY_PL: '212',
};

export interface InventoryStatus {
  itemId: string;
  /** The variation's SKU in a multi-variation listing; absent for a single-item listing. */
  sku?: string | null;
  quantity: number;
}

export interface TradingError {
  code: string;
  shortMessage: string;
  longMessage: string;
  severity: string;
  classification: string;
  /** ErrorParameters values (eBay names the item or SKU concerned there). */
  parameters: string[];
}

export interface ReviseInventoryStatusAnswer {
  ack: string;
  /** The containers eBay applied, as it echoes them. */
  applied: InventoryStatus[];
  errors: TradingError[];
}

export function xmlEscape(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlUnescape(v: string): string {
  return v
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function reviseInventoryStatusXml(items: InventoryStatus[]): string {
  const containers = items
    .map(
      (i) =>
        `<InventoryStatus><ItemID>${xmlEscape(i.itemId)}</ItemID>${
          i.sku ? `<SKU>${xmlEscape(i.sku)}</SKU>` : ''
        }<Quantity>${i.quantity}</Quantity></InventoryStatus>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><ReviseInventoryStatusRequest xmlns="urn:ebay:apis:eBLBaseComponents"><ErrorLanguage>en_US</ErrorLanguage><WarningLevel>High</WarningLevel>${containers}</ReviseInventoryStatusRequest>`;
}

export function tag(block: string, name: string): string | null {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(block);
  return m ? xmlUnescape((m[1] ?? '').trim()) : null;
}

export function blocks(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1] ?? '');
}

export function parseInventoryStatus(block: string): InventoryStatus {
  return {
    itemId: tag(block, 'ItemID') ?? '',
    sku: tag(block, 'SKU'),
    quantity: Number(tag(block, 'Quantity') ?? Number.NaN),
  };
}

export function parseTradingErrors(xml: string): TradingError[] {
  return blocks(xml, 'Errors').map((b) => ({
    code: tag(b, 'ErrorCode') ?? '',
    shortMessage: tag(b, 'ShortMessage') ?? '',
    longMessage: tag(b, 'LongMessage') ?? '',
    severity: tag(b, 'SeverityCode') ?? 'Error',
    classification: tag(b, 'ErrorClassification') ?? 'RequestError',
    parameters: blocks(b, 'ErrorParameters').map((p) => tag(p, 'Value') ?? ''),
  }));
}

export function parseReviseInventoryStatus(xml: string): ReviseInventoryStatusAnswer {
  return {
    ack: tag(xml, 'Ack') ?? 'Failure',
    applied: blocks(xml, 'InventoryStatus').map(parseInventoryStatus),
    errors: parseTradingErrors(xml),
  };
}
