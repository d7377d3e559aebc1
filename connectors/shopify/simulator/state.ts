// The simulated shop: locations, catalogue, inventory levels per location, orders with
// their fulfillment orders, fulfilments and refunds. Plain data plus the few state changes a
// merchant or buyer makes (place, edit, cancel, refund an order). Amounts are integer minor
// units in the shop currency; serialize.ts renders them as Shopify's decimal strings.
import type { Clock } from '../../../core/clock.ts';
import { totals } from './serialize.ts';

export interface SimAddress {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  country?: string | null;
  countryCode?: string | null;
  phone?: string | null;
}

export interface SimLocation {
  id: string;
  legacyId: number;
  name: string;
}

export interface SimVariant {
  id: string;
  legacyId: number;
  productId: string;
  productTitle: string;
  title: string;
  sku: string | null;
  inventoryItemId: string;
  price: number;
}

export interface SimLine {
  id: string;
  legacyId: number;
  variantId: string | null;
  productId: string | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  quantity: number;
  currentQuantity: number;
  unitPrice: number;
  discountPerUnit: number;
  discountCode: string | null;
  taxPerUnit: number;
  taxRate: string | null;
  requiresShipping: boolean;
}

export interface SimShippingLine {
  legacyId: number;
  title: string;
  code: string | null;
  price: number;
  isRemoved: boolean;
}

export type DeliveryMethodType = 'SHIPPING' | 'PICK_UP' | 'RETAIL' | 'NONE';

export interface SimFulfillmentOrder {
  id: string;
  orderId: string;
  status: 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';
  methodType: DeliveryMethodType;
  locationId: string;
  preparedForPickup: boolean;
  /** DeliveryMethod.maxDeliveryDateTime: set only for shops with processing times (else null). */
  maxDeliveryDateTime: string | null;
  lines: { id: string; lineItemId: string; totalQuantity: number; remainingQuantity: number }[];
}

export interface SimFulfillment {
  id: string;
  legacyId: number;
  orderId: string;
  status: 'SUCCESS' | 'CANCELLED';
  locationId: string;
  tracking: { company: string | null; number: string | null; url: string | null } | null;
  lines: { lineItemId: string; quantity: number }[];
  createdAt: number;
}

/** A payment on an order (OrderTransaction): the sale, and refunds against it (parentId). */
export interface SimTransaction {
  id: string;
  kind: 'SALE' | 'REFUND';
  gateway: string;
  amount: number;
  parentId: string | null;
  createdAt: number;
}

export interface SimRefund {
  id: string;
  legacyId: number;
  orderId: string;
  createdAt: number;
  note: string | null;
  lines: {
    lineItemId: string;
    quantity: number;
    restockType: 'RETURN' | 'CANCEL' | 'NO_RESTOCK';
    locationId: string | null;
    amount: number;
  }[];
  amount: number;
  /** The refund transactions that moved the money (empty: nothing paid back). */
  transactions: SimTransaction[];
}

export interface SimOrder {
  id: string;
  legacyId: number;
  name: string;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  currency: string;
  /** Buyer's currency and its rate: presentment minor = shop minor x ratePpm / 1e6. */
  presentment: { currency: string; ratePpm: number } | null;
  financialStatus: string;
  sourceName: string;
  retailLocationId: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  taxesIncluded: boolean;
  test: boolean;
  /** Tips added at checkout, shop minor units. */
  tip: number;
  customer: {
    id: string;
    legacyId: number;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    phone: string | null;
  } | null;
  billingAddress: SimAddress | null;
  shippingAddress: SimAddress | null;
  lines: SimLine[];
  shippingLines: SimShippingLine[];
  /** Payments: a paid order carries one SALE of its total (gateway "bogus", Shopify's test gateway). */
  transactions: SimTransaction[];
}

export interface OrderInput {
  lines: {
    sku?: string;
    variantId?: string;
    title?: string;
    quantity: number;
    price?: number;
    discountPerUnit?: number;
    discountCode?: string;
    taxPerUnit?: number;
    taxRate?: string;
    requiresShipping?: boolean;
  }[];
  customer?: { firstName?: string; lastName?: string; email?: string; phone?: string } | null;
  shippingAddress?: SimAddress | null;
  billingAddress?: SimAddress | null;
  shipping?: { title: string; code?: string; price: number } | null;
  /** Local pickup at this location (no shipping address, a PICK_UP fulfillment order). */
  pickupLocationId?: string;
  /** A POS sale at this store: source "pos", retail location, handed over at once. */
  posLocationId?: string;
  financialStatus?: string;
  presentment?: { currency: string; ratePpm: number } | null;
  tags?: string[];
  email?: string | null;
  /** The order's own phone (REST `phone`). */
  phone?: string | null;
  /** The latest delivery the checkout promised (a shop with processing times); none by default. */
  maxDeliveryDateTime?: string | null;
  taxesIncluded?: boolean;
  /** Placed in test mode (Shopify `test: true`, e.g. the Bogus Gateway). */
  test?: boolean;
  /** Tip added at checkout, shop minor units. */
  tip?: number;
}

export interface SimWebhookSubscription {
  id: string;
  legacyId: number;
  /** WebhookSubscriptionTopic enum value, e.g. ORDERS_CREATE. */
  topic: string;
  uri: string;
  format: 'JSON' | 'XML';
  createdAt: number;
}

export class SimStore {
  readonly locations = new Map<string, SimLocation>();
  readonly variants = new Map<string, SimVariant>();
  readonly variantsByItem = new Map<string, SimVariant>();
  /** "itemId|locationId" -> available. A missing key means "not stocked at that location". */
  readonly levels = new Map<string, number>();
  readonly orders = new Map<string, SimOrder>();
  readonly fulfillmentOrders = new Map<string, SimFulfillmentOrder>();
  readonly fulfillments = new Map<string, SimFulfillment>();
  readonly refunds = new Map<string, SimRefund>();
  /** Webhook subscriptions made through the Admin API (webhookSubscriptionCreate), by id. */
  readonly webhookSubscriptions = new Map<string, SimWebhookSubscription>();
  /** Every applied stock change, in order (tests count writes with it). */
  readonly inventoryLog: {
    itemId: string;
    locationId: string;
    before: number;
    after: number;
    idempotencyKey: string | null;
  }[] = [];
  private seq = 1_000_000;
  private orderNumber = 1000;

  constructor(
    readonly shop: string,
    readonly currency: string,
    private readonly clock: Clock,
  ) {}

  nextId(type: string): { id: string; legacyId: number } {
    this.seq += 1;
    return { id: `gid://shopify/${type}/${this.seq}`, legacyId: this.seq };
  }

  /** Shopify timestamps have one-second resolution. */
  stamp(): number {
    return Math.floor(this.clock.nowMs() / 1000) * 1000;
  }

  addLocation(name: string): SimLocation {
    const { id, legacyId } = this.nextId('Location');
    const loc = { id, legacyId, name };
    this.locations.set(id, loc);
    return loc;
  }

  addVariant(input: {
    sku: string | null;
    productTitle: string;
    title?: string;
    price: number;
    stock?: Record<string, number>;
  }): SimVariant {
    const product = this.nextId('Product');
    const variant = this.nextId('ProductVariant');
    const item = this.nextId('InventoryItem');
    const v: SimVariant = {
      id: variant.id,
      legacyId: variant.legacyId,
      productId: product.id,
      productTitle: input.productTitle,
      title: input.title ?? 'Default Title',
      sku: input.sku,
      inventoryItemId: item.id,
      price: input.price,
    };
    this.variants.set(v.id, v);
    this.variantsByItem.set(v.inventoryItemId, v);
    for (const [loc, qty] of Object.entries(input.stock ?? {})) this.levels.set(`${v.inventoryItemId}|${loc}`, qty);
    return v;
  }

  findVariantBySku(sku: string): SimVariant | undefined {
    for (const v of this.variants.values()) if (v.sku === sku) return v;
    return undefined;
  }

  fulfillmentOrdersOf(orderId: string): SimFulfillmentOrder[] {
    return [...this.fulfillmentOrders.values()].filter((f) => f.orderId === orderId);
  }
  fulfillmentsOf(orderId: string): SimFulfillment[] {
    return [...this.fulfillments.values()].filter((f) => f.orderId === orderId);
  }
  refundsOf(orderId: string): SimRefund[] {
    return [...this.refunds.values()].filter((r) => r.orderId === orderId);
  }

  defaultLocation(): SimLocation {
    const first = this.locations.values().next().value;
    return first ?? this.addLocation('Warehouse');
  }

  createOrder(input: OrderInput): SimOrder {
    const { id, legacyId } = this.nextId('Order');
    const now = this.stamp();
    this.orderNumber += 1;
    const lines: SimLine[] = input.lines.map((l) => {
      const v = l.variantId ? this.variants.get(l.variantId) : l.sku ? this.findVariantBySku(l.sku) : undefined;
      const li = this.nextId('LineItem');
      return {
        id: li.id,
        legacyId: li.legacyId,
        variantId: v?.id ?? null,
        productId: v?.productId ?? null,
        sku: v?.sku ?? l.sku ?? null,
        title: l.title ?? v?.productTitle ?? 'Custom item',
        variantTitle: v && v.title !== 'Default Title' ? v.title : null,
        quantity: l.quantity,
        currentQuantity: l.quantity,
        unitPrice: l.price ?? v?.price ?? 0,
        discountPerUnit: l.discountPerUnit ?? 0,
        discountCode: l.discountCode ?? null,
        taxPerUnit: l.taxPerUnit ?? 0,
        taxRate: l.taxRate ?? null,
        requiresShipping: l.requiresShipping ?? true,
      };
    });
    const customer = input.customer
      ? {
          ...this.nextId('Customer'),
          firstName: input.customer.firstName ?? null,
          lastName: input.customer.lastName ?? null,
          email: input.customer.email ?? null,
          phone: input.customer.phone ?? null,
        }
      : null;
    const pickup = input.pickupLocationId ?? null;
    const pos = input.posLocationId ?? null;
    const order: SimOrder = {
      id,
      legacyId,
      name: `#${this.orderNumber}`,
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
      cancelReason: null,
      currency: this.currency,
      presentment: input.presentment ?? null,
      financialStatus: input.financialStatus ?? 'PAID',
      sourceName: pos ? 'pos' : 'web',
      retailLocationId: pos,
      email: input.email ?? customer?.email ?? null,
      phone: input.phone ?? null,
      tags: input.tags ?? [],
      taxesIncluded: input.taxesIncluded ?? false,
      test: input.test ?? false,
      tip: input.tip ?? 0,
      customer,
      billingAddress: input.billingAddress ?? input.shippingAddress ?? null,
      shippingAddress: pickup || pos ? null : (input.shippingAddress ?? null),
      lines,
      shippingLines: input.shipping
        ? [
            {
              legacyId: this.nextId('ShippingLine').legacyId,
              title: input.shipping.title,
              code: input.shipping.code ?? null,
              price: input.shipping.price,
              isRemoved: false,
            },
          ]
        : [],
      transactions: [],
    };
    if (order.financialStatus === 'PAID') {
      order.transactions.push({
        ...this.nextId('OrderTransaction'),
        kind: 'SALE',
        gateway: 'bogus',
        amount: totals(order).total,
        parentId: null,
        createdAt: now,
      });
    }
    this.orders.set(id, order);
    const location = pickup ?? pos ?? this.defaultLocation().id;
    const fo: SimFulfillmentOrder = {
      id: this.nextId('FulfillmentOrder').id,
      orderId: id,
      status: 'OPEN',
      methodType: pickup ? 'PICK_UP' : pos ? 'RETAIL' : 'SHIPPING',
      locationId: location,
      preparedForPickup: false,
      maxDeliveryDateTime: input.maxDeliveryDateTime ?? null,
      lines: lines.map((l) => ({
        id: this.nextId('FulfillmentOrderLineItem').id,
        lineItemId: l.id,
        totalQuantity: l.quantity,
        remainingQuantity: l.quantity,
      })),
    };
    this.fulfillmentOrders.set(fo.id, fo);
    if (pos) {
      // A POS sale leaves the store with the buyer: fulfilled on the spot.
      this.fulfil(
        fo,
        fo.lines.map((l) => ({ id: l.id, quantity: l.remainingQuantity })),
        null,
      );
    }
    return order;
  }

  touch(order: SimOrder): void {
    order.updatedAt = this.stamp();
  }

  /** Applies a fulfilment to a fulfillment order; returns the fulfilment. */
  fulfil(
    fo: SimFulfillmentOrder,
    lines: { id: string; quantity: number }[],
    tracking: SimFulfillment['tracking'],
  ): SimFulfillment {
    const f = this.nextId('Fulfillment');
    const done: SimFulfillment = {
      id: f.id,
      legacyId: f.legacyId,
      orderId: fo.orderId,
      status: 'SUCCESS',
      locationId: fo.locationId,
      tracking,
      lines: [],
      createdAt: this.stamp(),
    };
    for (const l of lines) {
      const line = fo.lines.find((x) => x.id === l.id);
      if (!line) continue;
      line.remainingQuantity -= l.quantity;
      done.lines.push({ lineItemId: line.lineItemId, quantity: l.quantity });
    }
    fo.status = fo.lines.every((l) => l.remainingQuantity === 0) ? 'CLOSED' : 'IN_PROGRESS';
    this.fulfillments.set(done.id, done);
    const order = this.orders.get(fo.orderId);
    if (order) this.touch(order);
    return done;
  }

  /** Order edit: removes units of a line (current quantity goes down, the ordered quantity stays). */
  removeUnits(orderId: string, lineItemId: string, quantity: number): SimOrder {
    const order = this.mustOrder(orderId);
    const line = order.lines.find((l) => l.id === lineItemId);
    if (!line) throw new Error(`no line ${lineItemId}`);
    line.currentQuantity = Math.max(0, line.currentQuantity - quantity);
    for (const fo of this.fulfillmentOrdersOf(orderId)) {
      for (const l of fo.lines)
        if (l.lineItemId === lineItemId) l.remainingQuantity = Math.min(l.remainingQuantity, line.currentQuantity);
    }
    this.touch(order);
    return order;
  }

  updateOrder(orderId: string, patch: { tags?: string[]; financialStatus?: string; email?: string | null }): SimOrder {
    const order = this.mustOrder(orderId);
    if (patch.tags) order.tags = patch.tags;
    if (patch.financialStatus) order.financialStatus = patch.financialStatus;
    if (patch.email !== undefined) order.email = patch.email;
    this.touch(order);
    return order;
  }

  /** What a sale transaction can still give back: its amount less the refunds made against it. */
  refundable(order: SimOrder, sale: SimTransaction): number {
    const back = order.transactions
      .filter((t) => t.kind === 'REFUND' && t.parentId === sale.id)
      .reduce((s, t) => s + t.amount, 0);
    return sale.amount - back;
  }

  /** What refunding `quantity` units of a line gives back: the discounted price plus tax not included. */
  lineRefundAmount(order: SimOrder, line: SimLine, quantity: number): number {
    return (line.unitPrice - line.discountPerUnit + (order.taxesIncluded ? 0 : line.taxPerUnit)) * quantity;
  }

  /**
   * A merchant refund in the admin: the lines' price goes back through the sale, up to what it
   * can still give back.
   */
  refund(
    orderId: string,
    lines: { lineItemId: string; quantity: number; restockType: 'RETURN' | 'CANCEL' | 'NO_RESTOCK' }[],
    note: string | null = null,
  ): SimRefund {
    const order = this.mustOrder(orderId);
    let amount = 0;
    for (const l of lines) {
      const line = order.lines.find((x) => x.id === l.lineItemId);
      if (!line) throw new Error(`no line ${l.lineItemId}`);
      amount += this.lineRefundAmount(order, line, l.quantity);
    }
    const payments: { parentId: string; gateway: string; amount: number }[] = [];
    for (const sale of order.transactions.filter((t) => t.kind === 'SALE')) {
      const take = Math.min(amount, this.refundable(order, sale));
      if (take > 0) payments.push({ parentId: sale.id, gateway: sale.gateway, amount: take });
      amount -= take;
    }
    const refund = this.applyRefund(order, lines, note, payments);
    // The admin states the lines' value even when no payment gives it back (an unpaid order).
    if (payments.length === 0) refund.amount = refund.lines.reduce((s, l) => s + l.amount, 0);
    return refund;
  }

  /**
   * Records a refund: lines leave the order (current quantity), restocked where the input says
   * (else the order's first fulfillment location) unless NO_RESTOCK, and the money goes back as
   * refund transactions. Callers validate first (refundCreate answers userErrors).
   */
  applyRefund(
    order: SimOrder,
    lines: {
      lineItemId: string;
      quantity: number;
      restockType: 'RETURN' | 'CANCEL' | 'NO_RESTOCK';
      locationId?: string | null;
    }[],
    note: string | null,
    payments: { parentId: string; gateway: string; amount: number }[],
  ): SimRefund {
    const r = this.nextId('Refund');
    const refund: SimRefund = {
      id: r.id,
      legacyId: r.legacyId,
      orderId: order.id,
      createdAt: this.stamp(),
      note,
      lines: [],
      amount: 0,
      transactions: [],
    };
    for (const l of lines) {
      const line = order.lines.find((x) => x.id === l.lineItemId);
      if (!line) throw new Error(`no line ${l.lineItemId}`);
      const amount = this.lineRefundAmount(order, line, l.quantity);
      const location = l.locationId ?? this.fulfillmentOrdersOf(order.id)[0]?.locationId ?? null;
      refund.lines.push({
        lineItemId: l.lineItemId,
        quantity: l.quantity,
        restockType: l.restockType,
        locationId: l.restockType === 'NO_RESTOCK' ? null : location,
        amount,
      });
      line.currentQuantity = Math.max(0, line.currentQuantity - l.quantity);
      for (const fo of this.fulfillmentOrdersOf(order.id)) {
        for (const f of fo.lines)
          if (f.lineItemId === line.id) f.remainingQuantity = Math.min(f.remainingQuantity, line.currentQuantity);
      }
      if (l.restockType !== 'NO_RESTOCK' && line.variantId && location) {
        const v = this.variants.get(line.variantId);
        const key = v ? `${v.inventoryItemId}|${location}` : null;
        if (key && this.levels.has(key)) this.levels.set(key, (this.levels.get(key) ?? 0) + l.quantity);
      }
    }
    for (const p of payments) {
      const tx: SimTransaction = {
        ...this.nextId('OrderTransaction'),
        kind: 'REFUND',
        gateway: p.gateway,
        amount: p.amount,
        parentId: p.parentId,
        createdAt: refund.createdAt,
      };
      order.transactions.push(tx);
      refund.transactions.push(tx);
      refund.amount += p.amount;
    }
    const left = order.lines.reduce((s, l) => s + l.currentQuantity, 0);
    order.financialStatus = left === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    this.refunds.set(refund.id, refund);
    this.touch(order);
    return refund;
  }

  cancel(orderId: string, reason = 'CUSTOMER', restock = true): SimOrder {
    const order = this.mustOrder(orderId);
    const open = order.lines
      .filter((l) => l.currentQuantity > 0)
      .map((l) => ({
        lineItemId: l.id,
        quantity: l.currentQuantity,
        restockType: (restock ? 'CANCEL' : 'NO_RESTOCK') as 'CANCEL' | 'NO_RESTOCK',
      }));
    const wasPaid = order.financialStatus === 'PAID' || order.financialStatus === 'PARTIALLY_REFUNDED';
    if (open.length > 0 && wasPaid) this.refund(orderId, open, 'Order cancelled');
    order.cancelledAt = this.stamp();
    order.cancelReason = reason;
    if (!wasPaid) order.financialStatus = 'VOIDED';
    for (const fo of this.fulfillmentOrdersOf(orderId)) if (fo.status !== 'CLOSED') fo.status = 'CANCELLED';
    this.touch(order);
    return order;
  }

  mustOrder(orderId: string): SimOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`no order ${orderId}`);
    return o;
  }
}
