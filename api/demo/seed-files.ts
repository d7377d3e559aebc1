// `--seed DIR`: replays real records, in the vendor's own response format, through the
// simulators, so that they reach the hub exactly like live orders (signed webhooks, then
// the usual processing). A merchant can drop in an order exported from their shop and
// watch what the hub makes of it.
//
// Shopify (REST Admin API resources, as returned by GET /admin/api/<version>/…json or as
// posted in webhooks; the files in tests/fixtures/shopify/ are examples):
//   - an Order (`{"order": {…}}`, `{"orders": […]}` or the bare object with `line_items`):
//     placed on a shop with its lines, prices, discounts, taxes, customer, addresses and
//     shipping; then its successful fulfillments, its `refunds` and, when `cancelled_at` is
//     set, its cancellation, each as the shop would announce it;
//   - a Refund (`{"refund": {…}}`, `{"refunds": […]}` or the bare object with
//     `refund_line_items`): applied to the replayed order it names (`order_id`), once per id;
//   - a Product (`{"product": {…}}`, `{"products": […]}`): its variants join the catalogue.
// SKUs the demo catalogue lacks are added (hub, shops, listings) with enough stock at the
// warehouse for the replayed orders. Files go to the Web shop; files under a `flagship/`
// folder, and POS sales (`source_name: "pos"`), go to the Flagship shop.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { currencyExponent, parseMinor } from '../../core/money/money.ts';
import type { OrderInput, SimOrder } from '../../connectors/shopify/simulator/index.ts';
import type { SimAddress } from '../../connectors/shopify/simulator/state.ts';
import type {
  RestAddress,
  RestLineItem,
  RestMoneySet,
  RestOrder,
  RestRefund,
} from '../../connectors/shopify/payloads.ts';
import { parseJsonKeepingBigInts } from '../../connectors/shopify/webhooks.ts';
import { addSkus } from './seed.ts';
import type { DemoShop } from './simulators.ts';

interface RestVariant {
  sku?: string | null;
  title?: string | null;
  price?: string | number | null;
  inventory_quantity?: number | null;
}
interface RestProduct {
  title?: string | null;
  variants?: RestVariant[] | null;
}

export interface SeedRecords {
  dir: string;
  orders: { file: string; shopKey: DemoShop['key'] | null; order: RestOrder }[];
  refunds: { file: string; refund: RestRefund }[];
  products: { file: string; product: RestProduct }[];
  skipped: { file: string; reason: string }[];
}

export interface SeedReport {
  files: number;
  orders: { file: string; shop: string; name: string; externalId: string; currencyNote: string | null }[];
  fulfilments: number;
  refunds: number;
  cancellations: number;
  addedSkus: string[];
  skipped: { file: string; reason: string }[];
}

async function listJson(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listJson(path)));
    else out.push(path);
  }
  return out.sort();
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Reads every file under `dir` and sorts what it holds into orders, refunds and products. */
export async function readSeedDir(dir: string): Promise<SeedRecords> {
  const records: SeedRecords = { dir, orders: [], refunds: [], products: [], skipped: [] };
  for (const path of await listJson(dir)) {
    const file = relative(dir, path);
    if (!file.endsWith('.json')) {
      records.skipped.push({ file, reason: 'not a .json file' });
      continue;
    }
    let value: unknown;
    try {
      value = parseJsonKeepingBigInts(await readFile(path, 'utf8'));
    } catch (e) {
      records.skipped.push({ file, reason: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    const first = file.split(sep)[0]?.toLowerCase() ?? '';
    const shopKey =
      first === 'flagship' || first === 'flagship-shop'
        ? 'flagship'
        : first === 'web' || first === 'web-shop'
          ? 'web'
          : null;
    const found = classify(value);
    if (found.length === 0) {
      records.skipped.push({ file, reason: 'neither a Shopify Order, Refund nor Product resource' });
      continue;
    }
    for (const f of found) {
      if (f.kind === 'order') records.orders.push({ file, shopKey, order: f.value as RestOrder });
      if (f.kind === 'refund') records.refunds.push({ file, refund: f.value as RestRefund });
      if (f.kind === 'product') records.products.push({ file, product: f.value as RestProduct });
    }
  }
  records.orders.sort((a, b) => Date.parse(a.order.created_at) - Date.parse(b.order.created_at));
  return records;
}

function classify(v: unknown): { kind: 'order' | 'refund' | 'product'; value: unknown }[] {
  if (Array.isArray(v)) return v.flatMap(classify);
  if (!isObject(v)) return [];
  if (isObject(v.order)) return classify(v.order);
  if (Array.isArray(v.orders)) return v.orders.flatMap(classify);
  if (isObject(v.refund)) return classify(v.refund);
  if (Array.isArray(v.refunds) && !Array.isArray(v.line_items)) return v.refunds.flatMap(classify);
  if (isObject(v.product)) return classify(v.product);
  if (Array.isArray(v.products)) return v.products.flatMap(classify);
  if (Array.isArray(v.line_items) && (typeof v.id === 'string' || typeof v.id === 'number'))
    return [{ kind: 'order', value: v }];
  if (Array.isArray(v.refund_line_items) && v.order_id !== undefined) return [{ kind: 'refund', value: v }];
  if (Array.isArray(v.variants)) return [{ kind: 'product', value: v }];
  return [];
}

// ---------------------------------------------------------------- mapping to the simulator

function money(
  set: RestMoneySet | null | undefined,
  plain: string | number | null | undefined,
  currency: string,
): number {
  const amount = set?.shop_money?.amount ?? plain;
  if (amount === null || amount === undefined || amount === '') return 0;
  return parseMinor(amount, currency);
}

function address(a: RestAddress | null | undefined): SimAddress | null {
  if (!a) return null;
  const r = a as RestAddress & { province?: string | null; country?: string | null };
  return {
    firstName: a.first_name ?? null,
    lastName: a.last_name ?? null,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    province: r.province ?? null,
    provinceCode: a.province_code ?? null,
    zip: a.zip ?? null,
    country: r.country ?? null,
    countryCode: a.country_code ?? null,
    phone: a.phone ?? null,
  };
}

/** Shopify's lower-case REST status as the simulator's GraphQL enum, before refunds and cancellation replay. */
function initialFinancialStatus(s: string | null | undefined): string {
  const v = (s ?? 'paid').toLowerCase();
  if (v === 'partially_refunded' || v === 'refunded') return 'PAID';
  if (v === 'voided') return 'AUTHORIZED';
  return v.toUpperCase();
}

const RESTOCK: Record<string, 'RETURN' | 'CANCEL' | 'NO_RESTOCK'> = {
  no_restock: 'NO_RESTOCK',
  cancel: 'CANCEL',
  return: 'RETURN',
  legacy_restock: 'RETURN',
};

function lineInput(l: RestLineItem, currency: string, o: RestOrder): OrderInput['lines'][number] {
  const qty = Math.max(1, l.quantity);
  const price = money(l.price_set, l.price, currency);
  const discount = (l.discount_allocations ?? []).reduce((s, d) => s + money(d.amount_set, d.amount, currency), 0);
  const tax = (l.tax_lines ?? []).reduce((s, t) => s + money(t.price_set, t.price, currency), 0);
  const index = l.discount_allocations?.[0]?.discount_application_index;
  const code = index === null || index === undefined ? null : (o.discount_applications?.[index]?.code ?? null);
  const rate = l.tax_lines?.[0]?.rate;
  const sku = l.sku?.trim();
  return {
    ...(sku ? { sku } : {}),
    title: l.title ?? l.name ?? 'Item',
    quantity: qty,
    price,
    discountPerUnit: Math.round(discount / qty),
    ...(code ? { discountCode: code } : {}),
    taxPerUnit: Math.round(tax / qty),
    ...(rate === null || rate === undefined ? {} : { taxRate: String(rate) }),
    requiresShipping: l.requires_shipping ?? true,
  };
}

/** The SKUs the records sell, with what they need to be added to the catalogue. */
function skusOf(records: SeedRecords, shopCurrency: string) {
  const out = new Map<
    string,
    { code: string; title: string; variantTitle: string | null; price: number; stock: number }
  >();
  for (const { product } of records.products) {
    for (const v of product.variants ?? []) {
      const code = v.sku?.trim();
      if (!code || out.has(code)) continue;
      out.set(code, {
        code,
        title: product.title ?? code,
        variantTitle: v.title && v.title !== 'Default Title' ? v.title : null,
        price: v.price === null || v.price === undefined ? 0 : parseMinor(v.price, shopCurrency),
        stock: typeof v.inventory_quantity === 'number' && v.inventory_quantity > 0 ? v.inventory_quantity : 10,
      });
    }
  }
  for (const { order } of records.orders) {
    for (const l of order.line_items) {
      const code = l.sku?.trim();
      if (!code) continue;
      const known = out.get(code);
      // Enough for every replayed order to be reserved in full, and a few more.
      if (known) known.stock += l.quantity;
      else
        out.set(code, {
          code,
          title: l.title ?? code,
          variantTitle: l.variant_title ?? null,
          price: money(l.price_set, l.price, shopCurrency),
          stock: l.quantity + 5,
        });
    }
  }
  return [...out.values()];
}

/**
 * Replays the records: adds missing SKUs, then places each order on its shop (webhooks
 * follow) with its fulfilments, refunds and cancellation.
 */
export async function replaySeed(
  records: SeedRecords,
  ctx: { prisma: PrismaClient; shops: DemoShop[] },
): Promise<SeedReport> {
  const report: SeedReport = {
    files: new Set([...records.orders, ...records.refunds, ...records.products].map((r) => r.file)).size,
    orders: [],
    fulfilments: 0,
    refunds: 0,
    cancellations: 0,
    addedSkus: [],
    skipped: [...records.skipped],
  };
  const web = ctx.shops.find((s) => s.key === 'web') ?? ctx.shops[0];
  if (!web) return report;
  const shopCurrency = web.sim.store.currency;
  report.addedSkus = await addSkus(ctx, skusOf(records, shopCurrency));

  // Replayed orders by their original id, with their line ids mapped to the simulator's.
  const replayed = new Map<string, { shop: DemoShop; order: SimOrder; lines: Map<string, string> }>();
  const appliedRefunds = new Set<string>();

  const applyRefund = async (file: string, r: RestRefund) => {
    const id = String(r.id);
    if (appliedRefunds.has(id)) return;
    const target = replayed.get(String(r.order_id));
    if (!target) {
      report.skipped.push({
        file,
        reason: `refund ${id}: order ${String(r.order_id)} is not among the replayed orders`,
      });
      return;
    }
    const lines = (r.refund_line_items ?? [])
      .map((x) => ({
        lineItemId: target.lines.get(String(x.line_item_id ?? x.line_item?.id ?? '')),
        quantity: x.quantity,
        restockType: RESTOCK[(x.restock_type ?? 'no_restock').toLowerCase()] ?? 'NO_RESTOCK',
      }))
      .filter(
        (x): x is { lineItemId: string; quantity: number; restockType: 'RETURN' | 'CANCEL' | 'NO_RESTOCK' } =>
          !!x.lineItemId,
      );
    if (lines.length === 0) {
      report.skipped.push({ file, reason: `refund ${id}: no line to refund (money-only refunds move no goods)` });
      return;
    }
    appliedRefunds.add(id);
    await target.shop.sim.refund(target.order.id, lines, r.note ?? undefined);
    report.refunds += 1;
  };

  for (const { file, shopKey, order: o } of records.orders) {
    const isPos = (o.source_name ?? '').toLowerCase() === 'pos';
    const shop =
      (isPos ? ctx.shops.find((s) => s.posLocation) : undefined) ?? ctx.shops.find((s) => s.key === shopKey) ?? web;
    const currency = o.currency || shopCurrency;
    const currencyNote =
      currency !== shopCurrency
        ? currencyExponent(currency) === currencyExponent(shopCurrency)
          ? `in ${currency}; the demo shops sell in ${shopCurrency}, amounts kept`
          : `in ${currency}; amounts converted to ${shopCurrency} minor units as written`
        : null;
    const shipping = (o.shipping_lines ?? []).find((s) => !s.is_removed);
    const input: OrderInput = {
      lines: o.line_items.map((l) => lineInput(l, currency, o)),
      customer: o.customer
        ? {
            ...(o.customer.first_name ? { firstName: o.customer.first_name } : {}),
            ...(o.customer.last_name ? { lastName: o.customer.last_name } : {}),
            ...(o.customer.email ? { email: o.customer.email } : {}),
            ...(o.customer.phone ? { phone: o.customer.phone } : {}),
          }
        : null,
      shippingAddress: isPos ? null : address(o.shipping_address),
      billingAddress: address(o.billing_address),
      shipping: shipping
        ? {
            title: shipping.title ?? 'Shipping',
            ...(shipping.code ? { code: shipping.code } : {}),
            price: money(shipping.price_set, (shipping as { price?: string }).price, currency),
          }
        : null,
      financialStatus: initialFinancialStatus(o.financial_status),
      // Tagged so that a replayed order is told apart from the simulated traffic.
      tags: [
        ...(o.tags ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        'replayed',
      ],
      email: o.email ?? o.contact_email ?? null,
      taxesIncluded: o.taxes_included ?? false,
      ...(isPos && shop.posLocation ? { posLocationId: shop.locations.get(shop.posLocation) as string } : {}),
    };
    // Placed as the shop would, keeping the order's own name (#1001) so it is recognisable in the hub.
    const order = shop.sim.store.createOrder(input);
    if (o.name) order.name = o.name;
    await shop.sim.webhooks.send('orders/create', shop.sim.orderWebhookBody(order.id));
    const lines = new Map<string, string>();
    o.line_items.forEach((l, i) => {
      const simLine = order.lines[i];
      if (simLine) lines.set(String(l.id), simLine.id);
    });
    replayed.set(String(o.id), { shop, order, lines });
    report.orders.push({ file, shop: shop.name, name: order.name, externalId: order.id, currencyNote });

    // Successful fulfilments (a POS sale is fulfilled on the spot already).
    if (!isPos) {
      for (const f of o.fulfillments ?? []) {
        if ((f.status ?? '').toLowerCase() !== 'success') continue;
        const fo = shop.sim.store
          .fulfillmentOrdersOf(order.id)
          .find((x) => x.status === 'OPEN' || x.status === 'IN_PROGRESS');
        if (!fo) continue;
        const picks = (f.line_items ?? [])
          .map((x) => {
            const lineItemId = lines.get(String(x.id));
            const foLine = fo.lines.find((fl) => fl.lineItemId === lineItemId);
            return foLine ? { id: foLine.id, quantity: Math.min(x.quantity, foLine.remainingQuantity) } : null;
          })
          .filter((x): x is { id: string; quantity: number } => !!x && x.quantity > 0);
        if (picks.length === 0) continue;
        const t = f as {
          tracking_company?: string | null;
          tracking_number?: string | null;
          tracking_url?: string | null;
        };
        shop.sim.store.fulfil(fo, picks, {
          company: t.tracking_company ?? null,
          number: t.tracking_number ?? null,
          url: t.tracking_url ?? null,
        });
        await shop.sim.updateOrder(order.id, {});
        report.fulfilments += 1;
      }
    }
    for (const r of o.refunds ?? []) await applyRefund(file, { ...r, order_id: r.order_id ?? o.id });
    if (o.cancelled_at) {
      await shop.sim.cancelOrder(order.id, (o.cancel_reason ?? 'other').toUpperCase(), true);
      report.cancellations += 1;
    }
  }
  for (const { file, refund } of records.refunds) await applyRefund(file, refund);
  return report;
}
