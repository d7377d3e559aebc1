import { iso } from '../serialize.ts';

export interface SkuRow {
  id: string;
  code: string;
  title: string;
  productId: string | null;
  barcode: string | null;
  allowBackorder: boolean;
  allocationMode: string;
  createdAt: Date;
}

export function shapeSku(s: SkuRow) {
  return {
    id: s.id,
    code: s.code,
    title: s.title,
    productId: s.productId,
    barcode: s.barcode,
    allowBackorder: s.allowBackorder,
    allocationMode: s.allocationMode,
    createdAt: iso(s.createdAt),
  };
}

export function shapeProduct(p: { id: string; title: string; createdAt: Date; skus: SkuRow[] }) {
  return { id: p.id, title: p.title, createdAt: iso(p.createdAt), skus: p.skus.map(shapeSku) };
}

export function shapeListing(l: {
  id: string;
  accountId: string;
  skuId: string;
  sku: { code: string };
  externalProductId: string | null;
  externalVariantId: string | null;
  externalStockId: string | null;
  channelData: unknown;
}) {
  return {
    id: l.id,
    accountId: l.accountId,
    skuId: l.skuId,
    skuCode: l.sku.code,
    externalProductId: l.externalProductId,
    externalVariantId: l.externalVariantId,
    externalStockId: l.externalStockId,
    channelData: (l.channelData ?? {}) as Record<string, unknown>,
  };
}
